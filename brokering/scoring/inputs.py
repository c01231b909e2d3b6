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
from catalog.models import Offering, OfferingStatus
from standards.items import ItemRef, release_items

_NEED_FIELDS = (
    "id",
    "release_id",
    "go_live_date",
    "accepted_provider_kinds",
    "minimum_impact_level",
    "accepted_deployment_models",
    "updated_at",
)
_ITEM_FIELDS = (
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
_OFFERING_FIELDS = (
    "id",
    "release_id",
    "provider__kind",
    "deployment_model",
    "fedramp_impact",
    "claim_vector__levels",
    "claim_vector__roadmap",
)
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
    """``(key, code, function, priority, awaiting, kind)`` of an item row."""
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
    rows: list[Row], spaces: dict[int, list[ItemRef]] | None = None
) -> list[NeedInputs]:
    """One query: the items of the needs (``_NEED_FIELDS`` rows) with their codes,
    plus one per release whose item space is not in ``spaces``."""
    spaces = dict(spaces or {})
    for release_id in sorted({row["release_id"] for row in rows} - set(spaces)):
        spaces[release_id] = release_items(release_id, labels=False)
    by_key = {
        release_id: {ref.key: ref for ref in refs}
        for release_id, refs in spaces.items()
    }
    release_of = {row["id"]: row["release_id"] for row in rows}
    items: dict[int, list[tuple[Any, ...]]] = {row["id"]: [] for row in rows}
    for item in NeedItem.objects.filter(need_id__in=list(items)).values_list(
        *_ITEM_FIELDS
    ):
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
    """Every published offering of the release with its claim vector, by id."""
    return list(_published(release_id).values_list(*_OFFERING_FIELDS))


def _published(release_id: int) -> QuerySet[Offering]:
    return Offering.objects.filter(
        status=OfferingStatus.PUBLISHED, release_id=release_id
    ).order_by("id")


# What a shelf row depends on besides its vector's bytes: the vector's stamp
# (``ClaimVector.updated_at``, set by every write of the vector) stands for them.
_SHELF_KEY_FIELDS = (
    "id",
    "provider__kind",
    "deployment_model",
    "fedramp_impact",
    "claim_vector__updated_at",
)
_SHELVES_KEPT = 2


@dataclass
class _CachedShelf:
    width: int
    keys: list[tuple[Any, ...]]
    rows: list[tuple[Any, ...]]
    shelf: Shelf


# Shelves this process read, by (database, release), newest last.
_shelves: dict[tuple[str, int], _CachedShelf] = {}


def published_shelf(release_id: int, width: int) -> Shelf:
    """The release's published offerings with their vectors, as a :class:`Shelf`.

    A worker scores need after need against the same shelf, so the process keeps
    the last shelves it read. Before reusing one it reads every published
    offering's key (its id, profile and vector stamp: one query of small values,
    not the vectors); a shelf whose keys all match is current. Offerings whose key
    changed, or new ones, are read again (one more query) and the shelf rebuilt.
    The first read of a release is one query of every row with its vector.
    """
    cache_key = (connection.settings_dict["NAME"], release_id)
    cached = _shelves.pop(cache_key, None)
    if cached is None or cached.width != width:
        rows = list(
            _published(release_id).values_list(*_OFFERING_FIELDS, _SHELF_KEY_FIELDS[-1])
        )
    else:
        keys = list(_published(release_id).values_list(*_SHELF_KEY_FIELDS))
        if keys == cached.keys:
            _shelves[cache_key] = cached
            return cached.shelf
        known = dict(zip(cached.keys, cached.rows, strict=True))
        fresh = {
            row[0]: row
            for row in _published(release_id)
            .filter(pk__in=[key[0] for key in keys if key not in known])
            .values_list(*_OFFERING_FIELDS, _SHELF_KEY_FIELDS[-1])
        }
        rows = []
        for key in keys:
            row = known.get(key) or fresh.get(key[0])
            if row is not None:
                rows.append(row)
    shelf = Shelf.from_rows([row[:-1] for row in rows], width)
    _shelves[cache_key] = _CachedShelf(
        width, [(row[0], row[2], row[3], row[4], row[-1]) for row in rows], rows, shelf
    )
    while len(_shelves) > _SHELVES_KEPT:
        _shelves.pop(next(iter(_shelves)))
    return shelf


def forget_shelves() -> None:
    """Drop the shelves this process keeps (tests start from a cold process)."""
    _shelves.clear()


def score_need_against_published(need_id: int) -> NeedScores:
    """One need against every published offering of its release, ranked.

    Three queries: the need with its item vector, the release's item space, the
    offerings with their claim vectors (or their keys only, when this process read
    them before: :func:`published_shelf`). A need whose vector is missing or older
    than the need is read from its items instead (one more query), and ``rebuilt``
    says so. An unknown need scores against nothing.
    """
    rows = list(Need.objects.filter(pk=need_id).values(*_NEED_FIELDS, *_VECTOR_FIELDS))
    if not rows:
        nothing = NeedSpec(go_live=datetime.date.min, items=())
        return NeedScores(
            NeedInputs(need_id, 0, nothing, ()).encode(()), Shelf.from_rows([], 0)
        )
    row = rows[0]
    space = release_items(row["release_id"], labels=False)
    order, codes = [ref.key for ref in space], [ref.code for ref in space]
    shelf = published_shelf(row["release_id"], len(codes))
    if vector_is_current(row):
        return NeedScores(code_from_vector(row), shelf, release_codes=codes)
    (inputs,) = _with_items(rows, {row["release_id"]: space})
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
