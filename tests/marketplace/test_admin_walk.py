"""The back office after the browser walk (issue #14): a user created in one pass, a
users list that says "name", no hand-edited sign-in dates, the review queue on the
admin index, and a review page that points at the claims a revision changes."""

import pytest
from django.urls import reverse

from catalog.models import OfferingStatus
from marketplace.models import User
from tests.catalog.workflow_helpers import (
    offering_in,
    standards_tree,
    submitted_revision,
)

pytestmark = pytest.mark.django_db
ADD = "admin:marketplace_user_add"


def add_user(client, **fields):
    data = {
        "username": "new-person",
        "first_name": "Nia",
        "last_name": "Newcomer",
        "email": "nia@example.gov",
        "usable_password": "true",
        "password1": "a long enough passphrase 42",
        "password2": "a long enough passphrase 42",
        **fields,
    }
    return client.post(reverse(ADD), data)


def test_an_agency_user_is_created_in_one_pass(client_for, admin_user, agency):
    response = add_user(client_for(admin_user), role="agency", agency=agency.pk)
    assert response.status_code == 302
    user = User.objects.get(username="new-person")
    assert (user.agency, user.provider, user.is_staff) == (agency, None, False)
    assert user.get_full_name() == "Nia Newcomer" and user.email == "nia@example.gov"
    assert user.check_password("a long enough passphrase 42")


def test_a_broker_is_staff_without_an_organisation(client_for, admin_user):
    add_user(client_for(admin_user), role="broker")
    user = User.objects.get(username="new-person")
    assert (user.is_staff, user.is_superuser, user.agency, user.provider) == (
        True,
        False,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("role", "in_agency", "in_provider", "message"),
    [
        ("agency", False, False, "An agency user needs an agency."),
        ("provider", False, False, "A provider user needs a provider."),
        ("broker", True, False, "Only agency users belong to an agency."),
        ("agency", True, True, "Only provider users belong to a provider."),
    ],
)
def test_a_role_without_its_organisation_is_refused(
    client_for, admin_user, agency, provider, role, in_agency, in_provider, message
):
    fields = {"role": role}
    if in_agency:
        fields["agency"] = agency.pk
    if in_provider:
        fields["provider"] = provider.pk
    response = add_user(client_for(admin_user), **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="new-person").exists()


def test_the_add_form_asks_for_role_and_organisation(client_for, admin_user):
    html = client_for(admin_user).get(reverse(ADD)).content.decode()
    for name in ("id_role", "id_agency", "id_provider", "id_first_name", "id_email"):
        assert f'id="{name}"' in html


def test_the_users_list_heads_the_name_column_name(client_for, admin_user):
    html = (
        client_for(admin_user)
        .get(reverse("admin:marketplace_user_changelist"))
        .content.decode()
    )
    assert "Get full name" not in html and "get_full_name" not in html
    assert 'class="sortable column-full_name' in html


def test_sign_in_dates_are_shown_not_edited(client_for, admin_user, agency_user):
    html = (
        client_for(admin_user)
        .get(reverse("admin:marketplace_user_change", args=[agency_user.pk]))
        .content.decode()
    )
    assert 'name="last_login_0"' not in html and 'name="date_joined_0"' not in html
    assert "Date joined" in html


def test_the_admin_index_says_how_many_submissions_wait(client_for, broker, provider):
    release, capabilities = standards_tree(functions=1, per_activity=1)
    client = client_for(broker)
    html = client.get(reverse("admin:index")).content.decode()
    assert "No submission waits for review." in html
    for _ in range(2):
        offering_in(OfferingStatus.SUBMITTED, provider, release, capabilities)
    html = client.get(reverse("admin:index")).content.decode()
    queue = reverse("admin:catalog_submission_changelist")
    assert f'<a href="{queue}">2 submissions wait for review</a>' in html


def test_the_review_page_points_at_the_changed_claim(
    client_for, broker, provider, provider_user
):
    release, capabilities = standards_tree(functions=1, per_activity=4)
    published = offering_in(OfferingStatus.PUBLISHED, provider, release, capabilities)
    revision = submitted_revision(published, provider_user, capabilities[2])
    html = (
        client_for(broker)
        .get(reverse("admin:catalog_submission_change", args=[revision.pk]))
        .content.decode()
    )
    code = capabilities[2].code
    assert "This revision changes 1 claim, highlighted in the table:" in html
    assert f'<a href="#claim-{code}">{code}</a>: changed' in html
    assert "(Meets (out of the box) → Extension (custom development))" in html
    assert html.count('class="portal-changed"') == 1
    assert f'<tr id="claim-{code}" class="portal-changed">' in html
    assert 'class="portal-decision"' in html
