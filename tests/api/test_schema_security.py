"""The schema tells clients which operations work without credentials."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(anonymous):
    return anonymous.get("/api/schema/", {"format": "json"}).json()


def open_operations(schema) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if {} in operation.get("security", [])
    }


def test_public_reads_are_marked_usable_without_credentials(schema, anonymous):
    public = open_operations(schema)
    for path in (
        "/api/v1/offerings/",
        "/api/v1/offerings/{slug}/",
        "/api/v1/providers/",
        "/api/v1/standards/releases/",
        "/api/v1/changes/",
    ):
        assert ("GET", path) in public
        assert {"tokenAuth": []} in schema["paths"][path]["get"]["security"]
    assert anonymous.get("/api/v1/offerings/").status_code == 200


def test_nothing_else_is_marked_open(schema, anonymous):
    public = open_operations(schema)
    assert public, "the public reads are marked"
    assert {method for method, _ in public} == {"GET"}
    assert not [path for _, path in public if "/needs" in path or "/provider/" in path]
    assert anonymous.get("/api/v1/needs/").status_code == 401
