"""Reads of the brokering app, scoped to who is asking.

Agency users see their own agency's needs and matches only; brokers see all. A need or
match of another agency is simply not found (the views answer 404).
"""

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import cast

from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from brokering import results, scoring
from brokering.claim_reads import offering_claims
from brokering.models import (
    Match,
    MatchStatus,
    Need,
    NeedFollow,
    NeedItem,
    ScoringRun,
)
from brokering.scoring.inputs import ITEM_FIELDS, awaits_answer, need_inputs
from catalog import freshness
from catalog.models import (
    NO_CLAIM_LABEL,
    Claim,
    ClaimLevel,
    OfferingDocument,
    OfferingStatus,
)
from catalog.models.search import COVERED_LEVELS
from catalog.selectors.item_claims import release_other_items
from marketplace.prepared import PreparedQuery
from marketplace.roles import is_agency_user, is_broker
from standards.items import ItemRef, kind_rank
from standards.models import Function, ReleaseStatus, StandardsRelease


@contextmanager
def one_snapshot() -> Iterator[None]:
    """Every read inside the block sees the database as of one moment.

    A page that says several things at once (when the need was scored, whether scoring
    is still under way, which matches it has) reads them here, so that a scoring run
    finishing between two of its queries cannot make it contradict itself. On
    PostgreSQL the block is a read-only REPEATABLE READ transaction: one snapshot for
    every statement. SQLite keeps a read transaction's view until it ends. Inside an
    outer transaction (the test suite's), the outer one decides.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
        yield


def _scope(user) -> tuple[str, dict[str, int]]:
    """Which needs the user sees: every need, its agency's, or none."""
    if is_broker(user):
        return "all", {}
    if is_agency_user(user):
        return "agency", {"agency": user.agency_id}
    return "none", {}


def _needs_in(scope: str, agency: int = 0) -> QuerySet[Need]:
    if scope == "all":
        return Need.objects.all()
    if scope == "agency":
        return Need.objects.filter(agency_id=agency)
    return Need.objects.none()


def needs_visible_to(user) -> QuerySet[Need]:
    scope, values = _scope(user)
    return _needs_in(scope, **values)


def need_list(*, user, status: str = "") -> QuerySet[Need]:
    needs = needs_visible_to(user).select_related("agency", "release")
    if status:
        needs = needs.filter(status=status)
    return needs.annotate(
        items_count=Count("items", distinct=True),
    ).order_by("-updated_at", "-id")


# A need page's first read, compiled once per connection and scope (building it
# cost more than running it: docs/performance.md).
_NEED = PreparedQuery(
    lambda shape, need, agency=0: (
        _needs_in(shape, agency)
        .select_related("agency", "release", "created_by")
        .filter(pk=need)
        .order_by()
    )
)


def _id_may_exist(model, pk: int) -> bool:
    """Whether ``pk`` is within the range of the model's ids: a URL or a form can
    name any number, the ORM answers no row for one beyond it (and SQLite cannot
    bind it), so a compiled read is not asked."""
    low, high = connection.ops.integer_field_range(model._meta.pk.get_internal_type())
    return (low is None or pk >= low) and (high is None or pk <= high)


def need_get(*, user, need_id: int) -> Need:
    scope, values = _scope(user)
    found = (
        _NEED.instances(scope, need=need_id, **values)
        if _id_may_exist(Need, need_id)
        else []
    )
    if not found:
        raise Http404("No such need.")
    return found[0]


def need_items(*, need: Need) -> QuerySet[NeedItem]:
    """The need's items of every kind, by kind, then function and code."""
    return need.items.select_related(
        "capability", "capability__function", "capability__activity", "function"
    ).order_by("kind", "capability__function__code", "capability__code", "id")


def need_functions(*, need: Need) -> QuerySet[Function]:
    """Functions of the need's release with how many of their capabilities the need
    covers, and by priority."""
    return (
        Function.objects.filter(release_id=need.release_id)
        .annotate(
            capabilities_count=Count("capabilities", distinct=True),
            in_scope=Count(
                "capabilities",
                filter=Q(capabilities__in=need.items.values("capability_id")),
                distinct=True,
            ),
        )
        .order_by("code")
    )


def need_priority_counts(*, need: Need) -> dict[str, int]:
    counts = dict.fromkeys(scoring.WEIGHTS, 0)
    for row in need.items.values("priority").annotate(n=Count("id")):
        counts[row["priority"]] = row["n"]
    return counts


def latest_run(*, need: Need) -> ScoringRun | None:
    """The need's latest scoring run (a plain read: :mod:`brokering.results`)."""
    return results.latest_run(need_id=need.pk)


def need_scoring_pending(*, need: Need) -> bool:
    """True while a run for the need, or for one of the offerings it is matched with,
    is queued or running (a plain read: :mod:`brokering.results`)."""
    return results.scoring_pending(need_id=need.pk)


def matches_for_need(
    *, need: Need | int, eligible_only: bool = False, status: str = ""
) -> QuerySet[Match]:
    """The ranked matches of a need (offerings still on the shelf)."""
    matches = Match.objects.filter(
        need=need, offering__status=OfferingStatus.PUBLISHED
    ).select_related("offering", "offering__provider")
    if eligible_only:
        matches = matches.filter(eligible=True)
    if status:
        matches = matches.filter(status=status)
    return matches.order_by(*scoring.RANK_ORDER)


def function_coverage(*, need: Need, offering_ids) -> dict[int, list[dict]]:
    """Per offering, per function of the need: how many of the need's capabilities
    the offering covers, that is meets out of the box or by configuration (the
    catalog's ``COVERED_LEVELS``, as on the offering page). Two queries. Capability
    items only: the other kinds are shown by kind on the match page. The ORM's
    reading of the rule: the results and match pages read the plain statements of
    :func:`brokering.results.coverage`, proven equal to it
    (``tests/brokering/test_results.py``)."""
    functions = list(
        need.items.filter(kind="capability")
        .order_by()
        .values_list("capability__function__code")
        .annotate(n=Count("id"))
        .order_by("capability__function__code")
    )
    covered: dict[tuple[int, str], int] = {
        (offering_id, code): n
        for offering_id, code, n in Claim.objects.filter(
            offering_id__in=list(offering_ids),
            capability_id__in=need.items.values("capability_id"),
            level__in=COVERED_LEVELS,
        )
        .order_by()
        .values_list("offering_id", "capability__function__code")
        .annotate(n=Count("id"))
    }
    return results.coverage_by_function(offering_ids, functions, covered)


def need_results(
    *,
    user,
    need_id: int,
    eligible_only: bool,
    status: str,
    page_number: int,
    page_size: int,
) -> dict:
    """Everything the results page says, read in :func:`one_snapshot`: the need (its
    scored count), its latest run, whether scoring is pending, one page of matches
    (:class:`results.RankedMatch`) and their coverage (plain reads,
    :mod:`brokering.results`)."""
    with one_snapshot():
        need = need_get(user=user, need_id=need_id)
        run = latest_run(need=need)
        pending = need_scoring_pending(need=need)
        matches = results.RankedMatches(
            need_id=need.pk, eligible_only=eligible_only, status=status
        )
        # Counted and sliced as a list would be (the one page read).
        ranked = cast("Sequence[results.RankedMatch]", matches)
        page: Page = Paginator(ranked, page_size).get_page(page_number)
        coverage = results.coverage(
            need_id=need.pk, offering_ids=[m.offering_id for m in page.object_list]
        )
    return {
        "need": need,
        "run": run,
        "pending": pending,
        "page_obj": page,
        "coverage": coverage,
    }


def need_scoring_status(*, user, need_id: int) -> dict:
    """What the results page polls while scoring runs, read in one snapshot."""
    with one_snapshot():
        need = need_get(user=user, need_id=need_id)
        run = latest_run(need=need)
        pending = need_scoring_pending(need=need)
    return {"need": need, "run": run, "pending": pending}


def shortlisted_matches(*, need: Need | int) -> QuerySet[Match]:
    return matches_for_need(need=need).filter(
        status__in=[MatchStatus.SHORTLISTED, MatchStatus.RECOMMENDED]
    )


# The report's shortlist and its offerings' evidence documents, compiled once per
# connection (building them cost more than running them).
_SHORTLIST = PreparedQuery(lambda shape, need: shortlisted_matches(need=need))
_DOCUMENTS = PreparedQuery(
    lambda shape, offerings: OfferingDocument.objects.filter(offering_id__in=offerings)
)


def offering_documents(offering_ids: list[int]) -> dict[int, list]:
    """Each offering's evidence documents, in the model's order (one query, none
    for no offering)."""
    documents: dict[int, list] = {offering_id: [] for offering_id in offering_ids}
    if offering_ids:
        for document in _DOCUMENTS.instances(offerings=list(documents)):
            documents[document.offering_id].append(document)
    return documents


def fit_gap(*, need: Need) -> dict:
    """What the fit-gap report says, its page and its downloads alike: the
    shortlisted matches, their offerings' evidence documents (``documents``:
    offering id -> its documents, in the model's order), each one's lines
    (:func:`explained_lines`) and the items awaiting the provider's answer. A fixed
    number of queries whatever the size of the shortlist or of the catalog."""
    matches = _SHORTLIST.instances(need=need.pk)
    documents = offering_documents([m.offering_id for m in matches])
    return {
        "matches": matches,
        "documents": documents,
        "explained": explained_lines(need=need, matches=matches, documents=documents),
        "awaiting": awaiting_items(need=need),
    }


# A match of a need with its offering and provider, compiled once per connection.
_MATCH = PreparedQuery(
    lambda shape, need, match: (
        Match.objects.filter(need_id=need, pk=match)
        .select_related("offering", "offering__provider")
        .order_by()
    )
)


def match_get(*, user, need_id: int, match_id: int) -> Match:
    """The need's match (404 for a need the user does not see), its ``need`` the
    need as :func:`need_get` read it."""
    need = need_get(user=user, need_id=need_id)
    found = (
        _MATCH.instances(need=need.pk, match=match_id)
        if _id_may_exist(Match, match_id)
        else []
    )
    if not found:
        raise Http404("No such match.")
    match = found[0]
    match.need = need
    return match


# --- the reference path: specs built from the claims table -------------------------


def need_spec(*, need: Need) -> scoring.NeedSpec:
    """The need as the formula reads it, items of every kind (items awaiting the
    provider's answer in ``awaiting``), from the items and the release's items the
    page reads once (:func:`need_item_rows`, :func:`need_release_items`)."""
    return need_inputs(
        need,
        {need.release_id: need_release_items(need)},
        need_item_rows(need, again=True),
    ).spec


def offering_spec(*, offering, claims) -> scoring.OfferingSpec:
    return scoring.OfferingSpec(
        key=offering.pk,
        provider_kind=offering.provider.kind,
        deployment_model=offering.deployment_model,
        fedramp_impact=offering.fedramp_impact or "",
        claims={
            claim.item_code: scoring.ClaimSpec(
                claim.level, claim.roadmap_date, claim.verified
            )
            for claim in claims
        },
    )


def explained_lines(
    *,
    need: Need,
    matches,
    spec: scoring.NeedSpec | None = None,
    documents: dict[int, list] | None = None,
) -> dict[int, list[dict]]:
    """Each match's score line by line, recomputed from the claims table: ``{match
    id: [{line, claim, statement, freshness}]}`` in item order (``freshness``:
    :mod:`catalog.freshness`, ``None`` for no claim). Four queries at most, whatever
    the number of matches; three when the page has read the offerings' evidence
    documents (``documents``: offering id -> its documents)."""
    spec = spec or need_spec(need=need)
    claims = offering_claims(
        offering_ids=[m.offering_id for m in matches],
        of_need=need,
        spaces={need.release_id: need_release_items(need)},
    )
    by_offering: dict[int, list] = {}
    for claim in claims:
        by_offering.setdefault(claim.offering_id, []).append(claim)
    statements = item_statements(need=need)
    if documents is None:
        expiries = freshness.evidence_expiries(m.offering_id for m in matches)
    else:
        expiries = {
            offering_id: freshness.earliest_expiry(read)
            for offering_id, read in documents.items()
        }
    judged = freshness.ClaimsAt(timezone.now())  # one moment for every claim
    # The lines come in the spec's item order: put in page order once, not per match.
    in_order = dataclasses.replace(
        spec, items=tuple(sorted(spec.items, key=item_order))
    )
    explained = {}
    for match in matches:
        own = by_offering.get(match.offering_id, [])
        by_code = {claim.item_code: claim for claim in own}
        expiry = expiries.get(match.offering_id)
        entries = []
        for line in scoring.explain(
            in_order, offering_spec(offering=match.offering, claims=own)
        ):
            code = str(line.item.capability)
            on_item = by_code.get(code)
            entries.append(
                {
                    "line": line,
                    "claim": on_item,
                    "statement": statements.get(code, ""),
                    "freshness": judged.of(on_item, expiry),
                }
            )
        explained[match.pk] = entries
    return explained


def item_order(item: scoring.Item) -> tuple:
    """The order of a need's items on its pages: by kind, then function and ID."""
    return (kind_rank(item.kind), item.function, item.capability)


def match_explanation(*, match: Match, documents: list | None = None) -> dict:
    """The score of a match recomputed line by line from the claims table, with the
    evidence of each claim (``documents``: the offering's evidence documents when
    the page has read them)."""
    spec = need_spec(need=match.need)
    entries = explained_lines(
        need=match.need,
        matches=[match],
        spec=spec,
        documents=None if documents is None else {match.offering_id: documents},
    )[match.pk]
    lines = [entry["line"] for entry in entries]
    return {
        "lines": entries,
        "awaiting": awaiting_items(need=match.need),
        "score": scoring.score_lines(lines),
        "total_weight": sum(line.weight for line in lines),
        "earned": sum(line.contribution for line in lines),
        "reasons": scoring.ineligibility(
            spec, offering_spec(offering=match.offering, claims=[])
        ),
    }


def need_release_items(need: Need) -> list[ItemRef]:
    """The need's release's items other than capabilities, read once per need
    object and kept per catalog version (``release_other_items``, as the offering
    page's); a page reads a capability's code and statement with the need's items
    (:func:`need_item_rows`), not the release's thousand capabilities."""
    cached = getattr(need, "_release_items", None)
    if cached is None:
        cached = release_other_items(need.release_id)
        need._release_items = cached  # type: ignore[attr-defined]
    return cached


# What a need's pages read of its items: the scorer's fields, then these.
_PAGE_ITEM_FIELDS = (
    *ITEM_FIELDS,
    "capability__statement",
    "statement",
    "authority",
)
_KIND_LABELS = dict(NeedItem._meta.get_field("kind").flatchoices)
# Compiled once per connection (building it cost more than reading the rows).
_ITEM_ROWS = PreparedQuery(
    lambda shape, need: NeedItem.objects.filter(need_id=need).values_list(
        *_PAGE_ITEM_FIELDS
    )
)


def need_item_rows(need: Need, *, again: bool = False) -> list[tuple]:
    """The need's items as values (``_PAGE_ITEM_FIELDS``, in the model's order),
    read once per need object: the spec, the items' statements and the items
    awaiting an answer all come from these rows. ``again``: read anew (the spec
    always is: its items may have changed since the need object was read)."""
    cached = None if again else getattr(need, "_item_rows", None)
    if cached is None:
        cached = _ITEM_ROWS.rows(need=need.pk)
        need._item_rows = cached  # type: ignore[attr-defined]
    return cached


def awaiting_items(*, need: Need) -> list[dict]:
    """The need's items that await the provider's answer (agency-specific
    requirements, measures at the agency's target), as pages and exports show
    them: kind, ID, function, priority, statement, target, authority."""
    refs = {ref.key: ref for ref in need_release_items(need)}
    rows = []
    for row in need_item_rows(need):
        kind, measure_id, own_code, own_function, priority, target = (
            row[1],
            row[3],
            *row[8:12],
        )
        if kind not in ("agency", "measure"):
            continue
        ref = refs.get((kind, measure_id or 0)) if kind == "measure" else None
        if not awaits_answer(kind, target, ref):
            continue
        if ref is None:  # the agency's own requirement
            code, function = own_code, own_function or ""
            statement, standard_target = row[13], ""
        else:
            code, function = ref.code, ref.function
            statement, standard_target = ref.label, ref.target
        rows.append(
            {
                "kind": kind,
                "kind_label": _KIND_LABELS.get(kind, kind),
                "code": code,
                "function": function,
                "priority": priority,
                "statement": statement,
                "target": target or standard_target,
                "authority": row[14],
            }
        )
    return sorted(rows, key=lambda row: (row["function"], row["code"]))


def item_statements(*, need: Need) -> dict[str, str]:
    """Item ID -> what the item says, for every item of the need (capabilities
    and the agency's own from the need's items, the other kinds from the
    release)."""
    rows = need_item_rows(need)
    statements = {row[6]: row[12] or "" for row in rows if row[1] == "capability"}
    statements.update((ref.code, ref.label) for ref in need_release_items(need))
    statements.update((row[8], row[13]) for row in rows if row[1] == "agency")
    return statements


def current_release_id() -> int | None:
    return (
        StandardsRelease.objects.filter(status=ReleaseStatus.CURRENT)
        .values_list("id", flat=True)
        .first()
    )


def need_runs(*, need: Need) -> QuerySet[ScoringRun]:
    """The scoring runs of a need, newest first."""
    return need.runs.order_by("-queued_at", "-id")


def scoring_rules() -> dict:
    """The formula's values as pages and help texts show them: rendered from
    :mod:`brokering.scoring.formula`, never retyped."""
    roadmap = scoring.credit_text(scoring.CREDITS[scoring.ROADMAP])
    return {
        "weights": scoring.WEIGHTS,
        "credits": [
            (
                ClaimLevel.MEETS.label,
                scoring.credit_text(scoring.CREDITS[scoring.MEETS]),
            ),
            (
                ClaimLevel.CONFIGURABLE.label,
                scoring.credit_text(scoring.CREDITS[scoring.CONFIGURABLE]),
            ),
            (
                ClaimLevel.EXTENSION.label,
                scoring.credit_text(scoring.CREDITS[scoring.EXTENSION]),
            ),
            (
                ClaimLevel.ROADMAP.label,
                f"{roadmap} if promised on or before the go-live date, else 0",
            ),
            (
                ClaimLevel.DOES_NOT_MEET.label,
                scoring.credit_text(scoring.CREDITS[scoring.DOES_NOT_MEET]),
            ),
            (
                NO_CLAIM_LABEL,
                scoring.credit_text(scoring.CREDITS[scoring.UNKNOWN]),
            ),
        ],
        "gap_below": scoring.credit_text(scoring.GAP_BELOW),
    }


def need_followed(*, user, need: Need) -> bool:
    """Whether the user follows the need (alerts, ``brokering.services.alerts``)."""
    return NeedFollow.objects.filter(user_id=user.pk, need=need).exists()
