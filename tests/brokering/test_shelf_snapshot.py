"""The scoring shelf's packed snapshot (issue #20, catalog.shelf): one sequential read
per release and catalog version, brought up to date from the rows changed since, and
always equal to the rows it packs; scoring from it equals scoring from the rows."""

import numpy as np
import pytest

from brokering.models import NeedStatus
from brokering.scoring import inputs
from brokering.scoring.encodings import Shelf
from brokering.services import matches_refresh_for_need
from catalog import services
from catalog import shelf as shelf_store
from catalog.models import (
    Claim,
    ClaimLevel,
    Offering,
    OfferingStatus,
    ShelfSnapshot,
)
from catalog.pagecache import SCOPE
from catalog.services.claims import claims_verify
from catalog.vectors import VERIFIED_BIT, LevelsByItem
from marketplace import pagecache

pytestmark = pytest.mark.django_db


def _normalised(rows):
    """Vectors as ``bytes`` (the database gives memory views)."""
    return [
        (*row[:5], *(None if v is None else bytes(v) for v in row[5:7]), row[7])
        for row in rows
    ]


def _rows_now(release_id):
    return _normalised(
        shelf_store.published(release_id).values_list(*shelf_store.ROW_FIELDS)
    )


def test_pack_and_unpack_are_inverses(release, make_offering, capabilities):
    make_offering([(c, ClaimLevel.MEETS) for c in capabilities])
    make_offering([(capabilities[0], ClaimLevel.ROADMAP)], deployment_model="paas")
    make_offering([])
    rows = _rows_now(release.pk)
    assert shelf_store.unpack(shelf_store.pack(rows)) == rows
    # Vectors of unequal lengths (or missing) are kept whole, not by halves.
    odd = [
        (*rows[0][:5], b"\x05\x04\x03", b"", rows[0][7]),
        (*rows[1][:5], None, None, None),
    ]
    assert shelf_store.unpack(shelf_store.pack(odd)) == odd
    assert shelf_store.unpack(shelf_store.pack([])) == []
    # Roadmap pairs are stored in 16 bits when they fit, else as they are.
    pairs = np.array([[3, 739_000], [7, 739_000 + 65_535]], dtype="<i4").tobytes()
    far = np.array([[3, 739_000], [70_000, 800_000]], dtype="<i4").tobytes()
    for roadmap, narrow in ((pairs, True), (far, False)):
        dated = [(*rows[0][:6], roadmap, rows[0][7]), *rows[1:]]
        packed = shelf_store.pack(dated)
        assert (b"roadmap_days" in packed) == narrow
        assert shelf_store.unpack(packed) == dated


def test_the_snapshot_follows_every_change_of_the_shelf(
    settings, release, make_offering, capabilities
):
    settings.SCORING_SHELF_SNAPSHOT = True
    first = make_offering([(c, ClaimLevel.MEETS) for c in capabilities])
    second = make_offering([(c, ClaimLevel.EXTENSION) for c in capabilities])

    def check():
        version, rows = shelf_store.published_rows(release.pk)
        assert _normalised(rows) == _rows_now(release.pk)
        stored = ShelfSnapshot.objects.get(release=release)
        assert stored.version == version == pagecache.version(SCOPE)
        assert shelf_store.unpack(bytes(stored.data)) == _rows_now(release.pk)

    check()
    # A claim changes (the claims writer refreshes the vector and announces it).
    Claim.objects.filter(offering=first, capability=capabilities[0]).update(
        level=ClaimLevel.DOES_NOT_MEET
    )
    services.claims_changed(offering_ids=[first.pk])
    check()
    # An offering is published, another retired, a profile changes.
    third = make_offering([(capabilities[1], ClaimLevel.CONFIGURABLE)])
    services.claims_changed(offering_ids=[third.pk])
    Offering.objects.filter(pk=second.pk).update(status=OfferingStatus.RETIRED)
    services.claims_changed(offering_ids=[second.pk])
    check()
    Offering.objects.filter(pk=third.pk).update(deployment_model="paas")
    services.claims_changed(offering_ids=[third.pk])
    check()


def test_a_current_snapshot_is_one_read_and_only_changed_rows_are_read_again(
    settings, release, make_offering, capabilities, django_assert_num_queries
):
    settings.SCORING_SHELF_SNAPSHOT = True
    offerings = [
        make_offering([(c, ClaimLevel.MEETS) for c in capabilities]) for _ in range(4)
    ]
    shelf_store.published_rows(release.pk)
    # The version, the snapshot.
    with django_assert_num_queries(2):
        shelf_store.published_rows(release.pk)
    Claim.objects.filter(offering=offerings[2]).update(level=ClaimLevel.EXTENSION)
    services.claims_changed(offering_ids=[offerings[2].pk])
    # The version, the old snapshot, the keys, the one changed row, the release's
    # items (stored with the snapshot), the new snapshot.
    with django_assert_num_queries(6) as captured:
        _version, rows = shelf_store.published_rows(release.pk)
    changed = captured.captured_queries[3]["sql"]
    assert changed.endswith(
        f'"catalog_offering"."id" IN ({offerings[2].pk})) ORDER BY 1 ASC'
    )
    assert _normalised(rows) == _rows_now(release.pk)


def test_scoring_from_the_snapshot_equals_scoring_from_the_rows(
    settings, agency, release, make_offering, make_need, capabilities
):
    for levels in (ClaimLevel.MEETS, ClaimLevel.EXTENSION, ClaimLevel.ROADMAP):
        make_offering([(c, levels) for c in capabilities])
    need = make_need(agency, status=NeedStatus.ACTIVE)

    def ranked():
        scores = inputs.score_need_against_published(need.pk)
        inputs.forget_shelves()
        return [
            (s.result.offering, s.result.score, s.result.gaps, s.fingerprint)
            for s in scores
        ]

    from_rows = ranked()
    settings.SCORING_SHELF_SNAPSHOT = True
    assert ranked() == from_rows  # builds the snapshot
    assert ranked() == from_rows  # reads it


def _verified(offering, capabilities):
    claims_verify(claims=offering.claims.filter(capability__in=capabilities), by=None)
    return offering


def test_verified_claims_survive_the_snapshot(
    settings, agency, release, make_offering, make_need, capabilities
):
    """A verified claim's level code has its high bit set (catalog.vectors): it does
    not fit in half a byte, so such a shelf is kept whole, and a need counting
    verified claims only scores the same from the snapshot as from the rows."""
    first = make_offering([(c, ClaimLevel.MEETS) for c in capabilities])
    second = make_offering([(c, ClaimLevel.CONFIGURABLE) for c in capabilities])
    _verified(first, capabilities[:2])
    _verified(second, capabilities[1:3])
    services.claims_changed(offering_ids=[first.pk, second.pk])
    rows = _rows_now(release.pk)
    assert max(max(row[5]) for row in rows) >= 128  # verified codes are there
    assert shelf_store.unpack(shelf_store.pack(rows)) == rows
    need = make_need(agency, status=NeedStatus.ACTIVE, verified_claims_only=True)

    def ranked():
        scores = inputs.score_need_against_published(need.pk)
        inputs.forget_shelves()
        return [
            (s.result.offering, s.result.score, s.result.gaps, s.fingerprint)
            for s in scores
        ]

    from_rows = ranked()
    # Must 5, should 3, could 1, must 5: verified meets on the first two items
    # earn 8 of 14; verified configurable (90%) on the second and third, 4 of 14.
    assert [round(score, 2) for _o, score, _g, _f in from_rows] == [57.14, 25.71]
    settings.SCORING_SHELF_SNAPSHOT = True
    assert ranked() == from_rows  # builds the snapshot
    assert ranked() == from_rows  # reads it


def _same_shelf(one: Shelf, other: Shelf) -> None:
    assert np.array_equal(one.levels.matrix(), other.levels.matrix())
    for name in (
        "offering_ids",
        "roadmap_rows",
        "roadmap_positions",
        "roadmap_dates",
        "profile_of",
    ):
        assert np.array_equal(getattr(one, name), getattr(other, name)), name
    assert one.profiles == other.profiles
    assert [one.digest(row) for row in range(len(one))] == [
        other.digest(row) for row in range(len(other))
    ]


def test_a_shelf_from_the_snapshots_columns_equals_one_from_its_rows(
    release, make_offering, capabilities
):
    """Scoring reads a snapshot as arrays (Shelf.from_columns), never row by row:
    the same shelf, digests included, as from the rows."""
    make_offering([(c, ClaimLevel.MEETS) for c in capabilities])
    make_offering([(capabilities[0], ClaimLevel.ROADMAP)], deployment_model="paas")
    _verified(
        make_offering([(c, ClaimLevel.EXTENSION) for c in capabilities[1:]]),
        capabilities[2:],
    )
    make_offering([])
    rows = _rows_now(release.pk)
    width = len(rows[0][5])
    columns = shelf_store.unpack_columns(shelf_store.pack(rows))
    _same_shelf(
        Shelf.from_columns(columns, width),
        Shelf.from_rows([row[:-1] for row in rows], width),
    )
    # Vectors of unequal lengths, or missing, go through the rows.
    odd = [
        (*rows[0][:5], b"\x05\x04\x03", b"", rows[0][7]),
        (*rows[1][:5], None, None, None),
        *rows[2:],
    ]
    _same_shelf(
        Shelf.from_columns(shelf_store.unpack_columns(shelf_store.pack(odd)), width),
        Shelf.from_rows([row[:-1] for row in odd], width),
    )
    empty = shelf_store.unpack_columns(shelf_store.pack([]))
    _same_shelf(Shelf.from_columns(empty, width), Shelf.from_rows([], width))


def test_a_fresh_worker_scores_a_need_in_three_reads(
    settings,
    agency,
    release,
    make_offering,
    make_need,
    capabilities,
    django_assert_num_queries,
):
    """The snapshot stores the release's item IDs, so a need whose vector is
    current is scored from three reads: the need, the version, the snapshot."""
    settings.SCORING_SHELF_SNAPSHOT = True
    for levels in (ClaimLevel.MEETS, ClaimLevel.ROADMAP):
        make_offering([(c, levels) for c in capabilities])
    need = make_need(agency, status=NeedStatus.ACTIVE)
    matches_refresh_for_need(need_id=need.pk)  # stores the need's item vector
    first = [
        (s.result, s.fingerprint) for s in inputs.score_need_against_published(need.pk)
    ]
    inputs.forget_shelves()
    with django_assert_num_queries(3):
        scores = inputs.score_need_against_published(need.pk)
    assert not scores.rebuilt
    assert [(s.result, s.fingerprint) for s in scores] == first


def test_a_snapshot_of_an_older_layout_is_taken_again_from_the_rows(
    settings, release, make_offering, capabilities
):
    """A value written before the current layout (an npz archive) reads as no
    snapshot: the rows are read and the snapshot stored again."""
    settings.SCORING_SHELF_SNAPSHOT = True
    make_offering([(c, ClaimLevel.MEETS) for c in capabilities])
    shelf_store.published_columns(release.pk)
    ShelfSnapshot.objects.filter(release=release).update(data=b"PK\x03\x04older")
    _version, rows = shelf_store.published_rows(release.pk)
    assert _normalised(rows) == _rows_now(release.pk)
    stored = bytes(ShelfSnapshot.objects.get(release=release).data)
    assert stored.startswith(shelf_store.MAGIC)
    assert shelf_store.unpack(stored) == _rows_now(release.pk)


@pytest.mark.parametrize("offerings", [0, 1, 6, 7])
@pytest.mark.parametrize("verified", [False, True])
def test_levels_by_item_give_back_every_offerings_vector(offerings, verified):
    """The snapshot lays levels out by item (a need reads its items' rows only),
    two codes to a byte when none is a verified claim's: each item's row, each
    offering's vector and the whole matrix come back as they were, odd counts of
    offerings included."""
    rng = np.random.default_rng(offerings)
    matrix = rng.integers(0, 6, size=(offerings, 10), dtype=np.uint8)
    if verified and offerings:
        matrix[0, 3] |= VERIFIED_BIT
    for halves in (False, True):
        laid = LevelsByItem.from_matrix(matrix, halves=halves)
        assert laid.halves == (halves and not verified and offerings > 0)
        assert np.array_equal(laid.matrix(), matrix)
        positions = np.array([9, 0, 3, 3], dtype=np.int64)
        assert np.array_equal(laid.rows(positions), matrix[:, positions].T)
        nothing = np.zeros(0, dtype=np.int64)  # a need without items
        assert laid.rows(nothing).shape == (0, offerings)
        assert [laid.vector(row) for row in range(offerings)] == [
            row.tobytes() for row in matrix
        ]
