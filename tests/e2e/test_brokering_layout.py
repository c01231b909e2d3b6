"""The data-heavy brokering pages read at 1280 px without sideways scrolling (issue
#14): the explanation's credit columns, ten offerings of the matrix, the fit-gap report
and the results sit inside their containers; the priorities step shows whole
statements and unclipped selects. Screenshots land in test-artifacts/ for review."""

import datetime

import pytest
from django.conf import settings

from brokering import services
from brokering.models import Match, MatchStatus, NeedStatus
from catalog.models import ClaimLevel
from catalog.services.claims import ClaimInput
from tests.brokering.factories import NeedFactory, NeedItemFactory
from tests.catalog.factories import OfferingFactory, ProviderFactory, write_claims
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 1280
SHOTS = settings.BASE_DIR / "test-artifacts"
STATEMENT = (
    "The system must record, validate and report {what} for every fund, program, "
    "project and object class, keep the full audit trail of each change with the user "
    "and the time, reconcile the balances with the general ledger at the end of each "
    "period, and make the results available to authorised users in real time through "
    "screens, reports and a documented application programming interface."
)
EVIDENCE = (
    "Delivered in the base product since release 2019.2; configured through the "
    "posting-rules workbench; see the implementation guide chapter 7 and the "
    "customer reference at https://example.gov/financial-management/"
    "implementation-guides/core-financials/posting-rules-workbench-configuration"
)
LEVELS = [
    ClaimLevel.MEETS,
    ClaimLevel.CONFIGURABLE,
    ClaimLevel.EXTENSION,
    ClaimLevel.ROADMAP,
    ClaimLevel.DOES_NOT_MEET,
    None,
]


@pytest.fixture
def crowded_need(agency_user):
    release = ReleaseFactory()
    capabilities = []
    for f in (1, 2):
        function = FunctionFactory(
            release=release, code=f"FFM.0{f}0", name=f"Function number {f}"
        )
        activity = ActivityFactory(function=function, code=f"FFM.0{f}0.010")
        capabilities += [
            CapabilityFactory(
                activity=activity,
                code=f"FFM.0{f}0.010.{n:03d}",
                statement=STATEMENT.format(what=f"budget item {f}-{n}"),
            )
            for n in range(1, 13)
        ]
    for o in range(10):
        provider = ProviderFactory(
            name=f"Interagency Shared Service Provider Centre Number {o}"
        )
        offering = OfferingFactory(
            release=release,
            provider=provider,
            slug=f"offering-{o}",
            name=f"Integrated Federal Core Financials Suite {o}",
        )
        claims = []
        for n, capability in enumerate(capabilities):
            level = LEVELS[(n + o) % len(LEVELS)]
            if level is None:
                continue
            claims.append(
                ClaimInput(
                    capability_id=capability.pk,
                    level=level,
                    evidence=EVIDENCE,
                    evidence_url="https://example.gov/evidence/" + "x" * 60,
                    roadmap_date=datetime.date(2029 + n % 2, 6, 30)
                    if level == ClaimLevel.ROADMAP
                    else None,
                )
            )
        write_claims(offering, claims)
    need = NeedFactory(
        agency=agency_user.agency,
        release=release,
        title="Replace the core financial system of the department",
        status=NeedStatus.ACTIVE,
        go_live_date=datetime.date(2029, 10, 1),
    )
    for n, capability in enumerate(capabilities):
        NeedItemFactory(
            need=need,
            capability=capability,
            priority=("must", "should", "could")[n % 3],
        )
    services.matches_refresh_for_need(need_id=need.pk)
    for match in Match.objects.filter(need=need).order_by("-score")[:2]:
        services.match_decide(
            match_id=match.pk, status=MatchStatus.SHORTLISTED, note="", decided_by=None
        )
    return need


def overflow(page, selector: str) -> list[dict]:
    """Containers matching ``selector`` whose content is wider than they are."""
    return page.eval_on_selector_all(
        selector,
        "els => els.map(el => ({w: el.scrollWidth, c: el.clientWidth}))"
        ".filter(box => box.w > box.c)",
    )


def shoot(page, name: str) -> None:
    """The whole page, and the screen a person sees at the page's first table."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"brokering-{WIDTH}-{name}.png"), full_page=True)
    page.eval_on_selector(
        ".brokering-fit",
        "el => window.scrollTo(0, el.getBoundingClientRect().top + scrollY - 80)",
    )
    page.screenshot(path=str(SHOTS / f"brokering-{WIDTH}-{name}-screen.png"))
    page.evaluate("window.scrollTo(0, 0)")


@pytest.fixture
def wide_page(page, sign_in, agency_user):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    sign_in(agency_user)
    return page


def test_explanation_shows_every_column_at_1280(
    wide_page, crowded_need, assert_accessible
):
    page = wide_page
    match = Match.objects.filter(need=crowded_need).order_by("-score").first()
    page.goto(f"/needs/{crowded_need.pk}/matches/{match.pk}/")
    shoot(page, "explanation")
    assert overflow(page, ".brokering-fit") == []
    headers = page.locator("#explanation thead th")
    assert headers.count() == 7
    for index in range(7):  # every header, credit columns included, on screen
        box = headers.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, index
    capability = page.locator("#explanation tbody th").first.bounding_box()
    assert capability["width"] >= 250  # a readable column, not a word per line
    assert_accessible(page)


def test_matrix_shows_ten_offerings_at_1280(wide_page, crowded_need, assert_accessible):
    page = wide_page
    page.goto(f"/needs/{crowded_need.pk}/matrix/")
    shoot(page, "matrix")
    assert overflow(page, ".brokering-fit") == []
    offerings = page.locator("#matrix thead th a")
    assert offerings.count() == 10
    for index in range(10):
        box = offerings.nth(index).bounding_box()
        assert box["x"] + box["width"] <= WIDTH, index
    assert "after go-live (0)" in page.locator("#matrix").inner_text()
    assert_accessible(page)


def test_priorities_show_whole_statements_and_unclipped_selects(
    wide_page, crowded_need, assert_accessible
):
    page = wide_page
    page.goto(f"/needs/{crowded_need.pk}/priorities/")
    shoot(page, "priorities")
    assert overflow(page, ".brokering-fit") == []
    first = STATEMENT.format(what="budget item 1-1")
    assert page.locator("#priorities tbody td").first.inner_text() == first
    # Each select is wide enough for its chosen text (no "Mu", "Sh", "Co").
    clipped = page.eval_on_selector_all(
        "#priorities select",
        """els => els.filter(el => {
            const probe = document.createElement('span');
            probe.style.font = getComputedStyle(el).font;
            probe.textContent = el.options[el.selectedIndex].text;
            document.body.appendChild(probe);
            const needed = probe.getBoundingClientRect().width;
            probe.remove();
            return el.clientWidth < needed + 24;
        }).map(el => el.id)""",
    )
    assert clipped == []
    assert_accessible(page)


@pytest.mark.parametrize("path", ["results/", "fit-gap/"])
def test_results_and_fit_gap_fit_at_1280(
    wide_page, crowded_need, assert_accessible, path
):
    page = wide_page
    page.goto(f"/needs/{crowded_need.pk}/{path}")
    shoot(page, path.strip("/"))
    assert page.locator(".brokering-fit").count() >= 1
    assert overflow(page, ".brokering-fit") == []
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert_accessible(page)
