"""Saving a response the lean way (benchmark 11a): the answers' history rows are
those simple_history's own bulk helper writes, and the response form's items,
cleaned in one pass, say per item what Django's form machinery said."""

import datetime

import pytest
from django.urls import reverse

from brokering.models import Answer
from brokering.rounds import services
from brokering.rounds.forms import ResponseForm
from brokering.rounds.selectors import item_rows
from catalog.models import ClaimLevel
from tests.brokering.rounds import active_need, offering_with_claims, open_round

pytestmark = pytest.mark.django_db

M, R = ClaimLevel.MEETS, ClaimLevel.ROADMAP
COMPARED = ("id", "invitation_id", "item_id", "level", "roadmap_date", "comment")
COMPARED += ("document_id", "evidence_id", "history_type", "history_user_id")
COMPARED += ("history_change_reason",)


@pytest.fixture
def invitation(agency_user, provider):
    need = active_need(agency_user.agency)
    offering = offering_with_claims(need, provider, [M, M, M])
    return open_round(need, agency_user, [offering]).invitations.get()


def _history(invitation, kind):
    rows = Answer.history.filter(invitation_id=invitation.pk, history_type=kind)
    return sorted(rows.values_list(*COMPARED))


def test_history_rows_are_those_simple_historys_bulk_helper_writes(
    invitation, provider_user
):
    items = list(invitation.round.need.items.order_by("id"))
    answers = {
        item.pk: services.AnswerInput(level=M, comment=f"c{n}")
        for n, item in enumerate(items)
    }
    before = datetime.datetime.now(datetime.UTC)
    services.response_save(
        invitation_id=invitation.pk,
        user=provider_user,
        response=services.ResponseInput(),
        answers=answers,
    )
    answers[items[0].pk] = services.AnswerInput(
        level=R, roadmap_date=datetime.date(2027, 6, 30)
    )
    services.response_save(
        invitation_id=invitation.pk,
        user=provider_user,
        response=services.ResponseInput(),
        answers=answers,
    )
    written = {kind: _history(invitation, kind) for kind in "+~"}
    assert len(written["+"]) == len(items) and len(written["~"]) == 1
    dates = Answer.history.filter(invitation_id=invitation.pk).values_list(
        "history_date", flat=True
    )
    assert all(before <= date <= datetime.datetime.now(datetime.UTC) for date in dates)
    # What simple_history writes for the same answers, as they stand now (the
    # changed one) and as they were first written (the others).
    Answer.history.filter(invitation_id=invitation.pk).delete()
    rows = list(invitation.answers.order_by("item_id"))
    Answer.history.bulk_history_create(
        rows[:1], update=True, default_user=provider_user
    )
    rows[0].level, rows[0].roadmap_date, rows[0].comment = M, None, "c0"
    Answer.history.bulk_history_create(rows, default_user=provider_user)
    assert written == {kind: _history(invitation, kind) for kind in "+~"}


def _django_form_errors(data, items):
    """The errors Django's own machinery gives: every item's labelled fields
    added first, each input cleaned through its bound field."""
    form = ResponseForm(data, {}, items=items, documents=[])
    form._item_fields()
    return form.errors


def test_each_item_keeps_its_own_messages(invitation, provider_user, client_for):
    items = item_rows(need=invitation.round.need)
    first, second, third = (item["pk"] for item in items[:3])
    data = {
        f"level_{first}": "nonsense",
        f"level_{second}": R,
        f"date_{second}": "2027-13-45",
        f"level_{third}": R,
        f"date_{third}": "9999-01-01",
        f"document_{third}": "12345",
    }
    form = ResponseForm(data, {}, items=items, documents=[])
    assert not form.is_valid()
    assert form.errors == _django_form_errors(data, items)
    assert set(form.errors) == {
        f"level_{first}",
        f"date_{second}",
        f"date_{third}",
        f"document_{third}",
    }
    # A roadmap answer without a date: the form's own rule, on its item.
    form = ResponseForm({f"level_{first}": R}, {}, items=items, documents=[])
    assert form.errors == {
        f"date_{first}": ["A roadmap answer needs the date it is promised for."]
    }
    url = reverse("requests:request-detail", args=[invitation.pk])
    page = client_for(provider_user).post(url, data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Select a valid choice. nonsense is not one of the available" in html
    assert "Enter the date as YYYY-MM-DD" in html
    assert f'name="level_{first}"' in html and f'name="date_{third}"' in html
    assert not invitation.answers.exists()
