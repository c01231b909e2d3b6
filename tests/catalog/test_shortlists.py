"""Shortlist pages: named lists per user, shared within an agency, 404 for others."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Shortlist
from tests.catalog.factories import OfferingFactory, ShortlistFactory
from tests.marketplace.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offering():
    return OfferingFactory(name="Granite Ledger", slug="granite-ledger")


def detail(shortlist) -> str:
    return reverse(
        "catalog:shortlist-detail", kwargs={"public_id": shortlist.public_id}
    )


def test_a_colleague_in_the_same_agency_sees_and_edits_the_shortlist(
    client_for, agency_user, offering
):
    colleague = UserFactory(username="colleague", agency=agency_user.agency)
    shortlist = ShortlistFactory(
        owner=agency_user, name="Core FS", offerings=[offering]
    )
    client = client_for(colleague)
    assert "Core FS" in client.get(reverse("catalog:shortlist-list")).content.decode()
    page = client.get(detail(shortlist))
    assert page.status_code == 200 and "Granite Ledger" in page.content.decode()
    response = client.post(
        reverse("catalog:shortlist-remove", kwargs={"public_id": shortlist.public_id}),
        {"offering": "granite-ledger"},
    )
    assert response.status_code == 302
    assert not shortlist.entries.exists()


@pytest.mark.parametrize(
    "intruder", ["other_agency_user", "provider_user", "broker", "admin_user"]
)
def test_everyone_else_gets_404(request, client_for, agency_user, offering, intruder):
    shortlist = ShortlistFactory(owner=agency_user, offerings=[offering])
    client = client_for(request.getfixturevalue(intruder))
    assert client.get(detail(shortlist)).status_code == 404
    assert (
        shortlist.name
        not in client.get(reverse("catalog:shortlist-list")).content.decode()
    )
    delete = reverse(
        "catalog:shortlist-delete", kwargs={"public_id": shortlist.public_id}
    )
    assert client.post(delete).status_code == 404
    assert Shortlist.objects.filter(pk=shortlist.pk).exists()


def test_a_provider_users_shortlist_is_their_own(client_for, provider_user, offering):
    colleague = UserFactory(
        username="provider-colleague", provider=provider_user.provider
    )
    shortlist = ShortlistFactory(owner=provider_user)
    assert client_for(provider_user).get(detail(shortlist)).status_code == 200
    assert client_for(colleague).get(detail(shortlist)).status_code == 404


def test_adding_from_the_offering_page_to_a_new_shortlist(
    client_for, agency_user, offering
):
    client = client_for(agency_user)
    page = client.get(offering.get_absolute_url()).content.decode()
    assert "Add to shortlist" in page
    response = client.post(
        reverse("catalog:shortlist-add"),
        {"offering": "granite-ledger", "new_name": "FY2027 replacement"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Added Granite Ledger to “FY2027 replacement”" in response.content.decode()
    shortlist = Shortlist.objects.get(name="FY2027 replacement")
    assert shortlist.agency_id == agency_user.agency_id
    assert list(shortlist.offerings.values_list("slug", flat=True)) == [
        "granite-ledger"
    ]


def test_adding_to_an_existing_shortlist_and_again(client_for, agency_user, offering):
    shortlist = ShortlistFactory(owner=agency_user, name="Existing")
    client = client_for(agency_user)
    data = {"offering": "granite-ledger", "shortlist": str(shortlist.public_id)}
    client.post(reverse("catalog:shortlist-add"), data)
    response = client.post(reverse("catalog:shortlist-add"), data, follow=True)
    assert "already on “Existing”" in response.content.decode()
    assert shortlist.entries.count() == 1


def test_adding_without_a_shortlist_or_a_name_explains_at_the_offering(
    client_for, agency_user, offering
):
    response = client_for(agency_user).post(
        reverse("catalog:shortlist-add"), {"offering": "granite-ledger"}, follow=True
    )
    assert response.redirect_chain[-1][0] == offering.get_absolute_url()
    assert "Choose a shortlist or enter a name" in response.content.decode()


def test_someone_elses_shortlist_cannot_be_added_to(
    client_for, agency_user, other_agency_user, offering
):
    theirs = ShortlistFactory(owner=other_agency_user)
    response = client_for(agency_user).post(
        reverse("catalog:shortlist-add"),
        {"offering": "granite-ledger", "shortlist": str(theirs.public_id)},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == offering.get_absolute_url()
    assert "not one of the available choices" in response.content.decode()
    assert not theirs.entries.exists()


def test_a_draft_cannot_be_shortlisted(client_for, agency_user):
    OfferingFactory(slug="draft-one", status="draft")
    response = client_for(agency_user).post(
        reverse("catalog:shortlist-add"), {"offering": "draft-one", "new_name": "X"}
    )
    assert response.status_code == 404
    assert not Shortlist.objects.exists()


def test_create_rename_and_delete(client_for, agency_user):
    client = client_for(agency_user)
    response = client.post(reverse("catalog:shortlist-list"), {"name": ""})
    assert response.status_code == 400
    assert "usa-error-message" in response.content.decode()
    response = client.post(reverse("catalog:shortlist-list"), {"name": "First"})
    shortlist = Shortlist.objects.get()
    assert response.url == detail(shortlist)
    client.post(detail(shortlist), {"name": "Renamed"})
    shortlist.refresh_from_db()
    assert shortlist.name == "Renamed"
    client.post(
        reverse("catalog:shortlist-delete", kwargs={"public_id": shortlist.public_id})
    )
    assert not Shortlist.objects.exists()


def test_the_shortlist_links_to_comparing_its_offerings(client_for, agency_user):
    first = OfferingFactory(slug="first")
    second = OfferingFactory(slug="second")
    shortlist = ShortlistFactory(owner=agency_user, offerings=[first, second])
    body = client_for(agency_user).get(detail(shortlist)).content.decode()
    assert "compare/?offering=first&amp;offering=second" in body


def test_shortlist_pages_run_the_same_queries_for_10_and_100_offerings(
    client_for, agency_user
):
    colleague = UserFactory(username="counting-colleague", agency=agency_user.agency)
    shortlist = ShortlistFactory(owner=colleague, name="Counted")
    client = client_for(agency_user)
    counts = []
    for start, stop in ((0, 10), (10, 100)):
        for n in range(start, stop):
            offering = OfferingFactory(slug=f"listed-{n}", name=f"Listed {n:03d}")
            shortlist.entries.create(offering=offering, added_by=colleague)
            ShortlistFactory(owner=agency_user, name=f"Mine {n:03d}")
        client.get(detail(shortlist))  # warm the session
        for url in (detail(shortlist), reverse("catalog:shortlist-list")):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
    assert counts[:2] == counts[2:], counts
