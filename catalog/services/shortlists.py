"""Shortlists: named lists of offerings a user (and their agency) keeps."""

from django.db import transaction

from catalog.models import Offering, Shortlist, ShortlistEntry


@transaction.atomic
def shortlist_create(*, user, name: str) -> Shortlist:
    """A new named shortlist; an agency user's is shared with their agency."""
    name = name.strip()
    if not name:
        raise ValueError("A shortlist needs a name.")
    return Shortlist.objects.create(
        name=name[:120], owner=user, agency_id=getattr(user, "agency_id", None)
    )


@transaction.atomic
def shortlist_rename(*, shortlist: Shortlist, name: str) -> Shortlist:
    name = name.strip()
    if not name:
        raise ValueError("A shortlist needs a name.")
    shortlist.name = name[:120]
    shortlist.save(update_fields=["name", "updated_at"])
    return shortlist


@transaction.atomic
def shortlist_add(*, shortlist: Shortlist, offering: Offering, user) -> bool:
    """Add an offering; returns False when it was already on the shortlist."""
    _, created = ShortlistEntry.objects.get_or_create(
        shortlist=shortlist, offering=offering, defaults={"added_by": user}
    )
    if created:
        shortlist.save(update_fields=["updated_at"])
    return created


@transaction.atomic
def shortlist_remove(*, shortlist: Shortlist, offering: Offering) -> bool:
    deleted, _ = ShortlistEntry.objects.filter(
        shortlist=shortlist, offering=offering
    ).delete()
    if deleted:
        shortlist.save(update_fields=["updated_at"])
    return bool(deleted)


@transaction.atomic
def shortlist_delete(*, shortlist: Shortlist) -> None:
    shortlist.delete()
