"""Saving a response the lean way (benchmark 11a): the answers' history rows are
those simple_history's own bulk helper writes, and the response form's items,
cleaned in one pass, say per item what Django's form machinery said."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from brokering.models import Answer
from brokering.rounds import services
from brokering.rounds.forms import ResponseForm
from brokering.rounds.history import rows_insert
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


def test_a_text_repeated_over_items_says_per_item_what_django_says(invitation):
    """Each kind cleans a text once and reuses the value: every item still gets
    the value, or its own error, that Django's per-field machinery gives."""
    items = item_rows(need=invitation.round.need)
    bad = {f"level_{item['pk']}": "nonsense" for item in items}
    bad |= {f"date_{item['pk']}": "2027-13-45" for item in items}
    bad |= {f"comment_{item['pk']}": "x" * 5001 for item in items}
    form = ResponseForm(bad, {}, items=items, documents=[])
    assert not form.is_valid()
    assert form.errors == _django_form_errors(bad, items)
    assert len(form.errors) == 3 * len(items)
    good = {f"level_{item['pk']}": R for item in items}
    good |= {f"date_{item['pk']}": " 2027-06-30 " for item in items}
    good |= {f"comment_{item['pk']}": "  Shown.  " for item in items}
    good |= {f"document_{item['pk']}": "" for item in items}
    form = ResponseForm(good, {}, items=items, documents=[])
    django = ResponseForm(good, {}, items=items, documents=[])
    django._item_fields()
    assert form.is_valid() and django.is_valid()
    assert form.cleaned_data == django.cleaned_data
    assert form.answers()[items[0]["pk"]] == services.AnswerInput(
        level=R, roadmap_date=datetime.date(2027, 6, 30), comment="Shown."
    )


def test_new_answers_are_the_rows_bulk_create_writes(invitation):
    """rows_insert writes what bulk_create writes for the same values (each
    prepared by its field), and a new answer gives a value to every field."""
    assert set(services.ADDED) == {
        field.attname for field in Answer._meta.concrete_fields if not field.primary_key
    }
    items = list(invitation.round.need.items.order_by("id"))
    values = [
        (invitation.pk, item.pk, level, date, comment, None, None)
        for item, level, date, comment in zip(
            items,
            [R, M, R, ""],
            [datetime.date(2027, 6, 30), None, datetime.date(2028, 1, 31), None],
            ["", "Ünïcode 'quoted'", "", "c"],
            strict=False,
        )
    ]
    fields = ("id", *services.ADDED)
    ids = rows_insert(Answer, services.ADDED, values)
    written = Answer.objects.filter(pk__in=ids).order_by("item_id")
    assert len(ids) == len(values) == written.count()
    ours = [row[1:] for row in written.values_list(*fields)]
    assert ours == sorted(values, key=lambda row: row[1])
    Answer.objects.all().delete()
    Answer.objects.bulk_create(
        Answer(**dict(zip(services.ADDED, row, strict=True))) for row in values
    )
    django = Answer.objects.order_by("item_id").values_list(*fields)
    assert [row[1:] for row in django] == ours
    with pytest.raises(ValueError):
        rows_insert(Answer, services.ADDED, [values[0][:-1]])


def test_a_save_reads_no_evidence_it_does_not_show(
    invitation, provider_user, client_for
):
    items = item_rows(need=invitation.round.need)
    data = {f"level_{item['pk']}": M for item in items}
    url = reverse("requests:request-detail", args=[invitation.pk])
    client = client_for(provider_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, data).status_code == 302
    assert not any("brokering_responsedocument" in q["sql"] for q in queries)
    assert invitation.answers.filter(level=M).count() == len(items)
