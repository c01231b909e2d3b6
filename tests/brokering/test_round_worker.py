"""Round deadlines and response scoring on a REAL Celery worker (CI's services
pass): a worker killed while closing rounds, and runs repeated after it, leave no
round open past its due date and send no notice twice."""

import os
import signal

import pytest

from brokering.models import (
    Invitation,
    NoticeKind,
    Round,
    RoundNotice,
    RoundStatus,
)
from brokering.rounds import services
from brokering.tasks import round_deadlines
from catalog.models import ClaimLevel
from tests.brokering.rounds import (
    active_need,
    full_answers,
    offering_with_claims,
    open_round,
    pass_due_date,
)
from tests.conftest import uses_services

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROUNDS = 6


@pytest.fixture(autouse=True)
def _services_only():
    if not uses_services():
        pytest.skip("needs CELERY_BROKER_URL and PostgreSQL (CI's services pass)")


@pytest.fixture
def due(agency_user, provider, other_provider):
    need = active_need(agency_user.agency)
    offerings = [
        offering_with_claims(need, provider, [ClaimLevel.MEETS]),
        offering_with_claims(need, other_provider, [ClaimLevel.MEETS]),
    ]
    closing = [open_round(need, agency_user, offerings) for _ in range(ROUNDS)]
    for round in closing:
        pass_due_date(round)
    soon = open_round(need, agency_user, offerings, days=1)
    return closing, soon


def test_a_worker_killed_while_closing_leaves_no_round_open_and_nothing_twice(due):
    from tests.celery_worker import celery_worker, wait_for

    closing, soon = due
    ids = [round.pk for round in closing]
    with celery_worker() as process:
        round_deadlines.delay()
        round_deadlines.delay()
        wait_for(
            lambda: Round.objects.filter(
                pk__in=ids, status=RoundStatus.CLOSED
            ).exists(),
            interval=0.01,
        )
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    with celery_worker():
        round_deadlines.delay()
        wait_for(
            lambda: (
                not Round.objects.filter(pk__in=ids, status=RoundStatus.OPEN).exists()
                and RoundNotice.objects.filter(kind=NoticeKind.REMINDER).count() == 2
                and not RoundNotice.objects.filter(sent_at__isnull=True).exists()
            )
        )
        round_deadlines.delay()
        round_deadlines.delay()
    assert round_deadlines() == {"closed": 0, "reminded": 0, "scored": 0, "sent": 0}
    for round_id in ids:
        notices = RoundNotice.objects.filter(round_id=round_id, kind=NoticeKind.CLOSED)
        assert notices.count() == 1
    reminders = RoundNotice.objects.filter(round=soon, kind=NoticeKind.REMINDER)
    assert sorted(reminders.values_list("recipient", flat=True)) == sorted(
        f"invitation:{pk}" for pk in soon.invitations.values_list("pk", flat=True)
    )


def test_a_submitted_response_is_scored_by_a_real_worker(due, provider_user):
    from tests.celery_worker import celery_worker, wait_for

    _, soon = due
    invitation = soon.invitations.get(offering__provider=provider_user.provider)
    with celery_worker():
        services.response_save(
            invitation_id=invitation.pk,
            user=provider_user,
            response=services.ResponseInput(timeline_months=8),
            answers=full_answers(soon.need),
        )
        services.response_submit(invitation_id=invitation.pk, user=provider_user)
        scored = wait_for(
            lambda: Invitation.objects.filter(
                pk=invitation.pk, scored_at__isnull=False
            ).first()
        )
    assert scored.response_score == 100.0
    assert scored.above_catalog == ["AGY-001", "FFM.010.010.012", "FFM.010.010.013"]


def test_reminders_recorded_while_the_broker_is_down_go_once_when_it_is_back(due):
    from tests.brokering.test_worker import broker_unreachable
    from tests.celery_worker import celery_worker, wait_for

    closing, soon = due
    with broker_unreachable():
        result = round_deadlines()  # the beat run, its messages undeliverable
    assert result["reminded"] == 2
    notices = RoundNotice.objects.filter(round=soon, kind=NoticeKind.REMINDER)
    with celery_worker():
        round_deadlines.delay()
        round_deadlines.delay()
        wait_for(lambda: not RoundNotice.objects.filter(sent_at__isnull=True).exists())
    assert round_deadlines() == {"closed": 0, "reminded": 0, "scored": 0, "sent": 0}
    assert notices.count() == 2
    assert all(notice.sent_at for notice in notices)


def _addressed() -> int:
    """Notices with somebody to send them to (each is one message)."""
    return sum(1 for notice in RoundNotice.objects.all() if notice.recipient_list)


def test_redis_restarted_with_reminders_queued_closes_every_round_and_reminds_once(
    provider_user, other_provider_user, due
):
    """Redis (a private one on a free port: the shared 6379 is never restarted)
    goes away with the beat's message and the reminders' e-mails queued, and
    comes back empty: the next beat runs close every round past its due date, and
    every notice reaches the mail server once."""
    from tests.celery_worker import celery_worker, tasks_sent_to, wait_for
    from tests.hardening.test_failures import (
        _drop_broker_connections,
        broker,
        free_port,
        private_redis,
        queued_messages,
    )
    from tests.smtp_sink import smtp_sink

    closing, soon = due
    ids = [round.pk for round in closing]
    past_due = Round.objects.filter(pk__in=ids, status=RoundStatus.OPEN)
    unsent = RoundNotice.objects.filter(sent_at__isnull=True)
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    queue = f"test-round-redis-{os.getpid()}"
    with broker(url):
        with private_redis(port), tasks_sent_to(queue):
            round_deadlines.delay()  # the beat's run, queued
            assert services.rounds_remind() == 2  # reminders recorded and queued
            assert queued_messages(queue) == 3
            _drop_broker_connections()
        # Redis is gone and comes back empty: every queued message is lost.
        with private_redis(port), smtp_sink() as (smtp_port, mail):
            assert queued_messages(queue) == 0
            assert past_due.count() == ROUNDS
            reminders = RoundNotice.objects.filter(kind=NoticeKind.REMINDER)
            assert reminders.count() == 2
            assert not reminders.exclude(sent_at__isnull=True).exists()
            worker_env = {
                "CELERY_BROKER_URL": url,
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp_port),
                "EMAIL_USE_TLS": "0",
            }
            with celery_worker(extra_env=worker_env, queue=queue):
                round_deadlines.delay()  # the next beat runs, a minute apart
                round_deadlines.delay()
                wait_for(
                    lambda: (
                        not past_due.exists()
                        and not unsent.exists()
                        and len(mail) == _addressed()
                    )
                )
                round_deadlines.delay()
                wait_for(lambda: queued_messages(queue) == 0)
            # The worker has stopped: whatever it was doing is done.
            sent = [(message["Subject"], message["To"]) for message in mail]
    assert not past_due.exists()
    # One message a notice: a notice sent twice would add one.
    assert len(sent) == _addressed() == RoundNotice.objects.count()
    assert reminders.count() == 2 and not reminders.filter(sent_at=None).exists()
    reminded = [to for subject, to in sent if subject.startswith("Reminder")]
    assert len(reminded) == len(set(reminded)) == 2
    for round_id in ids:
        closed = RoundNotice.objects.filter(round_id=round_id, kind=NoticeKind.CLOSED)
        assert closed.count() == 1
