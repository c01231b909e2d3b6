"""Writes of market research rounds: opening, extending, cancelling and closing a
round, the providers' responses and questions, the background scoring of a
response, reminders and notices.

Every status change locks the round row first (then the invitation), so a person,
the beat task and a worker delivered the same message twice agree: a round closes
once, a notice is recorded once (``RoundNotice`` is unique per round, kind and
recipient, and is written in the transaction that queues its e-mail). Tasks are
sent by name after commit (:mod:`brokering.tasks` registers them). A change of a
round's or a response's status makes the brokers' dashboard's cached pages stale
(:mod:`brokering.pagecache`).
"""

import datetime
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from celery import current_app
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from brokering.models import (
    Answer,
    Invitation,
    Need,
    NeedItem,
    NeedStatus,
    NoticeKind,
    Question,
    ResponseStatus,
    Round,
    RoundNotice,
    RoundStatus,
)
from brokering.pagecache import pages_stale
from brokering.rounds import package as pkg
from brokering.rounds import selectors
from brokering.rounds.evidence import response_document_add
from brokering.rounds.history import CHANGED, CREATED, rows_history, rows_insert
from brokering.rounds.notices import (
    agency_emails,
    provider_emails,
    request_text,
    tell_agency,
    tell_provider,
)
from catalog.models import ClaimLevel, Offering, OfferingDocument, OfferingStatus
from marketplace.formats import display_datetime
from marketplace.mail import queue_email
from marketplace.roles import is_agency_user, is_broker

logger = logging.getLogger(__name__)

SCORE_TASK = "brokering.score_response"
REMIND_BEFORE = datetime.timedelta(hours=48)
LEVELS = frozenset(ClaimLevel.values)  # the enum's property builds its list anew
# A new answer's fields as response_save inserts them (the others have none).
ADDED: tuple[str, ...] = (
    "invitation_id",
    "item_id",
    "level",
    "roadmap_date",
    "comment",
    "document_id",
    "evidence_id",
)


class RoundError(Exception):
    """A change the round's state does not allow; the message says why."""


@dataclass(frozen=True)
class AnswerInput:
    level: str = ""
    roadmap_date: datetime.date | None = None
    comment: str = ""
    document_id: int | None = None
    upload: UploadedFile | None = None  # new evidence, kept apart from documents


@dataclass(frozen=True)
class ResponseInput:
    one_time_cost: Decimal | None = None
    annual_cost: Decimal | None = None
    pricing_basis: str = ""
    assumptions: str = ""
    timeline_months: int | None = None
    fits_go_live: bool | None = None
    customer_references: str = ""


def acts_for_agency(user, agency_id: int) -> bool:
    """Whether ``user`` may act for the agency on its rounds: its own users, or a
    broker (QSMO staff) on its behalf."""
    return is_broker(user) or (is_agency_user(user) and user.agency_id == agency_id)


def _lock(round_id: int) -> Round:
    try:
        return Round.objects.select_for_update().get(pk=round_id)
    except Round.DoesNotExist:
        raise RoundError("No such round.") from None


# --- the round's life ---------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    need_id: int,
    opened_by,
    title: str,
    due_at: datetime.datetime,
    offering_ids: Iterable[int],
    anonymous: bool = True,
    instructions: str = "",
) -> Round:
    """Open a round on an active need, invite the offerings (published, of the
    need's release) and e-mail their providers."""
    need = (
        Need.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=need_id)
    )
    if opened_by is not None and not acts_for_agency(opened_by, need.agency_id):
        raise RoundError("Only the need's agency or a broker can open a round.")
    if need.status != NeedStatus.ACTIVE:
        raise RoundError("Only an active need can go out to providers.")
    if due_at <= timezone.now():
        raise RoundError("The due date must be in the future.")
    wanted = sorted(set(offering_ids))
    offerings = list(
        Offering.objects.filter(
            pk__in=wanted, status=OfferingStatus.PUBLISHED, release_id=need.release_id
        ).select_related("provider")
    )
    if not offerings:
        raise RoundError("Choose at least one published offering to invite.")
    if len(offerings) != len(wanted):
        raise RoundError(
            "Only published offerings of the need's release can be invited."
        )
    round = Round.objects.create(
        need=need,
        title=title,
        instructions=instructions,
        due_at=due_at,
        anonymous=anonymous,
        opened_by=opened_by,
    )
    pages_stale()
    for offering in offerings:
        invitation = Invitation.objects.create(round=round, offering=offering)
        tell_provider(
            invitation,
            NoticeKind.INVITED,
            f"Request for information: {title}",
            request_text(round, invitation, "You are invited to answer a need."),
        )
    return round


@transaction.atomic
def round_extend(*, round_id: int, due_at: datetime.datetime) -> Round:
    """Move the due date for everyone; a closed round opens again."""
    round = _lock(round_id)
    if round.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        raise RoundError(f"A {round.get_status_display().lower()} round cannot change.")
    if due_at <= timezone.now() or due_at <= round.due_at:
        raise RoundError(
            "The new due date must be later than the current one and in the future."
        )
    round.due_at = due_at
    round.status = RoundStatus.OPEN
    round.closed_at = None
    round.save(update_fields=["due_at", "status", "closed_at"])
    pages_stale()
    return round


@transaction.atomic
def round_cancel(*, round_id: int) -> Round:
    round = _lock(round_id)
    if round.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        raise RoundError(
            f"A {round.get_status_display().lower()} round cannot be cancelled."
        )
    round.status = RoundStatus.CANCELLED
    round.closed_at = round.closed_at or timezone.now()
    round.save(update_fields=["status", "closed_at"])
    pages_stale()
    return round


@transaction.atomic
def round_close(*, round_id: int, now: datetime.datetime | None = None) -> bool:
    """Close an open round whose due date has passed and tell the agency. False
    when there was nothing to do (closed before, not due yet)."""
    now = now or timezone.now()
    round = _lock(round_id)
    if round.status != RoundStatus.OPEN or round.due_at > now:
        return False
    round.status = RoundStatus.CLOSED
    round.closed_at = now
    round.save(update_fields=["status", "closed_at"])
    pages_stale()
    submitted = round.invitations.filter(status=ResponseStatus.SUBMITTED).count()
    invited = round.invitations.count()
    tell_agency(
        round,
        NoticeKind.CLOSED,
        f"Round closed: {round.title}",
        f"The round '{round.title}' closed at {display_datetime(now)}: "
        f"{submitted} of {invited} invited providers responded.\n",
    )
    return True


def rounds_close_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Close every open round past its due date, each in its own transaction."""
    now = now or timezone.now()
    due = Round.objects.filter(status=RoundStatus.OPEN, due_at__lte=now)
    return [
        round_id
        for round_id in due.order_by("id").values_list("id", flat=True)
        if round_close(round_id=round_id, now=now)
    ]


@transaction.atomic
def _remind(round_id: int, now: datetime.datetime) -> int:
    round = _lock(round_id)
    if (
        round.status != RoundStatus.OPEN
        or not now < round.due_at <= now + REMIND_BEFORE
    ):
        return 0
    sent = 0
    waiting = round.invitations.exclude(status=ResponseStatus.SUBMITTED)
    for invitation in waiting.select_related("offering", "offering__provider"):
        recipient = f"invitation:{invitation.pk}"
        if RoundNotice.objects.filter(
            round=round, kind=NoticeKind.REMINDER, recipient=recipient
        ).exists():
            continue
        tell_provider(
            invitation,
            NoticeKind.REMINDER,
            f"Reminder: response due {display_datetime(round.due_at)}",
            request_text(round, invitation, "Your response is not submitted yet."),
        )
        sent += 1
    return sent


def rounds_remind(*, now: datetime.datetime | None = None) -> int:
    """Remind every invited provider that has not submitted, once, in the last
    ``REMIND_BEFORE`` before the due date."""
    now = now or timezone.now()
    soon = Round.objects.filter(
        status=RoundStatus.OPEN, due_at__gt=now, due_at__lte=now + REMIND_BEFORE
    )
    return sum(_remind(round_id, now) for round_id in soon.values_list("id", flat=True))


# --- responses ----------------------------------------------------------------------


def _open_invitation(invitation_id: int) -> tuple[Round, Invitation]:
    invitation = Invitation.objects.select_related("offering").get(pk=invitation_id)
    round = _lock(invitation.round_id)
    if not selectors.accepts_responses(round=round):
        raise RoundError("The round is closed: responses are locked.")
    invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
    return round, invitation


def _check_answer(answer: AnswerInput, documents: set[int]) -> None:
    if answer.level and answer.level not in LEVELS:
        raise RoundError(f"Unknown level {answer.level!r}.")
    if answer.level == ClaimLevel.ROADMAP and answer.roadmap_date is None:
        raise RoundError("A roadmap answer needs the date it is promised for.")
    if answer.document_id is not None and answer.document_id not in documents:
        raise RoundError("Evidence must be one of the offering's documents.")


@transaction.atomic
def response_save(
    *,
    invitation_id: int,
    user,
    response: ResponseInput,
    answers: Mapping[int, AnswerInput],
) -> Invitation:
    """Save the response as it stands (a draft at any step; a submitted response
    stays submitted and is scored again). ``answers`` are by need item id."""
    round, invitation = _open_invitation(invitation_id)
    items = set(
        NeedItem.objects.filter(need_id=round.need_id).values_list("pk", flat=True)
    )
    documents = set(
        OfferingDocument.objects.filter(offering_id=invitation.offering_id).values_list(
            "pk", flat=True
        )
    )
    for item_id, answer in answers.items():
        if item_id not in items:
            raise RoundError("An answer names an item the need does not have.")
        _check_answer(answer, documents)
    for field, value in vars(response).items():
        setattr(invitation, field, value)
    if invitation.status == ResponseStatus.INVITED:
        invitation.status = ResponseStatus.DRAFT
        pages_stale()
    invitation.updated_by = user
    invitation.scored_at = None
    invitation.save()
    # The saved answers as values (a row per answer; model rows only for the
    # answers written).
    saved = ("level", "roadmap_date", "comment", "document_id", "evidence_id")
    existing = {
        item_id: (pk, dict(zip(saved, values, strict=True)))
        for item_id, pk, *values in invitation.answers.order_by().values_list(
            "item_id", "pk", *saved
        )
    }
    added: list[tuple] = []  # the new answers' values, in ADDED's order
    changed: dict[str, list[Answer]] = {}  # by the fields written
    for item_id, given in answers.items():
        fields = {
            "level": given.level,
            "roadmap_date": given.roadmap_date
            if given.level == ClaimLevel.ROADMAP
            else None,
            "comment": given.comment,
            "document_id": given.document_id,
        }
        if given.upload is not None:
            fields["evidence_id"] = _evidence(invitation, user, given.upload).pk
        pk, current = existing.get(item_id, (None, None))
        if current is None:
            new = {"invitation_id": invitation.pk, "item_id": item_id, **fields}
            added.append(tuple(new.get(name) for name in ADDED))
        elif any(current[key] != value for key, value in fields.items()):
            row = Answer(pk=pk, invitation_id=invitation.pk, item_id=item_id, **fields)
            changed.setdefault(",".join(fields), []).append(row)
    # A response's hundreds of answers in a few statements, each answer written
    # with its history row (as saving it would, by the same user).
    rows_history(Answer, rows_insert(Answer, ADDED, added), CREATED, user)
    for names, rows in changed.items():
        Answer.objects.bulk_update(rows, fields=names.split(","))
        rows_history(Answer, [row.pk for row in rows], CHANGED, user)
    if invitation.status == ResponseStatus.SUBMITTED:
        _send_scoring(invitation.pk)
    return invitation


def _evidence(invitation: Invitation, user, upload: UploadedFile):
    try:
        return response_document_add(invitation=invitation, by=user, upload=upload)
    except ValidationError as error:
        raise RoundError(" ".join(error.messages)) from None


@transaction.atomic
def response_submit(*, invitation_id: int, user) -> Invitation:
    """Submit a response whose every item has an answer; score it in the
    background; tell the agency when every invited provider has submitted."""
    round, invitation = _open_invitation(invitation_id)
    if invitation.status == ResponseStatus.SUBMITTED:
        return invitation
    answered = set(
        invitation.answers.exclude(level="")
        .order_by()
        .values_list("item_id", flat=True)
    )
    missing = NeedItem.objects.filter(need_id=round.need_id).exclude(pk__in=answered)
    if missing.exists():
        raise RoundError(
            f"Answer every item before submitting ({missing.count()} without a level)."
        )
    invitation.status = ResponseStatus.SUBMITTED
    invitation.submitted_at = timezone.now()
    invitation.updated_by = user
    invitation.scored_at = None
    invitation.save()
    pages_stale()
    _send_scoring(invitation.pk)
    if not round.invitations.exclude(status=ResponseStatus.SUBMITTED).exists():
        tell_agency(
            round,
            NoticeKind.ALL_IN,
            f"All responses are in: {round.title}",
            f"Every invited provider has submitted its response to '{round.title}'.\n",
        )
    return invitation


def _send_scoring(invitation_id: int) -> None:
    def send() -> None:
        try:
            current_app.tasks[SCORE_TASK].delay(invitation_id)
        except OperationalError:
            logger.warning(
                "broker unavailable; response %s scored by the sweep", invitation_id
            )

    transaction.on_commit(send)


@transaction.atomic
def response_score(*, invitation_id: int) -> bool:
    """Score a submitted response from its answers alone (catalog claims fill
    nothing in) with the one formula, and flag the items it claims more of than
    the catalog. Safe to repeat; False when there is nothing to score."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("round__need__agency", "offering__provider")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.status != ResponseStatus.SUBMITTED:
        return False
    need = invitation.round.need
    items = selectors.item_rows(need=need)
    codes = {item["pk"]: item["code"] for item in items}
    need_data = selectors.need_row(need=need)
    offering = selectors.offering_row(invitation.offering)
    answers = [
        {
            "item": codes[item_id],
            "level": level,
            "roadmap_date": roadmap_date.isoformat() if roadmap_date else None,
        }
        # Unordered: the model's order joins the invitation and the need's items.
        for item_id, level, roadmap_date in invitation.answers.order_by().values_list(
            "item_id", "level", "roadmap_date"
        )
        if item_id in codes
    ]
    catalog = selectors.catalog_claims(
        offering_ids=[invitation.offering_id], codes=set(codes.values())
    )[invitation.offering_id]
    entry = pkg.score_only(need_data, items, offering, answers, basis=pkg.RESPONSE)
    invitation.response_score = entry["score"]
    invitation.response_eligible = entry["eligible"]
    invitation.response_gaps = entry["gaps"]
    invitation.above_catalog = pkg.above_catalog(
        need_data, items, offering, answers, catalog
    )
    invitation.scored_at = timezone.now()
    invitation.save(
        update_fields=[
            "response_score",
            "response_eligible",
            "response_gaps",
            "above_catalog",
            "scored_at",
        ]
    )
    return True


def responses_score_pending() -> int:
    """Score every submitted response not scored since its last change (the beat
    sweep: a worker restart or a lost message leaves none unscored)."""
    pending = Invitation.objects.filter(
        status=ResponseStatus.SUBMITTED, scored_at__isnull=True
    ).values_list("id", flat=True)
    return sum(response_score(invitation_id=pk) for pk in list(pending))


# --- questions and answers ----------------------------------------------------------


@transaction.atomic
def question_ask(*, invitation_id: int, user, text: str) -> Question:
    round, invitation = _open_invitation(invitation_id)
    if not text.strip():
        raise RoundError("Write the question.")
    question = Question.objects.create(
        round=round, invitation=invitation, text=text.strip(), asked_by=user
    )
    recipients = agency_emails(round)
    if recipients:
        queue_email(
            subject=f"New question on {round.title}",
            message=(
                f"A provider asked a question on '{round.title}':\n\n{question.text}\n"
            ),
            recipient_list=recipients,
        )
    return question


@transaction.atomic
def question_reply(*, question_id: int, user, text: str) -> Question:
    """Answer a question; the answer goes to every invited provider, without the
    asker's name."""
    question = Question.objects.select_related("round").get(pk=question_id)
    round = _lock(question.round_id)
    if round.status in (RoundStatus.CANCELLED, RoundStatus.DECIDED):
        raise RoundError("The round is over.")
    if not text.strip():
        raise RoundError("Write the answer.")
    question = Question.objects.select_for_update().get(pk=question_id)
    question.reply = text.strip()
    question.replied_by = user
    question.replied_at = timezone.now()
    question.save()
    for invitation in round.invitations.select_related("offering__provider"):
        recipients = provider_emails(invitation.offering)
        if recipients:
            queue_email(
                subject=f"Question answered: {round.title}",
                message=(
                    f"A question on '{round.title}' was answered.\n\n"
                    f"Question: {question.text}\n\nAnswer: {question.reply}\n"
                ),
                recipient_list=recipients,
            )
    return question
