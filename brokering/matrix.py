"""A need's matrix: its top matches side by side against its items, each cell a
line of the explanation with the claim's freshness (the matrix page of
``brokering.outcome_views``)."""

from brokering import scoring, selectors
from brokering.models import Need
from catalog import freshness


def matrix_of_need(*, need: Need, top: int, function_code: str = "") -> dict:
    """The top matches of a need against its items: one row per item (grouped by
    kind, then function and ID), one column per offering, each cell a line of the
    explanation with the claim's freshness (:mod:`catalog.freshness`); ``awaiting``:
    the items awaiting the provider's answer."""
    matches = list(selectors.matches_for_need(need=need)[:top])
    spec = selectors.need_spec(need=need)
    items = sorted(
        (
            item
            for item in spec.items
            if not function_code or item.function == function_code
        ),
        key=selectors.item_order,
    )
    claims = list(
        selectors.offering_claims(
            offering_ids=[m.offering_id for m in matches],
            of_need=need,
            spaces={need.release_id: selectors.need_release_items(need)},
        )
    )
    by_offering: dict[int, list] = {}
    for claim in claims:
        by_offering.setdefault(claim.offering_id, []).append(claim)
    expiries = freshness.evidence_expiries(m.offering_id for m in matches)
    columns = []
    for match in matches:
        own = {
            claim.item_code: claim for claim in by_offering.get(match.offering_id, [])
        }
        lines = scoring.explain(
            scoring.NeedSpec(
                go_live=spec.go_live,
                items=tuple(items),
                provider_kinds=spec.provider_kinds,
                minimum_impact=spec.minimum_impact,
                deployment_models=spec.deployment_models,
                verified_only=spec.verified_only,
            ),
            selectors.offering_spec(
                offering=match.offering, claims=by_offering.get(match.offering_id, [])
            ),
        )
        states = [
            freshness.of_claim(
                own.get(str(line.item.capability)), expiries.get(match.offering_id)
            )
            for line in lines
        ]
        columns.append((match, list(zip(lines, states, strict=True))))
    rows = [
        (item, [cells[index] for _, cells in columns])
        for index, item in enumerate(items)
    ]
    awaiting = [
        row
        for row in selectors.awaiting_items(need=need)
        if not function_code or row["function"] == function_code
    ]
    return {"matches": matches, "rows": rows, "awaiting": awaiting}
