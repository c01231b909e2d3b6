"""An offering's claims on service measures, information exchanges and pre-built
reports: one section per kind, every item of the release with the offering's claim
(or none). :func:`offering_item_claims` gives the claims as instances (the API, the
provider's forms); :func:`offering_item_tables` gives the catalog page's rows ready
to print."""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from catalog import freshness
from catalog.models import (
    CLAIM_SHOWN_FIELDS,
    ITEM_FIELD,
    ItemClaim,
    Offering,
    claim_level_label,
)
from catalog.selectors.facets import kept_per_version
from marketplace.formats import display_date
from marketplace.prepared import PreparedQuery
from standards.items import ItemKind, ItemRef, release_items

# The kinds with a section of their own, in the page's order (capabilities have
# the claims table).
SECTION_KINDS = (ItemKind.MEASURE, ItemKind.EXCHANGE, ItemKind.REPORT)

Claim = TypeVar("Claim")
Row = TypeVar("Row")


@dataclass
class ItemClaimRow:
    ref: ItemRef
    claim: ItemClaim | None


@dataclass
class ItemClaimSection:
    kind: str
    label: str
    rows: list[ItemClaimRow] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return sum(1 for row in self.rows if row.claim is not None)


def release_other_items(release_id: int) -> list[ItemRef]:
    """The release's items other than capabilities, in vector order, kept per
    catalog version as the offering page's sections are (a need's pages read
    them)."""
    return kept_per_version(
        f"other-items:{release_id}",
        lambda: release_items(release_id, capabilities=False),
    )


def _release_sections(release_id: int) -> list[tuple[str, list[ItemRef]]]:
    """The release's items of each section's kind, in vector order; kinds the
    release has no item of are left out. Kept per catalog version: a release does
    not change once imported, and reading and ordering its items was a third of
    an offering page's sections."""

    def read() -> list[tuple[str, list[ItemRef]]]:
        refs: dict[str, list[ItemRef]] = {kind: [] for kind in SECTION_KINDS}
        # Not release_other_items: a kept value's read keeps nothing itself (the
        # keeping holds its lock while it reads).
        for ref in release_items(release_id, capabilities=False):
            if ref.kind in refs:
                refs[ref.kind].append(ref)
        return [(kind, kind_refs) for kind, kind_refs in refs.items() if kind_refs]

    return kept_per_version(f"item-sections:{release_id}", read)


def _sections(
    release_id: int,
    claims: dict[tuple[str, int], Claim],
    row: Callable[[ItemRef, Claim | None], Row],
) -> list[tuple[str, list[Row]]]:
    """Each section's items made rows with the offering's claim on them (``None``:
    no claim)."""
    return [
        (kind, [row(ref, claims.get(ref.key)) for ref in refs])
        for kind, refs in _release_sections(release_id)
    ]


def offering_item_claims(offering: Offering) -> list[ItemClaimSection]:
    """Two queries: the release's items, the offering's claims on them."""
    claims = {
        (claim.kind, getattr(claim, f"{ITEM_FIELD[claim.kind]}_id")): claim
        for claim in ItemClaim.objects.filter(offering=offering)
    }
    return [
        ItemClaimSection(kind, str(ItemKind(kind).label), rows)
        for kind, rows in _sections(offering.release_id, claims, ItemClaimRow)
    ]


@dataclass
class ItemClaimTable:
    """One kind's section of an offering page: its rows ready to print."""

    kind: str
    label: str
    claimed: int
    rows: list[dict]


# What a row shows of a claim, read as values (no instance per claim).
_CLAIM_FIELDS = (
    "kind",
    "service_measure_id",
    "exchange_id",
    "report_id",
    *CLAIM_SHOWN_FIELDS,
)
_ITEM_ID_AT = {kind: 1 + n for n, kind in enumerate(SECTION_KINDS)}
_CLAIM_VALUES = PreparedQuery(
    lambda shape, offering: (
        ItemClaim.objects.filter(offering_id=offering)
        .order_by()
        .values_list(*_CLAIM_FIELDS)
    )
)
# A level's label, made once per level (a page asks for it hundreds of times).
_level_label = functools.cache(claim_level_label)
_display_date = functools.lru_cache(maxsize=1024)(display_date)


def offering_item_tables(
    offering: Offering, *, evidence_expires_on: datetime.date | None
) -> list[ItemClaimTable]:
    """The sections of :func:`offering_item_claims` (the same two queries) with
    each row a dict of text ready to print, its freshness as its tag judged with
    the offering's earliest evidence expiry: an offering page's hundreds of rows
    are rendered by Jinja2 (``catalog/_item_claim_rows.html``), not looked up
    cell by cell."""
    claims = {
        (values[0], values[_ITEM_ID_AT[values[0]]]): values[4:]
        for values in _CLAIM_VALUES.rows(offering=offering.pk)
    }
    judged = freshness.ClaimsAt()  # one moment for every claim of the page

    def row(ref: ItemRef, claim: tuple | None) -> dict:
        shown = {
            "code": ref.code,
            "function": ref.function,
            "label": ref.label,
            "target": ref.target,
            "claimed": claim is not None,
        }
        if claim is None:
            return shown
        level, roadmap_date, evidence, evidence_url, verified, verified_at = claim[:6]
        state = judged.state(verified_at, claim[6], evidence_expires_on)
        shown.update(
            level=_level_label(level),
            roadmap_date=_display_date(roadmap_date),
            verified=verified,
            freshness_tag=freshness.tag(state),
            evidence=evidence,
            evidence_url=evidence_url,
        )
        return shown

    return [
        ItemClaimTable(
            kind=kind,
            label=str(ItemKind(kind).label),
            claimed=sum(1 for shown in rows if shown["claimed"]),
            rows=rows,
        )
        for kind, rows in _sections(offering.release_id, claims, row)
    ]
