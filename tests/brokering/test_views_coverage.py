"""The results and match pages show the capabilities each offering covers per function
(met out of the box or by configuration), not the function's score, as HTML text with a
decorative bar (issue #14: the old SVG drew the score, with 9-unit text labels)."""

import re

import pytest
from django.urls import reverse

from brokering import services
from brokering.models import Match, NeedStatus
from catalog.models import ClaimLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def half_covered(agency, make_need, make_offering, capabilities):
    # FFM.010: must configurable (covered) + should does-not-meet: 1 of 2 covered,
    # while its function score is (5 x 0.9 + 3 x 0) / 8 = 56.
    # FFM.020: could extension + must meets: 1 of 2 covered, score (0.5 + 5) / 6 = 92.
    offering = make_offering(
        [
            (capabilities[0], ClaimLevel.CONFIGURABLE),
            (capabilities[1], ClaimLevel.DOES_NOT_MEET),
            (capabilities[2], ClaimLevel.EXTENSION),
            (capabilities[3], ClaimLevel.MEETS),
        ],
        name="Half Ledger",
    )
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    return need, Match.objects.get(need=need, offering=offering)


def _cells(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_results_show_capabilities_covered_per_function(
    client_for, agency_user, half_covered
):
    need, _ = half_covered
    page = client_for(agency_user).get(
        reverse("brokering:need-results", args=[need.pk])
    )
    text = _cells(page.text)
    assert "Capabilities covered per function (met or configurable)" in text
    assert "FFM.010 1 of 2 (50%)" in text and "FFM.020 1 of 2 (50%)" in text
    assert "56%" not in text and "92%" not in text
    bars = re.findall(r"<svg[^>]*brokering-coverage__bar[^>]*>", page.text)
    assert len(bars) == 2 and all('aria-hidden="true"' in bar for bar in bars)
    assert "<text " not in page.text and "font-size" not in page.text


def test_match_page_names_coverage_and_score_apart(
    client_for, agency_user, half_covered
):
    need, match = half_covered
    page = client_for(agency_user).get(
        reverse("brokering:match-detail", args=[need.pk, match.pk])
    )
    text = _cells(page.text)
    assert "Per function: capabilities covered and score" in text
    assert "FFM.010 1 of 2 (50%) 56 of 100 0" in text
    assert "FFM.020 1 of 2 (50%) 92 of 100 0" in text
    assert "<text " not in page.text
