"""Template filters of the brokering pages: credits kept in hundredths (see
:mod:`brokering.scoring`), the claim of an explanation line in words and the
coverage bar of a function."""

from django import template

from brokering import display, scoring, selectors

register = template.Library()


@register.filter
def hundredths(value) -> str:
    """A credit or a weight × credit kept in hundredths, written as the formula's
    pages write credits (:func:`brokering.scoring.credit_text`): ``90`` -> ``"0.9"``,
    ``500`` -> ``"5.0"``, ``0`` -> ``"0"``."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    return scoring.credit_text(number)


@register.filter
def claim_with_reason(line: scoring.Line) -> str:
    """The claim level of an explanation line in words
    (:func:`brokering.display.claim_with_reason`)."""
    return display.claim_with_reason(line)


@register.filter
def coverage_bar(row: dict) -> str:
    """Capabilities covered in one function, figures and bar
    (:func:`brokering.display.coverage_bar`)."""
    return display.coverage_bar(row)


@register.simple_tag
def scoring_rules() -> dict:
    """The formula's values for any page (the About page among them), from their one
    home (:func:`brokering.selectors.scoring_rules`)."""
    return selectors.scoring_rules()
