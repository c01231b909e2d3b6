"""An attacker's probes of a provider's response page: line breaks where one line
belongs, NUL bytes, huge and non-numeric ids, and the same response submitted twice
at once. Each is refused with a clear message, or made harmless, and nothing is lost
or written twice."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from brokering.models import Answer, Invitation, ResponseStatus
from brokering.models.rounds import NoticeKind, RoundNotice
from catalog.models import ClaimLevel
from tests.brokering.rounds import active_need, offering_with_claims, open_round
from tests.conftest import uses_services


@pytest.fixture
def invitation(db, agency_user, provider, other_provider):
    need = active_need(agency_user.agency)
    mine = offering_with_claims(need, provider, [ClaimLevel.MEETS])
    theirs = offering_with_claims(need, other_provider, [ClaimLevel.MEETS])
    round = open_round(need, agency_user, [mine, theirs])
    return round.invitations.get(offering=mine)


def _posted(invitation, **extra) -> dict:
    data = {"one_time_cost": "1000", "pricing_basis": "Per user per year", **extra}
    for item in invitation.round.need.items.all():
        data[f"level_{item.pk}"] = ClaimLevel.MEETS
        data[f"comment_{item.pk}"] = "Yes."
    return data


def _url(invitation) -> str:
    return reverse("requests:request-detail", args=[invitation.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("broken", ["Per user\r\nper year", "Per user\nper year"])
def test_a_line_break_in_a_one_line_field_is_refused_and_nothing_is_saved(
    invitation, client_for, provider_user, broken
):
    client = client_for(provider_user)
    response = client.post(_url(invitation), _posted(invitation, pricing_basis=broken))
    assert response.status_code == 200
    assert "line break" in response.content.decode().lower()
    invitation.refresh_from_db()
    assert invitation.status == ResponseStatus.INVITED
    assert invitation.pricing_basis == ""
    assert not Answer.objects.filter(invitation=invitation).exists()


@pytest.mark.django_db
def test_line_breaks_in_a_text_area_are_kept_as_written(
    invitation, client_for, provider_user
):
    client = client_for(provider_user)
    written = "First line.\r\nSecond line.\n<script>alert(1)</script>"
    response = client.post(_url(invitation), _posted(invitation, assumptions=written))
    assert response.status_code == 302
    invitation.refresh_from_db()
    # The text is kept as the browser sent it (CR/LF, as forms post it), and
    # shown escaped, never executed.
    assert invitation.assumptions == written
    page = client.get(_url(invitation)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["pricing_basis", "assumptions", "comment"])
def test_a_nul_byte_anywhere_is_refused_before_anything_is_written(
    invitation, client_for, provider_user, field
):
    client = client_for(provider_user)
    data = _posted(invitation)
    if field == "comment":
        item = invitation.round.need.items.first()
        data[f"comment_{item.pk}"] = "Yes\x00."
    else:
        data[field] = "text\x00"
    response = client.post(_url(invitation), data)
    assert response.status_code == 400
    assert not Answer.objects.filter(invitation=invitation).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/provider/requests/99999999999999999999999/",
        "/provider/requests/-1/",
        "/provider/requests/abc/",
        "/provider/requests/1e9/",
    ],
)
def test_huge_negative_and_non_numeric_ids_are_not_found(
    client_for, provider_user, path
):
    assert client_for(provider_user).get(path).status_code == 404


@pytest.mark.django_db
def test_an_answer_for_an_item_of_another_need_is_ignored(
    invitation, client_for, provider_user, agency_user
):
    other = active_need(agency_user.agency, title="Another need")
    stranger = other.items.first()
    data = _posted(invitation, **{f"level_{stranger.pk}": ClaimLevel.MEETS})
    response = client_for(provider_user).post(_url(invitation), data)
    assert response.status_code == 302
    saved = set(
        Answer.objects.filter(invitation=invitation).values_list("item_id", flat=True)
    )
    assert saved == set(invitation.round.need.items.values_list("pk", flat=True))


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_same_response_submitted_twice_at_once_is_submitted_once(
    agency_user, provider, provider_user
):
    if not uses_services():
        pytest.skip("needs PostgreSQL row locks (the services pass)")
    # The only invitation of its round: its submission completes the round.
    need = active_need(agency_user.agency)
    offering = offering_with_claims(need, provider, [ClaimLevel.MEETS])
    invitation = open_round(need, agency_user, [offering]).invitations.get()
    data = _posted(invitation, submit="1")
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post() -> None:
        client = Client()
        client.force_login(provider_user)
        try:
            barrier.wait(timeout=60)
            statuses.append(client.post(_url(invitation), data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert statuses == [302, 302]
    invitation = Invitation.objects.get(pk=invitation.pk)
    assert invitation.status == ResponseStatus.SUBMITTED
    items = invitation.round.need.items.count()
    assert Answer.objects.filter(invitation=invitation).count() == items
    # One submission recorded: the response's history holds one change to
    # "submitted", whatever order the two requests took.
    submitted = [
        h
        for h in invitation.history.order_by("history_date")
        if h.status == ResponseStatus.SUBMITTED
    ]
    first = submitted[0]
    assert all(h.submitted_at == first.submitted_at for h in submitted)
    assert (
        RoundNotice.objects.filter(
            round=invitation.round, kind=NoticeKind.ALL_IN
        ).count()
        == 1
    )
