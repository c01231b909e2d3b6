"""Evidence expiry reminders (#19): 30 and 7 days before, each once, whatever how
often the beat task runs; only published offerings; a new expiry date starts again."""

import datetime

import pytest
from django.core import mail

from catalog.models import EvidenceReminder, OfferingDocument, OfferingStatus
from catalog.reminders import evidence_reminders_send
from catalog.tasks import send_evidence_reminders
from tests.catalog.factories import OfferingFactory
from tests.marketplace.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def document(provider):
    UserFactory(provider=provider, email="ops@provider.example")
    offering = OfferingFactory(provider=provider)
    return OfferingDocument.objects.create(
        offering=offering,
        title="SOC 1 Type II",
        file="evidence/soc1.pdf",
        original_name="soc1.pdf",
        kind="pdf",
        size=1,
        expires_on=TODAY + datetime.timedelta(days=30),
    )


@pytest.fixture
def on(django_capture_on_commit_callbacks):
    """Run the reminders as on TODAY + ``days``; e-mails leave when the transaction
    commits, so those callbacks run at once."""

    def run(days: int) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return evidence_reminders_send(today=TODAY + datetime.timedelta(days=days))

    return run


def test_run_twice_sends_once(document, on):
    assert on(0) == 1
    assert on(0) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops@provider.example"]
    assert "SOC 1 Type II" in message.subject
    assert "2027-01-06" in message.body


def test_thirty_then_seven_days_before_and_nothing_else(document, on):
    sent = [on(day) for day in range(-5, 40)]
    assert sum(sent) == 2
    assert [days for days, n in zip(range(-5, 40), sent, strict=True) if n] == [0, 23]
    assert sorted(EvidenceReminder.objects.values_list("days_before", flat=True)) == [
        7,
        30,
    ]


def test_a_reminder_recorded_by_an_earlier_worker_is_not_sent_again(document, on):
    """What a restarted worker sees: the record of the earlier run, no memory."""
    EvidenceReminder.objects.create(
        offering=document.offering,
        document_file=document.file.name,
        expires_on=document.expires_on,
        days_before=30,
    )
    assert on(0) == 0
    assert mail.outbox == []


def test_a_late_upload_gets_only_the_seven_day_reminder(document, on):
    assert on(25) == 1
    assert list(EvidenceReminder.objects.values_list("days_before", flat=True)) == [7]


def test_a_renewed_expiry_starts_new_reminders(document, on):
    assert on(0) == 1
    OfferingDocument.objects.filter(pk=document.pk).update(
        expires_on=TODAY + datetime.timedelta(days=400)
    )
    assert on(0) == 0
    assert on(371) == 1
    assert len(mail.outbox) == 2


def test_drafts_are_not_reminded(document, on):
    type(document.offering).objects.filter(pk=document.offering_id).update(
        status=OfferingStatus.DRAFT
    )
    assert on(0) == 0
    assert mail.outbox == []


def test_the_task_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert send_evidence_reminders.name in tasks
