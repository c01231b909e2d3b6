"""The demo market research round: fictional providers invited, the demo
provider's response submitted and scored, a question answered; created once."""

import pytest

from brokering.models import ResponseStatus, RoundStatus
from seeding.demo import catalog, needs, rounds, standards, users
from seeding.loader import load

pytestmark = pytest.mark.django_db


def test_the_demo_round_invites_answers_and_asks_once():
    standards.seed()
    catalog.seed()
    users.seed_users()
    needs.seed_needs()
    first = rounds.seed_rounds()
    assert [r.pk for r in rounds.seed_rounds()] == [r.pk for r in first]
    (round,) = first
    assert round.status == RoundStatus.OPEN and round.anonymous
    assert round.opened_by.username == "agency"
    invitations = list(round.invitations.select_related("offering__provider"))
    assert len(invitations) >= 2
    submitted = [i for i in invitations if i.status == ResponseStatus.SUBMITTED]
    assert len(submitted) == 1
    response = submitted[0]
    assert response.offering.provider.users.filter(username="provider").exists()
    assert response.response_score is not None
    assert response.answers.count() == round.need.items.count()
    assert all(a.level for a in response.answers.all())
    question = round.questions.get()
    assert question.reply and question.replied_by.username == "agency"
    # The demo catalog's providers only (the honesty tests check they are invented).
    demo_providers = {row["slug"] for row in load("catalog.json")["providers"]}
    assert {i.offering.provider.slug for i in invitations} <= demo_providers


def test_without_the_demo_need_there_is_no_round():
    users.seed_users()
    assert rounds.seed_rounds() == []
