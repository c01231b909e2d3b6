from tests.access import OK, Route, everyone

ROUTES = [
    Route("marketplace:live", everyone(OK)),
]
