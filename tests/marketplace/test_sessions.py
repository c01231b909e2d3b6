"""Sessions read with one plain statement (``marketplace.sessions``): a session
ended, expired or tampered with anywhere is refused on the next request, and what
a session holds is read back as Django's database store reads it."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.sessions import SessionStore
from tests.marketplace.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "marketplace:password-change"  # any page that needs a sign-in


def signed_in(client) -> bool:
    return client.get(reverse(PAGE)).status_code == 200


def same_session(client) -> Client:
    """A second browser holding the first one's session cookie (another process,
    another tab: anything that sends the same session)."""
    other = Client()
    name = settings.SESSION_COOKIE_NAME
    other.cookies[name] = client.cookies[name].value
    return other


def test_the_engine_is_the_plain_statement_store():
    assert settings.SESSION_ENGINE == "marketplace.sessions"


def test_what_a_session_holds_is_read_as_djangos_store_reads_it():
    session = SessionStore()
    session["numbers"] = [1, 2, 3]
    session["text"] = "ünïcode"
    session.create()
    assert dict(SessionStore(session.session_key).items()) == dict(
        DjangoSessionStore(session.session_key).items()
    )
    assert SessionStore(session.session_key)["numbers"] == [1, 2, 3]


def test_signing_out_in_one_place_ends_the_session_everywhere(client, agency_user):
    client.post(
        reverse("marketplace:login"),
        {"username": agency_user.username, "password": DEMO_PASSWORD},
    )
    elsewhere = same_session(client)
    assert signed_in(client) and signed_in(elsewhere)
    client.post(reverse("marketplace:logout"))
    assert not signed_in(elsewhere)
    assert not signed_in(client)


def test_an_expired_session_is_refused(client, agency_user):
    client.force_login(agency_user)
    assert signed_in(client)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert not signed_in(client)


def test_an_unknown_or_tampered_session_is_a_new_one(client, agency_user):
    client.force_login(agency_user)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(session_data="tampered:data")
    assert not signed_in(client)
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32  # no such session
    assert not signed_in(client)
    unknown = SessionStore("y" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None  # saved, it gets a key of its own
