"""Market research rounds at the size the benchmark measures (bench/rounds.py): the
reads the response page and the background scorer share name every kind of item
as the release does, the catalog's claims are read on the need's items only, a
response's answers are written in bulk with one history row each, and a need of
more than 248 items can be answered through the page."""

import datetime

import pytest
from django.urls import reverse

from brokering.models import Answer, ItemKind, NeedItem, Priority, ResponseStatus
from brokering.rounds import selectors, services
from brokering.scoring.inputs import awaits_answer
from brokering.selectors import offering_claims
from catalog.models import ClaimLevel
from catalog.services.claims import ClaimInput, ItemClaimInput
from standards.items import release_items
from standards.models import Capability
from tests.brokering.kinds import mixed_need, mixed_release
from tests.brokering.rounds import active_need, offering_with_claims, open_round
from tests.catalog.factories import OfferingFactory, write_claims

pytestmark = pytest.mark.django_db

M, C, R = ClaimLevel.MEETS, ClaimLevel.CONFIGURABLE, ClaimLevel.ROADMAP


def test_item_rows_name_every_kind_of_item_as_the_release_does():
    data = mixed_release()
    need = mixed_need(data)
    refs = {ref.key: ref for ref in release_items(data["release"].pk)}
    rows = {row["pk"]: row for row in selectors.item_rows(need=need)}
    assert len(rows) == need.items.count() == 7
    for item in need.items.select_related("function"):
        row = rows[item.pk]
        ref = refs.get((item.kind, item.item_id or 0))
        if item.kind == ItemKind.AGENCY:
            assert (row["code"], row["statement"]) == (item.code, item.statement)
        else:
            assert (row["code"], row["function"], row["statement"]) == (
                ref.code,
                ref.function,
                ref.label,
            )
            assert row["target"] == (item.target or ref.target)
        assert row["awaiting"] == awaits_answer(item.kind, item.target, ref)
        assert (row["kind"], row["priority"]) == (item.kind, item.priority)


def test_catalog_claims_are_the_offerings_claims_on_the_needs_items():
    data = mixed_release()
    need = mixed_need(data)
    offering = OfferingFactory(release=data["release"])
    write_claims(
        offering,
        [
            ClaimInput(capability_id=data["capabilities"][0].pk, level=M),
            ClaimInput(  # not an item of the need
                capability_id=data["capabilities"][1].pk, level=M
            ),
            ClaimInput(
                capability_id=data["capabilities"][2].pk,
                level=R,
                roadmap_date=datetime.date(2027, 1, 31),
            ),
            ItemClaimInput(ItemKind.MEASURE, data["measures"][0].pk, C),
            ItemClaimInput(ItemKind.REPORT, data["reports"][0].pk, M),
        ],
    )
    codes = {row["code"] for row in selectors.item_rows(need=need)}
    expected = sorted(
        (
            {
                "item": claim.item_code,
                "level": claim.level,
                "roadmap_date": claim.roadmap_date.isoformat()
                if claim.roadmap_date
                else None,
            }
            for claim in offering_claims(offering_ids=[offering.pk])
            if claim.item_code in codes
        ),
        key=lambda claim: claim["item"],
    )
    found = selectors.catalog_claims(offering_ids=[offering.pk], codes=codes)
    assert found == {offering.pk: expected}
    assert len(expected) == 4


@pytest.fixture
def invitation(agency_user, provider):
    need = active_need(agency_user.agency)
    offering = offering_with_claims(need, provider, [M, M, M])
    return open_round(need, agency_user, [offering]).invitations.get()


def test_a_response_is_written_in_bulk_with_a_history_row_per_answer(
    invitation, provider_user
):
    items = list(invitation.round.need.items.order_by("id"))
    answers = {item.pk: services.AnswerInput(level=M) for item in items}
    services.response_save(
        invitation_id=invitation.pk,
        user=provider_user,
        response=services.ResponseInput(),
        answers=answers,
    )
    history = Answer.history.filter(invitation_id=invitation.pk)
    assert sorted(history.values_list("item_id", "history_type", "level")) == sorted(
        (item.pk, "+", M) for item in items
    )
    assert set(history.values_list("history_user", flat=True)) == {provider_user.pk}
    # Changed: one answer to roadmap (its date kept), one comment; the others as
    # they were (no history row).
    answers[items[0].pk] = services.AnswerInput(
        level=R, roadmap_date=datetime.date(2027, 6, 30)
    )
    answers[items[1].pk] = services.AnswerInput(level=M, comment="Shown in the demo.")
    services.response_save(
        invitation_id=invitation.pk,
        user=provider_user,
        response=services.ResponseInput(),
        answers=answers,
    )
    changed = history.filter(history_type="~")
    assert sorted(
        changed.values_list("item_id", "level", "roadmap_date", "comment")
    ) == sorted(
        [
            (items[0].pk, R, datetime.date(2027, 6, 30), ""),
            (items[1].pk, M, None, "Shown in the demo."),
        ]
    )
    assert set(changed.values_list("history_user", flat=True)) == {provider_user.pk}
    saved = dict(invitation.answers.values_list("item_id", "level"))
    assert saved == {item.pk: answers[item.pk].level for item in items}


def test_a_response_of_hundreds_of_items_is_saved_and_scored_through_the_page(
    invitation, provider_user, client_for
):
    """Four fields an item: more than Django's default limit of 1,000 fields."""
    need = invitation.round.need
    activity = need.items.filter(capability__isnull=False).first().capability.activity
    capabilities = Capability.objects.bulk_create(
        Capability(
            release=need.release,
            function=activity.function,
            activity=activity,
            code=f"{activity.code}.{900 + n}",
            kind="P",
            statement=f"Capability {n}",
        )
        for n in range(300)
    )
    NeedItem.objects.bulk_create(
        NeedItem(need=need, capability=capability, priority=Priority.SHOULD)
        for capability in capabilities
    )
    data = {"one_time_cost": "1000", "timeline_months": "6", "submit": ""}
    for item in need.items.all():
        data[f"level_{item.pk}"] = C
        data[f"comment_{item.pk}"] = ""
        data[f"date_{item.pk}"] = ""
        data[f"document_{item.pk}"] = ""
    url = reverse("requests:request-detail", args=[invitation.pk])
    response = client_for(provider_user).post(url, data)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == ResponseStatus.SUBMITTED
    assert invitation.answers.count() == need.items.count() == 304
    assert services.response_score(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.scored_at is not None and invitation.response_score > 0


def test_each_item_renders_its_own_label_input_and_value(
    invitation, provider_user, client_for
):
    """The item fields share their kind's widget: each still renders its own."""
    items = list(invitation.round.need.items.order_by("id"))
    levels = [M, C, R, M]
    services.response_save(
        invitation_id=invitation.pk,
        user=provider_user,
        response=services.ResponseInput(),
        answers={
            item.pk: services.AnswerInput(
                level=level,
                roadmap_date=datetime.date(2027, 6, 30) if level == R else None,
                comment=f"Comment {n}",
            )
            for n, (item, level) in enumerate(zip(items, levels, strict=True))
        },
    )
    url = reverse("requests:request-detail", args=[invitation.pk])
    html = client_for(provider_user).get(url).content.decode()
    rows = {row["pk"]: row for row in selectors.item_rows(need=invitation.round.need)}
    for n, (item, level) in enumerate(zip(items, levels, strict=True)):
        code = rows[item.pk]["code"]
        assert f'for="id_level_{item.pk}"' in html
        assert f"Level for {code}" in html and f"Comment on {code}" in html
        select = html.split(f'name="level_{item.pk}"', 1)[1].split("</select>", 1)[0]
        assert f'value="{level}" selected' in select
        assert select.count("selected") == 1
        assert f"\nComment {n}</textarea>" in html
    assert f'name="date_{items[2].pk}" value="2027-06-30"' in html
