"""The market picture's charts (``/catalog/coverage/``), built from
:func:`catalog.selectors.coverage.market_coverage` for ``marketplace.charts``: the
page draws them and the CSV downloads write their rows."""

from django.urls import reverse

from catalog.models import ClaimLevel
from catalog.selectors.coverage import MarketCoverage
from catalog.templatetags.claim_levels import LEVEL_COLOURS
from marketplace.charts import Bar, BarChart, Series

LACKING_COLOUR = "#71767a"
COVERAGE_SERIES = [
    Series("meets", "Meet", LEVEL_COLOURS[ClaimLevel.MEETS]),
    Series("configurable", "Configure", LEVEL_COLOURS[ClaimLevel.CONFIGURABLE]),
    Series("extension", "Extend", LEVEL_COLOURS[ClaimLevel.EXTENSION]),
    Series("lacking", "Lack", LACKING_COLOUR),
]

# The tables a page offers as CSV: /catalog/coverage/<table>.csv
COVERAGE_TABLES = ("functions", "capabilities", "unmet")


def functions_chart(coverage: MarketCoverage) -> BarChart:
    return BarChart(
        id="functions",
        title=f"Offering-capability pairs per FIBF function, {coverage.release.name}",
        series=COVERAGE_SERIES,
        bars=[
            Bar(
                label=f"{f.code} {f.name}",
                key=f.code,
                values=f.values,
                href=f"{reverse('catalog:coverage')}?function={f.code}#capabilities",
            )
            for f in coverage.functions
        ],
        unit="pairs",
        key_label="function",
        label_heading="Function",
    )


def capabilities_chart(coverage: MarketCoverage, function_code: str = "") -> BarChart:
    function = coverage.function(function_code) if function_code else None
    capabilities = function.capabilities if function else coverage.capabilities
    where = f"{function.code} {function.name}" if function else "every function"
    return BarChart(
        id="capabilities",
        title=f"Published offerings per capability of {where}",
        series=COVERAGE_SERIES,
        bars=[Bar(label=c.code, key=c.code, values=c.values) for c in capabilities],
        scale=coverage.offering_count or 1,
        unit="offerings",
        key_label="capability",
        label_heading="Capability",
    )


def unmet_rows(coverage: MarketCoverage) -> list[list]:
    header = [
        "capability",
        "function",
        "statement",
        *[s.label for s in COVERAGE_SERIES],
    ]
    return [header] + [
        [c.code, c.function_code, c.statement, *c.values] for c in coverage.unmet
    ]
