"""The demo market research round (``seeding/data/rounds.json``) on the first demo
need: the agency invites its best eligible matches and the demo provider's
offering (fictional providers only); the demo provider answers from its catalog
claims and submits, asks a question, and the agency's answer is published. The
round stays open, so the demo shows an invitation, a response and the Q&A. Runs
after the needs step; created once."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from brokering.models import Match, Need, Round
from brokering.rounds import selectors, services
from seeding.loader import load


def seed_rounds() -> list[Round]:
    users = get_user_model().objects
    rounds = []
    for spec in load("rounds.json")["rounds"]:
        agency_user = users.filter(username=spec["agency_user"]).first()
        need = Need.objects.filter(title=spec["need"], status="active").first()
        if agency_user is None or need is None:
            continue
        found = need.rounds.filter(title=spec["title"]).first()
        rounds.append(found or _open_and_answer(need, agency_user, spec))
    return rounds


@transaction.atomic
def _open_and_answer(need: Need, agency_user, spec: dict) -> Round:
    responder = get_user_model().objects.filter(username=spec["responder"]).first()
    eligible = {offering.pk for offering in selectors.eligible_offerings(need=need)}
    ranked = [
        match.offering
        for match in Match.objects.filter(
            need=need, offering_id__in=eligible
        ).select_related("offering")
    ]
    invited = ranked[: spec["invite"]]
    own = [o for o in ranked if responder and o.provider_id == responder.provider_id]
    if own and own[0] not in invited:
        invited.append(own[0])
    round = services.round_open(
        need_id=need.pk,
        opened_by=agency_user,
        title=spec["title"],
        instructions=spec["instructions"],
        due_at=timezone.now() + datetime.timedelta(days=spec["due_in_days"]),
        offering_ids=[offering.pk for offering in invited],
        anonymous=True,
    )
    if own:
        invitation = round.invitations.get(offering=own[0])
        _respond(invitation, responder, spec)
        question = services.question_ask(
            invitation_id=invitation.pk, user=responder, text=spec["question"]
        )
        services.question_reply(
            question_id=question.pk, user=agency_user, text=spec["reply"]
        )
    return round


def _respond(invitation, responder, spec: dict) -> None:
    """Answer every item from the offering's catalog claims (the page's
    pre-filling), ``missing_level`` where it claims nothing; submit and score."""
    items = selectors.item_rows(need=invitation.round.need)
    initial = selectors.response_initial(invitation=invitation, items=items)
    answers = {}
    for item in items:
        level = initial.get(f"level_{item['pk']}") or spec["missing_level"]
        date = initial.get(f"date_{item['pk']}")
        answers[item["pk"]] = services.AnswerInput(
            level=level,
            roadmap_date=datetime.date.fromisoformat(date) if date else None,
            comment=""
            if initial.get(f"level_{item['pk']}")
            else spec["missing_comment"],
        )
    response = dict(spec["response"])
    for field in ("one_time_cost", "annual_cost"):
        response[field] = Decimal(response[field])
    services.response_save(
        invitation_id=invitation.pk,
        user=responder,
        response=services.ResponseInput(**response),
        answers=answers,
    )
    services.response_submit(invitation_id=invitation.pk, user=responder)
    services.response_score(invitation_id=invitation.pk)
