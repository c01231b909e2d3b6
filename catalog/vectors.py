"""Build and read the compact claim encoding (:class:`catalog.models.ClaimVector`).

Encoding, per offering, against the item space of its release
(:func:`standards.items.release_items`: capabilities by code, then service measures,
information exchanges and pre-built reports; one position per item):

* ``levels``: ``uint8`` per item: 0 unknown (no claim), 1 does not meet,
  2 roadmap, 3 extension, 4 configurable, 5 meets - ordered by the credit they earn -
  plus :data:`VERIFIED_BIT` (128) when a broker verified the claim (read the level
  with :data:`LEVEL_MASK`), so that a need counting verified claims only is scored
  from the vector too;
* ``roadmap``: ``int32`` pairs ``(index, date.toordinal())`` for roadmap claims, so
  that the scorer can compare each date with a need's go-live date.

Releases do not change once imported (a re-import that differs is refused), so the
index of an item within its release is stable.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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
VERIFIED_BIT = 0x80
LEVEL_MASK = 0x7F
CODE_LEVELS: dict[int, str | None] = {
    UNKNOWN: None,
    **{code: level for level, code in LEVEL_CODES.items()},
}


def encode(
    item_index: dict[ItemKey, int],
    claims: Iterable[tuple[Any, ...]],
) -> tuple[bytes, bytes, int]:
    """Pack ``(item key, level, roadmap_date[, verified])`` rows into ``(levels,
    roadmap, count)`` (no ``verified``: not verified). Claims on items outside the
    index (another release) are ignored."""
    levels = np.zeros(len(item_index), dtype=np.uint8)
    roadmap: list[tuple[int, int]] = []
    count = 0
    for key, level, roadmap_date, *verified in claims:
        index = item_index.get(key)
        if index is None:
            continue
        levels[index] = LEVEL_CODES[level] | (VERIFIED_BIT if any(verified) else 0)
        count += 1
        if level == ClaimLevel.ROADMAP and roadmap_date is not None:
            roadmap.append((index, roadmap_date.toordinal()))
    packed_roadmap = np.array(sorted(roadmap), dtype="<i4").reshape(-1).tobytes()
    return levels.tobytes(), packed_roadmap, count


def decode_levels(levels: bytes) -> np.ndarray:
    return np.frombuffer(levels, dtype=np.uint8)


def decode_roadmap(roadmap: bytes | np.ndarray) -> np.ndarray:
    """An ``(n, 2)`` array of ``(item index, date ordinal)``."""
    return np.frombuffer(roadmap, dtype="<i4").reshape(-1, 2)


# Level codes that fit in half a byte: a verified claim's code (VERIFIED_BIT, 128 and
# up) does not, and levels holding one keep whole bytes.
HALF_BYTE = 16


@dataclass(frozen=True)
class LevelsByItem:
    """The level vectors of a shelf's offerings (all of one width) laid out by item:
    a row per item of the release, a column per offering, so that a need's items are
    whole rows (:meth:`rows`) and nothing else is read. With ``halves``, two
    offerings' codes share a byte (high half first) and a row holds
    ``ceil(offerings / 2)`` bytes."""

    data: np.ndarray  # uint8 (items x offerings), or (items x bytes) with halves
    offerings: int
    halves: bool

    @classmethod
    def from_matrix(cls, matrix: np.ndarray, *, halves: bool) -> "LevelsByItem":
        """From an (offerings x items) matrix of codes; two to a byte when
        ``halves`` is asked for and every code is below :data:`HALF_BYTE`."""
        offerings = matrix.shape[0]
        if not (halves and offerings and int(matrix.max(initial=0)) < HALF_BYTE):
            return cls(np.ascontiguousarray(matrix.T), offerings, False)
        # Two offerings' rows into one, then laid out by item (half the bytes to
        # turn around).
        even = np.zeros((offerings + offerings % 2, matrix.shape[1]), np.uint8)
        even[:offerings] = matrix
        paired = (even[0::2] << 4) | even[1::2]
        return cls(np.ascontiguousarray(paired.T), offerings, True)

    @property
    def width(self) -> int:
        return int(self.data.shape[0])

    def rows(self, positions: np.ndarray) -> np.ndarray:
        """The codes of the items at ``positions``: (positions x offerings) uint8,
        contiguous."""
        taken = np.take(self.data, positions, axis=0)
        if not self.halves:
            return taken
        codes = np.empty((len(taken), self.offerings), dtype=np.uint8)
        np.right_shift(taken, 4, out=codes[:, 0::2])
        np.bitwise_and(taken[:, : self.offerings // 2], 15, out=codes[:, 1::2])
        return codes

    def matrix(self) -> np.ndarray:
        """Every code, (offerings x items), as :meth:`from_matrix` was given it."""
        if not self.halves:
            return np.ascontiguousarray(self.data.T)
        paired = np.ascontiguousarray(self.data.T)
        matrix = np.empty((2 * len(paired), self.width), dtype=np.uint8)
        np.right_shift(paired, 4, out=matrix[0::2])
        np.bitwise_and(paired, 15, out=matrix[1::2])
        return matrix[: self.offerings]

    def vector(self, offering: int) -> bytes:
        """One offering's level vector as stored in its :class:`ClaimVector`."""
        column = self.data[:, offering // 2 if self.halves else offering]
        if self.halves:
            column = (column >> 4) if offering % 2 == 0 else (column & 15)
        return column.astype(np.uint8).tobytes()


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
        release_id: release_index(release_id) for release_id in set(releases.values())
    }
    claims_by_offering: dict[int, list] = defaultdict(list)
    for (
        offering_id,
        capability_id,
        level,
        roadmap_date,
        verified,
    ) in Claim.objects.filter(offering_id__in=releases).values_list(
        "offering_id", "capability_id", "level", "roadmap_date", "verified"
    ):
        claims_by_offering[offering_id].append(
            (("capability", capability_id), level, roadmap_date, verified)
        )
    for (
        offering_id,
        kind,
        *item_ids,
        level,
        roadmap_date,
        verified,
    ) in ItemClaim.objects.filter(offering_id__in=releases).values_list(
        "offering_id",
        "kind",
        *(f"{field}_id" for field in ITEM_FIELD.values()),
        "level",
        "roadmap_date",
        "verified",
    ):
        item_id = next(pk for pk in item_ids if pk is not None)
        claims_by_offering[offering_id].append(
            ((kind, item_id), level, roadmap_date, verified)
        )
    claim_vectors_save(
        [
            claim_vector(
                offering_id=offering_id,
                release_id=release_id,
                item_index=indexes[release_id],
                claims=claims_by_offering[offering_id],
            )
            for offering_id, release_id in releases.items()
        ]
    )
    return len(releases)


def release_index(release_id: int) -> dict[ItemKey, int]:
    """Each item of the release's item space by its position in the vectors."""
    return {
        key: position for position, key in enumerate(item_keys_in_order(release_id))
    }


def claim_vector(
    *,
    offering_id: int,
    release_id: int,
    item_index: dict[ItemKey, int],
    claims: Iterable[tuple[Any, ...]],
) -> ClaimVector:
    """An offering's vector (unsaved) from its claims, by :func:`encode`."""
    levels, roadmap, count = encode(item_index, claims)
    return ClaimVector(
        offering_id=offering_id,
        release_id=release_id,
        levels=levels,
        roadmap=roadmap,
        capability_count=len(item_index),
        claims_count=count,
    )


def claim_vectors_save(vectors: list[ClaimVector]) -> None:
    """Insert or replace the given vectors in one statement."""
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
