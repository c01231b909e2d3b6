"""What every catalog read starts from: the published shelf, the coverage
annotation, the related rows a list shows, and the error a bad parameter raises."""

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
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


@contextmanager
def index_scans() -> Iterator[CursorWrapper]:
    """A cursor, in a transaction, whose queries PostgreSQL's planner answers from
    their indexes rather than by reading the whole table (``enable_seqscan`` off
    for that transaction only, put back after in a caller's transaction). Its
    costs price as cheap a test that costs much per row: a misspelling's
    similarity, a word's match on a row's whole search document."""
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), "
            "set_config('enable_seqscan', 'off', true)"
        )
        (previous, _off) = cursor.fetchone()
        yield cursor
        if nested:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])


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
