"""Bad input never makes a server error: every documented query parameter of every
list, given nonsense, answers 200 or a 400 naming that parameter; nonsense in paths
answers 404; and the values that once escaped validation stay caught."""

import pytest

from marketplace.roles import Role
from tests.api.world import build_api_world

pytestmark = pytest.mark.django_db

NONSENSE = [
    "garbage",
    "",
    "-1",
    "99999999999999999999999",
    "1" * 5000,  # more digits than int() reads
    "²",  # a digit to str.isdigit(), not to int()
    "ünïcødé ✓ 𝔘𝔫𝔦",
    "a\x00b",  # PostgreSQL refuses NUL in strings
    "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
    "9999-12-31T23:59:59-14:00",  # after year 9999 in UTC
    "x" * 300,
    "true",
]

LIST_READERS = {
    "/api/v1/provider/": Role.PROVIDER,
    "/api/v1/needs/": Role.BROKER,
    "/api/v1/rounds/": Role.BROKER,
}


def _fill(path: str, world) -> str:
    return path.format(
        release=world.release.name,
        slug=world.draft.slug if "/provider/" in path else world.published.slug,
        need_id=world.need.pk,
    )


def _reader(path: str) -> Role:
    for prefix, role in LIST_READERS.items():
        if path.startswith(prefix):
            return role
    return Role.VISITOR


def _list_operations(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path, item in schema["paths"].items():
        get = item.get("get")
        if not get or "page" not in {p["name"] for p in get.get("parameters", [])}:
            continue
        names = [p["name"] for p in get["parameters"] if p["in"] == "query"]
        yield path, names


def test_every_list_parameter_takes_nonsense_without_a_server_error(
    personas, api_for, settings
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }
    world = build_api_world(personas)
    operations = list(_list_operations(api_for(None)))
    assert len(operations) >= 15, "the schema lost lists"
    wrong = []
    for path, names in operations:
        client = api_for(personas[_reader(path)])
        url = _fill(path, world)
        assert client.get(url).status_code == 200, url
        for name in names:
            for value in NONSENSE:
                response = client.get(url, {name: value})
                status = response.status_code
                named = set(response.json().get("error", {}).get("fields", {}))
                if status == 400 and not named & {name, f"{name}.0"}:
                    wrong.append((url, name, value[:20], status, named))
                elif status not in (200, 400) and not (
                    status == 404 and name == "page"
                ):
                    wrong.append((url, name, value[:20], status))
    assert wrong == []


@pytest.mark.parametrize("page", ["²", "١", "+1", " 1", "1e3"])
def test_a_page_that_is_not_plain_digits_is_a_400(anonymous, personas, page):
    build_api_world(personas)
    response = anonymous.get("/api/v1/standards/releases/", {"page": page})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["page"]


def test_a_page_number_beyond_any_page_is_a_404(anonymous, personas):
    build_api_world(personas)
    response = anonymous.get("/api/v1/standards/releases/", {"page": "1" * 5000})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    leading_zeros = anonymous.get(
        "/api/v1/standards/releases/", {"page": "0" * 30 + "1"}
    )
    assert leading_zeros.status_code == 200


@pytest.mark.parametrize("size", ["²", "1" * 5000, "0" * 30 + "5"])
def test_a_page_size_that_is_not_plain_digits_is_a_400(anonymous, personas, size):
    build_api_world(personas)
    response = anonymous.get("/api/v1/standards/releases/", {"page_size": size})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["page_size"]


@pytest.mark.parametrize(
    "since",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "9999-12-31T23:59:59",  # in the portal's time zone: after 9999 in UTC
    ],
)
def test_a_since_outside_the_calendar_in_utc_is_a_400(anonymous, since):
    response = anonymous.get("/api/v1/changes/", {"since": since})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["since"]


def test_the_first_and_last_moments_of_the_calendar_are_fine(anonymous):
    assert (
        anonymous.get("/api/v1/changes/", {"since": "0001-01-01T00:00:00Z"}).status_code
        == 200
    )
    assert (
        anonymous.get("/api/v1/changes/", {"since": "9999-12-30T00:00:00Z"}).status_code
        == 200
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/standards/releases/FY%00/",
        "/api/v1/standards/releases/%00/capabilities/",
        "/api/v1/standards/releases/FY2099/capabilities/FFM%00/",
        "/api/v1/provider/offerings/ledger-cloud-next/claims/FFM%00/",
    ],
)
@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_a_nul_in_a_path_is_not_found(as_provider, personas, path, method):
    build_api_world(personas)
    response = getattr(as_provider, method)(path, {"level": "meets"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("code", ["FFM\x00", "F" * 25])
def test_a_priority_for_a_code_that_cannot_be_one_is_a_400(as_agency, personas, code):
    world = build_api_world(personas)
    response = as_agency.patch(
        f"/api/v1/needs/{world.need.pk}/items/", {"priorities": {code: "must"}}
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["priorities"]
