"""Reads of market research rounds, scoped to who is asking.

Agency users see their own agency's rounds; brokers see all; a provider sees only
the rounds its offerings were invited to, and only its own responses. Anything
else is simply not found (404), so its existence is not revealed.
"""

import hashlib
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from brokering.models import (
    ITEM_FIELDS,
    Invitation,
    ItemKind,
    Need,
    NeedItem,
    Question,
    ResponseDocument,
    ResponseStatus,
    Round,
    RoundStatus,
)
from brokering.rounds import package as pkg
from brokering.scoring.formula import ineligibility
from brokering.scoring.inputs import awaits_answer
from catalog.models import (
    Claim,
    ItemClaim,
    Offering,
    OfferingDocument,
    OfferingStatus,
)
from marketplace.formats import display_datetime
from marketplace.roles import is_agency_user, is_broker, is_provider_user
from standards.items import ItemRef, kind_rank, release_items


def rounds_visible_to(user) -> QuerySet[Round]:
    if is_broker(user):
        return Round.objects.all()
    if is_agency_user(user):
        return Round.objects.filter(need__agency_id=user.agency_id)
    return Round.objects.none()


def round_list(*, user, need: Need | None = None) -> QuerySet[Round]:
    rounds = rounds_visible_to(user).select_related("need", "need__agency")
    if need is not None:
        rounds = rounds.filter(need=need)
    return rounds.annotate(
        invited_count=Count("invitations", distinct=True),
        submitted_count=Count(
            "invitations",
            filter=Q(invitations__status=ResponseStatus.SUBMITTED),
            distinct=True,
        ),
    ).order_by("-opened_at", "-id")


def overdue_invitations(*, now=None) -> QuerySet[Invitation]:
    """Invitations whose provider has not submitted by the round's due date, in
    rounds not cancelled (the back office's overdue providers)."""
    return Invitation.objects.filter(round__due_at__lte=now or timezone.now()).exclude(
        Q(status=ResponseStatus.SUBMITTED) | Q(round__status=RoundStatus.CANCELLED)
    )


def percent(part: int, whole: int) -> int:
    """A response rate in whole percent (0 when nobody was invited)."""
    return round(100 * part / whole) if whole else 0


def round_get(*, user, round_id: int) -> Round:
    found = (
        rounds_visible_to(user)
        .select_related("need", "need__agency", "need__release", "opened_by")
        .filter(pk=round_id)
        .first()
    )
    if found is None:
        raise Http404("No such round.")
    return found


def round_invitations(*, round: Round) -> QuerySet[Invitation]:
    return round.invitations.select_related("offering", "offering__provider").order_by(
        "id"
    )


def round_questions(*, round: Round) -> QuerySet[Question]:
    return round.questions.select_related("invitation__offering__provider").order_by(
        "asked_at", "id"
    )


def published_replies(*, round: Round) -> QuerySet[Question]:
    """The questions answered, as every invited provider sees them (no asker)."""
    return round.questions.exclude(reply="").order_by("replied_at", "id")


# --- the provider's side -----------------------------------------------------------


def invitations_for_provider(*, user) -> QuerySet[Invitation]:
    if not is_provider_user(user):
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(offering__provider_id=user.provider_id)
        .select_related("round", "round__need", "round__need__agency", "offering")
        .order_by("-round__opened_at", "-id")
    )


def invitation_get(*, user, invitation_id: int) -> Invitation:
    found = invitations_for_provider(user=user).filter(pk=invitation_id).first()
    if found is None:
        raise Http404("No such request.")
    return found


def accepts_responses(*, round: Round) -> bool:
    """Open and not past its due date (the beat task closes it soon after)."""
    return round.status == RoundStatus.OPEN and round.due_at > timezone.now()


def agency_shown(*, round: Round) -> str:
    """The agency's name as providers see it: withheld in an anonymous round."""
    return "An agency (not named)" if round.anonymous else round.need.agency.name


def offering_documents(*, offering_id: int) -> QuerySet[OfferingDocument]:
    return OfferingDocument.objects.filter(offering_id=offering_id).order_by(
        "title", "id"
    )


def answer_evidence(*, invitation: Invitation) -> dict[int, ResponseDocument]:
    """The evidence uploaded with the response, by need item id."""
    answers = invitation.answers.filter(evidence__isnull=False).order_by()
    return {
        answer.item_id: answer.evidence
        for answer in answers.select_related("evidence")
        if answer.evidence is not None
    }


# --- the need's items and the offerings' claims, as plain data ----------------------


def item_rows(*, need: Need) -> list[dict[str, Any]]:
    """Every item of the need as the package and the scorer read it, with its
    primary key (``pk``), in (function, ID) order."""
    keys = {kind: f"{field}_id" for kind, field in ITEM_FIELDS.items()}
    items = NeedItem.objects.filter(need=need).values(  # values: hundreds of items
        "capability__code",
        "capability__function__code",
        "capability__statement",
        "pk",
        "kind",
        "code",
        "priority",
        "statement",
        "target",
        "authority",
        "rationale",
        "function__code",
        *keys.values(),
    )
    items = list(items.order_by("id"))
    # The release's items of the other kinds (a few dozen), when the need has any;
    # its capabilities (a thousand) only as the need's items name them, as
    # release_items reads them.
    others = {item["kind"] for item in items} - {ItemKind.CAPABILITY, ItemKind.AGENCY}
    refs = (
        {ref.key: ref for ref in release_items(need.release_id, capabilities=False)}
        if others
        else {}
    )
    rows = []
    for item in items:
        kind = item["kind"]
        item_id = item[keys[kind]] if kind in keys else None
        ref = refs.get((kind, item_id or 0))
        if kind == ItemKind.CAPABILITY and item_id is not None:
            ref = ItemRef(
                kind,
                item_id,
                item["capability__code"],
                item["capability__function__code"] or "",
                item["capability__statement"] or "",
                "",
            )
        if kind == "agency" or ref is None:
            code = item["code"] or f"{kind}:{item_id}"
            function = item["function__code"] or ""
            statement, standard_target = item["statement"], ""
        else:
            code, function = ref.code, ref.function
            statement, standard_target = ref.label, ref.target
        rows.append(
            {
                "pk": item["pk"],
                "code": code,
                "kind": kind,
                "function": function,
                "priority": item["priority"],
                "awaiting": awaits_answer(kind, item["target"], ref),
                "statement": statement,
                "target": item["target"] or standard_target,
                "authority": item["authority"],
                "rationale": item["rationale"],
            }
        )
    return sorted(
        rows, key=lambda row: (kind_rank(row["kind"]), row["function"], row["code"])
    )


def need_row(*, need: Need) -> dict[str, Any]:
    return {
        "id": need.pk,
        "title": need.title,
        "agency": need.agency.name,
        "go_live_date": need.go_live_date.isoformat(),
        "accepted_provider_kinds": sorted(need.accepted_provider_kinds),
        "minimum_impact_level": need.minimum_impact_level or "",
        "accepted_deployment_models": sorted(need.accepted_deployment_models),
    }


def offering_row(offering: Offering) -> dict[str, Any]:
    return {
        "offering_id": offering.pk,
        "offering": offering.name,
        "provider": offering.provider.name,
        "provider_kind": offering.provider.kind,
        "deployment_model": offering.deployment_model,
        "fedramp_impact": offering.fedramp_impact or "",
    }


def catalog_claims(*, offering_ids: list[int], codes: set[str]) -> dict[int, list]:
    """The offerings' catalog claims on the need's items, as plain claims: their
    capability claims read as values, on those items only (an offering claims on
    a thousand capabilities, a need has a few hundred), their claims on items of
    the other kinds named as :func:`brokering.selectors.offering_claims` names
    them."""
    found: dict[int, list] = {offering_id: [] for offering_id in offering_ids}

    def add(offering_id: int, code: str, level: str, roadmap_date) -> None:
        found[offering_id].append(
            {
                "item": code,
                "level": level,
                "roadmap_date": roadmap_date.isoformat() if roadmap_date else None,
            }
        )

    # Unordered (sorted below): the models' orders join the offerings to sort.
    for row in (
        Claim.objects.filter(offering_id__in=offering_ids, capability__code__in=codes)
        .order_by()
        .values_list("offering_id", "capability__code", "level", "roadmap_date")
    ):
        add(*row)
    # The claims on the other kinds as values, named by their releases' items of
    # those kinds (a few dozen; not the thousand capabilities, which no item claim
    # is on): the background scorer reads them once per response.
    item_claims = (
        ItemClaim.objects.filter(offering_id__in=offering_ids)
        .order_by()
        .values_list(
            "offering_id",
            "offering__release_id",
            "kind",
            "service_measure_id",
            "exchange_id",
            "report_id",
            "level",
            "roadmap_date",
        )
    )
    names: dict[int, dict[tuple[str, int], str]] = {}
    for offering_id, release_id, kind, *ids, level, roadmap_date in item_claims:
        if release_id not in names:
            names[release_id] = {
                ref.key: ref.code
                for ref in release_items(release_id, labels=False, capabilities=False)
            }
        code = names[release_id].get((kind, next((i for i in ids if i), 0)), "")
        if code in codes:
            add(offering_id, code, level, roadmap_date)
    for claims in found.values():
        claims.sort(key=lambda claim: claim["item"])
    return found


def answer_rows(*, invitation: Invitation, codes: dict[int, str]) -> list[dict]:
    """The response's answers as plain claims, with their evidence checksums."""
    rows = []
    answers = invitation.answers.select_related("document", "evidence")
    for answer in answers.order_by("item_id"):
        if answer.item_id not in codes:
            continue
        rows.append(
            {
                "item": codes[answer.item_id],
                "level": answer.level,
                "roadmap_date": answer.roadmap_date.isoformat()
                if answer.roadmap_date
                else None,
                "comment": answer.comment,
                "document": _document(answer.document) if answer.document else None,
                "evidence": _uploaded(answer.evidence) if answer.evidence else None,
            }
        )
    return sorted(rows, key=lambda row: row["item"])


def _document(document: OfferingDocument) -> dict[str, Any]:
    sha = hashlib.sha256()
    with document.file.open("rb") as stream:
        for chunk in iter(lambda: stream.read(65536), b""):
            sha.update(chunk)
    return {
        "title": document.title,
        "file_name": document.original_name,
        "size": document.size,
        "sha256": sha.hexdigest(),
    }


def _uploaded(document: ResponseDocument) -> dict[str, Any]:
    """Evidence uploaded with the response, with the checksum recorded at upload."""
    return {
        "title": document.title,
        "file_name": document.original_name,
        "size": document.size,
        "sha256": document.sha256,
    }


def eligible_offerings(*, need: Need) -> list[Offering]:
    """Published offerings of the need's release that meet its constraints."""
    spec = pkg.need_spec(need_row(need=need), [], basis=pkg.CATALOG)
    offerings = Offering.objects.filter(
        status=OfferingStatus.PUBLISHED, release_id=need.release_id
    ).select_related("provider")
    return [
        offering
        for offering in offerings.order_by("name", "id")
        if not ineligibility(spec, pkg.offering_spec(offering_row(offering), []))
    ]


def round_results(*, round: Round) -> list[dict[str, Any]]:
    """Each invited offering with its catalog score (computed now from the
    catalog) beside its response score (written by the background scorer), the
    items flagged above the catalog, price and timeline; in the one rank order
    (responders on their response score, the others on their catalog claims)."""
    need = need_row(need=round.need)
    items = item_rows(need=round.need)
    invitations = list(round_invitations(round=round))
    claims = catalog_claims(
        offering_ids=[i.offering_id for i in invitations],
        codes={item["code"] for item in items},
    )
    rows: list[dict[str, Any]] = []
    for invitation in invitations:
        offering = offering_row(invitation.offering)
        catalog = pkg.score_entry(
            need, items, offering, claims[invitation.offering_id], basis=pkg.CATALOG
        )
        responded = (
            invitation.status == ResponseStatus.SUBMITTED
            and invitation.scored_at is not None
        )
        ranked_on = (
            {
                "offering_id": invitation.offering_id,
                "score": invitation.response_score,
                "eligible": invitation.response_eligible,
                "gaps": invitation.response_gaps,
            }
            if responded
            else catalog
        )
        rows.append(
            {
                "invitation": invitation,
                "catalog": catalog,
                "responded": responded,
                "scoring": invitation.status == ResponseStatus.SUBMITTED
                and not responded,
                "ranked_on": ranked_on,
            }
        )
    order = pkg.ranking(row["ranked_on"] for row in rows)
    return sorted(rows, key=lambda row: order.index(row["invitation"].offering_id))


def round_overview(*, round: Round) -> dict[str, Any]:
    counts = dict.fromkeys(ResponseStatus.values, 0)
    for status in round.invitations.values_list("status", flat=True):
        counts[status] += 1
    return {
        "invited": sum(counts.values()),
        "submitted": counts[ResponseStatus.SUBMITTED],
        "due": display_datetime(round.due_at),
        "is_open": round.status == RoundStatus.OPEN,
    }


def response_initial(*, invitation: Invitation, items: list[dict]) -> dict[str, Any]:
    """The response form's values: the saved response, or for an item not answered
    yet, the offering's catalog claim on it (the provider confirms or changes it)."""
    initial: dict[str, Any] = {
        field: getattr(invitation, field)
        for field in (
            "one_time_cost",
            "annual_cost",
            "pricing_basis",
            "assumptions",
            "timeline_months",
            "customer_references",
        )
    }
    if invitation.fits_go_live is not None:
        initial["fits_go_live"] = "yes" if invitation.fits_go_live else "no"
    claims = {
        claim["item"]: claim
        for claim in catalog_claims(
            offering_ids=[invitation.offering_id],
            codes={item["code"] for item in items},
        )[invitation.offering_id]
    }
    answers = {answer.item_id: answer for answer in invitation.answers.all()}
    for item in items:
        pk = item["pk"]
        answer = answers.get(pk)
        if answer is not None:
            initial[f"level_{pk}"] = answer.level
            initial[f"date_{pk}"] = answer.roadmap_date
            initial[f"comment_{pk}"] = answer.comment
            initial[f"document_{pk}"] = answer.document_id
        elif item["code"] in claims:
            claim = claims[item["code"]]
            initial[f"level_{pk}"] = claim["level"]
            initial[f"date_{pk}"] = claim["roadmap_date"]
    return initial
