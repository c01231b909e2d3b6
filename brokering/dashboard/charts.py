"""The dashboard's charts (``marketplace.charts``), one builder per table; the page
draws them and ``/admin/dashboard/<table>.csv`` writes their rows."""

from brokering.dashboard.selectors import (
    RESPONSE_ORDER,
    SUBMISSION_AGES,
    AgencyNeeds,
    AgencyRounds,
    ProviderClaims,
    ProviderOverdue,
    Waiting,
)
from brokering.models import NeedStatus, ResponseStatus, RoundStatus
from brokering.rounds.selectors import percent
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


ROUND_COLOURS = {
    RoundStatus.OPEN: "#005ea2",
    RoundStatus.CLOSED: "#e5a000",
    RoundStatus.CANCELLED: "#71767a",
    RoundStatus.DECIDED: "#008817",
}
RESPONSE_COLOURS = {
    ResponseStatus.SUBMITTED: "#008817",
    ResponseStatus.DRAFT: "#e5a000",
    ResponseStatus.INVITED: "#b50909",
}


def rounds_chart(agencies: list[AgencyRounds]) -> BarChart:
    return BarChart(
        id="rounds",
        title="Market research rounds by agency and status",
        series=[
            Series(status.value, status.label, ROUND_COLOURS[status])
            for status in RoundStatus
        ],
        bars=[
            Bar(label=a.name, key=a.abbreviation, values=a.round_values)
            for a in agencies
            if a.rounds
        ],
        unit="rounds",
        key_label="agency",
        label_heading="Agency",
    )


def responses_chart(agencies: list[AgencyRounds]) -> BarChart:
    """Invitations by response status; each agency's label says its response rate
    (submitted of invited)."""
    return BarChart(
        id="responses",
        title="Response rates: invitations by response status, per agency",
        series=[
            Series(
                status.value,
                ResponseStatus(status).label,
                RESPONSE_COLOURS[ResponseStatus(status)],
            )
            for status in RESPONSE_ORDER
        ],
        bars=[
            Bar(
                label=f"{a.name} ({percent(a.submitted, a.invited)}% responded)",
                key=a.abbreviation,
                values=a.response_values,
            )
            for a in agencies
            if a.responses
        ],
        unit="invitations",
        key_label="agency",
        label_heading="Agency (response rate)",
    )


def overdue_chart(providers: list[ProviderOverdue]) -> BarChart:
    return BarChart(
        id="overdue",
        title="Overdue responses, by provider",
        series=[Series("overdue", "Overdue", "#b50909")],
        bars=[Bar(label=p.name, key=p.name, values=p.values) for p in providers],
        unit="responses",
        key_label="provider",
        label_heading="Provider",
    )
