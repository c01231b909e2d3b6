"""Round pages: who sees what (cross-organisation), anonymity on every page and
export, the provider's response form, the agency's decision and package."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from brokering.models import ResponseStatus, RoundStatus
from brokering.tasks import round_deadlines
from catalog.models import ClaimLevel
from tests.brokering.rounds import (
    active_need,
    offering_with_claims,
    open_round,
    pass_due_date,
)
from tests.catalog.factories import ProviderFactory
from tests.marketplace.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(agency_user, provider, other_provider):
    need = active_need(agency_user.agency)
    mine = offering_with_claims(need, provider, [ClaimLevel.MEETS])
    theirs = offering_with_claims(need, other_provider, [ClaimLevel.MEETS])
    round = open_round(need, agency_user, [mine, theirs])
    return need, round, round.invitations.get(offering=mine)


def _form_data(need, level=ClaimLevel.MEETS, **extra):
    data = {"one_time_cost": "1000", "timeline_months": "6", **extra}
    for item in need.items.all():
        data[f"level_{item.pk}"] = level
        data[f"comment_{item.pk}"] = "Yes."
    return data


def test_providers_see_only_their_invitations(setup, client_for, provider_user):
    need, round, mine = setup
    stranger = UserFactory(provider=ProviderFactory())
    theirs = round.invitations.exclude(pk=mine.pk).get()
    client = client_for(provider_user)
    listing = client.get(reverse("requests:request-list")).content.decode()
    assert round.title in listing
    assert (
        client.get(reverse("requests:request-detail", args=[mine.pk])).status_code
        == 200
    )
    for invitation in (theirs, mine):
        if invitation is mine:
            continue
        assert (
            client.get(
                reverse("requests:request-detail", args=[invitation.pk])
            ).status_code
            == 404
        )
    outsider = client_for(stranger)
    assert (
        round.title
        not in outsider.get(reverse("requests:request-list")).content.decode()
    )
    assert (
        outsider.get(reverse("requests:request-detail", args=[mine.pk])).status_code
        == 404
    )
    assert (
        outsider.post(
            reverse("requests:request-question", args=[mine.pk]), {"text": "x"}
        ).status_code
        == 404
    )


def test_agencies_see_only_their_rounds(setup, client_for, other_agency_user, broker):
    need, round, mine = setup
    other = client_for(other_agency_user)
    for url in (
        reverse("brokering:round-detail", args=[round.pk]),
        reverse("brokering:round-response", args=[round.pk, mine.pk]),
        reverse("brokering:need-rounds", args=[need.pk]),
        reverse("brokering:round-open", args=[need.pk]),
    ):
        assert other.get(url).status_code == 404
    assert (
        client_for(broker)
        .get(reverse("brokering:round-detail", args=[round.pk]))
        .status_code
        == 200
    )


def test_anonymity_holds_on_provider_pages(setup, client_for, provider_user):
    need, round, mine = setup
    client = client_for(provider_user)
    for url in (
        reverse("requests:request-list"),
        reverse("requests:request-detail", args=[mine.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Department of Example" not in page
        assert "DOE-X" not in page
        assert "not named" in page


def test_the_form_is_prefilled_from_the_catalog(setup, client_for, provider_user):
    need, round, mine = setup
    page = client_for(provider_user).get(
        reverse("requests:request-detail", args=[mine.pk])
    )
    first = need.items.filter(kind="capability").order_by("capability__code").first()
    assert page.context["form"].initial[f"level_{first.pk}"] == ClaimLevel.MEETS


def test_draft_submit_and_question_through_the_pages(
    setup, client_for, provider_user, agency_user, django_capture_on_commit_callbacks
):
    need, round, mine = setup
    client = client_for(provider_user)
    url = reverse("requests:request-detail", args=[mine.pk])
    assert client.post(url, {**_form_data(need), "save": ""}).status_code == 302
    mine.refresh_from_db()
    assert mine.status == ResponseStatus.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**_form_data(need), "submit": ""}).status_code == 302
    mine.refresh_from_db()
    assert mine.status == ResponseStatus.SUBMITTED
    assert mine.response_score == 100.0
    client.post(
        reverse("requests:request-question", args=[mine.pk]),
        {"text": "Is PIV required?"},
    )
    question = round.questions.get()
    agency = client_for(agency_user)
    agency.post(
        reverse("brokering:round-question-reply", args=[round.pk, question.pk]),
        {"text": "Yes."},
    )
    other = UserFactory(
        provider=round.invitations.exclude(pk=mine.pk).get().offering.provider
    )
    theirs = round.invitations.exclude(pk=mine.pk).get()
    page = (
        client_for(other)
        .get(reverse("requests:request-detail", args=[theirs.pk]))
        .content.decode()
    )
    assert "Is PIV required?" in page and "Yes." in page
    assert "Example Financial Cloud" not in page
    detail = agency.get(
        reverse("brokering:round-detail", args=[round.pk])
    ).content.decode()
    assert "100.0" in detail


def test_bad_input_is_refused_without_a_500(setup, client_for, provider_user):
    need, round, mine = setup
    client = client_for(provider_user)
    url = reverse("requests:request-detail", args=[mine.pk])
    data = _form_data(
        need, level="nonsense", pricing_basis="per\nuser", one_time_cost="lots"
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors
    item = need.items.first()
    response = client.post(
        url, {f"level_{item.pk}": ClaimLevel.ROADMAP, f"date_{item.pk}": "9999-01-01"}
    )
    assert response.status_code == 200
    assert f"date_{item.pk}" in response.context["form"].errors
    assert (
        client.get(reverse("requests:request-detail", args=[2**40])).status_code == 404
    )
    assert (
        client.post(
            reverse("requests:request-question", args=[mine.pk]), {"text": ""}
        ).status_code
        == 302
    )


def test_locked_after_the_due_date(setup, client_for, provider_user):
    need, round, mine = setup
    pass_due_date(round)
    client = client_for(provider_user)
    url = reverse("requests:request-detail", args=[mine.pk])
    page = client.get(url).content.decode()
    assert "responses are locked" in page
    client.post(url, {**_form_data(need), "submit": ""})
    mine.refresh_from_db()
    assert mine.status == ResponseStatus.INVITED


def test_open_a_round_from_the_page(
    agency_user, provider, client_for, django_capture_on_commit_callbacks
):
    need = active_need(agency_user.agency)
    offering = offering_with_claims(need, provider, [ClaimLevel.MEETS])
    client = client_for(agency_user)
    url = reverse("brokering:round-open", args=[need.pk])
    page = client.get(f"{url}?pick=all")
    assert page.context["form"].initial["offerings"] == [offering.pk]
    response = client.post(
        url,
        {
            "title": "RFI",
            "due_date": "2099-01-01",
            "offerings": [offering.pk],
            "anonymous": "on",
        },
    )
    assert response.status_code == 302
    assert need.rounds.get().anonymous
    bad = client.post(
        url, {"title": "RFI", "due_date": "2001-01-01", "offerings": [offering.pk]}
    )
    assert bad.status_code == 200 and bad.context["form"].errors


def test_extend_and_cancel_are_for_brokers(setup, client_for, agency_user, broker):
    need, round, mine = setup
    agency = client_for(agency_user)
    assert (
        agency.post(reverse("brokering:round-cancel", args=[round.pk])).status_code
        == 403
    )
    client = client_for(broker)
    client.post(
        reverse("brokering:round-extend", args=[round.pk]), {"due_date": "2099-12-31"}
    )
    round.refresh_from_db()
    assert timezone.localtime(round.due_at).date().isoformat() == "2099-12-31"
    client.post(reverse("brokering:round-cancel", args=[round.pk]))
    round.refresh_from_db()
    assert round.status == RoundStatus.CANCELLED


def test_decide_and_download_the_package(
    setup, client_for, agency_user, django_capture_on_commit_callbacks
):
    need, round, mine = setup
    pass_due_date(round)
    with django_capture_on_commit_callbacks(execute=True):
        round_deadlines()
    client = client_for(agency_user)
    response = client.post(
        reverse("brokering:round-decide", args=[round.pk]),
        {"recommended": [str(mine.offering_id)], "reason": "Best fit."},
    )
    assert response.status_code == 302
    download = client.get(reverse("brokering:round-package", args=[round.pk]))
    assert download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        data = json.loads(archive.read("package.json"))
        assert data["decision"]["recommended"] == [mine.offering_id]
        assert "Best fit." in archive.read("report.html").decode()
    listing = client.get(
        reverse("brokering:need-rounds", args=[need.pk])
    ).content.decode()
    assert round.decision.digest in listing


def test_list_pages_pin_their_queries(
    setup,
    client_for,
    provider_user,
    agency_user,
    agency,
    provider,
    django_assert_num_queries,
):
    need, round, mine = setup
    for _ in range(3):
        open_round(need, agency_user, [mine.offering])
    provider_client = client_for(provider_user)
    provider_client.get(reverse("requests:request-list"))
    with django_assert_num_queries(3):
        provider_client.get(reverse("requests:request-list"))
    agency_client = client_for(agency_user)
    url = reverse("brokering:need-rounds", args=[need.pk])
    agency_client.get(url)
    with django_assert_num_queries(4):
        agency_client.get(url)
