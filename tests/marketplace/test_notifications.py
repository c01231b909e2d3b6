"""The alerts inbox (#19): one alert per user and event, immediate e-mails or a daily
digest that batches them, sent once; the unread count in the header; /notifications/
shows only the user's own alerts."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from catalog.models import SavedSearch
from catalog.tasks import check_saved_searches
from marketplace.models import Delivery, Notification
from marketplace.notifications import (
    notification_delivery_set,
    notification_digests_send,
    notify,
)
from tests.catalog.factories import OfferingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def alert(commit, user, n: int) -> int:
    return commit(
        notify,
        user_ids=[user.pk],
        event_key=f"test:{n}",
        subject=f"Alert {n}",
        body=f"Body {n}",
        url="/catalog/",
    )


def test_an_event_alerts_once_and_e_mails_at_once(commit, agency_user):
    assert alert(commit, agency_user, 1) == 1
    assert alert(commit, agency_user, 1) == 0
    assert Notification.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["Alert 1"]
    assert "http://" in mail.outbox[0].body and "/catalog/" in mail.outbox[0].body


def test_digest_users_get_one_e_mail_a_day_with_every_alert(commit, agency_user):
    notification_delivery_set(user=agency_user, delivery=Delivery.DIGEST)
    for n in range(3):
        alert(commit, agency_user, n)
    assert mail.outbox == []
    assert commit(notification_digests_send) == 1
    assert commit(notification_digests_send) == 0
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.subject == "FM Marketplace: 3 new alerts"
    assert all(f"Alert {n}" in digest.body for n in range(3))
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_the_header_counts_unread_and_the_page_marks_them_read(
    commit, client_for, agency_user, other_agency_user
):
    for n in range(2):
        alert(commit, agency_user, n)
    alert(commit, other_agency_user, 9)
    client = client_for(agency_user)
    page = client.get(reverse("marketplace:notifications")).content.decode()
    assert 'id="unread-count">2<' in page
    assert "Alert 0" in page and "Alert 1" in page and "Alert 9" not in page
    first = Notification.objects.get(user=agency_user, event_key="test:0")
    theirs = Notification.objects.get(user=other_agency_user)
    client.post(
        reverse("marketplace:notifications"),
        {"notification": [first.pk, theirs.pk], "mark_selected": ""},
    )
    theirs.refresh_from_db()
    assert theirs.read_at is None
    agency_user.refresh_from_db()
    assert agency_user.unread_notifications == 1
    client.post(reverse("marketplace:notifications"), {"mark_all": ""})
    page = client.get(reverse("marketplace:notifications")).content.decode()
    assert 'id="unread-count"' not in page


@pytest.mark.parametrize("value", ["x", "1" * 20, "-1"])
def test_bad_ids_get_a_message_not_an_error(client_for, agency_user, value):
    response = client_for(agency_user).post(
        reverse("marketplace:notifications"), {"notification": [value]}, follow=True
    )
    assert response.status_code == 200
    assert "Choose alerts from the list." in response.content.decode()


def test_the_e_mail_choice_is_kept(client_for, agency_user):
    client = client_for(agency_user)
    client.post(reverse("marketplace:notifications"), {"delivery": "digest"})
    agency_user.refresh_from_db()
    assert agency_user.notification_delivery == Delivery.DIGEST
    response = client.post(reverse("marketplace:notifications"), {"delivery": "x"})
    assert response.status_code == 200


def test_a_saved_search_alerts_of_new_matching_offerings_once(
    commit, client_for, agency_user
):
    client = client_for(agency_user)
    client.post(
        reverse("catalog:saved-search-list"),
        {"name": "Zephyr", "query": "q=zephyr&page=3"},
    )
    search = SavedSearch.objects.get(user=agency_user)
    assert search.query == "q=zephyr"
    OfferingFactory(name="Zephyr Ledger", published_at=timezone.now())
    OfferingFactory(name="Payroll Hub", published_at=timezone.now())
    assert commit(check_saved_searches) == 1
    assert commit(check_saved_searches) == 0
    assert Notification.objects.get().subject.endswith("Zephyr Ledger")


def test_a_search_the_catalog_cannot_run_is_not_saved(client_for, agency_user):
    response = client_for(agency_user).post(
        reverse("catalog:saved-search-list"),
        {"name": "Odd", "query": "fedramp=nonsense"},
        follow=True,
    )
    assert "does not know" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_another_users_saved_search_answers_404(client_for, agency_user, provider_user):
    search = SavedSearch.objects.create(
        user=agency_user, name="Mine", query="", checked_at=timezone.now()
    )
    url = reverse("catalog:saved-search-delete", args=[search.pk])
    assert client_for(provider_user).post(url).status_code == 404
    assert SavedSearch.objects.filter(pk=search.pk).exists()


def test_many_events_at_once_alert_each_user_once(commit, agency_user):
    from marketplace.notifications import Alert, notify_many
    from tests.marketplace.factories import UserFactory

    colleague = UserFactory(username="colleague", agency=agency_user.agency)
    alert(commit, agency_user, 1)
    created = commit(
        notify_many,
        alerts=[
            Alert((agency_user.pk, colleague.pk), "e:1", "One", "b"),
            Alert((colleague.pk, colleague.pk), "e:2", "Two", "b", "/x/"),
            Alert((colleague.pk,), "e:2", "Two again", "b"),  # the same event
            Alert((agency_user.pk,), "test:1", "Alert 1", "b"),  # had already
        ],
    )
    assert created == 3
    assert sorted(
        Notification.objects.values_list("user__username", "event_key", "subject")
    ) == [
        ("agency-user", "e:1", "One"),
        ("agency-user", "test:1", "Alert 1"),
        ("colleague", "e:1", "One"),
        ("colleague", "e:2", "Two"),
    ]
    colleague.refresh_from_db()
    assert colleague.unread_notifications == 2
    # One e-mail per new alert, the earlier alert's e-mail not sent again.
    assert sorted(m.subject for m in mail.outbox) == ["Alert 1", "One", "One", "Two"]
    assert notify_many([]) == 0
