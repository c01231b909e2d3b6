"""The bulk engine equals the pure scorer exactly, in a fixed number of queries."""

import datetime
import math

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brokering import engine, scoring, selectors, services
from brokering.models import Match, NeedStatus, Priority
from catalog.models import Claim, ClaimLevel, OfferingStatus, ProviderKind
from catalog.vectors import refresh_claim_vectors
from tests.brokering.factories import NeedFactory, NeedItemFactory
from tests.catalog.factories import OfferingFactory, ProviderFactory
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
)

GO_LIVE = datetime.date(2028, 10, 1)
LEVELS = [None, *ClaimLevel.values]


@pytest.fixture
def shelf(db):
    """A release with two functions of three capabilities and an active need on it."""
    release = ReleaseFactory()
    capabilities = []
    for function_code in ("FFM.010", "FFM.020"):
        function = FunctionFactory(release=release, code=function_code)
        activity = ActivityFactory(function=function, code=f"{function_code}.010")
        capabilities += [
            CapabilityFactory(activity=activity, code=f"{function_code}.010.0{n}")
            for n in (11, 12, 13)
        ]
    need = NeedFactory(release=release, go_live_date=GO_LIVE, status=NeedStatus.ACTIVE)
    for capability, priority in zip(
        capabilities, ["must", "should", "could", "must", "must", "should"], strict=True
    ):
        NeedItemFactory(need=need, capability=capability, priority=priority)
    return {"release": release, "capabilities": capabilities, "need": need}


def add_offerings(shelf, levels_per_offering, **attributes) -> list:
    offerings = []
    claims = []
    for index, levels in enumerate(levels_per_offering):
        offering = OfferingFactory(release=shelf["release"], **attributes)
        offerings.append(offering)
        for capability, level in zip(shelf["capabilities"], levels, strict=False):
            if level is None:
                continue
            roadmap = None
            if level == ClaimLevel.ROADMAP:
                roadmap = GO_LIVE + datetime.timedelta(days=(index % 3) - 1)
            claims.append(
                Claim(
                    offering=offering,
                    capability=capability,
                    level=level,
                    roadmap_date=roadmap,
                )
            )
    Claim.objects.bulk_create(claims)
    refresh_claim_vectors(offering_ids=[o.pk for o in offerings])
    return offerings


def reference(need, offerings) -> list[scoring.Result]:
    """The pure scorer over the claims table (the truth)."""
    spec = selectors.need_spec(need=need)
    claims = list(selectors.offering_claims(offering_ids=[o.pk for o in offerings]))
    specs = [
        selectors.offering_spec(
            offering=o, claims=[c for c in claims if c.offering_id == o.pk]
        )
        for o in offerings
    ]
    return scoring.score_all(spec, specs)


def test_engine_equals_the_pure_scorer_on_every_level(shelf):
    rows = [[level] * 6 for level in LEVELS] + [LEVELS[:6], LEVELS[1:7]]
    offerings = add_offerings(shelf, rows)
    got = [s.result for s in engine.score_need_against_published(shelf["need"].pk)]
    assert got == reference(shelf["need"], offerings)
    assert {r.score for r in got} >= {100.0, 0.0, 90.0, 50.0}


def test_roadmap_dates_against_go_live_in_both_paths(shelf):
    offerings = add_offerings(shelf, [[ClaimLevel.ROADMAP] * 6] * 3)
    got = {
        s.result.offering: s.result
        for s in engine.score_need_against_published(shelf["need"].pk)
    }
    # Offering 0 promises a day before go-live, 1 on the day, 2 a day after.
    assert [got[o.pk].score for o in offerings] == [25.0, 25.0, 0.0]
    assert list(got.values()) == reference(shelf["need"], offerings)


def test_engine_checks_constraints_like_the_pure_scorer(shelf):
    need = shelf["need"]
    need.accepted_provider_kinds = [ProviderKind.FEDERAL]
    need.minimum_impact_level = "high"
    need.save()
    offerings = add_offerings(shelf, [["meets"] * 6])
    offerings += add_offerings(
        shelf,
        [["configurable"] * 6],
        provider=ProviderFactory(kind=ProviderKind.FEDERAL),
        fedramp_impact="high",
    )
    got = [s.result for s in engine.score_need_against_published(need.pk)]
    assert got == reference(need, offerings)
    assert [r.eligible for r in got] == [True, False]


def test_offering_against_active_needs_equals_the_pure_scorer(shelf):
    other = NeedFactory(release=shelf["release"], go_live_date=GO_LIVE, status="active")
    NeedItemFactory(need=other, capability=shelf["capabilities"][0], priority="could")
    NeedFactory(release=shelf["release"], status=NeedStatus.DRAFT)
    (offering,) = add_offerings(
        shelf, [["meets", None, "extension", "roadmap", "meets"]]
    )
    got = engine.score_offering_against_active_needs(offering.pk)
    assert [s.need_id for s in got] == [shelf["need"].pk, other.pk]
    for scored, need in zip(got, [shelf["need"], other], strict=True):
        assert [scored.result] == reference(need, [offering])


def test_unpublished_offerings_are_not_scored(shelf):
    (draft,) = add_offerings(shelf, [["meets"] * 6], status=OfferingStatus.DRAFT)
    assert engine.score_need_against_published(shelf["need"].pk) == []
    assert engine.score_offering_against_active_needs(draft.pk) == []


def test_fingerprint_changes_with_the_inputs_only(shelf):
    (offering,) = add_offerings(shelf, [["meets"] * 6])
    first = engine.score_need_against_published(shelf["need"].pk)[0].fingerprint
    again = engine.score_need_against_published(shelf["need"].pk)[0].fingerprint
    Claim.objects.filter(offering=offering).update(level=ClaimLevel.EXTENSION)
    refresh_claim_vectors(offering_ids=[offering.pk])
    changed = engine.score_need_against_published(shelf["need"].pk)[0].fingerprint
    assert first == again != changed


def upsert_statements(rows: int) -> int:
    fields = [f for f in Match._meta.concrete_fields if not f.primary_key]
    per_statement = min(
        services.UPSERT_BATCH,
        connection.ops.bulk_batch_size(fields, [None] * rows) or rows,
    )
    return math.ceil(rows / per_statement)


@pytest.mark.parametrize("count", [10, 100])
def test_bulk_scoring_runs_a_fixed_number_of_queries(
    shelf, count, django_assert_num_queries
):
    add_offerings(
        shelf, [[LEVELS[(i + j) % 6] for j in range(6)] for i in range(count)]
    )
    with django_assert_num_queries(4):
        scored = engine.score_need_against_published(shelf["need"].pk)
    assert len(scored) == count
    # Refresh = the 4 engine queries + the upsert + 1 clean-up delete, plus the
    # savepoint of the atomic block on top of the test's transaction. The upsert is one
    # statement on PostgreSQL; SQLite caps the parameters of one statement.
    with django_assert_num_queries(7 + upsert_statements(count)):
        services.matches_refresh_for_need(need_id=shelf["need"].pk)
    assert Match.objects.filter(need=shelf["need"]).count() == count


@pytest.mark.parametrize("needs", [2, 20])
def test_offering_scoring_runs_a_fixed_number_of_queries(
    shelf, needs, django_assert_num_queries
):
    for _ in range(needs - 1):
        extra = NeedFactory(release=shelf["release"], status=NeedStatus.ACTIVE)
        NeedItemFactory(need=extra, capability=shelf["capabilities"][1])
    (offering,) = add_offerings(shelf, [["meets"] * 6])
    with django_assert_num_queries(4):
        scored = engine.score_offering_against_active_needs(offering.pk)
    assert len(scored) == needs
    with django_assert_num_queries(7 + upsert_statements(needs)):
        services.matches_refresh_for_offering(offering_id=offering.pk)
    assert Match.objects.filter(offering=offering).count() == needs


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    levels=st.lists(
        st.lists(st.sampled_from(LEVELS), min_size=6, max_size=6),
        min_size=1,
        max_size=6,
    ),
    priorities=st.lists(st.sampled_from(Priority.values), min_size=6, max_size=6),
    go_live_shift=st.integers(-2, 2),
)
def test_engine_equals_the_pure_scorer_for_any_claims(
    shelf, levels, priorities, go_live_shift
):
    need = shelf["need"]
    need.go_live_date = GO_LIVE + datetime.timedelta(days=go_live_shift)
    need.save()
    for item, priority in zip(
        need.items.order_by("capability__code"), priorities, strict=True
    ):
        item.priority = priority
        item.save()
    offerings = add_offerings(shelf, levels)
    try:
        got = [s.result for s in engine.score_need_against_published(need.pk)]
        assert got == reference(need, offerings)
    finally:
        Claim.objects.filter(offering__in=offerings).delete()
        for offering in offerings:
            offering.delete()
