"""Security controls on the embedded setup: CSP on every page and no inline code,
sign-in lockout, rate limits, session expiry, CSRF and password rules."""

import subprocess
import sys
import time
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authentication import SessionAuthentication
from rest_framework.views import APIView

from marketplace.security import LAST_SEEN_KEY
from tests.access import OK, ROLES
from tests.marketplace.factories import DEMO_PASSWORD
from tests.marketplace.test_url_access import all_routes, world  # noqa: F401

LOGIN_URL = "/account/sign-in/"


class InlineCodeFinder(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler attribute")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}> style attribute")
            if name in ("href", "src", "action") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}> javascript: URL")
        if tag == "style":
            self.problems.append("<style> block")
        # JSON data islands (json_script) are not executed and CSP allows them.
        if (
            tag == "script"
            and not attributes.get("src")
            and attributes.get("type") != "application/json"
        ):
            self.problems.append("inline <script> block")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def test_the_inline_code_finder_finds_what_csp_blocks():
    html = (
        '<p style="color:red">x</p><button onclick="go()">b</button>'
        "<script>alert(1)</script><style>p{}</style>"
        '<a href="javascript:void(0)">a</a>'
        '<script src="/static/x.js"></script>'
        '<script type="application/json" id="d">{"a": 1}</script>'
    )
    assert len(inline_code(html)) == 5


@pytest.mark.timeout(900)
@pytest.mark.django_db
def test_every_page_has_a_csp_and_no_inline_code_for_every_role(world, client_for):  # noqa: F811
    """Walk the URL-access tables: every HTML page that answers 200 must work under
    the Content Security Policy (no inline script, handlers or style attributes)."""
    problems = []
    pages = 0
    for route in all_routes():
        if route.method != "get":
            continue
        url = reverse(route.name, kwargs=route.kwargs(world) if route.kwargs else None)
        if route.query:
            url = f"{url}?{route.query}"
        allowed = [role for role in ROLES if route.expect[role] == OK]
        # The least and the most privileged role that may read the page: between
        # them they see every template branch at a fraction of the walk's cost.
        for role in dict.fromkeys(allowed[:1] + allowed[-1:]):
            response = client_for(world.users[role]).get(url, route.data)
            assert "Content-Security-Policy" in response.headers, url
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            pages += 1
            body = response.content.decode()
            problems.extend(f"{url} as {role}: {p}" for p in inline_code(body))
    assert pages > 0
    assert problems == [], "\n".join(sorted(set(problems)))


def test_the_policy_forbids_inline_script_and_other_origins(client):
    policy = client.get(LOGIN_URL).headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


# ---- lockout -------------------------------------------------------------------------


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(
        LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_username_from_that_address(
    client, agency_user, provider_user
):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = attempt(client, agency_user.username, "wrong password")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.text
    locked = attempt(client, agency_user.username, "wrong password")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.text
    assert f"for <strong>{agency_user.username}</strong>" in locked.text
    assert "The right password will not work until then" in locked.text

    # The right password does not help while locked.
    again = attempt(client, agency_user.username, DEMO_PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session

    # Another user from the same address, and the same user from elsewhere, are not
    # affected: an attacker cannot lock a victim out from their own address.
    other = Client()
    assert attempt(other, provider_user.username, DEMO_PASSWORD).status_code == 302
    elsewhere = Client()
    response = attempt(elsewhere, agency_user.username, DEMO_PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_lockout_ends_after_the_cool_off_time(client, agency_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, agency_user.username, "wrong password")
    assert attempt(client, agency_user.username, DEMO_PASSWORD).status_code == 429
    # Let the cool-off pass by moving the recorded attempts back in time.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - timedelta(hours=settings.AXES_COOLOFF_TIME)
    )
    assert attempt(client, agency_user.username, DEMO_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_successful_sign_in_resets_the_failure_count(client, agency_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, agency_user.username, "wrong password")
    assert attempt(client, agency_user.username, DEMO_PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, agency_user.username, "wrong").status_code == 200


# ---- rate limits ---------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(RATE_LIMITS={"sign-in": "3/600", "upload": "30/600"})
def test_sign_in_attempts_are_rate_limited_per_address(client):
    for n in range(3):
        response = attempt(client, f"nobody-{n}", "wrong")
        assert response.status_code == 200
    limited = attempt(client, "nobody-4", "wrong")
    assert limited.status_code == 429
    assert "too many sign-in attempts" in limited.text
    assert 0 < int(limited["Retry-After"]) <= 600
    # Reading the page is not limited; another address is not affected.
    assert client.get(LOGIN_URL, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert attempt(Client(), "nobody-5", "wrong", ip="10.0.0.9").status_code == 200


@pytest.mark.django_db
@override_settings(RATE_LIMITS={"sign-in": "20/300", "upload": "2/600"})
def test_uploads_are_rate_limited_per_user_but_not_the_api(client_for, provider_user):
    client = client_for(provider_user)
    url = reverse("marketplace:password-change")
    for _ in range(2):
        # A multipart POST counts as an upload whatever the page does with it.
        assert client.post(url, {"old_password": "x"}).status_code == 200
    limited = client.post(url, {"old_password": "x"})
    assert limited.status_code == 429
    assert "too many uploads" in limited.text
    assert "Nothing you sent in this last request was saved" in limited.text
    # The API has DRF's own throttles; this limit leaves it alone.
    assert client.post("/api/v1/not-a-page/", {"a": "b"}).status_code != 429


# ---- sessions ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_idle_session_ends_with_a_message(client, agency_user):
    client.force_login(agency_user)
    url = reverse("marketplace:password-change")
    assert client.get(url).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get(url, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("marketplace:login"))
    assert "You were signed out after a period without activity" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_active_session_stays_signed_in_and_is_refreshed(client, agency_user):
    client.force_login(agency_user)
    url = reverse("marketplace:password-change")
    client.get(url)
    session = client.session
    almost_idle = int(time.time()) - settings.SESSION_IDLE_SECONDS + 30
    session[LAST_SEEN_KEY] = almost_idle
    session.save()
    assert client.get(url).status_code == 200
    assert client.session[LAST_SEEN_KEY] > almost_idle


@pytest.mark.django_db
def test_a_session_has_an_absolute_lifetime_and_a_new_id_at_sign_in(
    client, agency_user
):
    client.get(LOGIN_URL)
    client.cookies[settings.SESSION_COOKIE_NAME] = "planted-session-id"
    attempt(client, agency_user.username, DEMO_PASSWORD)
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert session_id != "planted-session-id"
    assert client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60


# ---- CSRF ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_form_posted_without_its_csrf_token_is_refused_clearly(agency_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        LOGIN_URL, {"username": agency_user.username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert "Nothing was saved" in response.text


def all_views(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from all_views(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_no_view_is_exempt_from_csrf_protection():
    exempt = []
    for route, view in all_views():
        if not getattr(view, "csrf_exempt", False):
            continue
        view_class = getattr(view, "cls", None)
        if view_class is not None and issubclass(view_class, APIView):
            # DRF exempts its views from Django's middleware and checks CSRF itself
            # for cookie sessions; token clients send no cookie to forge.
            for auth in view_class.authentication_classes:
                if issubclass(auth, SessionAuthentication):
                    assert auth.enforce_csrf is SessionAuthentication.enforce_csrf, (
                        f"{route}: {auth.__name__} skips the CSRF check"
                    )
            continue
        exempt.append(route)
    assert exempt == []


# ---- passwords -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak, reason",
    [
        ("short pw 1", "too short"),
        ("password1234", "too common"),
        ("839201746352", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(weak, reason):
    with pytest.raises(ValidationError) as error:
        validate_password(weak)
    assert reason in " ".join(error.value.messages)


def test_long_passphrases_are_accepted():
    validate_password("a sentence of sixty-four characters is fine for a passphrase!!")
    validate_password("x" * 20 + " unusual enough passphrase " + "y" * 40)


@pytest.mark.django_db
def test_the_password_change_form_says_why_a_password_is_refused(
    client_for, agency_user
):
    response = client_for(agency_user).post(
        reverse("marketplace:password-change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "short",
            "new_password2": "short",
        },
    )
    assert response.status_code == 200
    assert "This password is too short" in response.text


# ---- static analysis -----------------------------------------------------------------


def test_bandit_finds_nothing_in_the_apps():
    """`make lint`'s command: a finding without an explained # nosec fails."""
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "bandit"),
            "-q",
            "-c",
            "pyproject.toml",
            "-r",
            "marketplace",
            "catalog",
            "standards",
            "brokering",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
