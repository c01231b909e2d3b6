"""Services of the brokering app: needs, scoring runs and match decisions (SQLite; tasks
run in-process when their after-commit callbacks fire)."""

import datetime

import pytest
from django.utils import timezone

from brokering import services
from brokering.models import (
    Match,
    MatchStatus,
    NeedItem,
    NeedStatus,
    RunStatus,
    ScoringRun,
)
from catalog.models import ClaimLevel
from catalog.signals import offerings_changed
from standards.signals import release_made_current
from tests.catalog.factories import rewrite_claims

pytestmark = pytest.mark.django_db


def test_activating_a_need_records_a_run_and_writes_ranked_matches(
    agency, make_need, make_offering, capabilities, django_capture_on_commit_callbacks
):
    best = make_offering([(c, ClaimLevel.MEETS) for c in capabilities])
    partial = make_offering([(capabilities[0], ClaimLevel.CONFIGURABLE)])
    need = make_need(agency)
    with django_capture_on_commit_callbacks(execute=True):
        services.need_activate(need_id=need.pk)
    run = ScoringRun.objects.get(need=need)
    assert (run.status, run.attempts, run.matches_written) == (RunStatus.DONE, 1, 2)
    matches = {m.offering_id: m for m in Match.objects.filter(need=need)}
    assert matches[best.pk].score == 100.0
    # must 5 x 0.9 over weights 5+3+1+5: 450 / 14
    assert matches[partial.pk].score == 450 / 14
    assert matches[partial.pk].gaps == ["FFM.020.010.012"]
    assert matches[best.pk].breakdown[0] == {
        "function": "FFM.010",
        "items": 2,
        "weight": 8,
        "earned": 800,
        "gaps": 0,
    }


def test_activation_is_guarded(agency, make_need, release):
    from tests.brokering.factories import NeedFactory

    empty = NeedFactory(agency=agency, release=release)
    with pytest.raises(services.TransitionError):
        services.need_activate(need_id=empty.pk)
    need = make_need(agency, status=NeedStatus.ACTIVE)
    with pytest.raises(services.TransitionError):
        services.need_activate(need_id=need.pk)


def test_refresh_is_idempotent_and_keeps_decisions(
    agency, make_need, make_offering, capabilities, broker
):
    offering = make_offering([(capabilities[0], ClaimLevel.MEETS)])
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    match = Match.objects.get()
    services.match_decide(
        match_id=match.pk,
        status=MatchStatus.RECOMMENDED,
        note="Strong fit",
        decided_by=broker,
    )
    services.matches_refresh_for_need(need_id=need.pk)
    services.matches_refresh_for_need(need_id=need.pk)
    match = Match.objects.get()
    assert match.offering_id == offering.pk
    assert match.status == MatchStatus.RECOMMENDED
    assert "Strong fit" in match.notes
    assert match.history.filter(status=MatchStatus.RECOMMENDED).exists()


def test_retired_offering_loses_its_proposed_matches(
    agency, make_need, make_offering, capabilities, django_capture_on_commit_callbacks
):
    offering = make_offering([(capabilities[0], ClaimLevel.MEETS)])
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    offering.status = "retired"
    offering.save()
    built = list(ScoringRun.objects.values_list("pk", flat=True))  # the builder's
    with django_capture_on_commit_callbacks(execute=True):
        offerings_changed.send(
            sender=None, offering_ids=[offering.pk], reason="retired"
        )
    assert not Match.objects.exists()
    assert (
        ScoringRun.objects.exclude(pk__in=built).get(offering=offering).status
        == RunStatus.DONE
    )


def test_claims_change_signal_rescores_the_offering(
    agency, make_need, make_offering, capabilities, django_capture_on_commit_callbacks
):
    offering = make_offering([(capabilities[0], ClaimLevel.EXTENSION)])
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    before = Match.objects.get().score
    with django_capture_on_commit_callbacks(execute=True):
        # The claims writer announces the change (offerings_changed, "claims").
        rewrite_claims(offering, level=ClaimLevel.MEETS)
    assert Match.objects.get().score > before


def test_release_made_current_rescores_every_active_need(
    agency, make_need, django_capture_on_commit_callbacks
):
    active = make_need(agency, status=NeedStatus.ACTIVE)
    make_need(agency)  # a draft is not scored
    with django_capture_on_commit_callbacks(execute=True):
        release_made_current.send(
            sender=None, release_id=active.release_id, previous_id=None
        )
    assert list(ScoringRun.objects.values_list("need_id", "status")) == [
        (active.pk, RunStatus.DONE)
    ]


def test_a_queued_run_is_reused_until_it_starts(agency, make_need):
    need = make_need(agency, status=NeedStatus.ACTIVE)
    first = services.scoring_run_enqueue(need_id=need.pk, reason="one")
    second = services.scoring_run_enqueue(need_id=need.pk, reason="two")
    assert first.pk == second.pk
    services.scoring_run_start(run_id=first.pk)
    third = services.scoring_run_enqueue(need_id=need.pk, reason="three")
    assert third.pk != first.pk


def test_a_finished_run_is_not_run_twice(agency, make_need):
    need = make_need(agency, status=NeedStatus.ACTIVE)
    run = services.scoring_run_enqueue(need_id=need.pk)
    assert services.scoring_run_execute(run_id=run.pk).status == RunStatus.DONE
    assert services.scoring_run_execute(run_id=run.pk) is None
    assert ScoringRun.objects.get(pk=run.pk).attempts == 1


def test_failures_are_recorded_and_bounded(agency, make_need):
    need = make_need(agency, status=NeedStatus.ACTIVE)
    run = services.scoring_run_enqueue(need_id=need.pk)
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        assert services.scoring_run_start(run_id=run.pk)
        run = services.scoring_run_fail(run_id=run.pk, error=f"boom {attempt}")
    assert (run.status, run.attempts, run.error) == (RunStatus.FAILED, 3, "boom 3")
    assert not services.scoring_run_start(run_id=run.pk)


def test_sweep_resends_stale_runs_only(
    agency, make_need, django_capture_on_commit_callbacks
):
    need = make_need(agency, status=NeedStatus.ACTIVE)
    now = timezone.now()
    old = now - datetime.timedelta(minutes=5)
    lost_queued = services.scoring_run_enqueue(need_id=need.pk)
    ScoringRun.objects.filter(pk=lost_queued.pk).update(queued_at=old)
    other = make_need(agency, status=NeedStatus.ACTIVE, title="Other")
    dead_worker = services.scoring_run_enqueue(need_id=other.pk)
    services.scoring_run_start(run_id=dead_worker.pk)
    ScoringRun.objects.filter(pk=dead_worker.pk).update(heartbeat_at=old, queued_at=old)
    third = make_need(agency, status=NeedStatus.ACTIVE, title="Third")
    fresh = services.scoring_run_enqueue(need_id=third.pk)
    with django_capture_on_commit_callbacks(execute=True):
        resent = services.scoring_runs_resend_stale(now=now)
    assert sorted(resent) == sorted([lost_queued.pk, dead_worker.pk])
    statuses = dict(ScoringRun.objects.values_list("id", "status"))
    assert statuses[lost_queued.pk] == RunStatus.DONE
    assert statuses[dead_worker.pk] == RunStatus.DONE
    assert statuses[fresh.pk] == RunStatus.QUEUED


def test_a_running_run_is_stale_after_the_configured_seconds(
    agency, make_need, settings
):
    need = make_need(agency, status=NeedStatus.ACTIVE)
    run = services.scoring_run_enqueue(need_id=need.pk)
    services.scoring_run_start(run_id=run.pk)
    now = timezone.now()
    quiet = now - datetime.timedelta(seconds=30)
    ScoringRun.objects.filter(pk=run.pk).update(heartbeat_at=quiet, queued_at=quiet)
    assert settings.BROKERING_RUN_STALE_SECONDS == 60
    assert services.scoring_runs_resend_stale(now=now) == []
    settings.BROKERING_RUN_STALE_SECONDS = 20
    assert services.scoring_runs_resend_stale(now=now) == [run.pk]


def test_set_functions_adds_should_items_and_drops_others(
    agency, make_need, capabilities
):
    need = make_need(agency, priorities=("must",))
    function_ids = {c.function_id for c in capabilities}
    services.need_set_functions(need_id=need.pk, function_ids=function_ids)
    items = dict(
        NeedItem.objects.filter(need=need).values_list("capability__code", "priority")
    )
    assert items == {
        "FFM.010.010.011": "must",
        "FFM.010.010.012": "should",
        "FFM.020.010.011": "should",
        "FFM.020.010.012": "should",
    }
    services.need_set_functions(
        need_id=need.pk, function_ids=[capabilities[2].function_id]
    )
    assert set(need.items.values_list("capability__code", flat=True)) == {
        "FFM.020.010.011",
        "FFM.020.010.012",
    }
    history = NeedItem.history.filter(need_id=need.pk)
    assert history.filter(history_type="+").count() == 4
    assert history.filter(history_type="-").count() == 2


def test_priorities_change_an_active_need_and_rescore(
    agency, make_need, make_offering, capabilities, django_capture_on_commit_callbacks
):
    make_offering([(capabilities[0], ClaimLevel.MEETS)])
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.need_set_priorities(
            need_id=need.pk, priorities={capabilities[0].pk: "could"}
        )
    assert changed == 1
    assert ScoringRun.objects.filter(need=need, status=RunStatus.DONE).count() == 1
    # could 1 x 1.0 over weights 1+3+1+5
    assert Match.objects.get().score == 10.0
    assert need.items.get(capability=capabilities[0]).history.count() == 2


def test_clone_copies_constraints_and_priorities_as_a_draft(
    agency, make_need, agency_user
):
    need = make_need(
        agency,
        status=NeedStatus.ACTIVE,
        minimum_impact_level="high",
        accepted_provider_kinds=["federal"],
    )
    copy = services.need_clone(need_id=need.pk, created_by=agency_user)
    assert copy.status == NeedStatus.DRAFT
    assert (copy.minimum_impact_level, copy.accepted_provider_kinds) == (
        "high",
        ["federal"],
    )
    assert sorted(copy.items.values_list("capability_id", "priority")) == sorted(
        need.items.values_list("capability_id", "priority")
    )


def test_archived_need_refuses_changes(agency, make_need):
    need = make_need(agency)
    services.need_archive(need_id=need.pk)
    with pytest.raises(services.TransitionError):
        services.need_set_priorities(need_id=need.pk, priorities={})
    with pytest.raises(services.TransitionError):
        services.need_archive(need_id=need.pk)
