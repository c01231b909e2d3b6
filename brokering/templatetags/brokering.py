"""Template filters of the brokering pages: credits kept in hundredths (see
:mod:`brokering.scoring`) and the claim of an explanation line in words."""

from django import template

from brokering import scoring, selectors
from catalog.models import claim_level_label
from marketplace.formats import display_date

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
    """The claim level of an explanation line in the one vocabulary, saying why it
    earns what it earns where the level alone does not: a roadmap date is on or
    before the go-live date (credited) or after it (0).

    ``"On the roadmap — 2029-01-01, after go-live"``; ``"Does not meet"``;
    ``"No claim"``; for a need counting verified claims only, ``"Meets (out of the
    box) — not verified, credited 0 (this need counts verified claims only)"``.
    """
    label = claim_level_label(line.level)
    if line.unverified:
        return (
            f"{label} — not verified, credited 0 (this need counts verified claims "
            "only)"
        )
    if line.level == scoring.ROADMAP and line.roadmap_date:
        relation = "by go-live" if line.credit else "after go-live"
        return f"{label} — {display_date(line.roadmap_date)}, {relation}"
    return label


@register.simple_tag
def scoring_rules() -> dict:
    """The formula's values for any page (the About page among them), from their one
    home (:func:`brokering.selectors.scoring_rules`)."""
    return selectors.scoring_rules()
