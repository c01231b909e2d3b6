"""The change feed: offerings' history records since a date, with what changed."""

from django.db.models import (
    CharField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)

from catalog.models import (
    Claim,
    Offering,
    OfferingStatus,
)
from standards.models import (
    ReleaseStatus,
    StandardsRelease,
)


def _previous(history_model, field_name: str) -> Subquery:
    """The value ``field_name`` had in the record before this one (NULL for none)."""
    return Subquery(
        history_model.objects.filter(
            id=OuterRef("id"), history_date__lt=OuterRef("history_date")
        )
        .order_by("-history_date", "-history_id")
        .values(field_name)[:1],
        output_field=CharField(),
    )


FEED_COLUMNS = (
    "feed_kind",
    "feed_key",
    "feed_capability",
    "feed_state",
    "feed_previous",
    "history_type",
    "history_date",
    "history_id",
)


def changes_since(since=None, *, kind: str = "") -> QuerySet:
    """What the public could see change, oldest first: offerings published, changed
    or retired; claims of published offerings stated, changed or removed; standards
    releases made current or retired. One row per history record, as dicts of
    :data:`FEED_COLUMNS`; stable IDs are offering slugs, capability codes and release
    names. Drafts, submissions, revisions and draft releases never show.
    """
    public_statuses = [OfferingStatus.PUBLISHED, OfferingStatus.RETIRED]
    text = CharField()
    offering_history = Offering.history.model
    claim_history = Claim.history.model
    release_history = StandardsRelease.history.model
    parts = {
        "offering": offering_history.objects.filter(
            status__in=public_statuses, revision_of__isnull=True
        ).annotate(
            feed_kind=Value("offering", output_field=text),
            feed_key=F("slug"),
            feed_capability=Value("", output_field=text),
            feed_state=F("status"),
            feed_previous=_previous(offering_history, "status"),
        ),
        "claim": claim_history.objects.filter(
            offering__status__in=public_statuses,
            offering__revision_of__isnull=True,
            history_date__gte=F("offering__published_at"),
        ).annotate(
            feed_kind=Value("claim", output_field=text),
            feed_key=F("offering__slug"),
            feed_capability=F("capability__code"),
            feed_state=F("level"),
            feed_previous=_previous(claim_history, "level"),
        ),
        "release": release_history.objects.filter(
            status__in=[ReleaseStatus.CURRENT, ReleaseStatus.RETIRED]
        ).annotate(
            feed_kind=Value("release", output_field=text),
            feed_key=F("name"),
            feed_capability=Value("", output_field=text),
            feed_state=F("status"),
            feed_previous=_previous(release_history, "status"),
        ),
    }
    selected = [parts[kind]] if kind else list(parts.values())
    if since is not None:
        selected = [part.filter(history_date__gt=since) for part in selected]
    selected = [part.order_by().values(*FEED_COLUMNS) for part in selected]
    feed = selected[0]
    if len(selected) > 1:
        feed = feed.union(*selected[1:], all=True)
    return feed.order_by("history_date", "feed_kind", "history_id")
