"""Template filters for scores kept in hundredths (see :mod:`brokering.scoring`)."""

from django import template

register = template.Library()


@register.filter
def hundredths(value) -> str:
    """``90`` -> ``"0.9"``, ``450`` -> ``"4.5"``, ``0`` -> ``"0"``."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    return f"{number / 100:.2f}".rstrip("0").rstrip(".")
