"""Trust on the brokering pages (#19): the need option "count only verified
claims" from the form to the explanation, and each claim's freshness on the match
explanation, the matrix and the fit-gap report and its exports."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from brokering import services
from brokering.models import Match, NeedStatus
from catalog.models import Claim, ClaimLevel
from catalog.vectors import refresh_claim_vectors
from tests.catalog.factories import OfferingDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shortlisted(agency, agency_user, make_need, make_offering, capabilities):
    """A need with one shortlisted offering: its first claim verified recently, the
    second stated long ago and never verified (stale), the others fresh."""
    offering = make_offering(
        [(c, ClaimLevel.MEETS) for c in capabilities], name="Keel", slug="keel"
    )
    first, second = Claim.objects.filter(offering=offering).order_by("capability")[:2]
    Claim.objects.filter(pk=first.pk).update(verified=True, verified_at=timezone.now())
    Claim.objects.filter(pk=second.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=800)
    )
    refresh_claim_vectors(offering_ids=[offering.pk])
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    match = Match.objects.get(need=need, offering=offering)
    services.match_decide(
        match_id=match.pk, status="shortlisted", decided_by=agency_user
    )
    return need, match


def test_the_need_form_sets_the_option_and_the_explanation_says_so(
    shortlisted, client_for, agency_user
):
    need, match = shortlisted
    client = client_for(agency_user)
    data = {
        "title": need.title,
        "go_live_date": need.go_live_date.isoformat(),
        "verified_claims_only": "on",
    }
    client.post(reverse("brokering:need-edit", args=[need.pk]), data)
    need.refresh_from_db()
    assert need.verified_claims_only
    services.matches_refresh_for_need(need_id=need.pk)
    match.refresh_from_db()
    # One of four items verified: the first (a must, weight 5 of 14).
    assert match.score == pytest.approx(100 * 5 / 14)
    page = client.get(reverse("brokering:match-detail", args=[need.pk, match.pk]))
    text = page.content.decode()
    assert text.count("not verified, credited 0 (this need counts verified") == 3
    assert (
        "Verified claims only"
        in client.get(reverse("brokering:need-detail", args=[need.pk])).content.decode()
    )


def test_freshness_on_the_explanation_matrix_and_report(
    shortlisted, client_for, agency_user
):
    need, match = shortlisted
    client = client_for(agency_user)
    stale = '<span class="usa-tag bg-gold text-ink">Stale</span>'
    explanation = client.get(
        reverse("brokering:match-detail", args=[need.pk, match.pk])
    ).content.decode()
    assert explanation.count(stale) == 1
    assert explanation.count('<span class="usa-tag bg-base-dark">Fresh</span>') == 3
    matrix = client.get(reverse("brokering:need-matrix", args=[need.pk]))
    assert matrix.content.decode().count(stale) == 1
    report = client.get(reverse("brokering:need-report", args=[need.pk]))
    assert report.content.decode().count(stale) == 1
    OfferingDocumentFactory(
        offering=match.offering,
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    answer = client.get(
        reverse("brokering:need-report-download", args=[need.pk, "csv"])
    )
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert {row["freshness"] for row in rows} == {"expired"}
    assert {row["unverified_credited_zero"] for row in rows} == {"no"}
