"""Walk every URL pattern as every role and compare the answer with the route tables."""

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import path, reverse

from marketplace.roles import Role, public
from tests.access import LOGIN, ROLES, Route, unlisted_names, url_names

TESTS = Path(__file__).resolve().parent.parent
# Worlds are built in the order data flows: standards, catalog, brokering, the rest.
ORDER = ("marketplace", "standards", "catalog", "brokering")


def route_modules():
    """Every ``tests/<area>/routes*.py`` module, in data-flow order."""
    files = sorted(
        TESTS.glob("*/routes*.py"),
        key=lambda f: (
            ORDER.index(f.parent.name) if f.parent.name in ORDER else len(ORDER),
            f.parent.name,
            f.name,
        ),
    )
    return [importlib.import_module(f"tests.{f.parent.name}.{f.stem}") for f in files]


def all_routes() -> list[Route]:
    return [route for module in route_modules() for route in module.ROUTES]


@pytest.fixture
def world(personas):
    world = SimpleNamespace(users=personas)
    for module in route_modules():
        build = getattr(module, "build_world", None)
        if build:
            build(world)
    return world


def test_every_url_pattern_has_a_route_entry():
    missing = unlisted_names(all_routes(), url_names())
    assert missing == [], (
        f"URL patterns without an entry in tests/*/routes.py: {missing}"
    )


def test_every_route_entry_names_a_url_pattern():
    names = set(url_names())
    stale = [route.name for route in all_routes() if route.name not in names]
    assert stale == [], f"route entries for URL names that do not exist: {stale}"


def test_route_tables_cover_every_role():
    for route in all_routes():
        assert set(route.expect) == set(ROLES), f"{route.name} misses a role"


def _outcome(response):
    if response.status_code == 302 and response.url.startswith(
        reverse(settings.LOGIN_URL)
    ):
        return LOGIN
    return response.status_code


@pytest.mark.django_db
def test_every_url_answers_each_role_as_the_table_says(world, client_for):
    mismatches = []
    for route in all_routes():
        url = reverse(route.name, kwargs=route.kwargs(world) if route.kwargs else None)
        if route.query:
            url = f"{url}?{route.query}"
        for role in ROLES:
            client = client_for(world.users[role])
            response = getattr(client, route.method)(url, route.data)
            got = _outcome(response)
            if got != route.expect[role]:
                mismatches.append(
                    f"{route.method.upper()} {url} as {role}: "
                    f"got {got}, table says {route.expect[role]}"
                )
    assert mismatches == [], "\n".join(mismatches)


@public
def _unlisted_view(request):
    from django.http import HttpResponse

    return HttpResponse("not in any table")


urlpatterns = [
    *importlib.import_module(settings.ROOT_URLCONF).urlpatterns,
    path("an-unlisted-page/", _unlisted_view, name="an-unlisted-page"),
]


@override_settings(ROOT_URLCONF=__name__)
def test_the_walk_fails_for_a_view_missing_from_the_tables():
    assert unlisted_names(all_routes(), url_names()) == ["an-unlisted-page"]


def test_roles_cover_visitor_to_admin():
    assert [role.value for role in Role] == [
        "visitor",
        "agency",
        "provider",
        "broker",
        "admin",
    ]
