"""Reads of the provider portal, each scoped to the signed-in user's provider: an
offering, claim or document of another provider is not found, whatever its ID."""

from collections import Counter

from django.db.models import Count, Prefetch, Q, QuerySet

from catalog.models import (
    Claim,
    ClaimLevel,
    Offering,
    OfferingDocument,
    ReviewComment,
)
from standards.models import Capability, Function


def own_offerings(user) -> QuerySet[Offering]:
    """Every offering row of the user's provider (drafts and revisions included)."""
    return Offering.objects.filter(provider_id=user.provider_id)


def own_offering_candidates(user) -> QuerySet[Offering]:
    """:func:`own_offerings` with what every provider page shows of one."""
    return own_offerings(user).select_related("provider", "release", "revision_of")


def home_offerings(user) -> QuerySet[Offering]:
    """The provider's listings (not revisions) with their open revisions, the latest
    three review comments of each, and their claim counts: a fixed number of
    queries per page."""
    latest = ReviewComment.objects.select_related("author").order_by(
        "-created_at", "-id"
    )
    return (
        own_offerings(user)
        .filter(revision_of__isnull=True)
        .select_related("release")
        .prefetch_related(
            Prefetch("review_comments", queryset=latest[:3], to_attr="latest"),
            Prefetch(
                "revisions",
                queryset=Offering.objects.prefetch_related(
                    Prefetch("review_comments", queryset=latest[:3], to_attr="latest")
                ),
                to_attr="open_revisions",
            ),
        )
        .annotate(claim_count=Count("claims"))
        .order_by("name", "id")
    )


def claim_level_counts(offering: Offering) -> tuple[list[tuple[str, int]], int]:
    """``([(level label, count), ...], total)`` of the offering's claims."""
    levels = Counter(offering.claims.values_list("level", flat=True))
    return (
        [(label, levels.get(value, 0)) for value, label in ClaimLevel.choices],
        sum(levels.values()),
    )


def review_comments(offering: Offering) -> QuerySet[ReviewComment]:
    return offering.review_comments.select_related("author")


def claim_editor_functions(offering: Offering) -> list[Function]:
    """The functions of the offering's release, each with its number of
    capabilities and of the offering's claims on them."""
    return list(
        Function.objects.filter(release_id=offering.release_id)
        .annotate(
            capability_count=Count("capabilities", distinct=True),
            claim_count=Count(
                "capabilities__claims",
                filter=Q(capabilities__claims__offering=offering),
                distinct=True,
            ),
        )
        .order_by("code")
    )


def function_capabilities(function: Function) -> QuerySet[Capability]:
    return (
        Capability.objects.filter(function=function)
        .select_related("activity")
        .order_by("code")
    )


def function_claims(offering: Offering, function: Function) -> dict[int, Claim]:
    """The offering's claims on the function's capabilities, by capability id."""
    return {
        claim.capability_id: claim
        for claim in Claim.objects.filter(
            offering=offering, capability__function=function
        )
    }


def own_documents(user) -> QuerySet[OfferingDocument]:
    return OfferingDocument.objects.select_related("offering").filter(
        offering__provider_id=user.provider_id
    )


def _changes(records: list) -> list[dict]:
    """Pair each historical record with the one before it (same object) and list the
    fields that changed, without one query per record."""
    entries = []
    previous: dict[int, object] = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        changed = []
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before)
            changed = [
                {"field": change.field, "old": change.old, "new": change.new}
                for change in delta.changes
                if change.field not in ("updated_at",)
            ]
        previous[record.id] = record
        entries.append({"record": record, "changes": changed})
    return entries


def offering_history(offering: Offering) -> list[dict]:
    """The listing's and its claims' history records, newest first, each with the
    fields it changed (two queries)."""
    offering_records = list(
        Offering.history.filter(id=offering.pk).select_related("history_user")
    )
    claim_records = list(
        Claim.history.filter(offering_id=offering.pk).select_related(
            "history_user", "capability"
        )
    )
    entries = [
        *({"kind": "Listing", **entry} for entry in _changes(offering_records)),
        *({"kind": "Claim", **entry} for entry in _changes(claim_records)),
    ]
    entries.sort(
        key=lambda e: (e["record"].history_date, e["record"].history_id), reverse=True
    )
    return entries
