"""Every API endpoint as every role, with tokens: allowed, forbidden, or not found for
another organisation's objects. Writes are exercised in the per-area test modules;
here each write endpoint is called with a body that would be accepted, so that the
answer is decided by access alone."""

import pytest

from marketplace.roles import Role
from tests.api.world import build_api_world

pytestmark = pytest.mark.django_db

V, A, P, B, ADM = Role.VISITOR, Role.AGENCY, Role.PROVIDER, Role.BROKER, Role.ADMIN


def everyone(code=200):
    return dict.fromkeys(Role, code)


def only(*roles, code=200):
    table = {role: (code if role in roles else 403) for role in Role}
    table[V] = 401
    return table


READERS = (A, B, ADM)

# (method, url template, body, expected status per role). Templates are filled from
# the world: {release}, {code}, {published}, {draft}, {provider}, {need}, {match}.
ENDPOINTS = [
    ("get", "/api/v1/standards/releases/", None, everyone()),
    ("get", "/api/v1/standards/releases/{release}/", None, everyone()),
    ("get", "/api/v1/standards/releases/{release}/functions/", None, everyone()),
    ("get", "/api/v1/standards/releases/{release}/activities/", None, everyone()),
    ("get", "/api/v1/standards/releases/{release}/capabilities/", None, everyone()),
    (
        "get",
        "/api/v1/standards/releases/{release}/capabilities/{code}/",
        None,
        everyone(),
    ),
    (
        "get",
        "/api/v1/standards/releases/{release}/service-measures/",
        None,
        everyone(),
    ),
    ("get", "/api/v1/providers/", None, everyone()),
    ("get", "/api/v1/providers/{provider}/", None, everyone()),
    ("get", "/api/v1/offerings/", None, everyone()),
    ("get", "/api/v1/offerings/{published}/", None, everyone()),
    ("get", "/api/v1/offerings/{published}/claims/", None, everyone()),
    ("get", "/api/v1/changes/", None, everyone()),
    ("get", "/api/v1/provider/offerings/", None, only(P)),
    ("get", "/api/v1/provider/offerings/{draft}/", None, only(P)),
    (
        "patch",
        "/api/v1/provider/offerings/{draft}/",
        {"summary": "A better summary."},
        only(P),
    ),
    ("post", "/api/v1/provider/offerings/{draft}/submit/", {}, only(P)),
    ("get", "/api/v1/provider/offerings/{draft}/claims/", None, only(P)),
    ("get", "/api/v1/provider/offerings/{draft}/claims/{code}/", None, only(P)),
    (
        "put",
        "/api/v1/provider/offerings/{draft}/claims/{code}/",
        {"level": "configurable"},
        only(P),
    ),
    ("get", "/api/v1/needs/", None, only(*READERS)),
    ("get", "/api/v1/needs/{need}/", None, only(*READERS)),
    ("patch", "/api/v1/needs/{need}/", {"title": "Renamed"}, only(A)),
    ("get", "/api/v1/needs/{need}/items/", None, only(*READERS)),
    (
        "patch",
        "/api/v1/needs/{need}/items/",
        {"priorities": {"{code}": "must"}},
        only(A),
    ),
    ("get", "/api/v1/needs/{need}/runs/", None, only(*READERS)),
    ("get", "/api/v1/needs/{need}/matches/", None, only(*READERS)),
    ("get", "/api/v1/needs/{need}/matches/{match}/", None, only(*READERS)),
    ("post", "/api/v1/needs/{need}/score/", None, only(A, code=202)),
    ("post", "/api/v1/needs/{need}/archive/", None, only(A)),
]

# The same endpoints aimed at another organisation's objects: the roles that may use
# the endpoint are told 404, exactly as if the object did not exist.
OTHERS = [
    ("get", "/api/v1/provider/offerings/{other_draft}/", None, P),
    ("patch", "/api/v1/provider/offerings/{other_draft}/", {"summary": "x"}, P),
    ("post", "/api/v1/provider/offerings/{other_draft}/submit/", {}, P),
    ("post", "/api/v1/provider/offerings/{other_draft}/withdraw/", {}, P),
    ("get", "/api/v1/provider/offerings/{other_draft}/claims/", None, P),
    ("get", "/api/v1/provider/offerings/{other_draft}/claims/{code}/", None, P),
    (
        "put",
        "/api/v1/provider/offerings/{other_draft}/claims/{code}/",
        {"level": "meets"},
        P,
    ),
    ("delete", "/api/v1/provider/offerings/{other_draft}/claims/{code}/", None, P),
    ("get", "/api/v1/needs/{other_need}/", None, A),
    ("patch", "/api/v1/needs/{other_need}/", {"title": "Mine now"}, A),
    ("get", "/api/v1/needs/{other_need}/items/", None, A),
    ("get", "/api/v1/needs/{other_need}/runs/", None, A),
    ("get", "/api/v1/needs/{other_need}/matches/", None, A),
    ("get", "/api/v1/needs/{other_need}/matches/{other_match}/", None, A),
    ("get", "/api/v1/needs/{need}/matches/{other_match}/", None, A),
    ("post", "/api/v1/needs/{other_need}/score/", None, A),
    ("post", "/api/v1/needs/{other_need}/archive/", None, A),
    # Public reads do not show what is not published.
    ("get", "/api/v1/offerings/{draft}/", None, V),
    ("get", "/api/v1/offerings/{draft}/claims/", None, V),
]


def _fill(template, world):
    values = {
        "release": world.release.name,
        "code": world.capability.code,
        "published": world.published.slug,
        "draft": world.draft.slug,
        "other_draft": world.other_draft.slug,
        "provider": world.published.provider.slug,
        "need": world.need.pk,
        "other_need": world.other_need.pk,
        "match": world.match.pk,
        "other_match": world.other_match.pk,
    }
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, dict):
        return {_fill(k, world): _fill(v, world) for k, v in template.items()}
    return template


@pytest.mark.parametrize(
    ("method", "template", "body", "expected"),
    ENDPOINTS,
    ids=[f"{m} {t}" for m, t, _, _ in ENDPOINTS],
)
def test_each_role_gets_what_the_table_says(
    method, template, body, expected, personas, api_for
):
    world = build_api_world(personas)
    url, data = _fill(template, world), _fill(body, world)
    answers = {}
    # Roles that may not use the endpoint go first: their calls must change nothing
    # that the allowed role's call then relies on.
    for role in sorted(Role, key=lambda role: expected[role] < 400):
        response = getattr(api_for(personas[role]), method)(url, data)
        answers[role] = response.status_code
        if response.status_code >= 400:
            error = response.json()["error"]
            assert set(error) == {"status", "code", "message", "fields"}
            assert error["status"] == response.status_code
    assert answers == expected


@pytest.mark.parametrize(
    ("method", "template", "body", "role"),
    OTHERS,
    ids=[f"{m} {t}" for m, t, _, _ in OTHERS],
)
def test_another_organisations_objects_are_not_found(
    method, template, body, role, personas, api_for
):
    world = build_api_world(personas)
    response = getattr(api_for(personas[role]), method)(
        _fill(template, world), _fill(body, world)
    )
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "not_found"


def test_brokers_read_every_agencys_needs(personas, api_for):
    world = build_api_world(personas)
    client = api_for(personas[B])
    listed = client.get("/api/v1/needs/").json()["results"]
    assert {need["id"] for need in listed} == {world.need.pk, world.other_need.pk}
    assert client.get(f"/api/v1/needs/{world.other_need.pk}/").status_code == 200


def test_agency_users_list_only_their_agencys_needs(personas, api_for):
    world = build_api_world(personas)
    listed = api_for(personas[A]).get("/api/v1/needs/").json()["results"]
    assert [need["id"] for need in listed] == [world.need.pk]


def test_provider_users_list_only_their_own_offerings(personas, api_for):
    world = build_api_world(personas)
    listed = api_for(personas[P]).get("/api/v1/provider/offerings/").json()["results"]
    assert {o["slug"] for o in listed} == {world.published.slug, world.draft.slug}


def test_session_sign_in_works_like_a_token(personas, client_for):
    world = build_api_world(personas)
    response = client_for(personas[A]).get(f"/api/v1/needs/{world.need.pk}/")
    assert response.status_code == 200
    assert response.json()["title"] == world.need.title
