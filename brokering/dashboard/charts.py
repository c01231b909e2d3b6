"""The dashboard's charts (``marketplace.charts``), one builder per table; the page
draws them and ``/admin/dashboard/<table>.csv`` writes their rows."""

from brokering.dashboard.selectors import (
    SUBMISSION_AGES,
    AgencyNeeds,
    ProviderClaims,
    Waiting,
)
from brokering.models import NeedStatus
from catalog.freshness import Freshness
from marketplace.charts import Bar, BarChart, Series

STATUS_COLOURS = {
    NeedStatus.DRAFT: "#71767a",
    NeedStatus.ACTIVE: "#005ea2",
    NeedStatus.ARCHIVED: "#dfe1e2",
}


def needs_chart(agencies: list[AgencyNeeds]) -> BarChart:
    return BarChart(
        id="needs",
        title="Needs by agency and status",
        series=[
            Series(status.value, status.label, STATUS_COLOURS[status])
            for status in NeedStatus
        ],
        bars=[Bar(label=a.name, key=a.abbreviation, values=a.values) for a in agencies],
        unit="needs",
        key_label="agency",
        label_heading="Agency",
    )


def submissions_chart(waiting: Waiting) -> BarChart:
    return BarChart(
        id="submissions",
        title="Submissions waiting for review, by age",
        series=[Series("waiting", "Waiting", "#e5a000")],
        bars=[
            Bar(label=label, key=key, values=[count])
            for (key, label), count in zip(SUBMISSION_AGES, waiting.counts, strict=True)
        ],
        unit="submissions",
        key_label="age",
        label_heading="Waiting for",
    )


def claims_chart(providers: list[ProviderClaims]) -> BarChart:
    return BarChart(
        id="claims",
        title="Published claims to re-verify, by provider",
        series=[
            Series(Freshness.STALE.value, Freshness.STALE.label, "#e5a000"),
            Series(Freshness.EXPIRED.value, Freshness.EXPIRED.label, "#b50909"),
        ],
        bars=[Bar(label=p.name, key=p.name, values=p.values) for p in providers],
        unit="claims",
        key_label="provider",
        label_heading="Provider",
    )
