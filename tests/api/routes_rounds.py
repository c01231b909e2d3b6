"""Route table of the rounds API (the world is built by
``tests/brokering/routes_rounds.py``): agencies and brokers read rounds,
providers read the requests sent to them."""

from marketplace.roles import Role
from tests.access import NOT_ALLOWED, Route
from tests.api.routes import api_only

ROUTES_READERS = api_only(Role.AGENCY, Role.BROKER, Role.ADMIN)
# Write-only endpoints walked with GET: their parties are let in, then told 405.
READERS_WRITE = api_only(Role.AGENCY, Role.BROKER, Role.ADMIN, outcome=NOT_ALLOWED)
PROVIDER_WRITE = api_only(Role.PROVIDER, outcome=NOT_ALLOWED)

ROUTES = [
    Route("api:round-list", ROUTES_READERS),
    Route("api:round-detail", ROUTES_READERS, lambda w: {"round_id": w.round.pk}),
    Route(
        "api:round-question-reply",
        READERS_WRITE,
        lambda w: {"round_id": w.round.pk, "question_id": w.question.pk},
    ),
    Route("api:request-list", api_only(Role.PROVIDER)),
    Route(
        "api:request-response",
        PROVIDER_WRITE,
        lambda w: {"invitation_id": w.invitation.pk},
    ),
    Route(
        "api:request-submit",
        PROVIDER_WRITE,
        lambda w: {"invitation_id": w.invitation.pk},
    ),
    Route(
        "api:request-detail",
        api_only(Role.PROVIDER),
        lambda w: {"invitation_id": w.invitation.pk},
    ),
]
