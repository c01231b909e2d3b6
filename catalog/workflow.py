"""The listing workflow: one guarded service per transition, and the writes around it.

draft -> submitted -> published, or returned (with comments) -> submitted again; a
provider may withdraw a submission (back to draft); a published offering may be
retired. Editing a published offering makes a *revision*: a separate draft row
(``revision_of`` points at the published one) that goes through the same review while
the published row stays as it is. Approving a revision copies its fields, claims and
documents onto the published row and deletes the revision.

Every service here that writes claims refreshes the claim vectors and sends
``offerings_changed`` in the same transaction. Statuses change nowhere else.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog.models import (
    Claim,
    ClaimLevel,
    ContractVehicle,
    Offering,
    OfferingDocument,
    OfferingStatus,
    Provider,
    ReviewAction,
    ReviewComment,
)
from catalog.signals import offerings_changed
from catalog.vectors import refresh_claim_vectors
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
    "pricing_model",
    "customer_agencies",
    "accessibility_report_date",
)
EDITABLE_STATUSES = (OfferingStatus.DRAFT, OfferingStatus.RETURNED)
CLAIM_FIELDS = ("level", "roadmap_date", "evidence", "evidence_url")


class WorkflowError(Exception):
    """A transition asked for from a state that does not allow it."""


@dataclass(frozen=True)
class ClaimInput:
    """One capability's claim as a provider states it; ``level`` "" means no claim."""

    capability_id: int
    level: str
    roadmap_date: datetime.date | None = None
    evidence: str = ""
    evidence_url: str = ""


def _locked(offering: Offering) -> Offering:
    return Offering.objects.select_for_update().get(pk=offering.pk)


def _refuse_unless(offering: Offering, allowed: Iterable[str], doing: str) -> None:
    allowed = tuple(allowed)
    if offering.status not in allowed:
        names = " or ".join(str(OfferingStatus(s).label).lower() for s in allowed)
        raise WorkflowError(
            f"Cannot {doing} “{offering.name}”: it is "
            f"{offering.get_status_display().lower()}, and only an offering that is "
            f"{names} can be."
        )


def _claims_changed(offering_ids: list[int], reason: str) -> None:
    refresh_claim_vectors(offering_ids=offering_ids)
    offerings_changed.send(sender=Offering, offering_ids=offering_ids, reason=reason)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:240] or "offering"
    slug, n = base, 1
    while Offering.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _comment(offering: Offering, action: str, by, body: str = "") -> ReviewComment:
    return ReviewComment.objects.create(
        offering=offering, action=action, body=body, author=by
    )


def _set_history_user(obj, by) -> None:
    obj._history_user = by  # simple_history reads it when the row is saved


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
    _set_history_user(offering, by)
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
    offering = _locked(offering)
    _refuse_unless(offering, EDITABLE_STATUSES, "edit")
    for name, value in fields.items():
        if name in CONTENT_FIELDS:
            setattr(offering, name, value)
    _set_history_user(offering, by)
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
    published = _locked(offering)
    _refuse_unless(published, (OfferingStatus.PUBLISHED,), "revise")
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
    _set_history_user(revision, by)
    revision.save()
    revision.contract_vehicles.set(published.contract_vehicles.all())
    Claim.objects.bulk_create(
        [
            Claim(
                offering=revision,
                capability_id=claim.capability_id,
                verified=claim.verified,
                verified_by_id=claim.verified_by_id,
                verified_at=claim.verified_at,
                **{name: getattr(claim, name) for name in CLAIM_FIELDS},
            )
            for claim in published.claims.all()
        ]
    )
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
            )
            for doc in published.documents.all()
        ]
    )
    _claims_changed([revision.pk], "claims")
    return revision


@transaction.atomic
def offering_discard(*, offering: Offering, by) -> None:
    """Delete a draft that was never published (or a revision nobody submitted)."""
    offering = _locked(offering)
    _refuse_unless(offering, EDITABLE_STATUSES, "discard")
    if offering.published_at is not None and offering.revision_of_id is None:
        raise WorkflowError(
            f"Cannot discard “{offering.name}”: it has been published; retire it "
            "instead."
        )
    _set_history_user(offering, by)
    offering.delete()


# --- claims ---------------------------------------------------------------------


def _claim_differs(claim: Claim, data: ClaimInput) -> bool:
    return (
        claim.level != data.level
        or claim.roadmap_date != data.roadmap_date
        or claim.evidence != data.evidence
        or claim.evidence_url != data.evidence_url
    )


@transaction.atomic
def claims_save(*, offering: Offering, by, claims: Iterable[ClaimInput]) -> int:
    """Write the given capabilities' claims; level "" removes a claim.

    Only claims that differ are written, so saving what was read writes nothing. A
    changed claim is no longer verified. Capabilities not given are left alone.
    Returns the number of claims created, changed or removed.
    """
    offering = _locked(offering)
    _refuse_unless(offering, EDITABLE_STATUSES, "change the claims of")
    claims = list(claims)
    for data in claims:
        if data.level and data.level not in ClaimLevel.values:
            raise WorkflowError(f"Unknown claim level “{data.level}”.")
        if data.level == ClaimLevel.ROADMAP and data.roadmap_date is None:
            raise WorkflowError("A roadmap claim needs a target date.")
    existing = {
        claim.capability_id: claim
        for claim in offering.claims.filter(
            capability_id__in=[c.capability_id for c in claims]
        )
    }
    changed = 0
    for data in claims:
        claim = existing.get(data.capability_id)
        roadmap_date = data.roadmap_date if data.level == ClaimLevel.ROADMAP else None
        data = ClaimInput(
            capability_id=data.capability_id,
            level=data.level,
            roadmap_date=roadmap_date,
            evidence=data.evidence,
            evidence_url=data.evidence_url,
        )
        if not data.level:
            if claim is not None:
                _set_history_user(claim, by)
                claim.delete()
                changed += 1
            continue
        if claim is None:
            claim = Claim(offering=offering, capability_id=data.capability_id)
        elif not _claim_differs(claim, data):
            continue
        for name in CLAIM_FIELDS:
            setattr(claim, name, getattr(data, name))
        claim.verified, claim.verified_by, claim.verified_at = False, None, None
        _set_history_user(claim, by)
        claim.save()
        changed += 1
    if changed:
        offering.save(update_fields=["updated_at"])
        _claims_changed([offering.pk], "claims")
    return changed


@transaction.atomic
def claims_verify(*, claims: Iterable[Claim], by, verified: bool = True) -> int:
    """A broker marks claims verified (or not). Returns how many changed."""
    ids = [claim.pk for claim in claims]
    changed = 0
    offering_ids: set[int] = set()
    for claim in Claim.objects.select_for_update().filter(pk__in=ids):
        if claim.verified == verified:
            continue
        claim.verified = verified
        claim.verified_by = by if verified else None
        claim.verified_at = timezone.now() if verified else None
        _set_history_user(claim, by)
        claim.save()
        offering_ids.add(claim.offering_id)
        changed += 1
    if offering_ids:
        _claims_changed(sorted(offering_ids), "claims")
    return changed


# --- transitions ----------------------------------------------------------------


@transaction.atomic
def offering_submit(*, offering: Offering, by, comment: str = "") -> Offering:
    """A provider sends a draft or returned offering to the brokers for review."""
    from catalog.notifications import notify_brokers_of_submission

    offering = _locked(offering)
    _refuse_unless(offering, EDITABLE_STATUSES, "submit")
    if not offering.claims.exists():
        raise WorkflowError(
            f"Cannot submit “{offering.name}”: state at least one claim first."
        )
    offering.status = OfferingStatus.SUBMITTED
    offering.submitted_at = timezone.now()
    _set_history_user(offering, by)
    offering.save()
    _comment(offering, ReviewAction.SUBMITTED, by, comment)
    transaction.on_commit(lambda: notify_brokers_of_submission(offering_id=offering.pk))
    return offering


@transaction.atomic
def offering_withdraw(*, offering: Offering, by) -> Offering:
    """A provider takes a submission back to draft before a broker decides."""
    offering = _locked(offering)
    _refuse_unless(offering, (OfferingStatus.SUBMITTED,), "withdraw")
    offering.status = OfferingStatus.DRAFT
    _set_history_user(offering, by)
    offering.save()
    _comment(offering, ReviewAction.WITHDRAWN, by)
    return offering


@transaction.atomic
def offering_return(*, offering: Offering, by, comment: str) -> Offering:
    """A broker sends a submission back to its provider with comments."""
    from catalog.notifications import notify_provider_of_decision

    if not comment.strip():
        raise WorkflowError("Say what the provider needs to change.")
    offering = _locked(offering)
    _refuse_unless(offering, (OfferingStatus.SUBMITTED,), "return")
    offering.status = OfferingStatus.RETURNED
    _set_history_user(offering, by)
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
    wanted = {claim.capability_id: claim for claim in revision.claims.all()}
    for claim in published.claims.all():
        source = wanted.pop(claim.capability_id, None)
        _set_history_user(claim, by)
        if source is None:
            claim.delete()
            continue
        fields = (*CLAIM_FIELDS, "verified", "verified_by_id", "verified_at")
        if any(getattr(claim, f) != getattr(source, f) for f in fields):
            for name in fields:
                setattr(claim, name, getattr(source, name))
            claim.save()
    for source in wanted.values():
        claim = Claim(
            offering=published,
            capability_id=source.capability_id,
            verified=source.verified,
            verified_by_id=source.verified_by_id,
            verified_at=source.verified_at,
            **{name: getattr(source, name) for name in CLAIM_FIELDS},
        )
        _set_history_user(claim, by)
        claim.save()
    # Documents follow the revision; files are shared by name, so none is deleted.
    published.documents.all().delete()
    revision.documents.update(offering=published)
    revision.review_comments.update(offering=published)


@transaction.atomic
def offering_approve(*, offering: Offering, by, comment: str = "") -> Offering:
    """A broker publishes a submission. A revision replaces its published offering,
    which is returned."""
    from catalog.notifications import notify_provider_of_decision

    offering = _locked(offering)
    _refuse_unless(offering, (OfferingStatus.SUBMITTED,), "approve")
    now = timezone.now()
    if offering.revision_of_id is not None:
        published = _locked(offering.revision_of)
        _refuse_unless(published, (OfferingStatus.PUBLISHED,), "replace")
        _copy_revision_onto(published, offering, by)
        published.updated_at = now
        _set_history_user(published, by)
        published.save()
        _set_history_user(offering, by)
        offering.delete()
        offering = published
    else:
        offering.status = OfferingStatus.PUBLISHED
        offering.published_at = now
        _set_history_user(offering, by)
        offering.save()
    note = _comment(offering, ReviewAction.APPROVED, by, comment.strip())
    _claims_changed([offering.pk], "published")
    transaction.on_commit(
        lambda: notify_provider_of_decision(review_comment_id=note.pk)
    )
    return offering


@transaction.atomic
def offering_retire(*, offering: Offering, by, comment: str = "") -> Offering:
    """Take a published offering off the shelf; an open revision is discarded."""
    offering = _locked(offering)
    _refuse_unless(offering, (OfferingStatus.PUBLISHED,), "retire")
    offering.revisions.all().delete()
    offering.status = OfferingStatus.RETIRED
    _set_history_user(offering, by)
    offering.save()
    _comment(offering, ReviewAction.RETIRED, by, comment.strip())
    offerings_changed.send(
        sender=Offering, offering_ids=[offering.pk], reason="retired"
    )
    return offering
