from tests.access import NOT_FOUND, Route, everyone

# Sign-in with Login.gov is off unless OIDC_RP_CLIENT_ID is set (tests/hardening/
# test_login_gov.py turns it on against a fake provider); off, its pages do not exist.
ROUTES = [
    Route("marketplace:login-gov", everyone(NOT_FOUND)),
    Route("marketplace:login-gov-callback", everyone(NOT_FOUND)),
]
