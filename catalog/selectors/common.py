"""What every catalog read starts from: the published shelf, the coverage
annotation, the related rows a list shows, and the error a bad parameter raises."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import (
    Case,
    F,
    FloatField,
    Prefetch,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast

from catalog.models import (
    ClaimLevel,
    ContractVehicle,
    Offering,
    OfferingStatus,
)

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,255}")
# A misspelt word still finds a name when their trigram word similarity reaches this.
TRIGRAM_THRESHOLD = 0.35
LEVEL_ORDER = [
    ClaimLevel.MEETS,
    ClaimLevel.CONFIGURABLE,
    ClaimLevel.EXTENSION,
    ClaimLevel.ROADMAP,
    ClaimLevel.DOES_NOT_MEET,
]


class SearchParamsError(ValueError):
    """Bad query parameters; ``errors`` maps each bad parameter to its messages."""

    def __init__(self, errors: Mapping[str, Iterable[Any]]):
        self.errors = {
            name: [str(message) for message in messages]
            for name, messages in errors.items()
        }
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


def with_coverage(queryset: QuerySet[Offering]) -> QuerySet[Offering]:
    """Annotate ``coverage``: the percentage of the offering's release's capabilities
    (``capability_count``) it meets or configures (``covered_count``).

    Both counts are stored on the offering, rebuilt from its claims by
    :func:`catalog.services.offering_search_refresh` whenever they change, so a list
    sorted by coverage never reads the claims.
    """
    return queryset.annotate(
        coverage=Case(
            When(capability_count=0, then=Value(0.0)),
            default=Cast(F("covered_count"), FloatField())
            * 100.0
            / Cast(F("capability_count"), FloatField()),
            output_field=FloatField(),
        )
    )


def published_offerings() -> QuerySet[Offering]:
    return Offering.objects.filter(status=OfferingStatus.PUBLISHED)


def offering_list_related(queryset: QuerySet[Offering]) -> QuerySet[Offering]:
    """Provider, release and contract vehicles with each offering; the search
    document (a kilobyte or more a row, read only inside SQL) stays behind."""
    return (
        queryset.select_related("provider", "release")
        .defer("search_vector")
        .prefetch_related(
            Prefetch(
                "contract_vehicles", queryset=ContractVehicle.objects.order_by("name")
            )
        )
    )
