"""The market picture: how the published catalog covers every FIBF capability of the
current standards release (``/catalog/coverage/``).

For each capability: how many published offerings of the current release *meet* it
(out of the box), *configure* it, cover it by *extension*, or *lack* it (no claim, a
roadmap claim or "does not meet"). Four queries whatever the size of the catalog:
the current release, the number of its published offerings, one GROUP BY over their
claims per capability, and the release's capabilities with their functions. The
grouped query reads every published claim of the release, so the picture is kept in
the cache under the catalog pages' version (``marketplace.pagecache.cached_value``):
made once per change of the catalog, one query (the version) otherwise.
"""

from dataclasses import dataclass, field
from typing import cast

from django.db.models import Count, Q

from catalog.models import Claim, ClaimLevel, OfferingStatus
from catalog.selectors.common import published_offerings
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


def _market_coverage() -> MarketCoverage | None:
    release = current_release()
    if release is None:
        return None
    offering_count = published_offerings().filter(release=release).count()
    counts: dict[int, dict[str, int]] = {
        row["capability_id"]: cast(dict[str, int], row)
        for row in Claim.objects.filter(
            offering__status=OfferingStatus.PUBLISHED, offering__release=release
        )
        .order_by()
        .values("capability_id")
        .annotate(
            **{
                level.replace("-", "_"): Count("pk", filter=Q(level=level))
                for level in COUNTED_LEVELS
            }
        )
    }
    functions: dict[str, FunctionCoverage] = {}
    for row in (
        Capability.objects.filter(release=release)
        .order_by("code")
        .values("id", "code", "statement", "function__code", "function__name")
    ):
        found = counts.get(row["id"], {})
        meets, configurable, extension = (
            found.get(level, 0) for level in ("meets", "configurable", "extension")
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
