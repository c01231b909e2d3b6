"""A NUL character in a POSTed form field or an admin query answers 400 before any
view: PostgreSQL refuses NUL in text, so it used to surface as a 500 there."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Shortlist
from tests.catalog.catalog_world import make_offering as catalog_offering
from tests.catalog.catalog_world import make_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(agency_user, make_need):
    release, caps = make_release()
    offering = catalog_offering(
        release, covers=[caps["FFM.090"]], name="Granite", slug="g"
    )
    shortlist = Shortlist.objects.create(owner=agency_user, name="Mine")
    need = make_need(agency_user.agency)
    return offering, shortlist, need


def posts(offering, shortlist, need):
    return [
        (reverse("catalog:shortlist-add"), {"offering": "g\x00", "new_name": "a"}),
        (reverse("catalog:shortlist-add"), {"offering": "g", "new_name": "a\x00"}),
        (
            reverse("catalog:shortlist-remove", args=[shortlist.public_id]),
            {"offering": "\x00"},
        ),
        (
            reverse("brokering:match-shortlist", args=[need.pk, 1]),
            {"note": "keep\x00"},
        ),
        (reverse("catalog:shortlist-list"), {"name\x00": "x"}),
    ]


def test_a_nul_in_a_posted_field_answers_400(agency_user, world):
    client = Client(raise_request_exception=False)
    client.force_login(agency_user)
    for url, data in posts(*world):
        response = client.post(url, data)
        assert response.status_code == 400, (url, data, response.status_code)
        assert "Bad request" in response.text


def test_without_the_nul_the_same_posts_reach_their_views(agency_user, world):
    client = Client(raise_request_exception=False)
    client.force_login(agency_user)
    offering, shortlist, need = world
    response = client.post(
        reverse("catalog:shortlist-remove", args=[shortlist.public_id]),
        {"offering": "g"},
    )
    assert response.status_code == 404  # not on the shortlist: the view answered
    response = client.post(
        reverse("catalog:shortlist-remove", args=[uuid.uuid4()]), {"offering": "g"}
    )
    assert response.status_code == 404
