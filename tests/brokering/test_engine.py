"""The bulk engine equals the pure scorer exactly, in a fixed number of queries."""

import datetime
import math

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brokering import scoring, selectors, services
from brokering.models import Match, NeedStatus, NeedVector, Priority
from brokering.scoring import inputs as engine
from catalog.models import (
    Claim,
    ClaimLevel,
    DeploymentModel,
    ImpactLevel,
    OfferingStatus,
    ProviderKind,
)
from catalog.services.claims import ClaimInput, claims_verify
from tests.brokering.factories import NeedFactory, NeedItemFactory
from tests.catalog.factories import (
    OfferingFactory,
    ProviderFactory,
    rewrite_claims,
    write_claims,
)
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


def add_offerings(shelf, levels_per_offering, verified=(), **attributes) -> list:
    """Offerings with the given levels (``None``: no claim) on the shelf's
    capabilities, their claims written through the one claims writer; ``verified``:
    per offering, which of its claims a broker then verified (none when not given)."""
    offerings = []
    for index, levels in enumerate(levels_per_offering):
        offering = OfferingFactory(release=shelf["release"], **attributes)
        offerings.append(offering)
        roadmap = GO_LIVE + datetime.timedelta(days=(index % 3) - 1)
        write_claims(
            offering,
            [
                ClaimInput(
                    capability_id=capability.pk,
                    level=level,
                    roadmap_date=roadmap if level == ClaimLevel.ROADMAP else None,
                )
                for capability, level in zip(
                    shelf["capabilities"], levels, strict=False
                )
                if level is not None
            ],
        )
        marks = verified[index] if index < len(verified) else ()
        marked = {
            capability.pk
            for capability, mark in zip(shelf["capabilities"], marks, strict=False)
            if mark
        }
        if marked:
            claims_verify(
                claims=offering.claims.filter(capability_id__in=marked), by=None
            )
    return offerings


def reference(need, offerings) -> list[scoring.Result]:
    """The pure scorer over the claims table (the truth), ranked."""
    spec = selectors.need_spec(need=need)
    claims = list(selectors.offering_claims(offering_ids=[o.pk for o in offerings]))
    specs = [
        selectors.offering_spec(
            offering=o, claims=[c for c in claims if c.offering_id == o.pk]
        )
        for o in sorted(offerings, key=lambda o: o.pk)
    ]
    return scoring.score_all(spec, specs)


def forward(need) -> list[scoring.Result]:
    return [s.result for s in engine.score_need_against_published(need.pk)]


def test_engine_equals_the_pure_scorer_on_every_level(shelf):
    rows = [[level] * 6 for level in LEVELS] + [LEVELS[:6], LEVELS[1:7]]
    offerings = add_offerings(shelf, rows)
    got = forward(shelf["need"])
    assert got == reference(shelf["need"], offerings)
    assert {r.score for r in got} >= {100.0, 0.0, 90.0, 50.0}


def test_roadmap_dates_against_go_live_in_both_paths(shelf):
    offerings = add_offerings(shelf, [[ClaimLevel.ROADMAP] * 6] * 3)
    got = {r.offering: r for r in forward(shelf["need"])}
    # Offering 0 promises a day before go-live, 1 on the day, 2 a day after.
    assert [got[o.pk].score for o in offerings] == [25.0, 25.0, 0.0]
    assert list(got.values()) == reference(shelf["need"], offerings)
    for offering in offerings:
        (scored,) = engine.score_offering_against_active_needs(offering.pk)
        assert scored.result == got[offering.pk]


def test_a_need_counting_verified_claims_only_credits_unverified_ones_zero(shelf):
    """Verified-only (#19): the reference, the need-against-shelf engine and the
    offering-against-needs engine credit an unverified claim 0, roadmap included,
    and the explanation says which lines that zeroed."""
    need = shelf["need"]
    need.verified_claims_only = True
    need.save()
    levels = [["meets"] * 6, ["roadmap"] * 6]
    marks = [[True, False, True, False, True, False], [True, True, False] * 2]
    offerings = add_offerings(shelf, levels, verified=marks)
    got = forward(need)
    assert got == reference(need, offerings)
    by_offering = {r.offering: r for r in got}
    # Weights must 5, should 3, could 1, must 5, must 5, should 3 (22 in all):
    # verified meets on items 1, 3 and 5 earn 5 + 1 + 5 of 22.
    assert by_offering[offerings[0].pk].score == 100 * 11 / 22
    for offering in offerings:
        (scored,) = engine.score_offering_against_active_needs(offering.pk)
        assert scored.result == by_offering[offering.pk]
    spec = selectors.need_spec(need=need)
    claims = list(selectors.offering_claims(offering_ids=[offerings[0].pk]))
    lines = scoring.explain(
        spec, selectors.offering_spec(offering=offerings[0], claims=claims)
    )
    assert [line.unverified for line in lines] == [not m for m in marks[0]]
    # The same claims counted in full when the option is off.
    need.verified_claims_only = False
    need.save()
    assert forward(need)[0].score == 100.0


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
    got = forward(need)
    assert got == reference(need, offerings)
    assert [r.eligible for r in got] == [True, False]


def test_ties_rank_as_the_reference_does_by_offering_order(shelf):
    """Equal (eligible, gaps, score) keep the offerings' id order, whatever the
    claims that give the tie; a better later offering still ranks first."""
    need = shelf["need"]
    need.minimum_impact_level = ImpactLevel.HIGH
    need.save()
    same = [["meets", None, "extension", "meets", "meets", None]] * 3
    swapped = [["meets", "extension", None, "meets", "meets", None]]  # same score
    offerings = add_offerings(shelf, same + swapped + [["meets"] * 6])
    offerings += add_offerings(shelf, same, fedramp_impact=ImpactLevel.HIGH)
    offerings += add_offerings(shelf, [[None] * 6] * 2)
    got = forward(need)
    assert got == reference(need, offerings)
    scores = engine.score_need_against_published(need.pk)
    assert [s.result for s in scores.top(4)] == got[:4]
    assert [s.result for s in scores[2:5]] == got[2:5]
    assert scores[len(got) - 1].result == got[-1]


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
    # Both directions give the same fingerprint for the same pair.
    (forward_scored,) = engine.score_need_against_published(shelf["need"].pk)
    assert forward_scored.fingerprint == got[0].fingerprint


def test_both_directions_read_need_vectors_and_rebuild_stale_ones(shelf):
    need = shelf["need"]
    offerings = add_offerings(
        shelf,
        [["meets", "roadmap", None, "meets"] * 2, ["extension", None] * 3],
    )
    services.need_vectors_refresh(need_ids=[need.pk])
    forward_scores = engine.score_need_against_published(need.pk)
    assert not forward_scores.rebuilt
    assert [s.result for s in forward_scores] == reference(need, offerings)
    assert any(s.result.gaps for s in forward_scores)  # codes read by position
    assert engine.score_offering_against_active_needs(offerings[0].pk).rebuilt == {}
    # An item changed behind the services' back makes the vector older than the
    # need once the need is saved: the engine reads the items instead.
    need.items.filter(priority="should").update(priority="must")
    need.save()
    forward_scores = engine.score_need_against_published(need.pk)
    assert forward_scores.rebuilt
    assert [s.result for s in forward_scores] == reference(need, offerings)
    scores = engine.score_offering_against_active_needs(offerings[0].pk)
    assert list(scores.rebuilt) == [need.pk]
    assert [scores[0].result] == reference(need, [offerings[0]])


def test_unpublished_offerings_are_not_scored(shelf):
    (draft,) = add_offerings(shelf, [["meets"] * 6], status=OfferingStatus.DRAFT)
    assert len(engine.score_need_against_published(shelf["need"].pk)) == 0
    scores = engine.score_offering_against_active_needs(draft.pk)
    assert (scores.published, len(scores)) == (False, 0)


def test_fingerprint_changes_with_the_inputs_only(shelf):
    (offering,) = add_offerings(shelf, [["meets"] * 6])
    first = engine.score_need_against_published(shelf["need"].pk)[0].fingerprint
    again = engine.score_need_against_published(shelf["need"].pk)[0].fingerprint
    rewrite_claims(offering, level=ClaimLevel.EXTENSION)
    changed = engine.score_need_against_published(shelf["need"].pk)[0].fingerprint
    assert first == again != changed


def test_a_shelf_read_before_is_reused_only_while_nothing_changed(
    shelf, django_assert_num_queries
):
    """The engine keeps the last shelf it read and checks every offering's key
    (id, profile, vector stamp) before reusing it: any change of claims, status,
    provider kind, deployment or impact, or a new offering, is seen."""
    need = shelf["need"]
    offerings = add_offerings(shelf, [["meets"] * 6, ["configurable"] * 6])

    def same_as_reference(queries: int) -> None:
        with django_assert_num_queries(queries):
            got = forward(need)
        published = [o for o in offerings if o.status == OfferingStatus.PUBLISHED]
        assert got == reference(need, published)

    same_as_reference(4)  # first read: every row with its vector
    same_as_reference(4)  # the keys only, nothing changed
    rewrite_claims(offerings[0], level=ClaimLevel.EXTENSION)
    same_as_reference(5)  # the keys, then the changed row
    same_as_reference(4)
    offerings[1].status = OfferingStatus.RETIRED
    offerings[1].save()
    same_as_reference(4)  # a row less: nothing to read again
    offerings[1].status = OfferingStatus.PUBLISHED
    offerings[1].save()
    same_as_reference(5)
    need.minimum_impact_level = ImpactLevel.HIGH
    need.accepted_provider_kinds = [ProviderKind.FEDERAL]
    need.save()
    offerings[0].fedramp_impact = ImpactLevel.HIGH
    offerings[0].save()
    same_as_reference(5)
    provider = offerings[0].provider
    provider.kind = ProviderKind.FEDERAL
    provider.save()
    same_as_reference(5)
    offerings[1].deployment_model = DeploymentModel.ON_PREMISES
    offerings[1].save()
    same_as_reference(5)
    offerings += add_offerings(shelf, [["roadmap"] * 6])
    same_as_reference(5)
    assert [r.eligible for r in forward(need)] == [True, False, False]


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
    # Refresh = lock the need + the 4 engine queries (the need has no item vector
    # yet: its items are read) + the need's matches + the upsert + the need's count
    # + its item vector, plus the savepoint of the atomic block on top of the test's
    # transaction. The upsert is one statement on PostgreSQL; SQLite caps the
    # parameters of one statement.
    with django_assert_num_queries(10 + upsert_statements(count)):
        services.matches_refresh_for_need(need_id=shelf["need"].pk)
    assert Match.objects.filter(need=shelf["need"]).count() == count
    # Again, nothing changed: the need is read from its item vector now (need and
    # vector, the release's capability count, the offerings' keys only); nothing is
    # written, the matches are only stamped, and the vector is current.
    with django_assert_num_queries(9):
        assert services.matches_refresh_for_need(need_id=shelf["need"].pk) == 0


@pytest.mark.parametrize("needs", [2, 20])
def test_offering_scoring_runs_a_fixed_number_of_queries(
    shelf, needs, django_assert_num_queries
):
    for _ in range(needs - 1):
        extra = NeedFactory(release=shelf["release"], status=NeedStatus.ACTIVE)
        NeedItemFactory(need=extra, capability=shelf["capabilities"][1])
    (offering,) = add_offerings(shelf, [["meets"] * 6])
    # Needs without an item vector are encoded from their items (2 more queries).
    with django_assert_num_queries(5):
        scored = engine.score_offering_against_active_needs(offering.pk)
    assert len(scored) == needs and len(scored.rebuilt) == needs
    services.need_vectors_refresh(need_ids=[s.need_id for s in scored])
    assert NeedVector.objects.count() == needs
    with django_assert_num_queries(3):
        assert engine.score_offering_against_active_needs(offering.pk).rebuilt == {}
    for need_id in [s.need_id for s in scored]:
        services.matches_refresh_for_need(need_id=need_id)
    assert Match.objects.filter(offering=offering).count() == needs
    rewrite_claims(offering, level=ClaimLevel.CONFIGURABLE)
    # savepoint + 3 engine queries (needs locked) + its matches + the cut-offs (one
    # query: no list is full here) + the upsert + the published count + the needs'
    # count + release savepoint.
    with django_assert_num_queries(9 + upsert_statements(needs)):
        written = services.matches_refresh_for_offering(offering_id=offering.pk)
    assert written == needs
    for match in Match.objects.filter(offering=offering).select_related("need"):
        assert match.score == reference(match.need, [offering])[0].score < 100.0


def _set_constraints(need, kinds, impact, deployments):
    need.accepted_provider_kinds = kinds
    need.minimum_impact_level = impact
    need.accepted_deployment_models = deployments


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    offerings=st.lists(
        st.tuples(
            st.lists(st.sampled_from(LEVELS), min_size=6, max_size=6),
            st.sampled_from(ProviderKind.values),
            st.sampled_from(["", *ImpactLevel.values]),
            st.sampled_from([DeploymentModel.SAAS, DeploymentModel.ON_PREMISES]),
        ),
        min_size=1,
        max_size=7,
    ),
    priorities=st.lists(st.sampled_from(Priority.values), min_size=6, max_size=6),
    go_live_shift=st.integers(-2, 2),
    constraints=st.tuples(
        st.sampled_from([[], [ProviderKind.FEDERAL], [ProviderKind.COMMERCIAL]]),
        st.sampled_from(["", *ImpactLevel.values]),
        st.sampled_from([[], [DeploymentModel.SAAS]]),
    ),
    kept=st.integers(1, 8),
    verified_only=st.booleans(),
    verified=st.lists(
        st.lists(st.booleans(), min_size=6, max_size=6), min_size=7, max_size=7
    ),
)
def test_engine_equals_the_pure_scorer_for_any_claims(
    shelf,
    offerings,
    priorities,
    go_live_shift,
    constraints,
    kept,
    verified_only,
    verified,
):
    """Any claims, priorities, go-live date, constraints and offering profiles:
    both directions equal the pure scorer, the ranking (ties included) equals its
    ``rank``, and the best ``kept`` are its first ``kept``."""
    need = shelf["need"]
    need.go_live_date = GO_LIVE + datetime.timedelta(days=go_live_shift)
    _set_constraints(need, *constraints)
    need.verified_claims_only = verified_only
    need.save()
    for item, priority in zip(
        need.items.order_by("capability__code"), priorities, strict=True
    ):
        item.priority = priority
        item.save()
    made = []
    for (levels, kind, impact, deployment), marks in zip(
        offerings, verified, strict=False
    ):
        made += add_offerings(
            shelf,
            [levels],
            verified=[marks],
            provider=ProviderFactory(kind=kind),
            fedramp_impact=impact,
            deployment_model=deployment,
        )
    try:
        expected = reference(need, made)
        scores = engine.score_need_against_published(need.pk)
        assert [s.result for s in scores] == expected
        assert [s.result for s in scores.top(kept)] == expected[:kept]
        by_offering = {r.offering: r for r in expected}
        for offering in made:
            (scored,) = engine.score_offering_against_active_needs(offering.pk)
            assert scored.result == by_offering[offering.pk]
    finally:
        Claim.objects.filter(offering__in=made).delete()
        for offering in made:
            offering.delete()
