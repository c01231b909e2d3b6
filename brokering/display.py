"""What the need pages print, prepared once in Python: each row of a long table is
a dict of values ready to place, so the templates' loops only place them (filters,
includes and attribute lookups per cell were most of a cold render of a 300-item
need's explanation)."""

import functools
from typing import NamedTuple

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator, capfirst

from brokering import scoring
from catalog import freshness
from catalog.models import claim_level_label
from marketplace.formats import display_date
from marketplace.table_rows import table_rows

# A level's label, made once per level (a page asks for it hundreds of times).
_level_label = functools.cache(claim_level_label)
# Evidence is cut to this many words in the tables (the whole text is in exports).
EVIDENCE_WORDS = 30
# An item awaiting the provider's answer: its statement is cut to this many words.
AWAITING_WORDS = 25


def claim_with_reason(line: scoring.Line) -> str:
    """The claim level of an explanation line in the one vocabulary, saying why it
    earns what it earns where the level alone does not: a roadmap date is on or
    before the go-live date (credited) or after it (0).

    ``"On the roadmap — 2029-01-01, after go-live"``; ``"Does not meet"``;
    ``"No claim"``; for a need counting verified claims only, ``"Meets (out of the
    box) — not verified, credited 0 (this need counts verified claims only)"``.
    """
    label = _level_label(line.level)
    if line.unverified:
        return (
            f"{label} — not verified, credited 0 (this need counts verified claims "
            "only)"
        )
    if line.level == scoring.ROADMAP and line.roadmap_date:
        relation = "by go-live" if line.credit else "after go-live"
        return f"{label} — {_display_date(line.roadmap_date)}, {relation}"
    return label


def _words(text: str, count: int) -> str:
    """The ``truncatewords`` filter's text (words joined by one space, `` …`` after
    the last kept when cut); most texts are short and need no Truncator."""
    words = text.split()
    if len(words) <= count:
        return " ".join(words)
    return Truncator(text).words(count, truncate=" …")


# Few distinct values, each written once per process (a page has hundreds of rows).
_capfirst = functools.cache(capfirst)
_credit_text = functools.cache(scoring.credit_text)
_display_date = functools.lru_cache(maxsize=1024)(display_date)


class LineRow(NamedTuple):
    """One row of an explanation or fit-gap table, every cell as text (the
    template escapes it), the freshness as its tag. The templates unpack it in
    this order in their loop (a tuple's fields cost no lookup per cell)."""

    code: object  # the item's ID (scoring.Item.capability)
    kind: str
    function: str
    priority: str
    statement: str
    weight: int
    claim: str
    verified: bool
    freshness_tag: SafeString
    evidence: str
    evidence_url: str
    credit: str
    contribution: str
    is_gap: bool


def line_rows(entries: list[dict]) -> list[LineRow]:
    """The rows of an explanation or fit-gap table from
    :func:`brokering.selectors.explained_lines` entries."""
    rows = []
    for entry in entries:
        line, claim = entry["line"], entry["claim"]
        item = line.item
        rows.append(
            LineRow(
                item.capability,
                _capfirst(item.kind),
                item.function,
                _capfirst(item.priority),
                entry["statement"],
                line.weight,
                claim_with_reason(line),
                bool(claim and claim.verified),
                freshness.tag(entry["freshness"]),
                _words(claim.evidence, EVIDENCE_WORDS) if claim else "",
                claim.evidence_url if claim else "",
                _credit_text(line.credit),
                _credit_text(line.contribution),
                line.is_gap,
            )
        )
    return rows


def awaiting_rows(awaiting: list[dict]) -> SafeString:
    """The rows of the items awaiting the provider's answer
    (:func:`brokering.selectors.awaiting_items`), rendered by Jinja2."""
    return table_rows(
        "brokering/_awaiting_rows.html",
        [
            (
                row["code"],
                _words(str(row["statement"]), AWAITING_WORDS),
                row["kind_label"],
                row["function"],
                _capfirst(row["priority"]),
                row["target"],
                row["authority"],
            )
            for row in awaiting
        ],
    )


def coverage_bar(row: dict) -> SafeString:
    """Capabilities covered in one function (``{function, items, covered,
    percent}``, :func:`brokering.selectors.function_coverage`), drawn as the offering
    page draws them: the figures in HTML, the bar decorative. "Covered" = met out of
    the box or by configuration."""
    return format_html(
        '<span class="brokering-coverage__label">{} of {} ({}%)</span> '
        '<svg class="brokering-coverage__bar" width="100" height="10" '
        'viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" '
        'focusable="false"><rect x="0" y="0" width="100" height="10" '
        'fill="#dfe1e2"></rect><rect x="0" y="0" width="{}" height="10" '
        'fill="#005ea2"></rect></svg>',
        row["covered"],
        row["items"],
        row["percent"],
        row["percent"],
    )
