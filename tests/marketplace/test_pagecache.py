"""Visitors' catalog pages come from the page cache until what they show changes."""

import pytest
from django.urls import reverse

from catalog.models import OfferingStatus
from catalog.workflow import offering_retire
from tests.catalog.catalog_world import make_offering, make_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def shelf():
    release, capabilities = make_release()
    first = make_offering(
        release, covers=[capabilities["FFM.010"]], name="Ledger One", slug="ledger-one"
    )
    second = make_offering(
        release, covers=[capabilities["FFM.030"]], name="Payables Two", slug="pay-two"
    )
    return first, second


def test_a_visitor_repeating_a_page_gets_it_with_one_query(
    client, page_cache, shelf, django_assert_num_queries
):
    first = client.get("/catalog/?q=ledger")
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the catalog's page version
        again = client.get("/catalog/?q=ledger")
    assert again.status_code == 200
    assert again.content == first.content
    # Headers are the middleware's, on every answer, cached or not.
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert again["Content-Type"] == first["Content-Type"]


def test_a_change_through_the_workflow_drops_the_cached_pages(
    client, page_cache, shelf, broker
):
    offering, _ = shelf
    detail = reverse("catalog:offering-detail", args=[offering.slug])
    assert "Ledger One" in client.get("/catalog/").text
    assert client.get(detail).status_code == 200
    offering = offering_retire(offering=offering, by=broker)
    assert offering.status == OfferingStatus.RETIRED
    assert "Ledger One" not in client.get("/catalog/").text
    assert client.get(detail).status_code == 404


def test_a_provider_renamed_in_the_admin_shows_at_once(
    client, client_for, broker, page_cache, shelf
):
    offering, _ = shelf
    provider = offering.provider
    assert provider.name in client.get("/catalog/").text
    response = client_for(broker).post(
        reverse("admin:catalog_provider_change", args=[provider.pk]),
        {
            "name": "Renamed Provider Inc.",
            "slug": provider.slug,
            "kind": provider.kind,
            "website": provider.website,
            "uei": provider.uei,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Renamed Provider Inc." in client.get("/catalog/").text


def test_signed_in_users_and_sessions_are_not_served_from_the_cache(
    client_for, client, page_cache, shelf, agency_user, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/catalog/")  # now cached for visitors
    signed_in = client_for(agency_user)
    signed_in.get("/catalog/")
    with CaptureQueriesContext(connection) as queries:
        page = signed_in.get("/catalog/")
    assert "Sign out" in page.text
    assert len(queries) > 2  # rendered for this user, not taken from the cache
    assert "Sign out" not in client.get("/catalog/").text
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/catalog/").status_code == 200
    assert len(queries) > 2


def test_error_answers_are_not_cached(client, page_cache, shelf):
    assert client.get("/catalog/?sort=nonsense").status_code == 400
    assert client.get("/catalog/?sort=nonsense").status_code == 400
    from django.core.cache import cache

    assert not [k for k in cache._cache if ":page:" in k]  # LocMem's own store


def test_the_cache_is_off_at_zero_seconds(client, settings, shelf):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/catalog/")
    from django.core.cache import cache

    assert not [k for k in cache._cache if ":page:" in k]


def test_threads_missing_the_same_page_at_once_render_it_once(page_cache, rf):
    """While one thread renders a page missing from the cache, the others asking
    for it wait and serve what it kept (marketplace.pagecache._OneRender)."""
    import threading
    import time

    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.http import HttpResponse

    from marketplace import pagecache

    renders = []
    rendering = threading.Event()
    finish = threading.Event()

    @pagecache.cached_for_visitors("catalog")
    def view(request):
        renders.append(threading.get_ident())
        rendering.set()
        finish.wait(10)
        return HttpResponse(f"page {len(renders)}", content_type="text/plain")

    def request():
        made = rf.get("/catalog/?q=once")
        made.user = AnonymousUser()
        return made

    key = pagecache._key("catalog", request())
    answers = {}

    def ask(name):
        try:
            answers[name] = view(request())
        finally:
            connection.close()  # this thread's own

    first = threading.Thread(target=ask, args=("first",))
    first.start()
    assert rendering.wait(10)
    others = [threading.Thread(target=ask, args=(n,)) for n in ("second", "third")]
    for thread in others:
        thread.start()
    deadline = time.monotonic() + 10
    while pagecache._one_render.threads(key) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pagecache._one_render.threads(key) == 3  # one renders, two wait
    finish.set()
    for thread in (first, *others):
        thread.join(10)
    assert len(renders) == 1
    assert {answer.content for answer in answers.values()} == {b"page 1"}
    assert pagecache._one_render.threads(key) == 0  # nothing left behind


def test_a_page_not_kept_is_rendered_by_each_request_in_turn(page_cache, rf):
    """An answer that is not kept (not a 200) is rendered again for the next
    request: waiting for a render never serves a page the cache does not hold."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponseNotFound

    from marketplace import pagecache

    calls = []

    @pagecache.cached_for_visitors("catalog")
    def view(request):
        calls.append(1)
        return HttpResponseNotFound("no")

    for _ in range(2):
        made = rf.get("/catalog/nothing/")
        made.user = AnonymousUser()
        assert view(made).status_code == 404
    assert len(calls) == 2
