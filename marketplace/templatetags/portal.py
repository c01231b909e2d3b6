"""Template filters shared by every page: ``{% load portal %}``."""

from django import template

from catalog.models import Claim, claim_level_label

register = template.Library()


@register.filter
def claim_level(value) -> str:
    """The one claim-level label for a :class:`Claim`, a level code, or ``None``."""
    if isinstance(value, Claim):
        value = value.level
    return claim_level_label(value or None)
