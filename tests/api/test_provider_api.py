"""Providers' own offerings and claims through the workflow services."""

import pytest

from catalog.models import Claim, Offering, OfferingStatus
from tests.api.world import build_api_world

pytestmark = pytest.mark.django_db

NEW_OFFERING = {
    "name": "Ledger Cloud Payroll",
    "summary": "Payroll for small agencies.",
    "category": "core-fs-saas",
    "deployment_model": "saas",
    "fedramp_status": "in-process",
    "fedramp_impact": "moderate",
    "pricing_model": "subscription",
    "contract_vehicles": ["gsa-mas"],
    "customer_agencies": ["DOE-X"],
}


def test_a_provider_creates_a_draft_against_the_current_release(
    as_provider, personas, provider_user
):
    world = build_api_world(personas)
    response = as_provider.post("/api/v1/provider/offerings/", NEW_OFFERING)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["release"] == world.release.name
    assert body["contract_vehicles"] == ["gsa-mas"]
    offering = Offering.objects.get(slug=body["slug"])
    assert offering.provider == provider_user.provider
    assert offering.history.first().history_user == provider_user


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "gold-plated"}, "category"),
        ({"name": ""}, "name"),
        ({"contract_vehicles": ["no-such-vehicle"]}, "contract_vehicles"),
        ({"accessibility_report_date": "last spring"}, "accessibility_report_date"),
        ({"accessibility_report_date": "0001-01-01"}, "accessibility_report_date"),
        ({"accessibility_report_date": "9999-12-31"}, "accessibility_report_date"),
        ({"name": "Payroll\r\nBcc: x@example.com"}, "name"),
        ({"customer_agencies": ["DOE\nX"]}, "customer_agencies.0"),
        ({"customer_agencies": "DOE-X"}, "customer_agencies"),
    ],
)
def test_bad_offering_fields_are_named(as_provider, personas, change, field):
    build_api_world(personas)
    response = as_provider.post(
        "/api/v1/provider/offerings/", {**NEW_OFFERING, **change}
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_status_and_slug_are_not_the_providers_to_set(as_provider, personas):
    world = build_api_world(personas)
    response = as_provider.patch(
        f"/api/v1/provider/offerings/{world.draft.slug}/",
        {"status": "published", "slug": "mine", "summary": "Better."},
    )
    assert response.status_code == 200
    world.draft.refresh_from_db()
    assert world.draft.status == OfferingStatus.DRAFT
    assert world.draft.slug == "ledger-cloud-next"
    assert world.draft.summary == "Better."


def test_changing_a_published_offering_changes_its_revision(as_provider, personas):
    world = build_api_world(personas)
    response = as_provider.patch(
        f"/api/v1/provider/offerings/{world.published.slug}/", {"name": "Ledger 2"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["revision_of"] == world.published.slug
    assert body["name"] == "Ledger 2"
    world.published.refresh_from_db()
    assert world.published.name == "Ledger Cloud"
    assert world.published.status == OfferingStatus.PUBLISHED


def test_submit_then_withdraw_and_refusals_from_the_wrong_state(as_provider, personas):
    world = build_api_world(personas)
    url = f"/api/v1/provider/offerings/{world.draft.slug}"
    early = as_provider.post(f"{url}/withdraw/")
    assert early.status_code == 409
    assert "withdraw" in early.json()["error"]["message"]
    submitted = as_provider.post(f"{url}/submit/", {"comment": "Ready."})
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    again = as_provider.post(f"{url}/submit/")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    editing = as_provider.patch(f"{url}/", {"summary": "Too late."})
    assert editing.status_code == 409
    withdrawn = as_provider.post(f"{url}/withdraw/")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "draft"


def test_claims_are_stated_changed_and_removed(as_provider, personas):
    world = build_api_world(personas)
    url = f"/api/v1/provider/offerings/{world.draft.slug}/claims/"
    code = world.second_capability.code
    roadmap = as_provider.post(url, {"capability": code, "level": "roadmap"})
    assert roadmap.status_code == 400
    assert list(roadmap.json()["error"]["fields"]) == ["roadmap_date"]
    created = as_provider.post(
        url, {"capability": code, "level": "roadmap", "roadmap_date": "2027-03-31"}
    )
    assert created.status_code == 201
    assert created.json()["roadmap_date"] == "2027-03-31"
    changed = as_provider.put(f"{url}{code}/", {"level": "meets", "evidence": "Demo."})
    assert changed.status_code == 200
    claim = Claim.objects.get(offering=world.draft, capability__code=code)
    assert (claim.level, claim.roadmap_date, claim.evidence) == ("meets", None, "Demo.")
    assert as_provider.get(url).json()["count"] == 2
    assert as_provider.delete(f"{url}{code}/").status_code == 204
    assert not Claim.objects.filter(
        offering=world.draft, capability__code=code
    ).exists()
    assert as_provider.get(f"{url}{code}/").status_code == 404


def test_a_claim_on_a_capability_outside_the_release(as_provider, personas):
    world = build_api_world(personas)
    url = f"/api/v1/provider/offerings/{world.draft.slug}/claims/"
    response = as_provider.post(
        url, {"capability": "FFM.999.999.999", "level": "meets"}
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["capability"]
    assert as_provider.put(
        f"{url}FFM.999.999.999/", {"level": "meets"}
    ).status_code == (404)


def test_claims_of_a_submitted_offering_cannot_change(as_provider, personas):
    world = build_api_world(personas)
    as_provider.post(f"/api/v1/provider/offerings/{world.draft.slug}/submit/")
    response = as_provider.put(
        f"/api/v1/provider/offerings/{world.draft.slug}/claims/"
        f"{world.capability.code}/",
        {"level": "extension"},
    )
    assert response.status_code == 409
    assert world.draft.claims.get().level == "meets"
