"""One published offering's page: the offering, its coverage by function, and its
claims table filtered and paged."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    Count,
    FilteredRelation,
    Q,
    QuerySet,
)
from django.utils import timezone

from catalog import freshness
from catalog.models import (
    ContractVehicle,
    Offering,
    OfferingDocument,
    claim_level_label,
)
from catalog.models.search import COVERED_LEVELS
from catalog.selectors.common import (
    LEVEL_ORDER,
    offering_list_related,
    published_offerings,
    with_coverage,
)
from marketplace.formats import display_date
from marketplace.prepared import PreparedQuery
from standards.models import (
    Capability,
    Function,
)

# An offering page's reads, compiled once: building the coverage annotation and
# the related rows' joins cost more than reading the rows.
_OFFERING = PreparedQuery(
    lambda shape, slug: (
        with_coverage(
            offering_list_related(published_offerings())
            if shape == "vehicles"
            else offering_list_related(published_offerings()).prefetch_related(None)
        )
        .filter(slug=slug)
        .order_by("pk")[:1]
    )
)
_VEHICLE_NAMES = PreparedQuery(
    lambda shape, offering: (
        ContractVehicle.objects.filter(offerings__id=offering)
        .order_by("name")
        .values_list("name")
    )
)
_DOCUMENTS = PreparedQuery(
    lambda shape, offering: OfferingDocument.objects.filter(offering_id=offering)
)


def offering_get(slug: str, *, vehicles: bool = True) -> Offering | None:
    """A published offering with its provider, release and (``vehicles``) contract
    vehicles, or ``None``."""
    found = _OFFERING.instances("vehicles" if vehicles else None, slug=slug)
    return found[0] if found else None


def offering_vehicle_names(offering_id: int) -> list[str]:
    """The names of an offering's contract vehicles, in name order."""
    return [name for (name,) in _VEHICLE_NAMES.rows(offering=offering_id)]


def offering_documents(offering_id: int) -> list[OfferingDocument]:
    """An offering's evidence documents, in their order (``offering.documents``)."""
    return _DOCUMENTS.instances(offering=offering_id)


@dataclass
class FunctionCoverage:
    code: str
    name: str
    capability_count: int
    levels: dict[str, int]

    @property
    def level_counts(self) -> list[int]:
        return [self.levels.get(level, 0) for level in LEVEL_ORDER]

    @property
    def unknown(self) -> int:
        return self.capability_count - sum(self.levels.values())

    @property
    def covered(self) -> int:
        return sum(self.levels.get(level, 0) for level in COVERED_LEVELS)

    @property
    def covered_percent(self) -> int:
        if not self.capability_count:
            return 0
        return round(100 * self.covered / self.capability_count)

    @property
    def segments(self) -> list[dict]:
        """Stacked-bar segments (x and width in percent of the bar), best first."""
        segments, x = [], 0.0
        for level in LEVEL_ORDER:
            count = self.levels.get(level, 0)
            if not count or not self.capability_count:
                continue
            width = 100 * count / self.capability_count
            segments.append(
                {
                    "level": level,
                    "x": round(x, 2),
                    "width": round(width, 2),
                }
            )
            x += width
        return segments


# Rows of an offering page's claims table per page: a first screen, not the release
# (a cold render of 100 rows cost more than the rest of the page).
CLAIMS_PAGE_SIZE = 50


# What each row of the claims table shows, read in one query per slice.
ROW_FIELDS = (
    "pk",
    "code",
    "statement",
    "function__code",
    "function__name",
    "offering_claim__id",
    "offering_claim__level",
    "offering_claim__roadmap_date",
    "offering_claim__evidence",
    "offering_claim__evidence_url",
    "offering_claim__verified",
    "offering_claim__verified_at",
    "offering_claim__updated_at",
)


def _display_row(
    values: tuple,
    judged: freshness.ClaimsAt,
    evidence_expires_on: datetime.date | None,
) -> dict:
    """One row of the claims table, every value ready to print: the template only
    places them (a claims page is hundreds of cells; filters and lookups on model
    instances in that loop were most of the page's cost)."""
    (pk, code, statement, function_code, function_name, claim_id, level) = values[:7]
    roadmap_date, evidence, evidence_url, verified, verified_at, stated_at = values[7:]
    state = (
        None
        if claim_id is None
        else judged.state(verified_at, stated_at, evidence_expires_on)
    )
    if verified_at is not None:
        verified_at = timezone.localtime(verified_at)
    return {
        "capability_id": pk,
        "claim_id": claim_id,
        "code": code,
        "statement": statement,
        "function": f"{function_code} {function_name}",
        "claimed": claim_id is not None,
        "level": claim_level_label(level or None),
        "roadmap_date": display_date(roadmap_date),
        "evidence": evidence or "",
        "evidence_url": evidence_url or "",
        "verified": bool(verified),
        "verified_on": display_date(verified_at),
        "freshness": state,
        "freshness_tag": freshness.tag(state),
    }


def _capabilities(
    *,
    release: int,
    offering: int,
    function: str | None = None,
    level: str | None = None,
    unknown: bool = False,
) -> QuerySet[Capability]:
    """The claims table's capabilities in code order: every capability of the
    release, the offering's claim on it as ``offering_claim``, filtered by
    function code and level (``unknown``: no claim)."""
    capabilities = Capability.objects.filter(release_id=release).annotate(
        offering_claim=FilteredRelation(
            "claims", condition=Q(claims__offering_id=offering)
        )
    )
    if function is not None:
        capabilities = capabilities.filter(function__code=function)
    if unknown:
        capabilities = capabilities.filter(offering_claim__isnull=True)
    elif level is not None:
        capabilities = capabilities.filter(offering_claim__level=level)
    return capabilities.order_by("code")


# A page of the claims table, compiled once per filter's shape and slice: building
# the query with its filtered join cost more than running it.
_DISPLAY_ROWS = PreparedQuery(
    lambda shape, **values: _capabilities(unknown=shape[0], **values).values_list(
        *ROW_FIELDS
    )[shape[1] : shape[2]]
)


class ClaimRows(Sequence):
    """Capabilities of an offering's release in code order, each paired with the
    offering's claim on it (``None``: no claim), read a slice at a time; with
    ``display``, each row is instead a :func:`_display_row` (the page's table), its
    freshness judged with the offering's earliest evidence expiry.

    ``filters`` are :func:`_capabilities`'s. ``len()`` is known without a query
    (the coverage counts give it); a slice is one query, whatever the number of
    claims, so a paginator (the page's or the API's) reads only the rows it shows.
    """

    def __init__(
        self,
        filters: dict,
        count: int,
        *,
        display: bool = False,
        evidence_expires_on: datetime.date | None = None,
    ):
        self._filters = filters
        self._count = count
        self._display = display
        self._evidence_expires_on = evidence_expires_on

    def _slice(self, index: slice) -> list:
        if self._display:
            values = {k: v for k, v in self._filters.items() if k != "unknown"}
            shape = (self._filters.get("unknown", False), index.start, index.stop)
            judged = freshness.ClaimsAt()  # one moment for every row of the slice
            return [
                _display_row(row, judged, self._evidence_expires_on)
                for row in _DISPLAY_ROWS.rows(shape, **values)
            ]
        capabilities = _capabilities(**self._filters).select_related(
            "function",
            "offering_claim",  # type: ignore[misc]  # a FilteredRelation
        )
        # select_related() leaves the attribute unset when there is no claim.
        return [
            (capability, getattr(capability, "offering_claim", None))
            for capability in capabilities[index]
        ]

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._slice(index)
        position = index + self._count if index < 0 else index
        if not 0 <= position < self._count:
            raise IndexError(index)
        return self[position : position + 1][0]

    def __iter__(self):
        return iter(self[:])


@dataclass
class OfferingClaims:
    """The claims table of one offering: its rows (every capability of the
    offering's release that passes the filter, with the offering's claim on it or
    ``None``), the coverage per function and the functions to filter by."""

    rows: ClaimRows
    display_rows: ClaimRows  # the same rows ready to print (the page's table)
    coverage: list[FunctionCoverage]
    functions: list[tuple[str, str]]


# The coverage per function: each function's capabilities and the offering's
# claims on them per level, one grouped query compiled once.
_COVERAGE = PreparedQuery(
    lambda shape, release, offering: (
        _capabilities(release=release, offering=offering)
        .order_by()
        .values("function_id")
        .annotate(
            capability_count=Count("pk"),
            **{
                f"level_{n}": Count(
                    "offering_claim", filter=Q(offering_claim__level=level)
                )
                for n, level in enumerate(LEVEL_ORDER)
            },
        )
        .values_list(
            "function_id",
            "capability_count",
            *(f"level_{n}" for n in range(len(LEVEL_ORDER))),
        )
    )
)


_FUNCTIONS = PreparedQuery(
    lambda shape, release: Function.objects.filter(release_id=release).order_by("code")
)


def release_functions(release_id: int) -> list[Function]:
    return _FUNCTIONS.instances(release=release_id)


def offering_claims(
    offering: Offering,
    *,
    function: str = "",
    level: str = "",
    functions: list[Function] | None = None,
    evidence_expires_on: datetime.date | None = None,
) -> OfferingClaims:
    """The claims table of one offering, filtered by function code and level
    (``"unknown"`` for capabilities without a claim).

    One grouped query gives the coverage per function (and so the number of rows);
    the rows are read a slice at a time (:class:`ClaimRows`). With ``functions``
    (:func:`release_functions` of the offering's release) given, that is all.
    """
    if functions is None:
        functions = release_functions(offering.release_id)
    totals = {
        function_id: counts
        for function_id, *counts in _COVERAGE.rows(
            release=offering.release_id, offering=offering.pk
        )
    }
    coverage = [
        FunctionCoverage(
            code=function_row.code,
            name=function_row.name,
            capability_count=totals[function_row.id][0],
            levels={
                level: count
                for level, count in zip(
                    LEVEL_ORDER, totals[function_row.id][1:], strict=True
                )
                if count
            },
        )
        for function_row in functions
        if function_row.id in totals
    ]
    shown = [row for row in coverage if not function or row.code == function]
    filters: dict = {"release": offering.release_id, "offering": offering.pk}
    if function:
        filters["function"] = function
    if level == "unknown":
        filters["unknown"] = True
        count = sum(row.unknown for row in shown)
    elif level:
        filters["level"] = level
        count = sum(row.levels.get(level, 0) for row in shown)
    else:
        count = sum(row.capability_count for row in shown)
    return OfferingClaims(
        rows=ClaimRows(filters, count),
        display_rows=ClaimRows(
            filters,
            count,
            display=True,
            evidence_expires_on=evidence_expires_on,
        ),
        coverage=coverage,
        functions=[(f.code, f"{f.code} {f.name}") for f in functions],
    )
