"""Evidence freshness (#19): the policy's states from dates at their boundaries, the
same answer in Python and SQL, the offering page and API, and the brokers' queue."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.freshness import (
    Freshness,
    claim_freshness,
    of_claim,
    with_freshness,
)
from catalog.models import (
    Claim,
    ClaimToReverify,
    ItemClaim,
    ItemClaimToReverify,
    OfferingDocument,
    OfferingStatus,
)
from tests.catalog.factories import (
    ClaimFactory,
    MeasureClaimFactory,
    OfferingDocumentFactory,
    OfferingFactory,
)
from tests.standards.factories import CapabilityFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 15, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)


def state(verified_at=None, stated_at=NOW, expires=None):
    return claim_freshness(
        verified_at=verified_at,
        stated_at=stated_at,
        evidence_expires_on=expires,
        now=NOW,
    )


def test_a_claim_verified_exactly_365_days_ago_is_still_fresh():
    assert state(verified_at=NOW - 365 * DAY) == Freshness.FRESH
    assert state(verified_at=NOW - 365 * DAY - SECOND) == Freshness.STALE


def test_an_unverified_claim_ages_from_when_it_was_stated():
    assert state(stated_at=NOW - 365 * DAY) == Freshness.FRESH
    assert state(stated_at=NOW - 366 * DAY) == Freshness.STALE
    # A recent verification of an old statement keeps it fresh.
    assert state(verified_at=NOW - DAY, stated_at=NOW - 900 * DAY) == Freshness.FRESH


def test_evidence_is_good_on_its_expiry_date_and_expired_the_day_after():
    today = timezone.localdate(NOW)
    assert state(expires=today) == Freshness.FRESH
    assert state(expires=today - DAY) == Freshness.EXPIRED
    assert state(stated_at=NOW - 900 * DAY, expires=today - DAY) == Freshness.EXPIRED


def test_the_policy_period_comes_from_settings(settings):
    settings.CLAIM_STALE_AFTER_DAYS = 30
    assert state(verified_at=NOW - 31 * DAY) == Freshness.STALE
    assert state(verified_at=NOW - 29 * DAY) == Freshness.FRESH


def dated_claims(cases: dict, make) -> dict[str, int]:
    """For each case ``name: (offering, verified_at, stated_at)``, a claim made by
    ``make(offering)`` with those dates written straight (``updated_at`` moves on
    every save); their primary keys by name."""
    claims = {}
    for name, (target, verified_at, stated_at) in cases.items():
        claim = make(target)
        type(claim).objects.filter(pk=claim.pk).update(
            verified=verified_at is not None,
            verified_at=verified_at,
            updated_at=stated_at,
        )
        claims[name] = claim.pk
    return claims


@pytest.fixture
def claims_of_every_age():
    """Claims on one published offering and one with expired evidence, their dates
    written straight (``updated_at`` moves on every save)."""
    now = timezone.now()
    offering = OfferingFactory()
    expired_offering = OfferingFactory(release=offering.release)
    OfferingDocumentFactory(
        offering=expired_offering,
        expires_on=timezone.localdate() - DAY,
    )
    cases = {
        "fresh-verified": (offering, now - 365 * DAY + 60 * SECOND, now - 900 * DAY),
        "stale-verified": (offering, now - 366 * DAY, now - 366 * DAY),
        "fresh-stated": (offering, None, now - 10 * DAY),
        "stale-stated": (offering, None, now - 400 * DAY),
        "expired": (expired_offering, now - DAY, now - DAY),
    }
    return dated_claims(
        cases,
        lambda target: ClaimFactory(offering=target, capability=CapabilityFactory()),
    )


def test_sql_and_python_agree(claims_of_every_age):
    expected = {
        "fresh-verified": Freshness.FRESH,
        "stale-verified": Freshness.STALE,
        "fresh-stated": Freshness.FRESH,
        "stale-stated": Freshness.STALE,
        "expired": Freshness.EXPIRED,
    }
    annotated = dict(with_freshness(Claim.objects.all()).values_list("pk", "freshness"))
    for name, pk in claims_of_every_age.items():
        claim = Claim.objects.get(pk=pk)
        expiry = (
            OfferingDocument.objects.filter(offering=claim.offering_id)
            .values_list("expires_on", flat=True)
            .first()
        )
        assert annotated[pk] == expected[name], name
        assert of_claim(claim, expiry) == expected[name], name


def test_the_offering_page_and_the_api_show_freshness(client, claims_of_every_age):
    stale = Claim.objects.select_related("offering", "capability").get(
        pk=claims_of_every_age["stale-stated"]
    )
    page = client.get(stale.offering.get_absolute_url()).content.decode()
    assert "more than 365 days" in page
    assert '<span class="usa-tag bg-gold text-ink">Stale</span>' in page
    assert '<span class="usa-tag bg-base-dark">Fresh</span>' in page
    rows = client.get(
        reverse("api:offering-claim-list", args=[stale.offering.slug])
    ).json()["results"]
    by_code = {row["capability"]: row for row in rows}
    assert by_code[stale.capability.code]["freshness"] == "stale"
    expired = Claim.objects.select_related("offering").get(
        pk=claims_of_every_age["expired"]
    )
    page = client.get(expired.offering.get_absolute_url()).content.decode()
    assert "Evidence expired</span>" in page
    assert '<span class="usa-tag bg-secondary-dark">Expired</span>' in page


def test_the_queue_lists_stale_and_expired_claims_and_reverifying_clears_them(
    client_for, broker, claims_of_every_age
):
    draft = OfferingFactory(status=OfferingStatus.DRAFT)
    old_draft_claim = ClaimFactory(offering=draft, capability=CapabilityFactory())
    Claim.objects.filter(pk=old_draft_claim.pk).update(
        updated_at=timezone.now() - 900 * DAY
    )
    url = reverse("admin:catalog_claimtoreverify_changelist")
    client = client_for(broker)
    response = client.get(url)
    assert response.status_code == 200
    listed = {claim.pk for claim in response.context["cl"].result_list}
    assert listed == {
        claims_of_every_age[name]
        for name in ("stale-verified", "stale-stated", "expired")
    }
    reverify_the_stale_ones(client, url, claims_of_every_age, ClaimToReverify)


def reverify_the_stale_ones(client, url: str, claims: dict, queue_model) -> None:
    """The queue filtered by "expired" shows the expired claim only; the action
    verifies the stale ones again, after which only the expired one is listed."""
    expired_only = client.get(url, {"freshness": "expired"}).context["cl"].result_list
    assert [c.pk for c in expired_only] == [claims["expired"]]
    stale = [claims["stale-verified"], claims["stale-stated"]]
    client.post(
        url, {"action": "reverify", "_selected_action": [str(pk) for pk in stale]}
    )
    assert not queue_model.objects.filter(pk__in=stale).filter(
        verified_at__lt=timezone.now() - DAY
    )
    listed = {c.pk for c in client.get(url).context["cl"].result_list}
    assert listed == {claims["expired"]}


def test_agencies_and_providers_cannot_open_the_queue(
    client_for, agency_user, provider_user
):
    url = reverse("admin:catalog_claimtoreverify_changelist")
    for user in (agency_user, provider_user):
        assert client_for(user).get(url).status_code == 302


@pytest.fixture
def measure_claims_of_every_age():
    """Claims on service measures: fresh, stale (stated and verified), expired, and
    an old one on a draft offering (never in the queue)."""
    now = timezone.now()
    offering = OfferingFactory()
    expired_offering = OfferingFactory(release=offering.release)
    OfferingDocumentFactory(
        offering=expired_offering, expires_on=timezone.localdate() - DAY
    )
    draft = OfferingFactory(status=OfferingStatus.DRAFT, release=offering.release)
    cases = {
        "fresh": (offering, None, now - 10 * DAY),
        "stale-verified": (offering, now - 366 * DAY, now - 366 * DAY),
        "stale-stated": (offering, None, now - 400 * DAY),
        "expired": (expired_offering, now - DAY, now - DAY),
        "draft": (draft, None, now - 900 * DAY),
    }
    return dated_claims(cases, lambda target: MeasureClaimFactory(offering=target))


def test_the_measure_exchange_and_report_queue_lists_and_reverifies_them(
    client_for, broker, measure_claims_of_every_age
):
    claims = measure_claims_of_every_age
    url = reverse("admin:catalog_itemclaimtoreverify_changelist")
    client = client_for(broker)
    response = client.get(url)
    assert response.status_code == 200
    listed = {claim.pk for claim in response.context["cl"].result_list}
    assert listed == {claims[n] for n in ("stale-verified", "stale-stated", "expired")}
    page = response.content.decode()
    measure = ItemClaim.objects.select_related("service_measure").get(
        pk=claims["stale-stated"]
    )
    assert str(measure.service_measure) in page
    reverify_the_stale_ones(client, url, claims, ItemClaimToReverify)
    # The capability queue is not where they show.
    capability_queue = reverse("admin:catalog_claimtoreverify_changelist")
    assert not client.get(capability_queue).context["cl"].result_list


def test_sql_and_python_agree_on_measure_claims(measure_claims_of_every_age):
    annotated = dict(
        with_freshness(ItemClaim.objects.all()).values_list("pk", "freshness")
    )
    for name, pk in measure_claims_of_every_age.items():
        claim = ItemClaim.objects.get(pk=pk)
        expiry = (
            OfferingDocument.objects.filter(offering=claim.offering_id)
            .values_list("expires_on", flat=True)
            .first()
        )
        assert annotated[pk] == of_claim(claim, expiry), name


def test_agencies_and_providers_cannot_open_the_measure_queue(
    client_for, agency_user, provider_user
):
    url = reverse("admin:catalog_itemclaimtoreverify_changelist")
    for user in (agency_user, provider_user):
        assert client_for(user).get(url).status_code == 302
