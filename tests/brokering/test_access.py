"""Access to every brokering page: the route table as every role, and another agency's
user gets 404 for every URL of a need or match that is not theirs."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from marketplace.roles import Role
from tests.access import ROLES
from tests.brokering import routes
from tests.marketplace.test_url_access import _outcome

POST_ONLY = {
    "brokering:need-clone",
    "brokering:need-archive",
    "brokering:need-rescore",
    "brokering:match-shortlist",
    "brokering:need-follow",
    "brokering:need-unfollow",
}
GET_ONLY = {
    "brokering:need-detail",
    "brokering:need-priorities-export",
    "brokering:need-results",
    "brokering:need-results-status",
    "brokering:need-matrix",
    "brokering:match-detail",
    "brokering:need-report",
    "brokering:need-report-download",
    "brokering:need-workbook",
}


@pytest.fixture
def world(personas):
    world = SimpleNamespace(users=personas)
    routes.build_world(world)
    return world


def _url(route, world) -> str:
    return reverse(route.name, kwargs=route.kwargs(world) if route.kwargs else None)


@pytest.mark.django_db
def test_brokering_routes_answer_each_role_as_the_table_says(world, client_for):
    mismatches = []
    clients = {role: client_for(world.users[role]) for role in ROLES}
    for route in routes.ROUTES:
        url = _url(route, world)
        for role in ROLES:
            response = getattr(clients[role], route.method)(url)
            if _outcome(response) != route.expect[role]:
                mismatches.append(
                    f"{url} as {role}: {_outcome(response)} != {route.expect[role]}"
                )
    assert mismatches == []


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_agency_gets_404_for_every_url_of_a_need(
    world, client_for, other_agency_user, method
):
    client = client_for(other_agency_user)
    answers = {}
    for route in routes.ROUTES:
        if route.kwargs is None or not route.name.startswith("brokering:"):
            continue  # the dashboard's CSV names a table, not a need: brokers only
        response = getattr(client, method)(_url(route, world))
        answers[route.name] = response.status_code
    # A method a view does not take is refused before the lookup (405); every other
    # answer is 404: the need and its matches do not exist for this agency.
    refused = POST_ONLY if method == "get" else GET_ONLY
    expected = {name: 405 if name in refused else 404 for name in answers}
    assert answers == expected
    world.need.refresh_from_db()
    assert world.need.status == "draft"
    assert world.need.title == "Walked need"


@pytest.mark.django_db
def test_agency_list_shows_only_its_own_needs_and_brokers_see_all(
    world, client_for, other_agency_user, broker
):
    from tests.brokering.factories import NeedFactory

    NeedFactory(agency=other_agency_user.agency, title="Elsewhere's need")
    own = client_for(world.users[Role.AGENCY]).get(reverse("brokering:need-list"))
    other = client_for(other_agency_user).get(reverse("brokering:need-list"))
    everyone = client_for(broker).get(reverse("brokering:need-list"))
    assert "Walked need" in own.text and "Elsewhere" not in own.text
    assert "Elsewhere" in other.text and "Walked need" not in other.text
    assert "Walked need" in everyone.text and "Elsewhere" in everyone.text


@pytest.mark.django_db
def test_an_id_beyond_the_databases_range_is_not_found(world, client_for, broker):
    """A URL can name any number: one no id column can hold answers 404, as the
    ORM's lookup did, not a server error (the need and the match are read through
    compiled queries that bind the number as it is)."""
    beyond = 2**63
    agency = client_for(world.users[Role.AGENCY])
    for client in (agency, client_for(broker)):
        for url in (
            reverse("brokering:need-detail", args=[beyond]),
            reverse("brokering:need-report", args=[beyond]),
            reverse("brokering:match-detail", args=[beyond, world.match.pk]),
            reverse("brokering:match-detail", args=[world.need.pk, beyond]),
            f"/api/v1/needs/{beyond}/",
        ):
            assert client.get(url).status_code == 404, url
    assert agency.get(_url(routes.ROUTES[2], world)).status_code == 200
