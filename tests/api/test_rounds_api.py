"""The rounds API answers only the round's parties, and keeps the anonymity."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from brokering.rounds import services
from catalog.models import ClaimLevel
from marketplace.roles import Role
from tests.brokering.rounds import (
    active_need,
    full_answers,
    offering_with_claims,
    open_round,
    pass_due_date,
)

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def round(agency_user, provider):
    need = active_need(agency_user.agency)
    offering = offering_with_claims(need, provider, [ClaimLevel.MEETS])
    return open_round(need, agency_user, [offering])


def test_agencies_read_their_rounds_only(round, agency_user, other_agency_user):
    url = reverse("api:round-detail", args=[round.pk])
    body = _client(agency_user).get(url).json()
    assert body["results"][0]["ranked_on"] == "catalog"
    assert body["invited_count"] == 1
    assert _client(other_agency_user).get(url).status_code == 404
    listing = _client(other_agency_user).get(reverse("api:round-list")).json()
    assert listing["count"] == 0


def test_providers_read_their_requests_without_the_agency_name(
    round, provider_user, other_provider_user
):
    invitation = round.invitations.get()
    url = reverse("api:request-detail", args=[invitation.pk])
    response = _client(provider_user).get(url)
    assert response.status_code == 200
    assert response.json()["agency"] == "An agency (not named)"
    assert "Department of Example" not in response.content.decode()
    assert _client(other_provider_user).get(url).status_code == 404
    listing = _client(other_provider_user).get(reverse("api:request-list")).json()
    assert listing["count"] == 0


# --- writes -------------------------------------------------------------------------


def _answers(need, level=ClaimLevel.MEETS):
    return [
        {"item_id": item.pk, "level": level, "comment": "Out of the box."}
        for item in need.items.order_by("id")
    ]


def test_the_provider_saves_and_submits_its_response_with_a_token(
    round, provider_user, api_for, django_capture_on_commit_callbacks
):
    invitation = round.invitations.get()
    client = api_for(provider_user)
    url = reverse("api:request-response", args=[invitation.pk])
    body = {
        "one_time_cost": "250000.00",
        "timeline_months": 9,
        "fits_go_live": True,
        "answers": _answers(round.need)[:2],
    }
    saved = client.put(url, body, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["status"] == "draft"
    assert len(saved.json()["answers"]) == 2
    submit = reverse("api:request-submit", args=[invitation.pk])
    incomplete = client.post(submit)
    assert incomplete.status_code == 409
    assert "Answer every item" in incomplete.json()["error"]["message"]
    client.put(url, {**body, "answers": _answers(round.need)}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(submit)
    assert submitted.status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == "submitted" and invitation.response_score == 100.0
    assert invitation.timeline_months == 9 and invitation.fits_go_live is True


def test_response_writes_refuse_bad_input_with_400_and_write_nothing(
    round, provider_user, api_for
):
    invitation = round.invitations.get()
    client = api_for(provider_user)
    url = reverse("api:request-response", args=[invitation.pk])
    item = round.need.items.first().pk
    for body in [
        {"answers": [{"item_id": item, "level": "roadmap"}]},
        {"answers": [{"item_id": item, "level": "superb"}]},
        {"answers": [{"item_id": 10**9, "level": "meets"}]},
        {"answers": [{"item_id": item, "level": "meets", "document_id": 10**9}]},
        {"answers": [{"item_id": item}, {"item_id": item}]},
        {"one_time_cost": "-1"},
        {"timeline_months": 10**6},
        {"pricing_basis": "x" * 201},
        {"answers": "all of them"},
    ]:
        response = client.put(url, body, format="json")
        assert response.status_code == 400, (body, response.content)
    invitation.refresh_from_db()
    assert invitation.status == "invited" and not invitation.answers.exists()


def test_response_writes_are_for_the_invited_provider_and_lock_after_the_due_date(
    round, provider_user, other_provider_user, agency_user, api_for
):
    invitation = round.invitations.get()
    url = reverse("api:request-response", args=[invitation.pk])
    submit = reverse("api:request-submit", args=[invitation.pk])
    body = {"answers": _answers(round.need)}
    assert api_for(other_provider_user).put(url, body, format="json").status_code == 404
    assert api_for(other_provider_user).post(submit).status_code == 404
    assert api_for(agency_user).put(url, body, format="json").status_code == 403
    assert api_for(None).put(url, body, format="json").status_code == 401
    pass_due_date(round)
    locked = api_for(provider_user).put(url, body, format="json")
    assert locked.status_code == 409
    assert "locked" in locked.json()["error"]["message"]
    assert not invitation.answers.exists()


def test_the_agency_opens_a_round_and_answers_a_question(
    agency_user, provider, provider_user, api_for
):
    need = active_need(agency_user.agency)
    offering = offering_with_claims(need, provider, [ClaimLevel.MEETS])
    client = api_for(agency_user)
    opened = client.post(
        reverse("api:round-list"),
        {
            "need_id": need.pk,
            "title": "RFI by API",
            "due_date": "2099-01-31",
            "offering_ids": [offering.pk],
        },
        format="json",
    )
    assert opened.status_code == 201, opened.content
    assert opened.json()["invited_count"] == 1 and opened.json()["anonymous"]
    round = need.rounds.get()
    assert round.opened_by == agency_user
    question = services.question_ask(
        invitation_id=round.invitations.get().pk, user=provider_user, text="SSO?"
    )
    reply = reverse("api:round-question-reply", args=[round.pk, question.pk])
    answered = client.post(reply, {"text": "Login.gov."}, format="json")
    assert answered.status_code == 200
    assert answered.json()["questions"][0]["reply"] == "Login.gov."
    assert client.post(reply, {"text": ""}, format="json").status_code == 400


def test_a_broker_opens_a_round_on_the_agencys_behalf_another_agency_cannot(
    agency_user, other_agency_user, broker, provider, api_for
):
    need = active_need(agency_user.agency)
    offering = offering_with_claims(need, provider, [ClaimLevel.MEETS])
    body = {
        "need_id": need.pk,
        "title": "RFI",
        "due_date": "2099-01-31",
        "offering_ids": [offering.pk],
    }
    url = reverse("api:round-list")
    refused = api_for(other_agency_user).post(url, body, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["need_id"] == ["No such need."]
    assert api_for(broker).post(url, body, format="json").status_code == 201
    assert need.rounds.get().opened_by == broker
    for bad in [
        {**body, "due_date": "2001-01-01"},
        {**body, "offering_ids": []},
        {**body, "offering_ids": [10**9]},
        {**body, "need_id": "x"},
    ]:
        assert api_for(agency_user).post(url, bad, format="json").status_code == 400
    assert need.rounds.count() == 1


def test_another_agency_cannot_answer_questions(
    round, provider_user, other_agency_user, provider, api_for
):
    question = services.question_ask(
        invitation_id=round.invitations.get().pk, user=provider_user, text="SSO?"
    )
    reply = reverse("api:round-question-reply", args=[round.pk, question.pk])
    response = api_for(other_agency_user).post(reply, {"text": "No."}, format="json")
    assert response.status_code == 404
    assert api_for(provider_user).post(reply, {"text": "No."}).status_code == 403
    question.refresh_from_db()
    assert question.reply == ""


# --- every role on every write, with a body that would be accepted -------------------

V, A, P, B, ADM = Role.VISITOR, Role.AGENCY, Role.PROVIDER, Role.BROKER, Role.ADMIN


def _table(*roles, code=200):
    table = {role: (code if role in roles else 403) for role in Role}
    table[V] = 401
    return table


WRITES = [
    ("post", "round-list", "open", _table(A, B, ADM, code=201)),
    ("post", "round-question-reply", "reply", _table(A, B, ADM)),
    ("put", "request-response", "response", _table(P)),
    ("post", "request-submit", "submit", _table(P)),
]


@pytest.mark.parametrize(
    ("method", "name", "body", "expected"), WRITES, ids=[w[1] for w in WRITES]
)
def test_each_role_gets_what_the_table_says_on_the_writes(
    method, name, body, expected, personas, api_for
):
    agency_user, provider_user = personas[A], personas[P]
    need = active_need(agency_user.agency)
    offering = offering_with_claims(need, provider_user.provider, [ClaimLevel.MEETS])
    round = open_round(need, agency_user, [offering])
    invitation = round.invitations.get()
    question = services.question_ask(
        invitation_id=invitation.pk, user=provider_user, text="SSO?"
    )
    if name == "request-submit":
        services.response_save(
            invitation_id=invitation.pk,
            user=provider_user,
            response=services.ResponseInput(),
            answers=full_answers(need),
        )
    args = {
        "round-list": [],
        "round-question-reply": [round.pk, question.pk],
        "request-response": [invitation.pk],
        "request-submit": [invitation.pk],
    }[name]
    bodies = {
        "open": {
            "need_id": need.pk,
            "title": "RFI",
            "due_date": "2099-01-31",
            "offering_ids": [offering.pk],
        },
        "reply": {"text": "Yes."},
        "response": {"answers": _answers(need)},
        "submit": {},
    }
    answers = {}
    for role in sorted(Role, key=lambda role: expected[role] < 400):
        response = getattr(api_for(personas[role]), method)(
            reverse(f"api:{name}", args=args), bodies[body], format="json"
        )
        answers[role] = response.status_code
    assert answers == expected
