"""The long rows of a match's explanation and of the fit-gap report: the cells that
repeat are made once per page (brokering.display, finding 44), and the rows are
byte for byte what the rows' templates wrote when they printed and escaped every
cell themselves (the templates below, as they were, fed the values as they were
prepared), on values that need escaping."""

import datetime

import pytest
from django.template import engines
from django.utils.text import capfirst

from brokering import display, scoring
from brokering.claim_reads import ClaimValues
from catalog import freshness
from marketplace.table_rows import table_rows

# The rows' templates as they were: every cell printed (and escaped) by Jinja2.
_EXPLANATION_BEFORE = """\
{% for code, kind, function, priority, statement, weight, claim, verified, freshness_tag, evidence, evidence_url, credit, contribution, is_gap in rows %}
    <tr{% if is_gap %} class="portal-gap"{% endif %}>
      <th scope="row"><span class="brokering-code">{{ code }}</span><br><span class="text-normal">{{ statement }}</span>{% if is_gap %}<br><span class="usa-tag bg-secondary-dark">Gap</span>{% endif %}</th>
      <td class="brokering-nowrap">{{ priority }}</td>
      <td class="portal-num">{{ weight }}</td>
      <td>{{ claim }}{% if verified %} <span class="usa-tag">Verified</span>{% endif %}{% if freshness_tag %} {{ freshness_tag }}{% endif %}</td>
      <td class="brokering-anywhere">{{ evidence }}{% if evidence_url %} <a href="{{ evidence_url }}" rel="noopener">evidence link<span class="usa-sr-only"> for {{ code }}</span></a>{% endif %}</td>
      <td class="portal-num">{{ credit }}</td>
      <td class="portal-num">{{ contribution }}</td>
    </tr>
{% else %}
    <tr><td colspan="7">The need has no items yet.</td></tr>
{% endfor %}
"""  # noqa: E501
_FIT_GAP_BEFORE = """\
{% for code, kind, function, priority, statement, weight, claim, verified, freshness_tag, evidence, evidence_url, credit, contribution, is_gap in rows %}
      <tr{% if is_gap %} class="portal-gap"{% endif %}>
        <th scope="row" class="brokering-code">{{ code }}</th>
        <td>{{ kind }}</td>
        <td class="brokering-code">{{ function }}</td>
        <td class="brokering-nowrap">{{ priority }}</td>
        <td class="portal-num">{{ weight }}</td>
        <td>{{ claim }}{% if verified %}, verified{% endif %}</td>
        <td class="portal-num">{{ credit }}</td>
        <td>{% if is_gap %}<strong>Gap</strong>{% else %}No{% endif %}</td>
        <td>{{ freshness_tag }}</td>
        <td class="brokering-anywhere">{{ evidence }}</td>
      </tr>
{% endfor %}
"""  # noqa: E501

GO_LIVE = datetime.date(2028, 1, 1)
NOW = datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)
TRICKY = """<b>"Quoted" & 'single'</b>"""


def _before(template: str, entries: list[dict]) -> str:
    """The rows as the old templates printed them, each value prepared as the old
    ``display.line_rows`` prepared it."""
    rows = []
    for entry in entries:
        line, claim = entry["line"], entry["claim"]
        rows.append(
            (
                line.item.capability,
                capfirst(line.item.kind),
                line.item.function,
                capfirst(line.item.priority),
                entry["statement"],
                line.weight,
                display.claim_with_reason(line),
                bool(claim and claim.verified),
                freshness.tag(entry["freshness"]),
                display._words(claim.evidence, display.EVIDENCE_WORDS) if claim else "",
                claim.evidence_url if claim else "",
                scoring.credit_text(line.credit),
                scoring.credit_text(line.contribution),
                line.is_gap,
            )
        )
    return engines["jinja2"].from_string(template).render({"rows": rows})


def _items() -> list[scoring.Item]:
    return [
        scoring.Item("FM.010.001", "FM.010", "must", "capability"),
        scoring.Item(f"FM.010.<2>{TRICKY}", f"FM.0&10{TRICKY}", "should", "capability"),
        scoring.Item("SM-1/2", "FM.020", "could", "measure"),
        scoring.Item("EX-3", "", "must", "exchange"),
        scoring.Item(f'AGY-"7"{TRICKY}', "FM.030", "should", "agency"),
        scoring.Item("RPT-1", "FM.040", "must", "report"),
    ]


def _claim(offering_id: int, code, level: str, n: int) -> ClaimValues:
    words = " ".join(f"w{i}" for i in range(20 + 7 * n))
    return ClaimValues(
        offering_id=offering_id,
        item_code=str(code),
        level=level,
        roadmap_date=datetime.date(2027 + n % 3, 6, 1),
        evidence=f"{TRICKY} {words}" if n % 2 else f"Short {TRICKY}",
        evidence_url=f'https://example.gov/e?a={n}&b="x"' if n % 3 else "",
        verified=bool(n % 2),
        verified_at=None,
        updated_at=NOW,
    )


LEVELS = ["meets", "roadmap", "extension", None, "configurable", "does-not-meet"]
STATES = [freshness.Freshness.FRESH, freshness.Freshness.STALE, None]


def _entries(offering_id: int, items, verified_only: bool) -> list[dict]:
    """One offering's explained lines: every item with a level, claim and freshness
    that vary with the offering."""
    entries = []
    for n, item in enumerate(items):
        level = LEVELS[(n + offering_id) % len(LEVELS)]
        claim = (
            None if level is None else _claim(offering_id, item.capability, level, n)
        )
        spec = (
            None
            if claim is None
            else scoring.ClaimSpec(claim.level, claim.roadmap_date, claim.verified)
        )
        credit = scoring.credit(spec, GO_LIVE, verified_only)
        weight = scoring.WEIGHTS[item.priority]
        entries.append(
            {
                "line": scoring.Line(
                    item=item,
                    weight=weight,
                    level=level,
                    roadmap_date=claim.roadmap_date if claim else None,
                    credit=credit,
                    is_gap=item.priority == "must" and credit < scoring.GAP_BELOW,
                    unverified=bool(
                        verified_only and claim and not claim.verified and level
                    ),
                ),
                "claim": claim,
                "statement": f"Statement {n} {TRICKY}",
                "freshness": None if claim is None else STATES[n % len(STATES)],
            }
        )
    return entries


@pytest.mark.parametrize("verified_only", [False, True])
def test_the_fit_gap_rows_are_the_templates_rows(verified_only):
    items = _items()
    explained = {
        match_id: _entries(offering_id, items, verified_only)
        for match_id, offering_id in ((11, 1), (12, 2), (13, 3))
    }
    tables = display.fit_gap_rows(explained)
    assert list(tables) == [11, 12, 13]
    for match_id, entries in explained.items():
        rows = table_rows("brokering/_fit_gap_rows.html", tables[match_id])
        assert str(rows) == _before(_FIT_GAP_BEFORE, entries)
        assert "&lt;b&gt;&#34;Quoted&#34; &amp; &#39;single&#39;&lt;/b&gt;" in rows
    # An item's cells are made once for every offering's table.
    first, second = tables[11], tables[12]
    assert all(a.item is b.item for a, b in zip(first, second, strict=True))


@pytest.mark.parametrize("verified_only", [False, True])
def test_the_explanation_rows_are_the_templates_rows(verified_only):
    entries = _entries(2, _items(), verified_only)
    rows = table_rows(
        "brokering/_explanation_rows.html", display.explanation_rows(entries)
    )
    assert str(rows) == _before(_EXPLANATION_BEFORE, entries)
    empty = table_rows("brokering/_explanation_rows.html", [])
    assert str(empty) == _before(_EXPLANATION_BEFORE, [])
