"""Template filters shared by every page: ``{% load portal %}``."""

from django import template

from catalog.models import Offering, OfferingStatus, claim_level_label

register = template.Library()


@register.filter
def claim_level(value) -> str:
    """The one claim-level label for a claim (or its history record), a level code,
    or ``None``."""
    if not isinstance(value, str):
        value = getattr(value, "level", None)
    return claim_level_label(value or None)


@register.simple_tag
def submissions_waiting() -> int:
    """How many listings wait in the brokers' review queue (the admin index says it)."""
    return Offering.objects.filter(status=OfferingStatus.SUBMITTED).count()


@register.filter
def changed_claims(rows) -> list:
    """The rows of a submission review's claims table that a revision changes."""
    return [row for row in rows if row["state"] != "same"]
