"""A search's results read a page at a time, as the catalog page shows them
(issue #20): one query for the page's offerings with their provider and coverage,
one for their contract vehicles, every value ready to print (no model instances,
no related lookups while the page renders)."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import overload

import numpy as np

from catalog.models import (
    DeploymentModel,
    FedrampStatus,
    ImpactLevel,
    MarketplaceCategory,
    Offering,
    ProviderKind,
)
from catalog.selectors.common import published_offerings, with_coverage
from marketplace.prepared import PreparedQuery

_LABELS = {
    "provider__kind": dict(ProviderKind.choices),
    "category": dict(MarketplaceCategory.choices),
    "deployment_model": dict(DeploymentModel.choices),
    "fedramp_status": dict(FedrampStatus.choices),
    "fedramp_impact": dict(ImpactLevel.choices),
}
_FIELDS = (
    "pk",
    "name",
    "slug",
    "provider__name",
    "summary",
    *_LABELS,
    "covered_count",
    "capability_count",
    "coverage",
    "updated_at",
)


def _label(field: str, value: str | None) -> str:
    """What ``get_<field>_display`` answers."""
    if value is None:
        return ""
    return str(_LABELS[field].get(value, value))


@dataclass(frozen=True)
class ListedOffering:
    """One result of a search as the catalog page lists it."""

    pk: int
    name: str
    slug: str
    provider_name: str
    summary: str
    provider_kind: str  # the labels of the offering's values
    category: str
    deployment_model: str
    fedramp_status: str
    fedramp_impact: str  # "" when it has none
    covered_count: int
    capability_count: int
    coverage: float  # the percentage :func:`with_coverage` computes
    updated_at: datetime.datetime
    vehicles: tuple[str, ...]  # contract vehicles' names, by name


# A page's ids are bound one by one: compiled once per page length (at most
# the page size).
_VEHICLES = PreparedQuery(
    lambda shape, ids: (
        Offering.contract_vehicles.through.objects.filter(offering_id__in=ids)
        .order_by("contractvehicle__name")
        .values_list("offering_id", "contractvehicle__name")
    )
)
_OFFERINGS = PreparedQuery(
    lambda shape, ids: (
        with_coverage(published_offerings().filter(pk__in=ids))
        .order_by()
        .values_list(*_FIELDS)
    )
)


def listed(ids: list[int]) -> list[ListedOffering]:
    """The published offerings of ``ids`` in that order (one withdrawn since the
    ids were found is left out): two queries, none for no ids."""
    vehicles: dict[int, list[str]] = {pk: [] for pk in ids}
    for offering_id, name in _VEHICLES.rows(ids=ids):
        vehicles[offering_id].append(name)
    found = {}
    for row in _OFFERINGS.rows(ids=ids):
        values = dict(zip(_FIELDS, row, strict=True))
        pk = values["pk"]
        found[pk] = ListedOffering(
            pk=pk,
            name=values["name"],
            slug=values["slug"],
            provider_name=values["provider__name"],
            summary=values["summary"],
            provider_kind=_label("provider__kind", values["provider__kind"]),
            category=_label("category", values["category"]),
            deployment_model=_label("deployment_model", values["deployment_model"]),
            fedramp_status=_label("fedramp_status", values["fedramp_status"]),
            fedramp_impact=_label("fedramp_impact", values["fedramp_impact"]),
            covered_count=values["covered_count"],
            capability_count=values["capability_count"],
            coverage=values["coverage"],
            updated_at=values["updated_at"],
            vehicles=tuple(vehicles[pk]),
        )
    return [found[pk] for pk in ids if pk in found]


@dataclass
class Listing:
    """Search results in their order, read a page at a time: ``listing[a:b]`` reads
    only those offerings (:func:`listed`), whatever the number of results."""

    ids: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, item: int) -> ListedOffering: ...

    @overload
    def __getitem__(self, item: slice) -> list[ListedOffering]: ...

    def __getitem__(self, item: int | slice) -> ListedOffering | list[ListedOffering]:
        if isinstance(item, int):
            return self[item : item + 1 or None][0]
        return listed(self.ids[item].tolist())

    def __iter__(self) -> Iterator[ListedOffering]:
        return iter(self[:])
