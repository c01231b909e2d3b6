"""Recording the agency's decision on a round, and freezing the decision package.

The package is built once, when the decision is recorded: the release's identity,
the need and every item, the invited providers, every response with its
documents' SHA-256 checksums, the questions and answers, every score with its
explanation (computed by :mod:`brokering.rounds.package` from the package's own
data), the ranking, the decision. Its canonical JSON bytes are stored with their
SHA-256 digest and never rewritten, so later changes to the catalog or the
standards do not reach it.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from brokering.models import Decision, ResponseStatus, Round, RoundStatus
from brokering.pagecache import pages_stale
from brokering.rounds import package as pkg
from brokering.rounds import selectors
from brokering.rounds.services import RoundError, acts_for_agency
from brokering.scoring.formula import SCORING_VERSION
from marketplace.roles import is_agency_user


def _release(round: Round) -> dict[str, Any]:
    release = round.need.release
    return {
        "id": release.pk,
        "name": release.name,
        "status": release.status,
        "published_on": release.published_on.isoformat()
        if release.published_on
        else None,
        "content_digest": release.content_digest,
        "source_checksums": release.source_checksums,
    }


def _invited(round: Round, items: list[dict]) -> list[dict[str, Any]]:
    codes = {item["pk"]: item["code"] for item in items}
    invitations = list(selectors.round_invitations(round=round))
    claims = selectors.catalog_claims(
        offering_ids=[i.offering_id for i in invitations], codes=set(codes.values())
    )
    rows = []
    for invitation in invitations:
        submitted = invitation.status == ResponseStatus.SUBMITTED
        rows.append(
            {
                **selectors.offering_row(invitation.offering),
                "status": invitation.status,
                "submitted_at": invitation.submitted_at.isoformat()
                if invitation.submitted_at
                else None,
                "price": {
                    "one_time_cost": str(invitation.one_time_cost)
                    if submitted and invitation.one_time_cost is not None
                    else None,
                    "annual_cost": str(invitation.annual_cost)
                    if submitted and invitation.annual_cost is not None
                    else None,
                    "pricing_basis": invitation.pricing_basis if submitted else "",
                    "assumptions": invitation.assumptions if submitted else "",
                },
                "timeline_months": invitation.timeline_months if submitted else None,
                "fits_go_live": invitation.fits_go_live if submitted else None,
                "customer_references": invitation.customer_references
                if submitted
                else "",
                "answers": selectors.answer_rows(invitation=invitation, codes=codes)
                if submitted
                else [],
                "catalog_claims": claims[invitation.offering_id],
            }
        )
    return rows


def package_content(
    *,
    round: Round,
    recommended: list[int],
    reason: str,
    decided_by,
    decided_at,
    on_behalf: bool = False,
) -> dict[str, Any]:
    items = selectors.item_rows(need=round.need)
    need = selectors.need_row(need=round.need)
    invited = _invited(round, items)
    for entry in invited:
        entry["above_catalog"] = (
            pkg.above_catalog(
                need, items, entry, entry["answers"], entry["catalog_claims"]
            )
            if entry["status"] == ResponseStatus.SUBMITTED
            else []
        )
    content: dict[str, Any] = {
        "format": pkg.FORMAT,
        "format_version": pkg.FORMAT_VERSION,
        "scoring_version": SCORING_VERSION,
        "release": _release(round),
        "need": need,
        "items": [{k: v for k, v in item.items() if k != "pk"} for item in items],
        "round": {
            "id": round.pk,
            "title": round.title,
            "instructions": round.instructions,
            "anonymous": round.anonymous,
            "opened_at": round.opened_at.isoformat(),
            "due_at": round.due_at.isoformat(),
            "closed_at": round.closed_at.isoformat() if round.closed_at else None,
        },
        "invited": invited,
        "questions": [
            {
                "text": question.text,
                "asked_at": question.asked_at.isoformat(),
                "reply": question.reply,
                "replied_at": question.replied_at.isoformat()
                if question.replied_at
                else None,
            }
            for question in round.questions.order_by("asked_at", "id")
        ],
    }
    content["scores"] = pkg.scores(content)
    content["ranking"] = pkg.ranking(pkg.ranked_entries(content["scores"]))
    content["decision"] = {
        "recommended": recommended,
        "reason": reason,
        "decided_by": decided_by.get_full_name() or decided_by.get_username()
        if decided_by
        else "",
        "on_behalf_of": need["agency"] if on_behalf else None,
        "decided_at": decided_at.isoformat(),
    }
    return content


@transaction.atomic
def round_decide(
    *, round_id: int, decided_by, recommended: Iterable[int], reason: str
) -> Decision:
    """Record the decision on a closed round and freeze its package. The agency's
    own user decides, or a broker on the agency's behalf (recorded as such)."""
    round = (
        Round.objects.select_for_update(of=("self",))
        .select_related("need__agency", "need__release")
        .get(pk=round_id)
    )
    if not acts_for_agency(decided_by, round.need.agency_id):
        raise RoundError("Only the need's agency or a broker can record a decision.")
    on_behalf = not is_agency_user(decided_by)
    if round.status != RoundStatus.CLOSED:
        raise RoundError("A decision is recorded once the round has closed.")
    if not reason.strip():
        raise RoundError("Give the reason for the decision.")
    invited = set(round.invitations.values_list("offering_id", flat=True))
    chosen = sorted(set(recommended))
    if not set(chosen) <= invited:
        raise RoundError("Recommend only offerings invited to the round.")
    decided = {
        "round": round,
        "recommended": chosen,
        "reason": reason.strip(),
        "decided_by": decided_by,
        "decided_at": timezone.now(),
        "on_behalf": on_behalf,
    }
    data = pkg.canonical_bytes(package_content(**decided))
    decision = Decision.objects.create(**decided, package=data, digest=pkg.digest(data))
    round.status = RoundStatus.DECIDED
    round.save(update_fields=["status"])
    pages_stale()
    return decision
