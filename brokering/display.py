"""What the need pages print, prepared once in Python: each row of a long table is
a dict of values ready to place, so the templates' loops only place them (filters,
includes and attribute lookups per cell were most of a cold render of a 300-item
need's explanation)."""

import functools
from collections.abc import Callable
from typing import NamedTuple

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator, capfirst
from markupsafe import Markup, escape

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


# The cells that repeat in a need's long tables, as their rows' templates printed
# them: made once per page and distinct value (:func:`_cells`), not once per cell
# printed (escaping each printed cell was most of the rows' cost, finding 44).
_WEIGHED = '<td class="brokering-nowrap">{}</td>\n      <td class="portal-num">{}</td>'
_CLAIMED = "<td>{}{}{}{}</td>"
_VERIFIED_TAG = Markup(' <span class="usa-tag">Verified</span>')
_CREDITED = '<td class="portal-num">{}</td>\n      <td class="portal-num">{}</td>'
_FIT_GAP_ITEM = '<th scope="row" class="brokering-code">{}</th>\n        {}'
_FIT_GAP_ITEM_REST = (
    "<td>{}</td>\n"
    '        <td class="brokering-code">{}</td>\n'
    '        <td class="brokering-nowrap">{}</td>\n'
    '        <td class="portal-num">{}</td>'
)
_FIT_GAP_OUTCOME = (
    "<td>{}{}</td>\n"
    '        <td class="portal-num">{}</td>\n'
    "        <td>{}</td>\n"
    "        <td>{}</td>"
)
_GAP = Markup("<strong>Gap</strong>")


def _cells(form: str, *values: object) -> Markup:
    """``form`` (HTML with ``{}`` where values go) with each value escaped as the
    rows' Jinja2 autoescaping escapes it (markupsafe's ``escape``: HTML given as
    such, a tag, is kept), so the page is byte for byte what the template wrote
    cell by cell."""
    return Markup(form.format(*map(escape, values)))  # noqa: S704  # nosec B704 - each value escaped


class ExplanationRow(NamedTuple):
    """One row of a match's explanation table: the item's ID and statement and the
    evidence as text (the template escapes them); the cells that repeat (the
    weight, the claim with its freshness, the credit) as HTML made once per page
    and distinct value. The template unpacks it in this order in its loop (a
    tuple's fields cost no lookup per cell)."""

    code: object  # the item's ID (scoring.Item.capability)
    statement: str
    is_gap: bool
    weighed: Markup
    claimed: Markup
    evidence: str
    evidence_url: str
    credited: Markup


class _MadeOnce(dict):
    """Cells made once per page: the first row asking for a key makes them, the
    rows after it reuse them."""

    def once(self, key: tuple, make: Callable[..., Markup], *args) -> Markup:
        found = self.get(key)
        if found is None:
            found = self[key] = make(*args)
        return found


def _weighed_cells(line) -> Markup:
    return _cells(_WEIGHED, _capfirst(line.item.priority), line.weight)


def _claimed_cells(line, verified: bool, state) -> Markup:
    tag = freshness.tag(state)
    return _cells(
        _CLAIMED,
        claim_with_reason(line),
        _VERIFIED_TAG if verified else "",
        " " if tag else "",
        tag,
    )


def _credited_cells(line) -> Markup:
    return _cells(_CREDITED, _credit_text(line.credit), _credit_text(line.contribution))


def _item_rest_cells(item, weight) -> Markup:
    return _cells(
        _FIT_GAP_ITEM_REST,
        _capfirst(item.kind),
        item.function,
        _capfirst(item.priority),
        weight,
    )


def _outcome_cells(line, verified: bool, state) -> Markup:
    return _cells(
        _FIT_GAP_OUTCOME,
        claim_with_reason(line),
        ", verified" if verified else "",
        _credit_text(line.credit),
        _GAP if line.is_gap else "No",
        freshness.tag(state),
    )


def explanation_rows(entries: list[dict]) -> list[ExplanationRow]:
    """The rows of a match's explanation table from
    :func:`brokering.selectors.explained_lines` entries."""
    made = _MadeOnce()
    rows = []
    for entry in entries:
        line, claim = entry["line"], entry["claim"]
        verified = bool(claim and claim.verified)
        weighed = made.once(
            ("weighed", line.item.priority, line.weight),
            _weighed_cells,
            line,
        )
        claimed = made.once(
            (
                "claimed",
                line.level,
                line.roadmap_date,
                line.credit,
                line.unverified,
                verified,
                entry["freshness"],
            ),
            _claimed_cells,
            line,
            verified,
            entry["freshness"],
        )
        credited = made.once(
            ("credited", line.credit, line.contribution),
            _credited_cells,
            line,
        )
        rows.append(
            ExplanationRow(
                line.item.capability,
                entry["statement"],
                line.is_gap,
                weighed,
                claimed,
                _words(claim.evidence, EVIDENCE_WORDS) if claim else "",
                claim.evidence_url if claim else "",
                credited,
            )
        )
    return rows


class FitGapRow(NamedTuple):
    """One row of an offering's fit-gap table: the item's cells and the outcome's
    cells as HTML (each made once per page and distinct value), the evidence as
    text (the template escapes it)."""

    item: Markup
    is_gap: bool
    outcome: Markup
    evidence: str


def fit_gap_rows(explained: dict[int, list[dict]]) -> dict[int, list[FitGapRow]]:
    """Each offering's fit-gap rows (``explained``: match id -> its
    :func:`brokering.selectors.explained_lines` entries). An item's cells are the
    same in every offering's table and most outcomes repeat (a few levels,
    credits and freshness states): each is made once per page."""
    # By the spec's item (every offering's lines share the same objects), an
    # item's cells after its ID (a few kinds, functions and priorities), outcomes.
    made = _MadeOnce()
    tables = {}
    for match_id, entries in explained.items():
        rows = []
        for entry in entries:
            line, claim = entry["line"], entry["claim"]
            item = line.item
            cells = made.get(("item", id(item)))
            if cells is None:
                rest = made.once(
                    ("rest", item.kind, item.function, item.priority, line.weight),
                    _item_rest_cells,
                    item,
                    line.weight,
                )
                cells = made[("item", id(item))] = _cells(
                    _FIT_GAP_ITEM, item.capability, rest
                )
            verified = bool(claim and claim.verified)
            outcome = made.once(
                (
                    "outcome",
                    line.level,
                    line.roadmap_date,
                    line.credit,
                    line.unverified,
                    line.is_gap,
                    verified,
                    entry["freshness"],
                ),
                _outcome_cells,
                line,
                verified,
                entry["freshness"],
            )
            rows.append(
                FitGapRow(
                    cells,
                    line.is_gap,
                    outcome,
                    _words(claim.evidence, EVIDENCE_WORDS) if claim else "",
                )
            )
        tables[match_id] = rows
    return tables


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
