"""Route table of the rounds API (the world is built by
``tests/brokering/routes_rounds.py``): agencies and brokers read rounds,
providers read the requests sent to them."""

from marketplace.roles import Role
from tests.access import Route
from tests.api.routes import api_only

ROUTES_READERS = api_only(Role.AGENCY, Role.BROKER, Role.ADMIN)

ROUTES = [
    Route("api:round-list", ROUTES_READERS),
    Route("api:round-detail", ROUTES_READERS, lambda w: {"round_id": w.round.pk}),
    Route("api:request-list", api_only(Role.PROVIDER)),
    Route(
        "api:request-detail",
        api_only(Role.PROVIDER),
        lambda w: {"invitation_id": w.invitation.pk},
    ),
]
