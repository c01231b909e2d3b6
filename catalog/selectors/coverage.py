"""The market picture: how the published catalog covers every FIBF capability of the
current standards release (``/catalog/coverage/``).

For each capability: how many published offerings of the current release *meet* it
(out of the box), *configure* it, cover it by *extension*, or *lack* it (no claim, a
roadmap claim or "does not meet"). The counts come from the published offerings'
claim vectors (:mod:`catalog.vectors`, derived from the claims by the one claims
writer; capabilities first, in code order), counted column by column in NumPy a
block of offerings at a time (bounded memory in a web worker), never from the
claims table row by row (11 million rows at 20,000 offerings). A few queries
whatever the size of the catalog; the picture is kept in the cache under the
catalog pages' version (``marketplace.pagecache.cached_value``): made once per
change of the catalog, one query (the version) otherwise.
``tests/catalog/test_coverage.py`` holds the counts equal to a direct count over the
claims.
"""

import itertools
from dataclasses import dataclass, field

import numpy as np

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


BLOCK = 2048  # offerings counted at a time (bounds a web worker's memory)


def level_counts(release_id: int, columns: int) -> tuple[int, dict[str, np.ndarray]]:
    """The number of published offerings of the release, and for each counted level
    how many of them claim it on each of the first ``columns`` items of the item
    space (verified or not), from their claim vectors, read and counted
    :data:`BLOCK` offerings at a time (a server-side cursor on PostgreSQL). An
    offering without a vector has no claim."""
    vectors = (
        shelf.published(release_id)
        .values_list("claim_vector__levels", flat=True)
        .iterator(chunk_size=BLOCK)
    )
    counts = {level: np.zeros(columns, dtype=np.int64) for level in COUNTED_LEVELS}
    empty = bytes(columns)
    offerings = 0
    while block := [
        bytes(v[:columns]) if v is not None and len(v) >= columns else empty
        for v in itertools.islice(vectors, BLOCK)
    ]:
        offerings += len(block)
        matrix = np.frombuffer(b"".join(block), dtype=np.uint8).reshape(
            len(block), columns
        )
        matrix = matrix & LEVEL_MASK
        for level, found in counts.items():
            found += np.count_nonzero(matrix == LEVEL_CODES[level], axis=0)
    return offerings, counts


def _market_coverage() -> MarketCoverage | None:
    release = current_release()
    if release is None:
        return None
    capabilities = list(
        Capability.objects.filter(release=release)
        .order_by("code")
        .values("code", "statement", "function__code", "function__name")
    )
    # Capabilities come first in the vectors, in code order: column n is the n-th.
    offering_count, by_level = level_counts(release.pk, len(capabilities))
    functions: dict[str, FunctionCoverage] = {}
    for index, row in enumerate(capabilities):
        meets, configurable, extension = (
            int(by_level[level][index]) for level in COUNTED_LEVELS
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
