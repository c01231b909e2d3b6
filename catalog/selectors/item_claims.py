"""An offering's claims on service measures, information exchanges and pre-built
reports, for its catalog page: one section per kind, every item of the release with
the offering's claim (or none)."""

from dataclasses import dataclass, field

from catalog.models import ITEM_FIELD, ItemClaim, Offering
from standards.items import ItemKind, ItemRef, release_items


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


def offering_item_claims(offering: Offering) -> list[ItemClaimSection]:
    """Two queries: the release's items, the offering's claims on them. Kinds the
    release has no item of are left out."""
    claims = {
        (claim.kind, getattr(claim, f"{ITEM_FIELD[claim.kind]}_id")): claim
        for claim in ItemClaim.objects.filter(offering=offering)
    }
    sections: dict[str, ItemClaimSection] = {
        kind: ItemClaimSection(kind, str(ItemKind(kind).label))
        for kind in (ItemKind.MEASURE, ItemKind.EXCHANGE, ItemKind.REPORT)
    }
    for ref in release_items(offering.release_id, capabilities=False):
        if ref.kind in sections:
            sections[ref.kind].rows.append(ItemClaimRow(ref, claims.get(ref.key)))
    return [section for section in sections.values() if section.rows]
