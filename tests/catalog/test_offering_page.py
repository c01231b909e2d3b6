"""The offering page at scale: the claims table is paged 50 rows at a time with the
page in the URL beside the function and level filters; coverage per function still
counts every claim; the page and the API's claims list run the same queries whatever
the number of claims."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import services
from catalog.models import Claim, ClaimLevel, claim_level_label
from catalog.selectors import (
    CLAIMS_PAGE_SIZE,
    LEVEL_ORDER,
    ClaimRows,
    offering_claims,
)
from marketplace.formats import display_date
from standards.models import Capability
from tests.catalog.catalog_world import make_offering, make_release
from tests.catalog.factories import write_claims

pytestmark = pytest.mark.django_db

LEVEL_CYCLE = [
    ClaimLevel.MEETS,
    ClaimLevel.CONFIGURABLE,
    ClaimLevel.MEETS,
    None,
    ClaimLevel.MEETS,
    ClaimLevel.EXTENSION,
    ClaimLevel.MEETS,
    ClaimLevel.DOES_NOT_MEET,
]


@pytest.fixture
def big():
    """A release of 3 functions x 84 capabilities (252) and an offering claiming
    seven in eight of them at a cycle of levels (half meets), plus a small offering
    of 3 claims."""
    release, caps = make_release(per_function=84)
    capabilities = sorted(
        (c for group in caps.values() for c in group), key=lambda c: c.code
    )
    offering = make_offering(release, name="Big Ledger", slug="big-ledger")
    claims = [
        services.ClaimInput(capability_id=capability.id, level=level)
        for n, capability in enumerate(capabilities)
        if (level := LEVEL_CYCLE[n % len(LEVEL_CYCLE)]) is not None
    ]
    write_claims(offering, claims)
    small = make_offering(
        release,
        levels=dict.fromkeys(capabilities[:3], ClaimLevel.MEETS),
        name="Small Ledger",
        slug="small-ledger",
    )
    return {"release": release, "offering": offering, "small": small}


def reference_rows(offering, function: str = "", level: str = "") -> list:
    """Every capability of the release in code order with the offering's claim or
    None, filtered as the page filtered it before it was paged."""
    claims = {c.capability_id: c for c in Claim.objects.filter(offering=offering)}
    rows = []
    for capability in Capability.objects.filter(
        release_id=offering.release_id
    ).order_by("code"):
        claim = claims.get(capability.id)
        if function and capability.function.code != function:
            continue
        if level == "unknown" and claim is not None:
            continue
        if level and level != "unknown" and (claim is None or claim.level != level):
            continue
        rows.append((capability.id, claim.pk if claim else None))
    return rows


def as_ids(rows) -> list:
    return [(capability.id, claim.pk if claim else None) for capability, claim in rows]


def table_codes(response) -> list[str]:
    body = response.content.decode()
    table = body.split('aria-labelledby="claims-heading"', 1)[1].split("</table>")[0]
    return re.findall(r'<th scope="row">([^<]+)</th>', table)


# Rows and coverage -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "level"),
    [
        ("", ""),
        ("FFM.030", ""),
        ("", ClaimLevel.MEETS),
        ("", "unknown"),
        ("FFM.090", ClaimLevel.EXTENSION),
        ("FFM.010", "unknown"),
    ],
)
def test_rows_are_the_filtered_capabilities_with_their_claims(big, function, level):
    rows = offering_claims(big["offering"], function=function, level=level).rows
    expected = reference_rows(big["offering"], function, level)
    assert len(rows) == len(expected)
    assert as_ids(rows) == expected
    assert as_ids(rows[5:12]) == expected[5:12]
    assert as_ids([rows[0], rows[-1]]) == [expected[0], expected[-1]]
    with pytest.raises(IndexError):
        rows[len(expected)]


def test_display_rows_say_what_the_claims_say(big):
    """The page's rows, prepared once by the selector (issue #20), print each
    capability's claim as the model rows do."""
    table = offering_claims(big["offering"])
    for row, (capability, claim) in zip(table.display_rows, table.rows, strict=True):
        assert (row["capability_id"], row["claim_id"]) == (
            capability.id,
            claim.pk if claim else None,
        )
        assert row["code"] == capability.code
        assert (
            row["function"] == f"{capability.function.code} {capability.function.name}"
        )
        assert row["level"] == claim_level_label(claim.level if claim else None)
        assert row["claimed"] == (claim is not None)
        if claim:
            assert row["evidence"] == claim.evidence
            assert row["evidence_url"] == claim.evidence_url
            assert row["verified"] == claim.verified
            assert row["roadmap_date"] == display_date(claim.roadmap_date)


def test_reading_every_row_is_one_query(big, django_assert_num_queries):
    rows = offering_claims(big["offering"]).rows
    with django_assert_num_queries(1):
        assert len(list(rows)) == 252
    assert isinstance(rows, ClaimRows)


def test_coverage_per_function_counts_every_claim(big):
    coverage = offering_claims(big["offering"], level=ClaimLevel.MEETS).coverage
    for row in coverage:
        claims = Claim.objects.filter(
            offering=big["offering"], capability__function__code=row.code
        )
        assert row.capability_count == 84
        assert row.levels == dict(Counter(claims.values_list("level", flat=True)))
        assert row.unknown == 84 - claims.count()
        assert [row.levels.get(level, 0) for level in LEVEL_ORDER] == row.level_counts


# The page -----------------------------------------------------------------------------


def test_the_first_page_shows_50_rows_and_links_to_the_others(client, big):
    response = client.get(big["offering"].get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    codes = table_codes(response)
    # The first screen is small (issue #20): a cold render is cheap.
    assert len(codes) == CLAIMS_PAGE_SIZE == 50
    assert codes == sorted(codes)
    assert "252 capabilities; showing 1 to 50." in body
    assert 'aria-label="Pages of claims"' in body
    assert 'href="?page=2#claims-heading"' in body
    assert 'href="?page=6#claims-heading"' in body
    # Coverage per function still counts all 252 capabilities.
    assert response.context["claims"].coverage[0].capability_count == 84
    assert "style=" not in body


def test_the_last_page_shows_the_rest(client, big):
    response = client.get(big["offering"].get_absolute_url(), {"page": 6})
    assert response.status_code == 200
    codes = table_codes(response)
    assert len(codes) == 2
    expected = [c.code for c in Capability.objects.order_by("code")][250:]
    assert codes == expected
    body = response.content.decode()
    assert "showing 251 to 252" in body
    assert 'href="?page=5#claims-heading"' in body


def test_filters_and_page_travel_together_in_the_url(client, big):
    url = big["offering"].get_absolute_url()
    response = client.get(url, {"level": "meets", "page": 1})
    body = response.content.decode()
    expected = reference_rows(big["offering"], level="meets")
    assert len(expected) == 126
    assert "126 capabilities match the filter; showing 1 to 50" in body
    assert len(table_codes(response)) == 50
    assert "Meets (out of the box)" in body and "Configurable</td>" not in body
    assert 'href="?level=meets&amp;page=2#claims-heading"' in body
    last = client.get(url, {"level": "meets", "page": 3})
    assert len(table_codes(last)) == 26
    assert "showing 101 to 126" in last.content.decode()
    response = client.get(url, {"function": "FFM.090", "level": "unknown"})
    assert len(table_codes(response)) == len(
        reference_rows(big["offering"], "FFM.090", "unknown")
    )
    assert 'aria-label="Pages of claims"' not in response.content.decode()


@pytest.mark.parametrize(
    ("page", "status", "marker"),
    [
        ("9", 404, 'id="claim-missing-page"'),
        ("0", 400, 'id="claim-page-error"'),
        ("two", 400, 'id="claim-page-error"'),
    ],
)
def test_a_bad_page_gets_a_clear_answer(client, big, page, status, marker):
    response = client.get(big["offering"].get_absolute_url(), {"page": page})
    assert response.status_code == status
    body = response.content.decode()
    assert marker in body
    assert 'aria-labelledby="claims-heading" aria-describedby' not in body
    if status == 404:
        assert "There is no page 9 of claims" in body
        assert 'href="?page=6#claims-heading"' in body


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_page_runs_the_same_queries_for_3_and_250_claims(client, big):
    counts = {
        _queries(client, big["small"].get_absolute_url(), {}),
        _queries(client, big["offering"].get_absolute_url(), {}),
        _queries(client, big["offering"].get_absolute_url(), {"page": 3}),
        _queries(
            client, big["offering"].get_absolute_url(), {"level": "meets", "page": 2}
        ),
    }
    # 5 for the page and its capability claims, 1 for the evidence documents, 2 for
    # the other kinds' sections (the release's item space, the offering's claims on
    # them).
    assert counts == {8}


def test_the_api_claims_list_reads_only_its_page(client, big):
    small_url = reverse("api:offering-claim-list", args=[big["small"].slug])
    big_url = reverse("api:offering-claim-list", args=[big["offering"].slug])
    assert _queries(client, small_url, {}) == _queries(client, big_url, {"page": 3})
    data = client.get(big_url, {"page": 2}).json()
    assert data["count"] == 252
    assert len(data["results"]) == 50
    expected_codes = [c.code for c in Capability.objects.order_by("code")][50:100]
    assert [row["capability"] for row in data["results"]] == expected_codes
