"""Market research rounds: opening, responses, questions, background scoring,
deadlines and the decision package (services and the package module)."""

import datetime
import json

import pytest
from django.core import mail
from django.utils import timezone

from brokering.models import (
    NoticeKind,
    ResponseStatus,
    RoundNotice,
    RoundStatus,
)
from brokering.rounds import decisions, exports, services
from brokering.rounds import package as pkg
from brokering.tasks import round_deadlines
from catalog.models import Claim, ClaimLevel
from tests.brokering.rounds import (
    active_need,
    full_answers,
    offering_with_claims,
    open_round,
    pass_due_date,
)
from tests.catalog.factories import OfferingFactory
from tests.standards.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(django_capture_on_commit_callbacks):
    """``call(service, ...)``: work the service queues after commit (e-mails,
    response scoring) runs as it commits, as outside the test's transaction."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def world(agency_user, provider, other_provider, provider_user, other_provider_user):
    agency_user.email = "agency@example.gov"
    agency_user.save()
    provider_user.email = "bids@example-cloud.test"
    provider_user.save()
    other_provider_user.email = "sales@other-ledger.test"
    other_provider_user.save()
    need = active_need(agency_user.agency)
    answering = offering_with_claims(
        need, provider, [ClaimLevel.CONFIGURABLE, ClaimLevel.EXTENSION]
    )
    silent = offering_with_claims(
        need, other_provider, [ClaimLevel.MEETS, ClaimLevel.MEETS, ClaimLevel.MEETS]
    )
    return need, answering, silent


def test_opening_invites_and_emails_without_naming_the_agency(call, world, agency_user):
    need, answering, silent = world
    mail.outbox.clear()
    round = call(open_round, need, agency_user, [answering, silent])
    assert round.status == RoundStatus.OPEN
    assert round.invitations.count() == 2
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "Department of Example" not in message.body
        assert "not named" in message.body
    assert RoundNotice.objects.filter(kind=NoticeKind.INVITED).count() == 2


def test_a_named_round_names_the_agency(call, world, agency_user):
    need, answering, _ = world
    mail.outbox.clear()
    call(open_round, need, agency_user, [answering], anonymous=False)
    assert "Department of Example" in mail.outbox[0].body


def test_only_an_active_need_and_published_offerings_of_its_release(
    call, world, agency_user
):
    need, answering, _ = world
    need.status = "draft"
    need.save()
    with pytest.raises(services.RoundError, match="active"):
        call(open_round, need, agency_user, [answering])
    need.status = "active"
    need.save()
    stranger = OfferingFactory(
        release=ReleaseFactory(name="OTHER-1", status="draft"),
        provider=answering.provider,
    )
    with pytest.raises(services.RoundError, match="release"):
        call(open_round, need, agency_user, [answering, stranger])


def test_draft_then_submit_scores_from_the_answers_only(
    call, world, agency_user, provider_user
):
    need, answering, _ = world
    round = call(open_round, need, agency_user, [answering])
    invitation = round.invitations.get()
    answers = full_answers(need)
    first = dict(list(answers.items())[:1])
    call(
        services.response_save,
        invitation_id=invitation.pk,
        user=provider_user,
        response=services.ResponseInput(),
        answers=first,
    )
    invitation.refresh_from_db()
    assert invitation.status == ResponseStatus.DRAFT
    with pytest.raises(services.RoundError, match="Answer every item"):
        call(services.response_submit, invitation_id=invitation.pk, user=provider_user)
    call(
        services.response_save,
        invitation_id=invitation.pk,
        user=provider_user,
        response=services.ResponseInput(timeline_months=9, fits_go_live=True),
        answers=answers,
    )
    call(services.response_submit, invitation_id=invitation.pk, user=provider_user)
    invitation.refresh_from_db()
    # Scored in the background (in-process here) from the answers: every item meets.
    assert invitation.status == ResponseStatus.SUBMITTED
    assert invitation.scored_at is not None
    assert invitation.response_score == 100.0
    assert invitation.response_gaps == []
    # The catalog said configurable, extension, nothing: the response claims more
    # on every item, the agency's own included.
    assert invitation.above_catalog == [
        "AGY-001",
        "FFM.010.010.011",
        "FFM.010.010.012",
        "FFM.010.010.013",
    ]
    assert invitation.history.count() >= 3


def test_catalog_claims_fill_nothing_in(call, world, agency_user, provider_user):
    need, answering, _ = world
    round = call(open_round, need, agency_user, [answering])
    invitation = round.invitations.get()
    answers = {
        pk: services.AnswerInput(level=ClaimLevel.DOES_NOT_MEET)
        for pk in need.items.values_list("pk", flat=True)
    }
    call(
        services.response_save,
        invitation_id=invitation.pk,
        user=provider_user,
        response=services.ResponseInput(),
        answers=answers,
    )
    call(services.response_submit, invitation_id=invitation.pk, user=provider_user)
    invitation.refresh_from_db()
    assert invitation.response_score == 0.0
    assert invitation.above_catalog == []
    assert sorted(invitation.response_gaps) == ["AGY-001", "FFM.010.010.011"]


def test_bad_answers_are_refused(call, world, agency_user, provider_user):
    need, answering, _ = world
    invitation = call(open_round, need, agency_user, [answering]).invitations.get()
    item = need.items.first()
    for answer, message in (
        (services.AnswerInput(level="excellent"), "Unknown level"),
        (services.AnswerInput(level=ClaimLevel.ROADMAP), "roadmap"),
        (services.AnswerInput(level=ClaimLevel.MEETS, document_id=10**9), "documents"),
    ):
        with pytest.raises(services.RoundError, match=message):
            call(
                services.response_save,
                invitation_id=invitation.pk,
                user=provider_user,
                response=services.ResponseInput(),
                answers={item.pk: answer},
            )
    with pytest.raises(services.RoundError, match="item the need does not have"):
        call(
            services.response_save,
            invitation_id=invitation.pk,
            user=provider_user,
            response=services.ResponseInput(),
            answers={10**9: services.AnswerInput(level=ClaimLevel.MEETS)},
        )


def test_responses_lock_after_the_due_date(call, world, agency_user, provider_user):
    need, answering, _ = world
    round = call(open_round, need, agency_user, [answering])
    pass_due_date(round)
    with pytest.raises(services.RoundError, match="locked"):
        call(
            services.response_save,
            invitation_id=round.invitations.get().pk,
            user=provider_user,
            response=services.ResponseInput(),
            answers=full_answers(need),
        )


def test_questions_are_answered_to_everyone_without_the_asker(
    call, world, agency_user, provider_user
):
    need, answering, silent = world
    round = call(open_round, need, agency_user, [answering, silent])
    invitation = round.invitations.get(offering=answering)
    mail.outbox.clear()
    question = call(
        services.question_ask,
        invitation_id=invitation.pk,
        user=provider_user,
        text="Is SSO required?",
    )
    assert mail.outbox[-1].to == ["agency@example.gov"]
    mail.outbox.clear()
    call(
        services.question_reply,
        question_id=question.pk,
        user=agency_user,
        text="Yes, PIV.",
    )
    assert {tuple(m.to) for m in mail.outbox} == {
        ("bids@example-cloud.test",),
        ("sales@other-ledger.test",),
    }
    for message in mail.outbox:
        assert "Example Financial Cloud" not in message.body
        assert "provider-user" not in message.body


def test_the_beat_task_closes_once_and_tells_the_agency_once(call, world, agency_user):
    need, answering, silent = world
    round = call(open_round, need, agency_user, [answering, silent])
    pass_due_date(round)
    mail.outbox.clear()
    assert call(round_deadlines)["closed"] == 1
    assert call(round_deadlines)["closed"] == 0
    round.refresh_from_db()
    assert round.status == RoundStatus.CLOSED
    closed = [m for m in mail.outbox if m.subject.startswith("Round closed")]
    assert len(closed) == 1
    assert "0 of 2" in closed[0].body


def test_reminders_go_once_to_those_who_have_not_submitted(
    call, world, agency_user, provider_user
):
    need, answering, silent = world
    round = call(open_round, need, agency_user, [answering, silent], days=1)
    invitation = round.invitations.get(offering=answering)
    call(
        services.response_save,
        invitation_id=invitation.pk,
        user=provider_user,
        response=services.ResponseInput(),
        answers=full_answers(need),
    )
    call(services.response_submit, invitation_id=invitation.pk, user=provider_user)
    mail.outbox.clear()
    assert call(round_deadlines)["reminded"] == 1
    assert call(round_deadlines)["reminded"] == 0
    assert [m.to for m in mail.outbox] == [["sales@other-ledger.test"]]
    assert RoundNotice.objects.filter(kind=NoticeKind.REMINDER).count() == 1


def test_all_responses_in_tells_the_agency(call, world, agency_user, provider_user):
    need, answering, _ = world
    invitation = call(open_round, need, agency_user, [answering]).invitations.get()
    call(
        services.response_save,
        invitation_id=invitation.pk,
        user=provider_user,
        response=services.ResponseInput(),
        answers=full_answers(need),
    )
    mail.outbox.clear()
    call(services.response_submit, invitation_id=invitation.pk, user=provider_user)
    assert [m.subject for m in mail.outbox] == [
        "All responses are in: Market research: core accounting"
    ]


def test_extend_reopens_and_cancel_ends(call, world, agency_user):
    need, answering, _ = world
    round = call(open_round, need, agency_user, [answering])
    pass_due_date(round)
    call(round_deadlines)
    later = timezone.now() + datetime.timedelta(days=3)
    round = call(services.round_extend, round_id=round.pk, due_at=later)
    assert round.status == RoundStatus.OPEN
    round = call(services.round_cancel, round_id=round.pk)
    assert round.status == RoundStatus.CANCELLED
    with pytest.raises(services.RoundError):
        call(
            services.round_extend,
            round_id=round.pk,
            due_at=later + datetime.timedelta(days=1),
        )


def _decided(call, world, agency_user, provider_user):
    need, answering, silent = world
    round = call(open_round, need, agency_user, [answering, silent])
    invitation = round.invitations.get(offering=answering)
    call(
        services.response_save,
        invitation_id=invitation.pk,
        user=provider_user,
        response=services.ResponseInput(one_time_cost=250000, timeline_months=10),
        answers=full_answers(need),
    )
    call(services.response_submit, invitation_id=invitation.pk, user=provider_user)
    question = call(
        services.question_ask,
        invitation_id=invitation.pk,
        user=provider_user,
        text="SSO?",
    )
    call(
        services.question_reply, question_id=question.pk, user=agency_user, text="PIV."
    )
    pass_due_date(round)
    call(round_deadlines)
    return call(
        decisions.round_decide,
        round_id=round.pk,
        decided_by=agency_user,
        recommended=[answering.pk],
        reason="Best fit.",
    )


def test_decision_freezes_a_package_that_verifies(
    call, world, agency_user, provider_user
):
    decision = _decided(call, world, agency_user, provider_user)
    need, answering, silent = world
    content = bytes(decision.package)
    assert pkg.verify(content, decision.digest) == []
    data = json.loads(content)
    assert data["ranking"] == [answering.pk, silent.pk]
    bases = {(e["offering_id"], e["basis"]) for e in data["scores"]}
    assert bases == {
        (answering.pk, "catalog"),
        (answering.pk, "response"),
        (silent.pk, "catalog"),
    }
    assert data["questions"] == [
        {
            "text": "SSO?",
            "reply": "PIV.",
            "asked_at": data["questions"][0]["asked_at"],
            "replied_at": data["questions"][0]["replied_at"],
        }
    ]
    assert "provider-user" not in content.decode()
    decision.round.refresh_from_db()
    assert decision.round.status == RoundStatus.DECIDED


def test_a_changed_byte_fails_verification(call, world, agency_user, provider_user):
    decision = _decided(call, world, agency_user, provider_user)
    content = bytes(decision.package)
    changed = content.replace(b'"score":100.0', b'"score":99.0', 1)
    assert changed != content
    problems = pkg.verify(changed, decision.digest)
    assert "the SHA-256 digest does not match" in problems
    assert any("does not recompute" in problem for problem in problems)
    flipped = bytearray(content)
    flipped[-2] ^= 1
    assert pkg.verify(bytes(flipped), decision.digest) != []


def test_the_package_does_not_change_when_the_catalog_does(
    call, world, agency_user, provider_user, broker
):
    decision = _decided(call, world, agency_user, provider_user)
    need, answering, silent = world
    before = bytes(decision.package)
    zipped = exports.package_zip(decision)
    Claim.objects.filter(offering=silent).update(level=ClaimLevel.DOES_NOT_MEET)
    need.capabilities[0].statement = "Changed after the decision"
    need.capabilities[0].save()
    decision.refresh_from_db()
    assert bytes(decision.package) == before
    assert pkg.verify(bytes(decision.package), decision.digest) == []
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        assert archive.read("package.json") == before
        assert archive.read("package.sha256").decode().split()[0] == decision.digest
        assert set(archive.namelist()) == {
            "package.json",
            "package.sha256",
            "package.xlsx",
            "report.html",
        }


def test_decide_needs_a_closed_round_and_invited_offerings(call, world, agency_user):
    need, answering, silent = world
    round = call(open_round, need, agency_user, [answering])
    with pytest.raises(services.RoundError, match="closed"):
        call(
            decisions.round_decide,
            round_id=round.pk,
            decided_by=agency_user,
            recommended=[],
            reason="x",
        )
    pass_due_date(round)
    call(round_deadlines)
    with pytest.raises(services.RoundError, match="invited"):
        call(
            decisions.round_decide,
            round_id=round.pk,
            decided_by=agency_user,
            recommended=[silent.pk],
            reason="x",
        )


def test_verify_package_command(call, world, agency_user, provider_user, tmp_path):
    from django.core.management import CommandError, call_command

    decision = _decided(call, world, agency_user, provider_user)
    zipped = tmp_path / "package.zip"
    zipped.write_bytes(exports.package_zip(decision))
    call_command("verify_package", str(zipped), "--digest", decision.digest)
    alone = tmp_path / "package.json"
    alone.write_bytes(bytes(decision.package).replace(b"Best fit.", b"Best fix."))
    with pytest.raises(CommandError, match="digest does not match"):
        call_command("verify_package", str(alone), "--digest", decision.digest)


def test_a_notice_that_failed_to_send_goes_once_with_the_next_beat_run(
    call, world, agency_user, settings, monkeypatch
):
    from tests.hardening import failing_mail

    need, answering, silent = world
    settings.EMAIL_BACKEND = "tests.hardening.failing_mail.EmailBackend"
    monkeypatch.setattr(failing_mail, "attempts", 0)
    monkeypatch.setattr(failing_mail, "FAILURES", 2)  # the SMTP server is down
    call(open_round, need, agency_user, [answering, silent])
    unsent = RoundNotice.objects.filter(sent_at__isnull=True)
    assert unsent.count() == 2  # recorded, not sent
    mail.outbox.clear()
    assert call(round_deadlines)["sent"] == 2
    assert call(round_deadlines)["sent"] == 0
    assert len(mail.outbox) == 2
    assert not unsent.exists()
