"""What every catalog write checks first: the offering's state, under a row lock."""

from collections.abc import Iterable

from catalog.models import Offering, OfferingStatus

# The states in which a provider edits a listing (details, claims, documents).
EDITABLE_STATUSES = (OfferingStatus.DRAFT, OfferingStatus.RETURNED)


class WorkflowError(Exception):
    """A change asked for in a state that does not allow it."""


def locked(offering: Offering) -> Offering:
    return Offering.objects.select_for_update().get(pk=offering.pk)


def refuse_unless(offering: Offering, allowed: Iterable[str], doing: str) -> None:
    allowed = tuple(allowed)
    if offering.status not in allowed:
        names = " or ".join(str(OfferingStatus(s).label).lower() for s in allowed)
        raise WorkflowError(
            f"Cannot {doing} “{offering.name}”: it is "
            f"{offering.get_status_display().lower()}, and only an offering that is "
            f"{names} can be."
        )


def set_history_user(obj, by) -> None:
    obj._history_user = by  # simple_history reads it when the row is saved
