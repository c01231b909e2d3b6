"""Scoring on a REAL Celery worker (CI's PostgreSQL + Redis pass).

The tests commit for real (transactional test database) so that the worker process,
which has its own database connection, sees the rows.
"""

from contextlib import contextmanager

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from brokering import outcome_views, services
from brokering.models import Match, NeedStatus, RunStatus, ScoringRun
from catalog.models import ClaimLevel
from tests.catalog.factories import rewrite_claims
from tests.conftest import uses_services

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _services_only():
    if not uses_services():
        pytest.skip("needs CELERY_BROKER_URL and PostgreSQL (CI's services pass)")


def test_activating_a_need_is_scored_by_a_real_worker(
    agency, make_need, make_offering, capabilities
):
    from tests.celery_worker import celery_worker, wait_for

    full = make_offering([(c, ClaimLevel.MEETS) for c in capabilities])
    half = make_offering([(c, ClaimLevel.EXTENSION) for c in capabilities])
    need = make_need(agency)
    with celery_worker():
        services.need_activate(need_id=need.pk)
        assert ScoringRun.objects.get(need=need).sent_at is not None
        run = wait_for(
            lambda: ScoringRun.objects.filter(need=need, status=RunStatus.DONE).first()
        )
    assert run.attempts == 1 and run.matches_written == 2
    scores = dict(Match.objects.filter(need=need).values_list("offering_id", "score"))
    assert scores == {full.pk: 100.0, half.pk: 50.0}


def test_changing_claims_rescores_the_affected_matches(
    agency, make_need, make_offering, capabilities
):
    from tests.celery_worker import celery_worker, wait_for

    offering = make_offering([(c, ClaimLevel.EXTENSION) for c in capabilities])
    untouched = make_offering([(c, ClaimLevel.CONFIGURABLE) for c in capabilities])
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    assert Match.objects.get(offering=offering).score == 50.0
    with celery_worker():
        with transaction.atomic():
            # Through the claims writer: vector, announcement, the run queued.
            rewrite_claims(offering, level=ClaimLevel.MEETS)
        wait_for(lambda: Match.objects.get(offering=offering).score == 100.0)
        # The run is marked done just after its matches commit: wait for that too
        # (the builder's own run of the offering is done already).
        wait_for(
            lambda: (
                not ScoringRun.objects.filter(offering=offering)
                .exclude(status=RunStatus.DONE)
                .exists()
            )
        )
    assert Match.objects.get(offering=untouched).score == 90.0


@contextmanager
def broker_unreachable():
    """Point this process's Celery app at a port where no broker listens."""
    from marketplace.celery import app

    previous = app.conf.broker_url, app.conf.broker_write_url
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_write_url = previous
        app._pool = None
        app.amqp._producer_pool = None


def test_broker_down_leaves_the_run_queued_until_the_sweep_sends_it(
    agency_user, make_need, make_offering, capabilities, rf
):
    from tests.celery_worker import celery_worker, wait_for

    make_offering([(c, ClaimLevel.MEETS) for c in capabilities])
    need = make_need(agency_user.agency)
    with broker_unreachable():
        services.need_activate(need_id=need.pk)  # no exception reaches the caller
    run = ScoringRun.objects.get(need=need)
    assert (run.status, run.sent_at) == (RunStatus.QUEUED, None)
    request = rf.get(reverse("brokering:need-results", args=[need.pk]))
    request.user = agency_user
    page = outcome_views.need_results(request, need_id=need.pk)
    assert page.status_code == 200
    assert "Scoring is under way" in page.content.decode()
    with celery_worker():
        later = timezone.now() + services.RESEND_QUEUED_AFTER * 2
        assert services.scoring_runs_resend_stale(now=later) == [run.pk]
        wait_for(lambda: ScoringRun.objects.get(pk=run.pk).status == RunStatus.DONE)
    assert Match.objects.get(need=need).score == 100.0


def test_a_bulk_rescore_goes_to_the_worker_in_batches_of_runs(
    agency, make_need, make_offering, capabilities, monkeypatch
):
    from brokering.models import Need
    from tests.celery_worker import celery_worker, wait_for

    full = make_offering([(c, ClaimLevel.MEETS) for c in capabilities])
    needs = [make_need(agency, status=NeedStatus.ACTIVE) for _ in range(5)]
    draft = make_need(agency)
    monkeypatch.setattr(services.runs, "SCORING_BATCH_SIZE", 2)  # 3 tasks for 5 runs
    with celery_worker():
        run_ids = services.scoring_runs_enqueue_for_active_needs(reason="test bulk")
        assert len(run_ids) == 5
        assert not ScoringRun.objects.filter(pk__in=run_ids, sent_at=None).exists()
        wait_for(
            lambda: (
                ScoringRun.objects.filter(pk__in=run_ids, status=RunStatus.DONE).count()
                == 5
            )
        )
    for need in needs:
        match = Match.objects.get(need=need)
        assert (match.offering_id, match.score) == (full.pk, 100.0)
    assert not ScoringRun.objects.filter(need=draft).exists()
    assert Need.objects.get(pk=draft.pk).status == NeedStatus.DRAFT


def test_claims_on_exchanges_and_reports_move_the_score_on_a_real_worker(agency):
    """A provider's claims on an information exchange and a pre-built report
    (through the one claims writer and the workflow's revision path) rescore the
    need of every kind in the background."""
    from catalog.models import OfferingStatus
    from catalog.services.claims import ItemClaimInput, claims_copy, claims_save
    from tests.brokering.kinds import mixed_need, mixed_release
    from tests.catalog.factories import OfferingFactory
    from tests.celery_worker import celery_worker, wait_for

    data = mixed_release()
    need = mixed_need(data, agency=agency)
    offering = OfferingFactory(release=data["release"])
    services.matches_refresh_for_need(need_id=need.pk)
    assert Match.objects.get(offering=offering).score == 0.0
    draft = OfferingFactory(release=data["release"], status=OfferingStatus.DRAFT)
    claims_save(
        offering=draft,
        by=None,
        claims=[
            ItemClaimInput("exchange", data["exchanges"][0].pk, "meets"),
            ItemClaimInput("report", data["reports"][0].pk, "configurable"),
        ],
    )
    with celery_worker():
        with transaction.atomic():
            claims_copy(source=draft, target=offering, by=None)
        # Scored items: must 5 + could 1 capabilities, should 3 measure, must 5
        # exchange, could 1 report: (5 x 1.0 + 1 x 0.9) / 15.
        wait_for(
            lambda: Match.objects.get(offering=offering).score == 590 / 15,
        )
    run = ScoringRun.objects.get(offering=offering)
    assert run.status == RunStatus.DONE
