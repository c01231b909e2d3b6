"""Scoring survives failures: real Celery workers, real Redis, real PostgreSQL.

To stop a run *in the middle*, the test holds row locks on the need's matches from a
second database connection: the worker marks the run running, scores, then waits on
those locks while writing, and that is when its process is killed.
"""

import os
import signal
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection, connections, transaction

from brokering import services
from brokering.models import Match, NeedStatus, RunStatus, ScoringRun
from brokering.tasks import sweep_scoring_runs
from catalog.models import ClaimLevel
from marketplace.celery import app
from tests.conftest import uses_services

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _services_only():
    if not uses_services():
        pytest.skip("needs CELERY_BROKER_URL and PostgreSQL (CI's services pass)")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The parent pid is the 2nd field after the parenthesised command name.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


@contextmanager
def matches_locked(need_id: int, model=Match, field="need_id"):
    """Hold row locks on the need's matches (or other rows of ``model`` whose
    ``field`` is ``need_id``) from another connection until exit."""
    locked = threading.Event()
    let_go = threading.Event()

    def hold():
        try:
            with transaction.atomic():
                list(
                    model.objects.select_for_update(of=("self",))
                    .filter(**{field: need_id})
                    .order_by()
                )
                locked.set()
                let_go.wait(180)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert locked.wait(30)
    try:
        yield
    finally:
        let_go.set()
        holder.join(30)


def wait_for(predicate, timeout=120.0, interval=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def run_of(need):
    return ScoringRun.objects.filter(need=need).order_by("-pk").first()


@pytest.fixture
def scored_need(agency, make_need, make_offering, capabilities):
    """An active need against three offerings, scored once so that its matches
    exist (they are what the lock holds), with the scores every run must give."""
    offerings = [
        make_offering([(c, level) for c in capabilities])
        for level in (ClaimLevel.MEETS, ClaimLevel.CONFIGURABLE, ClaimLevel.EXTENSION)
    ]
    need = make_need(agency, status=NeedStatus.ACTIVE)
    services.matches_refresh_for_need(need_id=need.pk)
    expected = dict(Match.objects.filter(need=need).values_list("offering_id", "score"))
    assert expected == {
        offerings[0].pk: 100.0,
        offerings[1].pk: 90.0,
        offerings[2].pk: 50.0,
    }
    return need, expected


def assert_matches_once_with(need, expected):
    rows = list(Match.objects.filter(need=need).values_list("offering_id", "score"))
    assert len(rows) == len({offering for offering, _ in rows}) == len(expected)
    assert dict(rows) == expected


def test_killing_the_pool_process_mid_run_still_finishes_the_run(scored_need):
    from tests.celery_worker import celery_worker

    need, expected = scored_need
    with celery_worker() as worker:
        with matches_locked(need.pk):
            services.scoring_run_enqueue(need_id=need.pk, reason="test", resend=True)
            wait_for(lambda: run_of(need).status == RunStatus.RUNNING)
            time.sleep(1)  # let it reach the locked rows
            (child,) = children_of(worker.pid)
            os.kill(child, signal.SIGKILL)
        # The broker hands the task to a new pool process, which takes the orphaned
        # run over and finishes it.
        run = wait_for(
            lambda: ScoringRun.objects.filter(
                pk=run_of(need).pk, status=RunStatus.DONE
            ).first(),
            timeout=90,
        )
    assert run.attempts == 2
    assert_matches_once_with(need, expected)


STALE_SECONDS = 10


def test_killing_the_whole_worker_the_sweep_resends_the_stale_run(
    scored_need, settings
):
    from tests.celery_worker import celery_worker

    # A shorter staleness than the default minute, for this process's sweep and the
    # workers alike: the test waits it out.
    settings.BROKERING_RUN_STALE_SECONDS = STALE_SECONDS
    stale_env = {"BROKERING_RUN_STALE_SECONDS": str(STALE_SECONDS)}
    need, expected = scored_need
    with matches_locked(need.pk), celery_worker(extra_env=stale_env) as worker:
        services.scoring_run_enqueue(need_id=need.pk, reason="test", resend=True)
        wait_for(lambda: run_of(need).status == RunStatus.RUNNING)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    killed_at = time.monotonic()
    with celery_worker(extra_env=stale_env):
        # Celery beat sends the sweep every minute; here the test is beat.
        def swept_and_done():
            sweep_scoring_runs()
            return ScoringRun.objects.filter(
                pk=run_of(need).pk, status=RunStatus.DONE
            ).first()

        run = wait_for(swept_and_done, timeout=150, interval=2)
    # Stale after BROKERING_RUN_STALE_SECONDS without a heartbeat, then re-sent at
    # the next sweep: well before Redis's visibility timeout (an hour) would bring
    # the message back.
    assert services.stale_after().total_seconds() == STALE_SECONDS
    assert time.monotonic() - killed_at < STALE_SECONDS + 60
    assert run.attempts == 2
    assert_matches_once_with(need, expected)


def queued_messages(queue: str) -> int:
    with app.connection_for_write() as conn:
        return conn.default_channel.client.llen(queue)


def test_a_run_started_in_a_transaction_that_rolls_back_sends_no_task(
    scored_need,
):
    need, _ = scored_need
    from tests.celery_worker import tasks_sent_to

    queue = f"test-rollback-{os.getpid()}"
    try:
        with tasks_sent_to(queue), pytest.raises(RuntimeError), transaction.atomic():
            services.scoring_run_enqueue(need_id=need.pk, reason="rolled back")
            raise RuntimeError("the request failed after starting the run")
        assert not ScoringRun.objects.filter(need=need).exists()
        assert queued_messages(queue) == 0
        # The same call committed does send one task.
        with tasks_sent_to(queue):
            services.scoring_run_enqueue(need_id=need.pk, reason="committed")
        assert queued_messages(queue) == 1
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete(queue)


@contextmanager
def matches_refused_for(need_id: int):
    """A PostgreSQL trigger that refuses every match row of one need: the run's
    task crashes every time, as a real fault would make it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE OR REPLACE FUNCTION refuse_match() RETURNS trigger AS $$
            BEGIN
              IF NEW.need_id = %s THEN
                RAISE EXCEPTION 'disk full while writing match rows';
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_match BEFORE INSERT OR UPDATE ON brokering_match
              FOR EACH ROW EXECUTE FUNCTION refuse_match();
            """,
            [need_id],
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER IF EXISTS refuse_match ON brokering_match;"
                "DROP FUNCTION IF EXISTS refuse_match();"
            )


def test_a_task_that_always_crashes_is_retried_a_bounded_number_of_times(
    scored_need,
):
    from tests.celery_worker import celery_worker

    need, expected = scored_need
    with matches_refused_for(need.pk), celery_worker():
        services.scoring_run_enqueue(need_id=need.pk, reason="poison", resend=True)
        run = wait_for(
            lambda: ScoringRun.objects.filter(
                pk=run_of(need).pk, status=RunStatus.FAILED
            ).first(),
            timeout=120,
        )
        time.sleep(12)  # longer than the next retry would wait: no loop
        run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.attempts == services.MAX_ATTEMPTS
    assert "disk full while writing match rows" in run.error
    assert run.finished_at is not None
    assert_matches_once_with(need, expected)  # the old matches are untouched


def test_a_run_whose_process_always_dies_is_failed_after_bounded_attempts(
    scored_need,
):
    from tests.celery_worker import celery_worker

    need, expected = scored_need
    with celery_worker() as worker, matches_locked(need.pk):
        services.scoring_run_enqueue(need_id=need.pk, reason="poison", resend=True)
        for attempt in range(1, services.MAX_ATTEMPTS + 1):
            wait_for(
                lambda attempt=attempt: (
                    run_of(need).status == RunStatus.RUNNING
                    and run_of(need).attempts == attempt
                )
            )
            time.sleep(1)
            for child in children_of(worker.pid):
                os.kill(child, signal.SIGKILL)
        run = wait_for(
            lambda: ScoringRun.objects.filter(
                pk=run_of(need).pk, status=RunStatus.FAILED
            ).first(),
            timeout=60,
        )
    assert run.attempts == services.MAX_ATTEMPTS
    assert "stopped during each of 3 attempts" in run.error
    assert_matches_once_with(need, expected)


# ---- the same form or API call submitted twice at once ------------------------------


@pytest.fixture
def private_queue():
    """Send this process's tasks to a queue nobody consumes, and drop it after."""
    from tests.celery_worker import tasks_sent_to

    queue = f"test-twice-{os.getpid()}-{time.monotonic_ns()}"
    try:
        with tasks_sent_to(queue):
            yield queue
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete(queue)


def at_the_same_time(*calls):
    """Run each call in its own thread (its own database connection), released
    together by a barrier; answer their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(10)
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_activating_a_need_twice_at_once_gives_one_activation(
    agency_user, make_need, client_for, private_queue
):
    from django.urls import reverse

    need = make_need(agency_user.agency)
    url = reverse("brokering:need-review", args=[need.pk])
    clients = [client_for(agency_user), client_for(agency_user)]
    for c in clients:
        c.raise_request_exception = False
    responses = at_the_same_time(*[lambda c=c: c.post(url) for c in clients])
    assert all(r.status_code == 302 for r in responses), responses
    targets = sorted(r["Location"] for r in responses)
    assert targets == sorted(
        [
            reverse("brokering:need-results", args=[need.pk]),
            reverse("brokering:need-review", args=[need.pk]),
        ]
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.ACTIVE
    assert ScoringRun.objects.filter(need=need).count() == 1
    assert need.history.filter(status=NeedStatus.ACTIVE).count() == 1
    assert queued_messages(private_queue) == 1


def test_the_score_api_called_twice_at_once_gives_one_run(
    agency_user, make_need, client_for, private_queue
):
    from django.urls import reverse

    need = make_need(agency_user.agency)
    url = reverse("api:need-score", args=[need.pk])
    clients = [client_for(agency_user), client_for(agency_user)]
    for c in clients:
        c.raise_request_exception = False
    responses = at_the_same_time(*[lambda c=c: c.post(url) for c in clients])
    codes = sorted(r.status_code for r in responses)
    assert codes in ([202, 202], [202, 409]), codes
    runs = list(ScoringRun.objects.filter(need=need))
    assert len(runs) == 1
    accepted = [r.json() for r in responses if r.status_code == 202]
    assert {body["id"] for body in accepted} == {runs[0].pk}
    refused = [r.json() for r in responses if r.status_code == 409]
    for body in refused:  # the API's one error shape, saying why
        assert body["error"]["code"] == "conflict"
        assert "draft" in body["error"]["message"]
    need.refresh_from_db()
    assert need.status == NeedStatus.ACTIVE
    assert need.history.filter(status=NeedStatus.ACTIVE).count() == 1


# ---- the database connection closed under a running task ----------------------------


def backends_waiting_on_a_lock() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def test_a_task_whose_database_connection_is_closed_is_retried_and_finishes(
    scored_need,
):
    from tests.celery_worker import celery_worker

    need, expected = scored_need
    with celery_worker():
        with matches_locked(need.pk):
            services.scoring_run_enqueue(need_id=need.pk, reason="test", resend=True)
            wait_for(lambda: run_of(need).status == RunStatus.RUNNING)
            (worker_backend,) = wait_for(backends_waiting_on_a_lock, timeout=30)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [worker_backend])
        run = wait_for(
            lambda: ScoringRun.objects.filter(
                pk=run_of(need).pk, status__in=[RunStatus.DONE, RunStatus.FAILED]
            ).first(),
            timeout=45,
        )
    assert run.status == RunStatus.DONE, run.error
    assert run.attempts == 2
    assert_matches_once_with(need, expected)


def test_a_request_whose_database_connection_is_closed_writes_nothing(
    agency_user, make_need, client_for, private_queue
):
    from django.db import close_old_connections
    from django.urls import reverse

    from brokering.models import Need

    need = make_need(agency_user.agency)
    url = reverse("brokering:need-review", args=[need.pk])
    browser = client_for(agency_user)
    browser.raise_request_exception = False
    answers = []

    def two_requests():
        try:
            answers.append(browser.post(url))
            # What Django's handler does after every request; the test client
            # leaves it out. CONN_HEALTH_CHECKS then replaces the dead connection.
            close_old_connections()
            answers.append(browser.post(url))
        finally:
            connections.close_all()

    with matches_locked(need.pk, model=Need, field="pk"):
        requester = threading.Thread(target=two_requests)
        requester.start()
        (request_backend,) = wait_for(backends_waiting_on_a_lock, timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [request_backend])
        wait_for(lambda: answers, timeout=30)
        # Nothing of the cut request was written.
        need.refresh_from_db()
        assert need.status == NeedStatus.DRAFT
        assert not ScoringRun.objects.filter(need=need).exists()
    requester.join(30)
    cut, retried = answers
    assert cut.status_code == 503
    assert cut["Retry-After"] == "30"
    assert "Traceback" not in cut.text
    assert "Nothing from this request was saved" in cut.text
    assert retried.status_code == 302
    assert retried["Location"] == reverse("brokering:need-results", args=[need.pk])
    need.refresh_from_db()
    assert need.status == NeedStatus.ACTIVE
    assert ScoringRun.objects.filter(need=need).count() == 1


# ---- Redis restarted (keeping nothing) while runs are queued ------------------------


def free_port() -> int:
    """A loopback port nobody listens on now: each test process (pytest-xdist runs
    several) and each test run on the machine gets a private Redis of its own."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def private_redis(port: int):
    """A Redis of this test's own on ``port``, keeping nothing on disk."""
    import subprocess

    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(port=port)
        wait_for(lambda: _answers(client), timeout=60, interval=0.1)
        yield process
    finally:
        process.terminate()
        process.wait(10)


def _answers(client) -> bool:
    import redis

    try:
        return client.ping()
    except redis.ConnectionError:
        return False


def _drop_broker_connections():
    from kombu import pools

    pools.reset()  # kombu keeps its pools per connection, process-wide
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker(url: str):
    """Point this process's Celery app at ``url`` (and back afterwards)."""
    # Celery reads CELERY_BROKER_URL from the environment before its settings.
    # Once the app's configuration is read, only app.conf counts: set both.
    # Another test may have pinned broker_write_url explicitly; point it too.
    previous = os.environ["CELERY_BROKER_URL"]
    previous_conf = app.conf.broker_url, app.conf.broker_write_url
    _drop_broker_connections()
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.broker_url = app.conf.broker_write_url = url
    try:
        assert app.connection_for_write().port == urlsplit(url).port
        yield
    finally:
        _drop_broker_connections()
        os.environ["CELERY_BROKER_URL"] = previous
        app.conf.broker_url, app.conf.broker_write_url = previous_conf


def test_runs_queued_when_redis_restarts_empty_are_sent_again_and_finish(
    agency, make_need, make_offering, capabilities
):
    from django.utils import timezone

    from tests.celery_worker import celery_worker, tasks_sent_to

    make_offering([(c, ClaimLevel.MEETS) for c in capabilities])
    needs = [make_need(agency, status=NeedStatus.ACTIVE) for _ in range(3)]
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    queue = f"test-redis-restart-{os.getpid()}"
    with broker(url):
        with private_redis(port):
            with tasks_sent_to(queue):
                for need in needs:
                    services.scoring_run_enqueue(need_id=need.pk, reason="test")
                assert queued_messages(queue) == len(needs)
            _drop_broker_connections()
        # Redis is gone and comes back empty: the messages are lost.
        with private_redis(port):
            assert queued_messages(queue) == 0
            runs = ScoringRun.objects.filter(need__in=needs)
            assert set(runs.values_list("status", flat=True)) == {RunStatus.QUEUED}
            with celery_worker(extra_env={"CELERY_BROKER_URL": url}):
                # The sweep as beat sends it a minute later.
                later = timezone.now() + services.RESEND_QUEUED_AFTER
                resent = services.scoring_runs_resend_stale(
                    now=later + services.RESEND_QUEUED_AFTER
                )
                assert sorted(resent) == sorted(runs.values_list("pk", flat=True))
                wait_for(
                    lambda: runs.filter(status=RunStatus.DONE).count() == len(needs),
                    timeout=45,
                )
    assert runs.count() == len(needs)
    for need in needs:
        assert Match.objects.filter(need=need).count() == 1
