"""The market picture: how the published catalog covers every FIBF capability of the
current standards release (``/catalog/coverage/``).

For each capability: how many published offerings of the current release *meet* it
(out of the box), *configure* it, cover it by *extension*, or *lack* it (no claim, a
roadmap claim or "does not meet"). The counts come from the published offerings'
claim vectors (:mod:`catalog.vectors`, derived from the claims by the one claims
writer; capabilities first, in code order), counted column by column in NumPy: the
release's shelf of vectors is read in one sequential read where the scorer keeps
its snapshot (:func:`catalog.shelf.published_rows`), never the claims table row by
row (12 million rows at 20,000 offerings). A few queries whatever the size of the
catalog; the picture is kept in the cache under the catalog pages' version
(``marketplace.pagecache.cached_value``): made once per change of the catalog, one
query (the version) otherwise. ``tests/catalog/test_coverage.py`` holds the counts
equal to a direct count over the claims.
"""

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

from catalog import shelf
from catalog.models import ClaimLevel
from catalog.vectors import LEVEL_CODES, LEVEL_MASK
from marketplace.pagecache import cached_value
from standards.models import Capability, StandardsRelease
from standards.selectors import current_release

# The levels the picture counts, best first; everything else is "lacking".
COUNTED_LEVELS = (ClaimLevel.MEETS, ClaimLevel.CONFIGURABLE, ClaimLevel.EXTENSION)


@dataclass
class CapabilityCoverage:
    code: str
    statement: str
    function_code: str
    meets: int
    configurable: int
    extension: int
    lacking: int

    @property
    def values(self) -> list[int]:
        return [self.meets, self.configurable, self.extension, self.lacking]


@dataclass
class FunctionCoverage:
    code: str
    name: str
    capabilities: list[CapabilityCoverage] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.capabilities)

    @property
    def values(self) -> list[int]:
        """Offering-capability pairs at each level, summed over the capabilities."""
        return [
            self._sum(name)
            for name in ("meets", "configurable", "extension", "lacking")
        ]

    @property
    def unmet_count(self) -> int:
        return sum(1 for c in self.capabilities if c.meets == 0)


@dataclass
class MarketCoverage:
    release: StandardsRelease
    offering_count: int
    functions: list[FunctionCoverage]

    @property
    def capabilities(self) -> list[CapabilityCoverage]:
        return [c for function in self.functions for c in function.capabilities]

    @property
    def unmet(self) -> list[CapabilityCoverage]:
        """Capabilities no published offering meets out of the box."""
        return [c for c in self.capabilities if c.meets == 0]

    def function(self, code: str) -> FunctionCoverage | None:
        return next((f for f in self.functions if f.code == code), None)


def market_coverage() -> MarketCoverage | None:
    """The picture for the current release (``None`` before one is current), from
    the cache while the catalog has not changed."""
    return cached_value("catalog", "market-coverage", _market_coverage)


def published_levels(release_id: int) -> np.ndarray:
    """An ``(offerings, items)`` matrix of the level codes (verified bit dropped) of
    the release's published offerings, from their claim vectors: the scorer's
    snapshot where it keeps one (one read), else the vectors read in one query.
    An offering without a vector has no claim (a row of zeros)."""
    if settings.SCORING_SHELF_SNAPSHOT:
        _version, rows = shelf.published_rows(release_id)
        vectors = [row[5] for row in rows]
    else:
        vectors = list(
            shelf.published(release_id).values_list("claim_vector__levels", flat=True)
        )
    width = max((len(v) for v in vectors if v is not None), default=0)
    empty = bytes(width)
    packed = b"".join(
        bytes(v) if v is not None and len(v) == width else empty for v in vectors
    )
    matrix = np.frombuffer(packed, dtype=np.uint8).reshape(len(vectors), width)
    return matrix & LEVEL_MASK


def _market_coverage() -> MarketCoverage | None:
    release = current_release()
    if release is None:
        return None
    levels = published_levels(release.pk)
    offering_count = levels.shape[0]
    capabilities = list(
        Capability.objects.filter(release=release)
        .order_by("code")
        .values("id", "code", "statement", "function__code", "function__name")
    )
    # Capabilities come first in the vectors, in code order: column n is the n-th.
    columns = levels[:, : len(capabilities)]
    by_level = {
        level: (columns == LEVEL_CODES[level]).sum(axis=0).tolist()
        if columns.shape[1]
        else [0] * len(capabilities)
        for level in COUNTED_LEVELS
    }
    functions: dict[str, FunctionCoverage] = {}
    for index, row in enumerate(capabilities):
        meets, configurable, extension = (
            by_level[level][index] if index < columns.shape[1] else 0
            for level in COUNTED_LEVELS
        )
        function = functions.setdefault(
            row["function__code"],
            FunctionCoverage(code=row["function__code"], name=row["function__name"]),
        )
        function.capabilities.append(
            CapabilityCoverage(
                code=row["code"],
                statement=row["statement"],
                function_code=row["function__code"],
                meets=meets,
                configurable=configurable,
                extension=extension,
                lacking=offering_count - meets - configurable - extension,
            )
        )
    return MarketCoverage(
        release=release,
        offering_count=offering_count,
        functions=sorted(functions.values(), key=lambda f: f.code),
    )
