"""The market picture at /catalog/coverage/ (#19): counts equal a direct count over
the claims, a fixed number of queries, charts with their tables and CSV files."""

import csv
import datetime
import io
import itertools

import numpy as np
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import shelf as catalog_shelf
from catalog.models import Claim, ClaimLevel, Offering, OfferingStatus
from catalog.selectors import coverage
from catalog.selectors.coverage import _market_coverage, market_coverage
from catalog.services import offerings_published
from catalog.services.claims import ClaimInput
from standards.models import ReleaseStatus
from tests.catalog.factories import ClaimFactory, OfferingFactory, write_claims
from tests.catalog.workflow_helpers import standards_tree
from tests.standards.factories import CapabilityFactory, ReleaseFactory

pytestmark = pytest.mark.django_db

LEVELS = [*ClaimLevel.values, None]


@pytest.fixture
def shelf():
    release, capabilities = standards_tree(functions=2, per_activity=3)
    other_release = ReleaseFactory(name="FY2098", status=ReleaseStatus.RETIRED)
    other_capabilities = [CapabilityFactory(release=other_release)]
    cycle = itertools.cycle(LEVELS)

    def add(count: int, status=OfferingStatus.PUBLISHED, target=release, caps=None):
        for _ in range(count):
            offering = OfferingFactory(release=target, status=status)
            for capability in caps or capabilities:
                level = next(cycle)
                if level:
                    ClaimFactory(
                        offering=offering,
                        capability=capability,
                        level=level,
                        roadmap_date=datetime.date(2027, 9, 30),
                    )

    add(3)
    add(1, status=OfferingStatus.DRAFT)
    add(1, target=other_release, caps=other_capabilities)
    return release, capabilities, add


def direct_counts(release) -> dict[str, list[int]]:
    published = OfferingStatus.PUBLISHED
    offerings = release.offerings.filter(status=published).count()
    counts = {}
    for capability in release.capabilities.all():
        levels = [
            c.level
            for c in Claim.objects.filter(
                capability=capability, offering__status=published
            )
        ]
        meets, configurable, extension = (
            levels.count(level)
            for level in (
                ClaimLevel.MEETS,
                ClaimLevel.CONFIGURABLE,
                ClaimLevel.EXTENSION,
            )
        )
        counts[capability.code] = [
            meets,
            configurable,
            extension,
            offerings - meets - configurable - extension,
        ]
    return counts


@pytest.mark.parametrize("block", [None, 2], ids=["one block", "blocks of 2"])
def test_coverage_counts_equal_a_direct_count_over_claims(shelf, monkeypatch, block):
    # Counted from the claim vectors, a block of offerings at a time.
    if block:
        monkeypatch.setattr("catalog.selectors.coverage.BLOCK", block)
    release, _capabilities, _add = shelf
    picture = market_coverage()
    assert picture.release == release
    assert picture.offering_count == 3
    assert {c.code: c.values for c in picture.capabilities} == direct_counts(release)
    assert {c.code for c in picture.unmet} == {
        code for code, values in direct_counts(release).items() if values[0] == 0
    }
    for function in picture.functions:
        assert function.values == [
            sum(c.values[i] for c in function.capabilities) for i in range(4)
        ]


def _queries(client) -> int:
    cache.clear()  # the picture is kept per catalog version: count its making
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("catalog:coverage")).status_code == 200
    return len(captured)


def test_the_page_runs_the_same_queries_for_3_and_12_offerings(
    client_for, agency_user, shelf
):
    """Signed in, so that the visitor page cache does not answer instead."""
    _release, _capabilities, add = shelf
    client = client_for(agency_user)
    _queries(client)  # settle the session
    few = _queries(client)
    add(9)
    assert _queries(client) == few


def test_the_page_draws_charts_with_tables_and_csv_links(client, shelf):
    page = client.get(reverse("catalog:coverage")).content.decode()
    assert 'role="img" aria-label="FFM.010 Function 1:' in page
    assert "Table: Offering-capability pairs per FIBF function" in page
    assert 'style="' not in page.split("<main", 1)[1]
    assert reverse("catalog:coverage-csv", args=["functions"]) in page
    assert "Capabilities no offering meets out of the box" in page


def test_the_csv_files_hold_the_tables(client, shelf):
    release, _capabilities, _add = shelf
    counts = direct_counts(release)
    answer = client.get(reverse("catalog:coverage-csv", args=["capabilities"]))
    assert answer["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "capability",
        "Capability",
        "Meet",
        "Configure",
        "Extend",
        "Lack",
    ]
    assert {row[0]: [int(v) for v in row[2:]] for row in rows[1:]} == counts
    one = client.get(
        reverse("catalog:coverage-csv", args=["capabilities"]), {"function": "FFM.020"}
    )
    codes = [row[0] for row in csv.reader(io.StringIO(one.content.decode("utf-8-sig")))]
    assert codes[1:] == sorted(c for c in counts if c.startswith("FFM.020"))
    functions = client.get(reverse("catalog:coverage-csv", args=["functions"]))
    assert b"FFM.010" in functions.content
    unmet = client.get(reverse("catalog:coverage-csv", args=["unmet"]))
    assert unmet.status_code == 200


@pytest.mark.parametrize(
    "url, params, status",
    [
        ("catalog:coverage", {"function": "FFM.999"}, 400),
        ("catalog:coverage", {"function": "x\x00"}, 400),
        ("catalog:coverage-csv", {"function": "FFM.999"}, 404),
    ],
)
def test_bad_input_gets_a_clear_answer(client, shelf, url, params, status):
    args = ["capabilities"] if url.endswith("csv") else []
    response = client.get(reverse(url, args=args), params)
    assert response.status_code == status


def test_an_unknown_table_is_404(client, shelf):
    response = client.get(reverse("catalog:coverage-csv", args=["secrets"]))
    assert response.status_code == 404


def test_without_a_current_release_the_page_says_so(client, db):
    response = client.get(reverse("catalog:coverage"))
    assert response.status_code == 200
    assert "No standards release is current yet" in response.content.decode()


def test_the_picture_is_made_once_per_change_of_the_catalog(
    shelf, django_assert_num_queries
):
    market_coverage()
    with django_assert_num_queries(1):  # the catalog's version; the rest is kept
        kept = market_coverage()
    assert kept.offering_count == 3
    release, capabilities, _add = shelf
    offering = OfferingFactory(release=release)
    ClaimFactory(offering=offering, capability=capabilities[0])
    offerings_published(offering_ids=[offering.pk])  # what publishing announces
    assert market_coverage().offering_count == 4


def test_the_page_charts_one_function_at_a_time_and_links_every_capability(
    client, shelf
):
    # The first function by default; every capability stays one CSV away.
    page = client.get(reverse("catalog:coverage")).content.decode()
    capabilities = page.split('id="capabilities"', 1)[1].split("</section>", 1)[0]
    assert "FFM.010.010.011" in capabilities
    assert "FFM.020.010.011" not in capabilities
    assert f'href="{reverse("catalog:coverage-csv", args=["capabilities"])}"' in page
    second = client.get(reverse("catalog:coverage"), {"function": "FFM.020"})
    assert "FFM.020.010.011" in second.content.decode().split('id="capabilities"')[1]


def test_the_counts_kept_between_changes_equal_a_direct_count(shelf, monkeypatch):
    """After a change only the offerings whose claim vector moved are read again:
    new offerings, changed claims and an offering no longer published all end up
    counted as a direct count over the claims says."""
    monkeypatch.setattr("catalog.selectors.coverage.BLOCK", 2)
    release, capabilities, add = shelf

    def counted():
        return {c.code: c.values for c in _market_coverage().capabilities}

    assert counted() == direct_counts(release)
    add(2)
    offering = release.offerings.filter(status=OfferingStatus.PUBLISHED).first()
    write_claims(
        offering,
        [ClaimInput(capability_id=capabilities[0].pk, level=ClaimLevel.MEETS)],
    )
    retired = release.offerings.filter(status=OfferingStatus.PUBLISHED).last()
    Offering.objects.filter(pk=retired.pk).update(status=OfferingStatus.RETIRED)
    assert counted() == direct_counts(release)
    assert _market_coverage().offering_count == 4


def kept_classes(release) -> np.ndarray:
    """The kept classes, pieces joined in order (every published offering's)."""
    kept = cache.get(coverage.KEPT_KEY.format(release=release.pk))
    pieces = [cache.get(key) for key in kept["pieces"]]
    return np.concatenate(pieces) if pieces else np.zeros((0, 0), dtype=np.uint8)


def assert_counted_and_kept_as_read_whole(release, columns: int) -> None:
    """The picture's counts equal a direct count, and its kept pieces joined equal
    the classes of the whole catalog read at once."""
    assert {c.code: c.values for c in _market_coverage().capabilities} == direct_counts(
        release
    )
    assert np.array_equal(kept_classes(release), classes_read_whole(release, columns))


def classes_read_whole(release, columns: int) -> np.ndarray:
    """What was kept whole before the pieces: every published offering's classes,
    read at once and packed in one array."""
    vectors = catalog_shelf.published(release.pk).values_list(
        "claim_vector__levels", flat=True
    )
    return coverage._pack(coverage._classes(list(vectors), columns))


@pytest.mark.parametrize("piece", [1, 2, 3, 2048])
def test_the_kept_pieces_hold_the_classes_read_whole(shelf, monkeypatch, piece):
    # Pieces of 1, 2, 3 or more offerings than there are, blocks of 2, through a
    # first count and changes (new offerings, changed claims, one retired, one
    # gone from the start): joined, the pieces equal the whole catalog's classes
    # packed at once, and the counts a direct count.
    monkeypatch.setattr("catalog.selectors.coverage.BLOCK", 2)
    monkeypatch.setattr("catalog.selectors.coverage.PIECE", piece)
    release, capabilities, add = shelf
    columns = len(capabilities)

    def counted():
        return {c.code: c.values for c in _market_coverage().capabilities}

    assert counted() == direct_counts(release)
    assert np.array_equal(kept_classes(release), classes_read_whole(release, columns))
    add(4)
    published = release.offerings.filter(status=OfferingStatus.PUBLISHED)
    write_claims(
        published.order_by("id")[1],
        [ClaimInput(capability_id=capabilities[0].pk, level=ClaimLevel.MEETS)],
    )
    for retired in (published.order_by("id").first(), published.order_by("id")[3]):
        Offering.objects.filter(pk=retired.pk).update(status=OfferingStatus.RETIRED)
    assert counted() == direct_counts(release)
    assert np.array_equal(kept_classes(release), classes_read_whole(release, columns))
    add(1)
    assert counted() == direct_counts(release)
    assert np.array_equal(kept_classes(release), classes_read_whole(release, columns))


def test_a_lost_piece_means_a_full_count_and_a_new_generation(shelf, monkeypatch):
    monkeypatch.setattr("catalog.selectors.coverage.PIECE", 1)
    release, _capabilities, add = shelf
    _market_coverage()
    first = cache.get(coverage.KEPT_KEY.format(release=release.pk))["pieces"]
    assert len(first) == 3
    add(1)
    _market_coverage()
    second = cache.get(coverage.KEPT_KEY.format(release=release.pk))["pieces"]
    assert len(second) == 4
    # The generation replaced is gone from the cache.
    assert all(cache.get(key) is None for key in first)
    cache.delete(second[2])
    add(1)
    assert_counted_and_kept_as_read_whole(release, len(_capabilities))


def test_unchanged_vectors_answer_the_kept_counts_without_their_pieces(shelf):
    # The pages' version moved but no vector did: no piece is read or written (the
    # cache may have let them all go); a change after that counts afresh.
    release, _capabilities, add = shelf
    _market_coverage()
    header = cache.get(coverage.KEPT_KEY.format(release=release.pk))
    cache.delete_many(header["pieces"])
    assert {c.code: c.values for c in _market_coverage().capabilities} == direct_counts(
        release
    )
    kept = cache.get(coverage.KEPT_KEY.format(release=release.pk))
    assert kept["pieces"] == header["pieces"]
    add(1)
    assert_counted_and_kept_as_read_whole(release, len(_capabilities))


def test_the_keys_read_as_text_equal_the_rows_read_one_by_one(shelf):
    # PostgreSQL sends each column as one text of numbers; elsewhere the ORM's rows
    # are read. Both give the same ids and stamps (an offering without a vector too).
    release, _capabilities, add = shelf
    add(1)
    OfferingFactory(release=release, status=OfferingStatus.PUBLISHED)  # no claims
    ids, stamps = coverage._keys(release.pk)
    expected_ids, expected_stamps = coverage._keys_of_rows(release.pk)
    assert ids.tolist() == expected_ids.tolist()
    assert stamps.tolist() == expected_stamps.tolist()
    assert len(ids) == 5 and ids.dtype == np.int64 and -1 in stamps.tolist()
    empty = ReleaseFactory(name="FY2097", status=ReleaseStatus.RETIRED)
    assert coverage._keys(empty.pk)[0].tolist() == []
