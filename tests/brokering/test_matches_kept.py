"""A need keeps matches for its best BROKERING_MATCHES_KEPT offerings and for those
acted on; writes touch only what changed; one offering's change is carried to every
need exactly (the reverse direction), or a full scoring of the need is queued."""

import datetime
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brokering import scoring, selectors, services
from brokering.models import (
    Match,
    MatchStatus,
    Need,
    NeedStatus,
    NeedVector,
    RunStatus,
    ScoringRun,
)
from brokering.scoring import inputs as engine
from catalog.models import ClaimLevel, OfferingStatus, ProviderKind
from catalog.services.claims import ClaimInput
from standards.items import item_keys_in_order
from standards.models import ReleaseStatus
from tests.brokering.factories import AgencyFactory, NeedFactory, NeedItemFactory
from tests.catalog.factories import OfferingFactory, ProviderFactory, write_claims
from tests.standards.factories import (
    ActivityFactory,
    CapabilityFactory,
    FunctionFactory,
    ReleaseFactory,
)

pytestmark = pytest.mark.django_db

LEVELS = [None, *ClaimLevel.values]
GO_LIVE = datetime.date(2028, 1, 1)


@pytest.fixture
def kept(settings):
    settings.BROKERING_MATCHES_KEPT = 3
    return 3


def set_claims(offering, capabilities, levels) -> None:
    """Set the offering's claims on the capabilities (``None``: no claim) through
    the one claims writer, which refreshes its vector and queues its rescoring."""
    write_claims(
        offering,
        [
            ClaimInput(
                capability_id=capability.pk,
                level=level or "",
                roadmap_date=datetime.date(2027, 6, 1)
                if level == ClaimLevel.ROADMAP
                else None,
            )
            for capability, level in zip(capabilities, levels, strict=True)
        ],
    )


def reference(need) -> list[scoring.Result]:
    """The pure scorer over the claims table, every published offering, ranked."""
    offerings = list(
        need.release.offerings.filter(status=OfferingStatus.PUBLISHED)
        .select_related("provider")
        .order_by("pk")
    )
    claims = list(selectors.offering_claims(offering_ids=[o.pk for o in offerings]))
    spec = selectors.need_spec(need=need)
    return scoring.score_all(
        spec,
        [
            selectors.offering_spec(
                offering=o, claims=[c for c in claims if c.offering_id == o.pk]
            )
            for o in offerings
        ],
    )


def state(need) -> dict:
    """A need's matches, everything but when they were computed."""
    return {
        m.offering_id: (
            m.score,
            m.eligible,
            tuple(m.ineligible_reasons),
            tuple(m.gaps),
            m.gaps_count,
            repr(m.breakdown),
            m.fingerprint,
            m.top,
            m.status,
        )
        for m in Match.objects.filter(need=need)
    }


def queued_runs() -> set[tuple[int | None, int | None]]:
    """The queued runs as (need, offering). The claims writer queues each changed
    offering's own run; tests of the reverse direction take this set after building
    and look at what was queued since."""
    return set(
        ScoringRun.objects.filter(status=RunStatus.QUEUED).values_list(
            "need_id", "offering_id"
        )
    )


def run_queued_need_runs() -> int:
    """What the worker would do with the runs the reverse direction queued."""
    runs = list(
        ScoringRun.objects.filter(status=RunStatus.QUEUED, need__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for run_id in runs:
        services.scoring_run_execute(run_id=run_id)
    return len(runs)


# Claims of six offerings of distinct scores against ``make_need``'s default
# priorities (must, should, could, must): best first.
LADDER = [
    [ClaimLevel.MEETS] * 4,
    [ClaimLevel.MEETS] * 3 + [ClaimLevel.CONFIGURABLE],
    [ClaimLevel.CONFIGURABLE] * 4,
    [ClaimLevel.MEETS, ClaimLevel.EXTENSION, None, ClaimLevel.MEETS],
    [ClaimLevel.MEETS, None, None, ClaimLevel.EXTENSION],
    [ClaimLevel.EXTENSION, None, None, None],
]


@pytest.fixture
def six_offerings(make_offering, capabilities):
    return [
        make_offering(
            [(c, level) for c, level in zip(capabilities, levels, strict=True) if level]
        )
        for levels in LADDER
    ]


def test_a_need_keeps_matches_for_its_best_offerings(
    agency, make_need, six_offerings, kept
):
    need = make_need(agency, status=NeedStatus.ACTIVE)
    assert services.matches_refresh_for_need(need_id=need.pk) == kept
    expected = reference(need)
    assert [r.offering for r in expected] == [o.pk for o in six_offerings]
    matches = selectors.matches_for_need(need=need)
    assert [m.offering_id for m in matches] == [o.pk for o in six_offerings[:kept]]
    assert [m.score for m in matches] == [r.score for r in expected[:kept]]
    assert all(m.top for m in matches)
    need.refresh_from_db()
    assert need.offerings_scored == 6 and need.scored_at is not None


def test_acted_on_matches_are_kept_whatever_their_rank(
    agency, make_need, six_offerings, capabilities, broker, kept
):
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    third = Match.objects.get(need=need, offering=six_offerings[2])
    services.match_decide(
        match_id=third.pk,
        status=MatchStatus.SHORTLISTED,
        note="Worth a demo",
        decided_by=broker,
    )
    second = Match.objects.get(need=need, offering=six_offerings[1])
    services.match_decide(
        match_id=second.pk, status=MatchStatus.PROPOSED, note="", decided_by=broker
    )
    # The two worst become the best: the shortlisted third falls to fifth and stays
    # (not among the best), the proposed second falls to fourth and goes.
    for offering in six_offerings[4:]:
        set_claims(offering, capabilities, [ClaimLevel.MEETS] * 4)
    services.matches_refresh_for_need(need_id=need.pk)
    rows = {m.offering_id: m for m in Match.objects.filter(need=need)}
    assert set(rows) == {
        six_offerings[0].pk,
        six_offerings[4].pk,
        six_offerings[5].pk,
        six_offerings[2].pk,
    }
    assert rows[six_offerings[2].pk].top is False
    assert rows[six_offerings[2].pk].status == MatchStatus.SHORTLISTED
    assert "Worth a demo" in rows[six_offerings[2].pk].notes
    assert (
        rows[six_offerings[2].pk]
        .history.filter(status=MatchStatus.SHORTLISTED)
        .exists()
    )
    assert state(need) == _rescored(need)


def _rescored(need) -> dict:
    """The need's matches after a full scoring, which must change nothing."""
    assert services.matches_refresh_for_need(need_id=need.pk) == 0
    return state(need)


def test_unchanged_matches_are_not_rewritten(
    agency, make_need, six_offerings, capabilities, kept
):
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    stamped = dict(
        Match.objects.filter(need=need).values_list("offering_id", "computed_at")
    )
    # A row tampered with but with its fingerprint kept is not rewritten.
    Match.objects.filter(need=need).update(breakdown=[])
    assert services.matches_refresh_for_need(need_id=need.pk) == 0
    assert set(
        map(repr, Match.objects.filter(need=need).values_list("breakdown", flat=True))
    ) == {"[]"}
    restamped = dict(
        Match.objects.filter(need=need).values_list("offering_id", "computed_at")
    )
    assert all(restamped[o] > stamped[o] for o in stamped)
    # New claims change the fingerprint of that offering's match only.
    set_claims(six_offerings[1], capabilities, [ClaimLevel.MEETS] * 4)
    assert services.matches_refresh_for_need(need_id=need.pk) == 1
    assert Match.objects.get(need=need, offering=six_offerings[1]).breakdown


def test_matches_page_says_how_many_offerings_were_scored(
    agency, make_need, six_offerings, client_for, agency_user, kept
):
    from django.urls import reverse

    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    page = client_for(agency_user).get(
        reverse("brokering:need-results", args=[need.pk])
    )
    assert "Showing the 3 best of 6 offerings scored" in page.text
    assert len(page.context["page_obj"].object_list) == 3
    assert page.context["rows"].count("<tr>") == 3


def test_bulk_scoring_equals_scoring_need_by_need(agency, make_need, six_offerings):
    needs = [
        make_need(agency, status=NeedStatus.ACTIVE, priorities=priorities)
        for priorities in (("must",) * 4, ("could", "should", "must", "could"))
    ]
    assert services.matches_refresh_for_needs(need_ids=[n.pk for n in needs]) == 12
    for need in needs:
        before = state(need)
        assert _rescored(need) == before
        assert NeedVector.objects.filter(need=need).exists()


# --- one offering against every need -----------------------------------------------


@pytest.fixture
def scored_needs(agency, make_need, six_offerings, kept):
    needs = [
        make_need(agency, status=NeedStatus.ACTIVE, title=f"Need {n}") for n in range(2)
    ]
    for need in needs:
        services.matches_refresh_for_need(need_id=need.pk)
    return needs


def test_a_better_offering_enters_and_the_cutoff_leaves(
    scored_needs, six_offerings, capabilities, kept
):
    first, second = scored_needs
    cutoff = Match.objects.get(need=first, offering=six_offerings[2])
    services.match_decide(
        match_id=cutoff.pk, status=MatchStatus.RECOMMENDED, note="", decided_by=None
    )
    newcomer = six_offerings[5]
    set_claims(
        newcomer,
        capabilities,
        [ClaimLevel.MEETS, ClaimLevel.MEETS, ClaimLevel.CONFIGURABLE, ClaimLevel.MEETS],
    )
    built = queued_runs()
    assert (None, newcomer.pk) in built  # the writer's run for the newcomer
    assert services.matches_refresh_for_offering(offering_id=newcomer.pk) == 2
    assert queued_runs() == built  # no full scoring queued
    # First need: the recommended cut-off stays, not among the best; second: gone.
    first_rows = {m.offering_id: m.top for m in Match.objects.filter(need=first)}
    assert first_rows == {
        six_offerings[0].pk: True,
        six_offerings[1].pk: True,
        newcomer.pk: True,
        six_offerings[2].pk: False,
    }
    assert set(
        Match.objects.filter(need=second).values_list("offering_id", flat=True)
    ) == {six_offerings[0].pk, six_offerings[1].pk, newcomer.pk}
    for need in scored_needs:
        assert state(need) == _rescored(need)


def test_an_offering_leaving_a_full_list_queues_a_full_scoring(
    scored_needs, six_offerings, capabilities, kept
):
    first, _second = scored_needs
    falling = six_offerings[0]
    set_claims(falling, capabilities, [None] * 4)
    built = queued_runs()
    before = state(first)
    assert services.matches_refresh_for_offering(offering_id=falling.pk) == 0
    assert queued_runs() - built == {(n.pk, None) for n in scored_needs}
    assert state(first) == before  # left for the full scoring
    assert run_queued_need_runs() == 2
    assert falling.pk not in state(first)
    assert [m.offering_id for m in selectors.matches_for_need(need=first)] == [
        o.pk for o in six_offerings[1:4]
    ]


def test_a_retired_offering_leaves_every_need(
    scored_needs, six_offerings, broker, kept
):
    first, second = scored_needs
    services.match_decide(
        match_id=Match.objects.get(need=first, offering=six_offerings[1]).pk,
        status=MatchStatus.SHORTLISTED,
        note="",
        decided_by=broker,
    )
    retired = six_offerings[1]
    retired.status = OfferingStatus.RETIRED
    retired.save()
    services.matches_refresh_for_offering(offering_id=retired.pk)
    assert not Match.objects.filter(need=second, offering=retired).exists()
    kept_record = Match.objects.get(need=first, offering=retired)
    assert (kept_record.status, kept_record.top) == (MatchStatus.SHORTLISTED, False)
    run_queued_need_runs()
    for need in scored_needs:
        assert [m.offering_id for m in selectors.matches_for_need(need=need)] == [
            six_offerings[0].pk,
            six_offerings[2].pk,
            six_offerings[3].pk,
        ]
        need.refresh_from_db()
        assert need.offerings_scored == 5


def test_needs_never_scored_in_full_are_left_to_their_run(
    agency, make_need, six_offerings, kept
):
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_offering(offering_id=six_offerings[0].pk)
    assert not Match.objects.filter(need=need).exists()


@pytest.mark.parametrize("needs", [2, 12])
def test_reverse_direction_runs_a_fixed_number_of_queries(
    agency,
    make_need,
    six_offerings,
    capabilities,
    kept,
    needs,
    broker,
    django_assert_num_queries,
):
    made = [
        make_need(agency, status=NeedStatus.ACTIVE, title=f"N{n}") for n in range(needs)
    ]
    for need in made:
        services.matches_refresh_for_need(need_id=need.pk)
        services.match_decide(
            match_id=Match.objects.get(need=need, offering=six_offerings[2]).pk,
            status=MatchStatus.SHORTLISTED,
            note="",
            decided_by=broker,
        )
    # Offering 4 enters every list: 3 is pushed out (kept: shortlisted); offering 0
    # falls out of every list: a full scoring is queued for each need.
    set_claims(six_offerings[4], capabilities, [ClaimLevel.MEETS] * 4)
    set_claims(six_offerings[0], capabilities, [None] * 4)
    built = queued_runs()
    # savepoint, 3 engine queries, the offering's matches, the cut-offs (2), the
    # upsert, the cut-offs pushed out (1 update), the published count, the needs'
    # count, release savepoint.
    with django_assert_num_queries(12):
        assert (
            services.matches_refresh_for_offering(offering_id=six_offerings[4].pk)
            == needs
        )
    # ... and for the leaving one, the queued runs (a savepoint, the queued runs, the
    # insert, its release) instead of the writes.
    with django_assert_num_queries(14):
        assert (
            services.matches_refresh_for_offering(offering_id=six_offerings[0].pk) == 0
        )
    assert queued_runs() - built == {(need.pk, None) for need in made}


def test_runs_for_many_needs_reuse_the_queued_ones(
    agency, make_need, django_assert_num_queries
):
    needs = [make_need(agency, status=NeedStatus.ACTIVE) for _ in range(3)]
    waiting = services.scoring_run_enqueue(need_id=needs[0].pk, reason="earlier")
    with django_assert_num_queries(4):  # savepoint, queued runs, insert, release
        created = services.scoring_runs_enqueue_for_needs(
            need_ids=[n.pk for n in needs], reason="many"
        )
    assert len(created) == 2
    assert ScoringRun.objects.filter(need=needs[0]).get().pk == waiting.pk
    assert set(
        ScoringRun.objects.filter(pk__in=created).values_list("need_id", flat=True)
    ) == {needs[1].pk, needs[2].pk}


# --- exactness over any sequence of changes ----------------------------------------

_EXAMPLES = itertools.count()

# New claims: often all-or-nothing, so that offerings jump into and out of the best.
_LEVELS_AFTER = st.one_of(
    st.just([ClaimLevel.MEETS] * 4),
    st.just([None] * 4),
    st.lists(st.sampled_from(LEVELS), min_size=4, max_size=4),
)
_CHANGE = st.one_of(
    st.tuples(st.just("claims"), st.integers(0, 5), _LEVELS_AFTER),
    st.tuples(st.just("status"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("decide"), st.integers(0, 5), st.integers(0, 2)),
    st.tuples(st.just("profile"), st.integers(0, 5), st.booleans()),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    kept=st.integers(1, 4),
    start=st.permutations(LADDER),
    changes=st.lists(_CHANGE, min_size=2, max_size=8),
)
def test_the_reverse_direction_keeps_every_need_exact(
    settings, broker, kept, start, changes
):
    """After any sequence of offering changes carried through the reverse direction
    (and the full scorings it queued), every need's matches are exactly what a full
    scoring of that need gives."""
    settings.BROKERING_MATCHES_KEPT = kept
    # Each example on a release of its own: the needs of earlier examples, on other
    # releases, are not scored against this one's offerings.
    release = ReleaseFactory(name=f"EX{next(_EXAMPLES)}", status=ReleaseStatus.DRAFT)
    capabilities = []
    for code in ("FFM.010", "FFM.020"):
        function = FunctionFactory(release=release, code=code)
        activity = ActivityFactory(function=function, code=f"{code}.010")
        capabilities += [
            CapabilityFactory(activity=activity, code=f"{code}.010.0{n}")
            for n in (11, 12)
        ]
    agency = AgencyFactory()
    needs = []
    for n, (priorities, kinds) in enumerate(
        [
            (("must", "should", "could", "must"), []),
            (("could", "must", "must", "should"), [ProviderKind.COMMERCIAL]),
            (("should", "should", "could", "could"), []),
        ]
    ):
        need = NeedFactory(
            agency=agency,
            release=release,
            go_live_date=GO_LIVE,
            status=NeedStatus.ACTIVE,
            accepted_provider_kinds=kinds,
            title=f"Need {n}",
        )
        for capability, priority in zip(capabilities, priorities, strict=True):
            NeedItemFactory(need=need, capability=capability, priority=priority)
        needs.append(need)
    offerings = []
    for levels in start:
        offering = OfferingFactory(release=release)
        set_claims(offering, capabilities, levels)
        offerings.append(offering)
    for need in needs:
        services.matches_refresh_for_need(need_id=need.pk)

    for action, which, value in changes:
        offering = offerings[which]
        if action == "claims":
            set_claims(offering, capabilities, value)
        elif action == "status":
            offering.status = (
                OfferingStatus.PUBLISHED if value else OfferingStatus.RETIRED
            )
            offering.save()
        elif action == "profile":
            offering.provider = ProviderFactory(
                kind=ProviderKind.FEDERAL if value else ProviderKind.COMMERCIAL
            )
            offering.save()
        else:
            match = Match.objects.filter(need=needs[value], offering=offering).first()
            if match is not None:
                services.match_decide(
                    match_id=match.pk,
                    status=MatchStatus.SHORTLISTED,
                    note="",
                    decided_by=broker,
                )
            continue
        services.matches_refresh_for_offering(offering_id=offering.pk)
        run_queued_need_runs()
        for need in needs:
            assert state(need) == _rescored(need), (action, which, value)
            need.refresh_from_db()
            assert need.offerings_scored == len(reference(need))
    for need in needs:
        best = [r.offering for r in reference(need)][:kept]
        listed = [m.offering_id for m in Match.objects.filter(need=need, top=True)]
        assert sorted(listed) == sorted(best)


# --- item vectors kept by the services ----------------------------------------------


def assert_vector_current(need) -> None:
    need = Need.objects.get(pk=need.pk)
    (inputs,) = engine.load_needs(Need.objects.filter(pk=need.pk))
    expected = inputs.encode(item_keys_in_order(need.release_id)).packed()
    vector = NeedVector.objects.get(need=need)
    stored = {
        name: bytes(value) if isinstance(value, memoryview) else value
        for name, value in ((name, getattr(vector, name)) for name in expected)
    }
    assert stored == expected
    assert vector.need_updated_at == need.updated_at


def test_every_need_service_keeps_the_item_vector_current(
    agency, agency_user, release, capabilities, django_capture_on_commit_callbacks
):
    need = services.need_create(
        agency=agency,
        created_by=agency_user,
        release_id=release.pk,
        title="Vectors",
        go_live_date=GO_LIVE,
    )
    function_ids = sorted({c.function_id for c in capabilities})
    services.need_set_functions(need_id=need.pk, function_ids=function_ids[:1])
    assert_vector_current(need)
    services.need_set_functions(need_id=need.pk, function_ids=function_ids)
    assert_vector_current(need)
    services.need_set_priorities(
        need_id=need.pk, priorities={capabilities[0].pk: "must"}
    )
    assert_vector_current(need)
    services.need_set_functions(need_id=need.pk, function_ids=function_ids[1:])
    services.need_priorities_import(
        need_id=need.pk,
        priorities={capabilities[0].pk: "could", capabilities[2].pk: "must"},
    )
    assert_vector_current(need)
    with django_capture_on_commit_callbacks(execute=True):
        services.need_activate(need_id=need.pk)
    assert_vector_current(need)
    with django_capture_on_commit_callbacks(execute=True):
        services.need_update(
            need_id=need.pk,
            title="Vectors",
            go_live_date=GO_LIVE + datetime.timedelta(days=1),
            minimum_impact_level="high",
        )
    assert_vector_current(need)
    copy = services.need_clone(need_id=need.pk, created_by=agency_user)
    assert_vector_current(copy)
