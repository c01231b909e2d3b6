"""Agencies' needs, scoring runs and explained matches through the brokering
services and selectors."""

import datetime

import pytest

from brokering.models import Need, NeedStatus, Priority, RunStatus, ScoringRun
from tests.api.world import build_api_world
from tests.brokering.factories import MatchFactory
from tests.catalog.factories import OfferingFactory

pytestmark = pytest.mark.django_db

NEW_NEED = {
    "title": "Core financial system FY2028",
    "go_live_date": "2028-10-01",
    "accepted_provider_kinds": ["federal"],
    "minimum_impact_level": "moderate",
    "functions": ["FFM.010"],
}


def test_an_agency_user_creates_a_need_with_its_functions(as_agency, personas):
    world = build_api_world(personas)
    response = as_agency.post("/api/v1/needs/", NEW_NEED)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["release"] == world.release.name
    assert body["agency"] == "DOE-X"
    items = as_agency.get(f"/api/v1/needs/{body['id']}/items/").json()["results"]
    assert {(i["capability"], i["priority"]) for i in items} == {
        (world.capability.code, "should"),
        (world.second_capability.code, "should"),
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"go_live_date": "1999-01-01"}, "go_live_date"),
        ({"go_live_date": "soon"}, "go_live_date"),
        ({"accepted_provider_kinds": ["alien"]}, "accepted_provider_kinds.0"),
        ({"minimum_impact_level": "extreme"}, "minimum_impact_level"),
        ({"functions": ["FFM.999"]}, "functions"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_need_fields_are_named_and_nothing_is_written(
    as_agency, personas, change, field
):
    build_api_world(personas)
    before = Need.objects.count()
    response = as_agency.post("/api/v1/needs/", {**NEW_NEED, **change})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert Need.objects.count() == before


def test_a_need_is_updated_in_part(as_agency, personas):
    world = build_api_world(personas)
    response = as_agency.patch(
        f"/api/v1/needs/{world.need.pk}/", {"go_live_date": "2029-01-15"}
    )
    assert response.status_code == 200
    world.need.refresh_from_db()
    assert world.need.go_live_date == datetime.date(2029, 1, 15)
    assert world.need.title == "Core FS replacement"
    assert not world.need.verified_claims_only
    response = as_agency.patch(
        f"/api/v1/needs/{world.need.pk}/", {"verified_claims_only": True}, format="json"
    )
    assert response.json()["verified_claims_only"] is True
    world.need.refresh_from_db()
    assert world.need.verified_claims_only
    assert world.need.go_live_date == datetime.date(2029, 1, 15)


def test_priorities_are_set_by_capability_code(as_agency, personas):
    world = build_api_world(personas)
    url = f"/api/v1/needs/{world.need.pk}/items/"
    response = as_agency.patch(
        url, {"priorities": {world.capability.code: "must"}}, format="json"
    )
    assert response.status_code == 200
    assert world.need.items.get(capability=world.capability).priority == Priority.MUST
    unknown = as_agency.patch(url, {"priorities": {"FFM.999.999.999": "must"}})
    assert unknown.status_code == 400
    assert list(unknown.json()["error"]["fields"]) == ["priorities"]
    wrong = as_agency.patch(url, {"priorities": {world.capability.code: "maybe"}})
    assert wrong.status_code == 400


def test_scoring_starts_a_run_and_archived_needs_are_not_scored(
    as_agency, personas, django_capture_on_commit_callbacks
):
    world = build_api_world(personas)
    with django_capture_on_commit_callbacks(execute=True):
        started = as_agency.post(f"/api/v1/needs/{world.need.pk}/score/")
    assert started.status_code == 202
    world.need.refresh_from_db()
    assert world.need.status == NeedStatus.ACTIVE
    run = ScoringRun.objects.get(pk=started.json()["id"])
    assert run.need_id == world.need.pk
    runs = as_agency.get(f"/api/v1/needs/{world.need.pk}/runs/").json()["results"]
    assert runs[0]["id"] == run.pk
    assert runs[0]["status"] in RunStatus.values
    archived = as_agency.post(f"/api/v1/needs/{world.need.pk}/archive/")
    assert archived.json()["status"] == "archived"
    refused = as_agency.post(f"/api/v1/needs/{world.need.pk}/score/")
    assert refused.status_code == 409
    changed = as_agency.patch(f"/api/v1/needs/{world.need.pk}/", {"title": "New"})
    assert changed.status_code == 409
    twice = as_agency.post(f"/api/v1/needs/{world.need.pk}/archive/")
    assert twice.status_code == 409


def test_matches_are_ranked_and_filtered(as_agency, personas):
    world = build_api_world(personas)
    better = OfferingFactory(
        provider=world.published.provider, release=world.release, slug="better"
    )
    MatchFactory(need=world.need, offering=better, score=90.0)
    ineligible = OfferingFactory(
        provider=world.published.provider, release=world.release, slug="ineligible"
    )
    MatchFactory(need=world.need, offering=ineligible, score=99.0, eligible=False)
    url = f"/api/v1/needs/{world.need.pk}/matches/"
    ranked = [m["offering"]["slug"] for m in as_agency.get(url).json()["results"]]
    assert ranked == ["better", world.published.slug, "ineligible"]
    eligible = as_agency.get(url, {"eligible": "true"}).json()["results"]
    assert [m["offering"]["slug"] for m in eligible] == ["better", world.published.slug]
    assert as_agency.get(url, {"status": "won"}).status_code == 400


def test_a_match_explains_its_score_line_by_line(as_agency, personas):
    world = build_api_world(personas)
    match = as_agency.get(
        f"/api/v1/needs/{world.need.pk}/matches/{world.match.pk}/"
    ).json()
    explanation = match["explanation"]
    lines = {line["capability"]: line for line in explanation["lines"]}
    assert lines[world.capability.code]["level"] == "meets"
    assert lines[world.capability.code]["credit"] == 1.0
    assert lines[world.second_capability.code]["level"] is None
    assert lines[world.second_capability.code]["credit"] == 0.0
    assert explanation["total_weight"] == 6
    assert explanation["score"] == 50.0


@pytest.mark.parametrize("count", [2, 20])
def test_the_match_list_runs_a_fixed_number_of_queries(
    as_agency, personas, django_assert_num_queries, count
):
    world = build_api_world(personas)
    for index in range(count):
        offering = OfferingFactory(
            provider=world.published.provider,
            release=world.release,
            slug=f"match-{count}-{index}",
        )
        MatchFactory(need=world.need, offering=offering)
    with django_assert_num_queries(4):
        response = as_agency.get(f"/api/v1/needs/{world.need.pk}/matches/")
    assert response.json()["count"] == count + 1
