"""Build and read the compact claim encoding (:class:`catalog.models.ClaimVector`).

Encoding, per offering, against the item space of its release
(:func:`standards.items.release_items`: capabilities by code, then service measures,
information exchanges and pre-built reports; one position per item):

* ``levels``: ``uint8`` per item: 0 unknown (no claim), 1 does not meet,
  2 roadmap, 3 extension, 4 configurable, 5 meets - ordered by the credit they earn;
* ``roadmap``: ``int32`` pairs ``(index, date.toordinal())`` for roadmap claims, so
  that the scorer can compare each date with a need's go-live date.

Releases do not change once imported (a re-import that differs is refused), so the
index of an item within its release is stable.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from catalog.models import (
    ITEM_FIELD,
    Claim,
    ClaimLevel,
    ClaimVector,
    ItemClaim,
    Offering,
)
from standards.items import ItemKey, item_keys_in_order

UNKNOWN = 0
LEVEL_CODES: dict[str, int] = {
    ClaimLevel.DOES_NOT_MEET: 1,
    ClaimLevel.ROADMAP: 2,
    ClaimLevel.EXTENSION: 3,
    ClaimLevel.CONFIGURABLE: 4,
    ClaimLevel.MEETS: 5,
}
CODE_LEVELS: dict[int, str | None] = {
    UNKNOWN: None,
    **{code: level for level, code in LEVEL_CODES.items()},
}


def encode(
    item_index: dict[ItemKey, int],
    claims: Iterable[tuple[ItemKey, str, datetime.date | None]],
) -> tuple[bytes, bytes, int]:
    """Pack ``(item key, level, roadmap_date)`` rows into ``(levels, roadmap,
    count)``. Claims on items outside the index (another release) are ignored."""
    levels = np.zeros(len(item_index), dtype=np.uint8)
    roadmap: list[tuple[int, int]] = []
    count = 0
    for key, level, roadmap_date in claims:
        index = item_index.get(key)
        if index is None:
            continue
        levels[index] = LEVEL_CODES[level]
        count += 1
        if level == ClaimLevel.ROADMAP and roadmap_date is not None:
            roadmap.append((index, roadmap_date.toordinal()))
    packed_roadmap = np.array(sorted(roadmap), dtype="<i4").reshape(-1).tobytes()
    return levels.tobytes(), packed_roadmap, count


def decode_levels(levels: bytes) -> np.ndarray:
    return np.frombuffer(levels, dtype=np.uint8)


def decode_roadmap(roadmap: bytes) -> np.ndarray:
    """An ``(n, 2)`` array of ``(item index, date ordinal)``."""
    return np.frombuffer(roadmap, dtype="<i4").reshape(-1, 2)


def refresh_claim_vectors(*, offering_ids: Iterable[int]) -> int:
    """Rebuild the vectors of the given offerings from their claims.

    Runs a fixed number of queries per call (plus one per distinct release), so
    services call it once per change, with every offering the change touched.
    """
    offering_ids = sorted(set(offering_ids))
    if not offering_ids:
        return 0
    releases = dict(
        Offering.objects.filter(id__in=offering_ids).values_list("id", "release_id")
    )
    indexes = {
        release_id: {
            key: position for position, key in enumerate(item_keys_in_order(release_id))
        }
        for release_id in set(releases.values())
    }
    claims_by_offering: dict[int, list] = defaultdict(list)
    for offering_id, capability_id, level, roadmap_date in Claim.objects.filter(
        offering_id__in=releases
    ).values_list("offering_id", "capability_id", "level", "roadmap_date"):
        claims_by_offering[offering_id].append(
            (("capability", capability_id), level, roadmap_date)
        )
    for offering_id, kind, *item_ids, level, roadmap_date in ItemClaim.objects.filter(
        offering_id__in=releases
    ).values_list(
        "offering_id",
        "kind",
        *(f"{field}_id" for field in ITEM_FIELD.values()),
        "level",
        "roadmap_date",
    ):
        item_id = next(pk for pk in item_ids if pk is not None)
        claims_by_offering[offering_id].append(((kind, item_id), level, roadmap_date))
    vectors = []
    for offering_id, release_id in releases.items():
        index = indexes[release_id]
        levels, roadmap, count = encode(index, claims_by_offering[offering_id])
        vectors.append(
            ClaimVector(
                offering_id=offering_id,
                release_id=release_id,
                levels=levels,
                roadmap=roadmap,
                capability_count=len(index),
                claims_count=count,
            )
        )
    ClaimVector.objects.bulk_create(
        vectors,
        update_conflicts=True,
        unique_fields=["offering"],
        update_fields=[
            "release",
            "levels",
            "roadmap",
            "capability_count",
            "claims_count",
            "updated_at",
        ],
    )
    return len(vectors)
