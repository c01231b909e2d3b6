"""Property-based run of the whole API against its own OpenAPI schema (schemathesis).

For every operation in ``/api/schema/`` and for each client — anonymous, and with an
agency user's, a provider user's and a broker's token — schemathesis generates requests
from the schema (half of them aimed at objects that exist, the rest at random IDs) and
checks each answer: no server error, a documented status code and content type, and a
body that matches the documented schema. The number of examples is bounded.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace.roles import Role
from tests.api.world import build_api_world

EXAMPLES_PER_OPERATION = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

pytestmark = pytest.mark.django_db


@pytest.fixture
def wsgi_app(settings):
    """The project's WSGI application inside the test transaction, unthrottled.

    Like Django's test client, keep connections open across requests: closing one
    would end the test's transaction.
    """
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _known_path_parameters(world, path: str) -> dict:
    """Path parameters naming objects that exist, for the operation at ``path``."""
    known = {
        "release": world.capability.release.name,
        "code": world.capability.code,
        "need_id": world.need.pk,
        "match_id": world.match.pk,
        "slug": world.published.slug,
    }
    if path.startswith("/api/v1/providers/"):
        known["slug"] = world.published.provider.slug
    elif path.startswith("/api/v1/provider/"):
        known["slug"] = world.draft.slug
    return known


@schemathesis.serializer(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
def _xlsx_body(ctx, value) -> bytes:
    """A generated workbook body (the need workbook's PUT): the bytes as they are,
    so that any file is sent and must be answered as the schema says."""
    if isinstance(value, bytes):
        return value
    return str(value).encode()


@pytest.mark.parametrize(
    "role", [Role.VISITOR, Role.AGENCY, Role.PROVIDER, Role.BROKER]
)
def test_every_operation_answers_as_its_schema_says(role, personas, wsgi_app):
    world = build_api_world(personas)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    headers = {}
    if role != Role.VISITOR:
        token, _ = Token.objects.get_or_create(user=personas[role])
        headers["Authorization"] = f"Token {token.key}"

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25, "the schema lost operations"
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        known = {
            name: value
            for name, value in _known_path_parameters(world, operation.path).items()
            if name in names
        }
        strategy = (
            st.one_of(
                operation.as_strategy(), operation.as_strategy(path_parameters=known)
            )
            if known
            else operation.as_strategy()
        )

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
