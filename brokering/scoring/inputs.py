"""Reading the scorer's inputs, in a fixed number of queries whatever the number of
offerings or needs, and handing them to the pure computation
(:mod:`brokering.scoring.compute`).

* :func:`score_need_against_published`: one need against every published offering
  of its release;
* :func:`score_offering_against_active_needs`: one offering against every active need
  of its release.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from brokering.models import Need, NeedItem, NeedStatus
from brokering.scoring.compute import NeedScores, OfferingScores
from brokering.scoring.encodings import (
    NeedInputs,
    Row,
    Shelf,
    code_from_vector,
    need_spec,
    vector_is_current,
)
from brokering.scoring.formula import NeedSpec
from catalog import shelf as shelf_store
from catalog.models import Offering, OfferingStatus
from catalog.pagecache import SCOPE as CATALOG_SCOPE
from marketplace import pagecache
from standards.items import ItemRef, release_items

_NEED_FIELDS = (
    "id",
    "release_id",
    "go_live_date",
    "accepted_provider_kinds",
    "minimum_impact_level",
    "accepted_deployment_models",
    "verified_claims_only",
    "updated_at",
)
# A need item as the scorer reads it (a need's pages read more after these).
ITEM_FIELDS = (
    "need_id",
    "kind",
    "capability_id",
    "service_measure_id",
    "exchange_id",
    "report_id",
    "capability__code",
    "capability__function__code",
    "code",
    "function__code",
    "priority",
    "target",
)
# A shelf row (catalog.shelf.ROW_FIELDS): the offering's id, release, profile and
# claim vector, and the vector's stamp last.
_SHELF_FIELDS = shelf_store.ROW_FIELDS
_OFFERING_FIELDS = _SHELF_FIELDS[:-1]
_VECTOR_FIELDS = (
    "vector__positions",
    "vector__weights",
    "vector__function_index",
    "vector__functions",
    "vector__digest",
    "vector__need_updated_at",
)


def load_needs(
    needs_query: QuerySet[Need], spaces: dict[int, list[ItemRef]] | None = None
) -> list[NeedInputs]:
    """Two queries, plus one per release not in ``spaces`` (release id -> its
    :func:`~standards.items.release_items`): the needs, then all their items."""
    return _with_items(list(needs_query.values(*_NEED_FIELDS)), spaces)


def need_inputs(
    need: Need,
    spaces: dict[int, list[ItemRef]],
    item_rows: list[tuple[Any, ...]] | None = None,
) -> NeedInputs:
    """:func:`load_needs` of one need already read (a page's): its items' query
    only, or none when the page has read its items (``item_rows``: ``ITEM_FIELDS``
    first, in the model's order)."""
    (inputs,) = _with_items(
        [{field: getattr(need, field) for field in _NEED_FIELDS}], spaces, item_rows
    )
    return inputs


def awaits_answer(kind: str, target: str, ref: ItemRef | None) -> bool:
    """An item the catalog cannot answer: an agency-specific requirement, or a
    service measure whose target the agency sets (Treasury leaves it to the
    customer) or changes. Such items wait for the provider's answer and stay out of
    the catalog score's sums."""
    if kind == "agency":
        return True
    if kind != "measure" or ref is None:
        return False
    asked = target.strip()
    return ref.target_is_customers or (bool(asked) and asked != ref.target.strip())


def _item_tuple(row: tuple[Any, ...], space: dict[Any, ItemRef]) -> tuple[Any, ...]:
    """``(key, code, function, priority, awaiting, kind)`` of an item row
    (``ITEM_FIELDS``, then whatever else a page read)."""
    (
        _need_id,
        kind,
        capability_id,
        measure_id,
        exchange_id,
        report_id,
        capability_code,
        capability_function,
        own_code,
        own_function,
        priority,
        target,
        *_page_fields,
    ) = row
    if kind == "agency":
        return (None, own_code, own_function or "", priority, True, kind)
    key = (kind, capability_id or measure_id or exchange_id or report_id)
    ref = space.get(key)
    if kind == "capability":
        code, function = capability_code, capability_function
    else:
        code = ref.code if ref else f"{kind}:{key[1]}"
        function = ref.function if ref else ""
    return (key, code, function, priority, awaits_answer(kind, target, ref), kind)


def _with_items(
    rows: list[Row],
    spaces: dict[int, list[ItemRef]] | None = None,
    item_rows: list[tuple[Any, ...]] | None = None,
) -> list[NeedInputs]:
    """One query: the items of the needs (``_NEED_FIELDS`` rows) with their codes
    (none when ``item_rows`` are given), plus one per release whose item space is
    not in ``spaces``."""
    spaces = dict(spaces or {})
    for release_id in sorted({row["release_id"] for row in rows} - set(spaces)):
        spaces[release_id] = release_items(release_id, labels=False)
    by_key = {
        release_id: {ref.key: ref for ref in refs}
        for release_id, refs in spaces.items()
    }
    release_of = {row["id"]: row["release_id"] for row in rows}
    items: dict[int, list[tuple[Any, ...]]] = {row["id"]: [] for row in rows}
    if item_rows is None:
        item_rows = list(
            NeedItem.objects.filter(need_id__in=list(items)).values_list(*ITEM_FIELDS)
        )
    for item in item_rows:
        need_id = item[0]
        items[need_id].append(_item_tuple(item, by_key[release_of[need_id]]))
    loaded = []
    for row in rows:
        spec, keys = need_spec(row, items[row["id"]])
        loaded.append(
            NeedInputs(row["id"], row["release_id"], spec, keys, row["updated_at"])
        )
    return loaded


def shelf_rows(release_id: int) -> list[tuple[Any, ...]]:
    """Every published offering of the release with its claim vector, by id, read
    row by row (the bench's baseline; scoring reads :func:`published_shelf`)."""
    return list(shelf_store.published(release_id).values_list(*_OFFERING_FIELDS))


_SHELVES_KEPT = 2


@dataclass
class _CachedShelf:
    width: int
    version: int | None  # the catalog version it is of (snapshot mode)
    keys: list[tuple[Any, ...]]  # of its rows (row mode)
    rows: list[tuple[Any, ...]]  # row mode
    shelf: Shelf
    codes: list[str] | None = None  # the release's item IDs (snapshot mode)


# Shelves this process read, by (database, release), newest last.
_shelves: dict[tuple[str, int], _CachedShelf] = {}


def published_shelf(release_id: int, width: int) -> Shelf:
    """The release's published offerings with their vectors, as a :class:`Shelf`.

    A worker scores need after need against the same shelf, so the process keeps
    the last shelves it read. With ``SCORING_SHELF_SNAPSHOT`` (production), a kept
    shelf of the current catalog version is used as it is (one query: the
    version), and a fresh worker reads the release's packed snapshot in one
    sequential read and turns it into the shelf's arrays without a Python object
    per offering (:func:`catalog.shelf.published_columns`, which brings the
    snapshot up to date when the catalog changed). Without it (the tests, which
    change rows directly), every published offering's key is read (its id,
    profile and vector stamp: small values, not the vectors) and only the rows
    whose key changed are read again (:func:`catalog.shelf.rows_since`).
    """
    return _kept_shelf(release_id, width).shelf


def _kept_shelf(release_id: int, width: int | None) -> _CachedShelf:
    """:func:`published_shelf` with what the process keeps beside it; ``width``
    None (snapshot mode only): the number of the release's items the snapshot
    stores."""
    cache_key = (connection.settings_dict["NAME"], release_id)
    cached = _shelves.pop(cache_key, None)
    if cached is not None and width is not None and cached.width != width:
        cached = None
    if settings.SCORING_SHELF_SNAPSHOT:
        if cached is None or cached.version != pagecache.version(CATALOG_SCOPE):
            version, columns = shelf_store.published_columns(release_id)
            codes = columns.codes
            if width is None:
                if codes is None:
                    codes = [r.code for r in release_items(release_id, labels=False)]
                width = len(codes)
            elif codes is not None and len(codes) != width:
                codes = None
            shelf = Shelf.from_columns(columns, width)
            cached = _CachedShelf(width, version, [], [], shelf, codes)
    else:
        if width is None:
            width = len(release_items(release_id, labels=False))
        if cached is None:
            rows = list(shelf_store.published(release_id).values_list(*_SHELF_FIELDS))
        else:
            rows = shelf_store.rows_since(release_id, cached.rows)
        keys = [shelf_store.key_of(row) for row in rows]
        if cached is None or keys != cached.keys:
            shelf = Shelf.from_rows([row[:-1] for row in rows], width)
        else:
            shelf = cached.shelf
        cached = _CachedShelf(width, None, keys, rows, shelf)
    _shelves[cache_key] = cached
    while len(_shelves) > _SHELVES_KEPT:
        _shelves.pop(next(iter(_shelves)))
    return cached


def forget_shelves() -> None:
    """Drop the shelves this process keeps (tests start from a cold process)."""
    _shelves.clear()


def score_need_against_published(need_id: int) -> NeedScores:
    """One need against every published offering of its release, ranked.

    Three queries: the need with its item vector, the release's item space, the
    offerings with their claim vectors (or their keys only, when this process read
    them before: :func:`published_shelf`). With ``SCORING_SHELF_SNAPSHOT``, a need
    whose vector is current takes the release's item IDs from the snapshot, which
    stores them (a release does not change once imported), and the item space is
    not read. A need whose vector is missing or older than the need is read from
    its items instead (one more query), and ``rebuilt`` says so. An unknown need
    scores against nothing.
    """
    rows = list(Need.objects.filter(pk=need_id).values(*_NEED_FIELDS, *_VECTOR_FIELDS))
    if not rows:
        nothing = NeedSpec(go_live=datetime.date.min, items=())
        return NeedScores(
            NeedInputs(need_id, 0, nothing, ()).encode(()), Shelf.from_rows([], 0)
        )
    row = rows[0]
    release_id = row["release_id"]
    if settings.SCORING_SHELF_SNAPSHOT and vector_is_current(row):
        kept = _kept_shelf(release_id, None)
        if kept.codes is not None:
            return NeedScores(
                code_from_vector(row), kept.shelf, release_codes=kept.codes
            )
    space = release_items(release_id, labels=False)
    order, codes = [ref.key for ref in space], [ref.code for ref in space]
    shelf = published_shelf(release_id, len(codes))
    if vector_is_current(row):
        return NeedScores(code_from_vector(row), shelf, release_codes=codes)
    (inputs,) = _with_items(rows, {release_id: space})
    return NeedScores(inputs.encode(order), shelf, rebuilt=True)


# --- one offering against the active needs -----------------------------------------


def release_item_order(
    release_id: int,
) -> tuple[list[tuple[str, int]], list[str], list[ItemRef]]:
    """One query: the release's item keys and IDs in vector order, and the items."""
    space = release_items(release_id, labels=False)
    return [ref.key for ref in space], [ref.code for ref in space], space


def score_offering_against_active_needs(
    offering_id: int, *, lock_needs: bool = False
) -> OfferingScores:
    """One offering against every active need of its release, from the needs' item
    vectors.

    Three queries: the offering with its vector, the active needs with their item
    vectors (``lock_needs``: locked for update, in id order, as the services do
    before writing), the release's item space. Needs whose vector is missing or
    older than the need are encoded from their items (two more queries) and
    returned in ``rebuilt``. An offering that is not published scores against
    nothing.
    """
    rows = list(
        Offering.objects.filter(pk=offering_id).values_list(*_OFFERING_FIELDS, "status")
    )
    if not rows or rows[0][-1] != OfferingStatus.PUBLISHED:
        return OfferingScores(
            offering_id=offering_id,
            release_id=rows[0][1] if rows else None,
            published=False,
            needs=[],
            codes=[],
            width=0,
            row=None,
            rebuilt={},
        )
    row = rows[0][:-1]
    release_id = row[1]
    active = Need.objects.filter(status=NeedStatus.ACTIVE, release_id=release_id)
    if lock_needs:
        active = active.select_for_update(of=("self",))
    needs = list(
        active.order_by("id").values(*_NEED_FIELDS, "offerings_scored", *_VECTOR_FIELDS)
    )
    order, codes, space = release_item_order(release_id)
    stale = [need["id"] for need in needs if not vector_is_current(need)]
    rebuilt = {}
    if stale:
        rebuilt = {
            inputs.need_id: inputs.encode(order)
            for inputs in load_needs(
                Need.objects.filter(pk__in=stale), {release_id: space}
            )
        }
    return OfferingScores(
        offering_id=offering_id,
        release_id=release_id,
        published=True,
        needs=needs,
        codes=codes,
        width=len(codes),
        row=row,
        rebuilt=rebuilt,
    )
