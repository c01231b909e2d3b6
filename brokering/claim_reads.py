"""The claims a need's pages read: an offering's claims of every kind as plain
values, on the need's items, in two queries whatever the size of the catalog
(re-exported by :mod:`brokering.selectors`)."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from brokering.models import Need, NeedItem
from catalog.models import CLAIM_SHOWN_FIELDS, Claim, ItemClaim
from marketplace.prepared import PreparedQuery
from standards.items import ItemRef, release_items


@dataclass(slots=True)
class ClaimValues:
    """A claim as the scores and their explanation read it: the ``Claim`` or
    ``ItemClaim`` row's values with ``item_code``, the ID of the item it is on (a
    need's page reads hundreds, and model instances were most of its cost)."""

    offering_id: int
    item_code: str
    level: str
    roadmap_date: datetime.date | None
    evidence: str
    evidence_url: str
    verified: bool
    verified_at: datetime.datetime | None
    updated_at: datetime.datetime


# The values every claim row gives after what names its item.
_CLAIM_VALUES = CLAIM_SHOWN_FIELDS


def _queries(
    offering_ids, need_id: int | None, capability_ids=None
) -> tuple[QuerySet, QuerySet]:
    """The two reads of :func:`offering_claims` (capability claims, other kinds'),
    as ``values_list`` queries."""
    # order_by(): the models' orderings go through the offering's name, a join
    # with the whole catalog that nothing here needs.
    claims = Claim.objects.filter(offering_id__in=offering_ids).order_by()
    item_claims = ItemClaim.objects.filter(offering_id__in=offering_ids).order_by()
    if need_id is not None:
        items = NeedItem.objects.filter(need_id=need_id).order_by()
        claims = claims.filter(capability_id__in=items.values("capability_id"))
        item_claims = item_claims.filter(
            Q(service_measure_id__in=items.values("service_measure_id"))
            | Q(exchange_id__in=items.values("exchange_id"))
            | Q(report_id__in=items.values("report_id"))
        )
    if capability_ids is not None:
        claims = claims.filter(capability_id__in=capability_ids)
    # An item's release is the release of its own row (a standards table of a
    # few hundred rows), never the offering's (the catalog).
    return (
        claims.values_list("offering_id", "capability__code", *_CLAIM_VALUES),
        item_claims.values_list(
            "offering_id",
            "kind",
            Coalesce("service_measure_id", "exchange_id", "report_id"),
            Coalesce(
                "service_measure__release_id",
                "exchange__release_id",
                "report__release_id",
            ),
            *_CLAIM_VALUES,
        ),
    )


# The two reads of a need's pages, compiled once (building them cost more than
# running them).
_NEED_CLAIMS = PreparedQuery(
    lambda shape, offerings, need: _queries(offerings, need)[0]
)
_NEED_ITEM_CLAIMS = PreparedQuery(
    lambda shape, offerings, need: _queries(offerings, need)[1]
)


def offering_claims(
    *,
    offering_ids,
    of_need: Need | None = None,
    capability_ids=None,
    spaces: dict[int, list[ItemRef]] | None = None,
) -> list[ClaimValues]:
    """The offerings' claims of every kind as :class:`ClaimValues`, in two queries
    whatever the size of the catalog: ``of_need``, only those on the need's items
    (queries compiled once per connection and number of offerings,
    :class:`marketplace.prepared.PreparedQuery`: a need's pages read a few
    offerings' claims); ``capability_ids``, only those capabilities' (``[]``: the
    other kinds only). An item's code comes from its release's items
    (:mod:`standards.items`; those already read can be given in ``spaces``,
    release id -> items)."""
    offering_ids = list(offering_ids)
    if of_need is not None and capability_ids is None:
        if not offering_ids:
            return []
        claim_rows = _NEED_CLAIMS.rows(offerings=offering_ids, need=of_need.pk)
        rows = _NEED_ITEM_CLAIMS.rows(offerings=offering_ids, need=of_need.pk)
    else:
        claims, item_claims = _queries(
            offering_ids, of_need.pk if of_need else None, capability_ids
        )
        claim_rows, rows = list(claims), list(item_claims)
    found = [ClaimValues(*values) for values in claim_rows]
    codes = {}
    for release_id in sorted({row[3] for row in rows}):
        refs = (spaces or {}).get(release_id)
        if refs is None:
            refs = release_items(release_id, labels=False)
        codes.update({ref.key: ref.code for ref in refs})
    found.extend(
        ClaimValues(offering_id, codes.get((kind, item_id), ""), *values)
        for offering_id, kind, item_id, _release_id, *values in rows
    )
    return found
