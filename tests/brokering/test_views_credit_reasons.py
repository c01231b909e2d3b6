"""Wherever a credit is shown (matrix, fit-gap report, match explanation) the page says
why a roadmap claim earns 0: its date falls after the need's go-live date (issue #14:
"Roadmap (0)" said nothing). Claim levels use the one vocabulary ("No claim")."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from brokering import services
from brokering.models import Match, MatchStatus, NeedStatus
from catalog.models import ClaimLevel
from catalog.services.claims import ClaimInput
from tests.catalog.factories import write_claims

pytestmark = pytest.mark.django_db

LATE = "On the roadmap — 2029-06-30, after go-live (0)"
EARLY = "On the roadmap — 2027-01-01, by go-live (0.25)"


@pytest.fixture
def roadmap_need(agency, make_need, make_offering, capabilities):
    # go-live 2028-01-01; cap 0 promised 2027-01-01 (credited), cap 1 2029-06-30 (0).
    offering = make_offering(
        [(capabilities[0], ClaimLevel.ROADMAP), (capabilities[2], ClaimLevel.MEETS)],
        name="Roadmap Ledger",
    )
    write_claims(
        offering,
        [
            ClaimInput(
                capability_id=capabilities[1].pk,
                level=ClaimLevel.ROADMAP,
                roadmap_date=datetime.date(2029, 6, 30),
            )
        ],
    )
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    match = Match.objects.get(need=need)
    services.match_decide(
        match_id=match.pk, status=MatchStatus.SHORTLISTED, note="", decided_by=None
    )
    return need, match


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" )", ")")


@pytest.mark.parametrize("page", ["need-matrix", "need-report"])
def test_matrix_and_fit_gap_say_why_a_roadmap_credit_is_zero(
    client_for, agency_user, roadmap_need, page
):
    need, _ = roadmap_need
    text = _text(
        client_for(agency_user).get(reverse(f"brokering:{page}", args=[need.pk])).text
    )
    if page == "need-report":  # the claim level and its credit sit in two columns
        assert "On the roadmap — 2029-06-30, after go-live 0 " in text
        assert "On the roadmap — 2027-01-01, by go-live 0.25 " in text
    else:
        assert LATE in text and EARLY in text
    assert "No claim" in text and "Unknown" not in text


def test_explanation_says_why_a_roadmap_credit_is_zero(
    client_for, agency_user, roadmap_need
):
    need, match = roadmap_need
    html = (
        client_for(agency_user)
        .get(reverse("brokering:match-detail", args=[need.pk, match.pk]))
        .text
    )
    text = _text(html)
    assert "On the roadmap — 2029-06-30, after go-live" in text
    assert "No claim" in text and "Unknown" not in text


def test_fit_gap_export_uses_the_one_vocabulary(client_for, agency_user, roadmap_need):
    need, _ = roadmap_need
    download = client_for(agency_user).get(
        reverse("brokering:need-report-download", args=[need.pk, "csv"])
    )
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [row["claim_level"] for row in rows] == [
        "On the roadmap",
        "On the roadmap",
        "Meets (out of the box)",
        "No claim",
    ]
