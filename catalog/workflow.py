"""The listing workflow: one guarded service per transition, and the writes around it.

draft -> submitted -> published, or returned (with comments) -> submitted again; a
provider may withdraw a submission (back to draft); a published offering may be
retired. Editing a published offering makes a *revision*: a separate draft row
(``revision_of`` points at the published one) that goes through the same review while
the published row stays as it is. Approving a revision copies its fields, claims and
documents onto the published row and deletes the revision.

Claims are written by :mod:`catalog.services.claims` (a revision's copy too), which
refreshes the claim vectors and sends ``offerings_changed`` in the same transaction.
Statuses change nowhere else; each transition makes the review queue's cached pages
stale (``catalog.pagecache.REVIEW_SCOPE``).
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog.models import (
    ContractVehicle,
    Offering,
    OfferingDocument,
    OfferingStatus,
    Provider,
    ReviewAction,
    ReviewComment,
)
from catalog.pagecache import review_stale
from catalog.services.claims import claims_changed, claims_copy
from catalog.services.guards import (
    EDITABLE_STATUSES,
    WorkflowError,
    locked,
    refuse_unless,
    set_history_user,
)
from catalog.services.search import announce
from standards.models import StandardsRelease
from standards.selectors import current_release

# The fields a provider edits and a revision carries; the review page diffs them.
CONTENT_FIELDS = (
    "name",
    "summary",
    "description",
    "category",
    "deployment_model",
    "fedramp_status",
    "fedramp_impact",
    "fedramp_package_id",
    "fedramp_authorized_on",
    "fedramp_ato_agencies",
    "pricing_model",
    "customer_agencies",
    "accessibility_report_date",
)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:240] or "offering"
    slug, n = base, 1
    while Offering.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _comment(offering: Offering, action: str, by, body: str = "") -> ReviewComment:
    """Record a transition. Every transition records one, so the review queue's
    cached pages go stale here (:func:`catalog.pagecache.review_stale`)."""
    review_stale()
    return ReviewComment.objects.create(
        offering=offering, action=action, body=body, author=by
    )


# --- drafts ---------------------------------------------------------------------


@transaction.atomic
def offering_create(
    *,
    provider: Provider,
    by,
    fields: dict,
    contract_vehicles: Iterable[ContractVehicle] = (),
    release: StandardsRelease | None = None,
) -> Offering:
    """A new draft offering of ``provider``, stated against the current release."""
    release = release or current_release()
    if release is None:
        raise WorkflowError(
            "No standards release is current yet, so offerings cannot be created."
        )
    offering = Offering(
        provider=provider,
        release=release,
        slug=_unique_slug(fields.get("name", "")),
        status=OfferingStatus.DRAFT,
        **{name: value for name, value in fields.items() if name in CONTENT_FIELDS},
    )
    set_history_user(offering, by)
    offering.save()
    offering.contract_vehicles.set(contract_vehicles)
    return offering


@transaction.atomic
def offering_update(
    *,
    offering: Offering,
    by,
    fields: dict,
    contract_vehicles: Iterable[ContractVehicle] | None = None,
) -> Offering:
    """Change a draft's or a returned offering's details."""
    offering = locked(offering)
    refuse_unless(offering, EDITABLE_STATUSES, "edit")
    for name, value in fields.items():
        if name in CONTENT_FIELDS:
            setattr(offering, name, value)
    set_history_user(offering, by)
    offering.save()
    if contract_vehicles is not None:
        offering.contract_vehicles.set(contract_vehicles)
    return offering


@transaction.atomic
def offering_revision_start(*, offering: Offering, by) -> Offering:
    """The open revision of a published offering, made on first use.

    The revision copies the published fields, contract vehicles, claims and documents;
    the published row is not touched.
    """
    published = locked(offering)
    refuse_unless(published, (OfferingStatus.PUBLISHED,), "revise")
    existing = published.revisions.first()
    if existing is not None:
        return existing
    revision = Offering(
        provider_id=published.provider_id,
        release_id=published.release_id,
        slug=f"{published.slug[:230]}--revision",
        status=OfferingStatus.DRAFT,
        revision_of=published,
        **{name: getattr(published, name) for name in CONTENT_FIELDS},
    )
    set_history_user(revision, by)
    revision.save()
    revision.contract_vehicles.set(published.contract_vehicles.all())
    OfferingDocument.objects.bulk_create(
        [
            OfferingDocument(
                offering=revision,
                title=doc.title,
                file=doc.file.name,
                original_name=doc.original_name,
                kind=doc.kind,
                size=doc.size,
                uploaded_by_id=doc.uploaded_by_id,
                as_of=doc.as_of,
                expires_on=doc.expires_on,
            )
            for doc in published.documents.all()
        ]
    )
    claims_copy(source=published, target=revision, by=by)
    return revision


@transaction.atomic
def offering_discard(*, offering: Offering, by) -> None:
    """Delete a draft that was never published (or a revision nobody submitted)."""
    offering = locked(offering)
    refuse_unless(offering, EDITABLE_STATUSES, "discard")
    if offering.published_at is not None and offering.revision_of_id is None:
        raise WorkflowError(
            f"Cannot discard “{offering.name}”: it has been published; retire it "
            "instead."
        )
    set_history_user(offering, by)
    offering.delete()


# --- transitions ----------------------------------------------------------------


@transaction.atomic
def offering_submit(*, offering: Offering, by, comment: str = "") -> Offering:
    """A provider sends a draft or returned offering to the brokers for review."""
    from catalog.notifications import notify_brokers_of_submission

    offering = locked(offering)
    refuse_unless(offering, EDITABLE_STATUSES, "submit")
    if not offering.claims.exists() and not offering.item_claims.exists():
        raise WorkflowError(
            f"Cannot submit “{offering.name}”: state at least one claim first."
        )
    offering.status = OfferingStatus.SUBMITTED
    offering.submitted_at = timezone.now()
    set_history_user(offering, by)
    offering.save()
    _comment(offering, ReviewAction.SUBMITTED, by, comment)
    transaction.on_commit(lambda: notify_brokers_of_submission(offering_id=offering.pk))
    return offering


@transaction.atomic
def offering_withdraw(*, offering: Offering, by) -> Offering:
    """A provider takes a submission back to draft before a broker decides."""
    offering = locked(offering)
    refuse_unless(offering, (OfferingStatus.SUBMITTED,), "withdraw")
    offering.status = OfferingStatus.DRAFT
    set_history_user(offering, by)
    offering.save()
    _comment(offering, ReviewAction.WITHDRAWN, by)
    return offering


@transaction.atomic
def offering_return(*, offering: Offering, by, comment: str) -> Offering:
    """A broker sends a submission back to its provider with comments."""
    from catalog.notifications import notify_provider_of_decision

    if not comment.strip():
        raise WorkflowError("Say what the provider needs to change.")
    offering = locked(offering)
    refuse_unless(offering, (OfferingStatus.SUBMITTED,), "return")
    offering.status = OfferingStatus.RETURNED
    set_history_user(offering, by)
    offering.save()
    note = _comment(offering, ReviewAction.RETURNED, by, comment.strip())
    transaction.on_commit(
        lambda: notify_provider_of_decision(review_comment_id=note.pk)
    )
    return offering


def _copy_revision_onto(published: Offering, revision: Offering, by) -> None:
    for name in CONTENT_FIELDS:
        setattr(published, name, getattr(revision, name))
    published.release_id = revision.release_id
    published.contract_vehicles.set(revision.contract_vehicles.all())
    # Documents follow the revision; files are shared by name, so none is deleted.
    published.documents.all().delete()
    revision.documents.update(offering=published)
    revision.review_comments.update(offering=published)


@transaction.atomic
def offering_approve(*, offering: Offering, by, comment: str = "") -> Offering:
    """A broker publishes a submission. A revision replaces its published offering,
    which is returned."""
    from catalog.notifications import notify_provider_of_decision

    offering = locked(offering)
    refuse_unless(offering, (OfferingStatus.SUBMITTED,), "approve")
    now = timezone.now()
    if offering.revision_of_id is not None:
        published = locked(Offering(pk=offering.revision_of_id))
        refuse_unless(published, (OfferingStatus.PUBLISHED,), "replace")
        # The claims first, then the listing (its history and the change feed read
        # in that order), then the one announcement of both.
        claims_copy(source=offering, target=published, by=by, reason=None)
        _copy_revision_onto(published, offering, by)
        published.updated_at = now
        set_history_user(published, by)
        published.save()
        claims_changed(offering_ids=[published.pk], reason="published")
        set_history_user(offering, by)
        offering.delete()
        offering = published
    else:
        offering.status = OfferingStatus.PUBLISHED
        offering.published_at = now
        set_history_user(offering, by)
        offering.save()
        claims_changed(offering_ids=[offering.pk], reason="published")
    note = _comment(offering, ReviewAction.APPROVED, by, comment.strip())
    transaction.on_commit(
        lambda: notify_provider_of_decision(review_comment_id=note.pk)
    )
    return offering


@transaction.atomic
def offering_retire(*, offering: Offering, by, comment: str = "") -> Offering:
    """Take a published offering off the shelf; an open revision is discarded."""
    offering = locked(offering)
    refuse_unless(offering, (OfferingStatus.PUBLISHED,), "retire")
    offering.revisions.all().delete()
    offering.status = OfferingStatus.RETIRED
    set_history_user(offering, by)
    offering.save()
    _comment(offering, ReviewAction.RETIRED, by, comment.strip())
    announce(offering_ids=[offering.pk], reason="retired")
    return offering
