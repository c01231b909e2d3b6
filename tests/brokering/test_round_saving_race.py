"""The same response form saved twice at once (a double-clicked button, two tabs)
loses nothing and writes nothing twice: each save locks the round and the
invitation before it reads the saved answers, so the second one finds the
first's answers and changes none of them. PostgreSQL only: SQLite lets one
writer in at a time on the whole database, so there is no race to lose."""

import threading

import pytest
from django.db import connection

from brokering.models import Answer
from brokering.rounds import services
from catalog.models import ClaimLevel
from tests.brokering.rounds import active_need, offering_with_claims, open_round

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite admits one writer at a time: no concurrent saves to race",
    ),
]

M = ClaimLevel.MEETS


def test_the_same_form_saved_twice_at_once_keeps_one_answer_each(
    agency_user, provider, provider_user
):
    need = active_need(agency_user.agency)
    offering = offering_with_claims(need, provider, [M, M, M])
    invitation = open_round(need, agency_user, [offering]).invitations.get()
    items = list(need.items.values_list("pk", flat=True))
    answers = {pk: services.AnswerInput(level=M, comment="Both") for pk in items}
    start = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def save() -> None:
        try:
            start.wait()
            services.response_save(
                invitation_id=invitation.pk,
                user=provider_user,
                response=services.ResponseInput(pricing_basis="Per agency"),
                answers=answers,
            )
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    saved = Answer.objects.filter(invitation=invitation)
    assert sorted(saved.values_list("item_id", flat=True)) == sorted(items)
    assert set(saved.values_list("level", "comment")) == {(M, "Both")}
    history = Answer.history.filter(invitation_id=invitation.pk)
    assert sorted(history.values_list("history_type", flat=True)) == ["+"] * len(items)
