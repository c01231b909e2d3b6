from marketplace.roles import Role
from tests.access import NOT_ALLOWED, OK, REDIRECT, Route, everyone, signed_in

ROUTES = [
    Route("marketplace:home", everyone(OK)),
    Route("marketplace:healthz", everyone(OK)),
    Route("marketplace:about", everyone(OK)),
    Route("marketplace:status", everyone(OK)),
    Route("marketplace:favicon", everyone(OK)),
    Route(
        "marketplace:login",
        {**everyone(REDIRECT), Role.VISITOR: OK},
    ),
    Route("marketplace:logout", signed_in(NOT_ALLOWED)),
    Route("marketplace:password-change", signed_in(OK)),
    Route("marketplace:notifications", signed_in(OK)),
    Route("marketplace:password-change-done", signed_in(OK)),
    Route(
        "admin:index",
        {
            Role.VISITOR: REDIRECT,
            Role.AGENCY: REDIRECT,
            Role.PROVIDER: REDIRECT,
            Role.BROKER: OK,
            Role.ADMIN: OK,
        },
    ),
]
