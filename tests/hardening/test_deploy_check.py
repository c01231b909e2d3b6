"""Production settings, checked in a fresh process with a production-like environment:
`manage.py check --deploy` is clean, and the responses carry the security headers."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# What the settings module reads that a test run may have set; a production process
# starts without them.
DEVELOPMENT_ONLY = (
    "DJANGO_DEBUG",
    "DJANGO_HTTPS",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_HSTS_SECONDS",
    "DJANGO_SECURE_HSTS_PRELOAD",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "DJANGO_SETTINGS_MODULE",
    # set by the browser tests (tests/e2e/conftest.py) for Playwright's event loop
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def production_env(tmp_path, **overrides) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DEVELOPMENT_ONLY}
    env.update(
        {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "fm.example.gov",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "marketplace.settings",
        }
    )
    env.update(overrides)
    return env


def run_manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_when_https_protections_are_turned_off(tmp_path):
    result = run_manage(
        production_env(tmp_path, DJANGO_HTTPS="0"),
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    for check_id in ("security.W004", "security.W008", "security.W012"):
        assert check_id in result.stderr


def test_production_refuses_to_start_without_a_secret(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
# Production serves collectstatic's hashed names; this probe has not run it.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
client = Client()
plain = client.get("/account/sign-in/", HTTP_HOST="fm.example.gov")
health = client.get("/healthz", HTTP_HOST="fm.example.gov")
secure = client.get("/account/sign-in/", HTTP_HOST="fm.example.gov", secure=True)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "health_status": health.status_code,
    "headers": dict(secure.headers),
    "cookies": {
        name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"]),
               "samesite": c["samesite"], "path": c["path"], "domain": c["domain"]}
        for name, c in secure.cookies.items()
    },
}))
"""


def test_production_responses_carry_the_security_headers(tmp_path):
    env = production_env(tmp_path)
    assert run_manage(env, "migrate", "--noinput").returncode == 0
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])

    # Plain http is sent to https, except the load balancer's health check.
    assert probe["plain"] == [301, "https://fm.example.gov/account/sign-in/"]
    assert probe["health_status"] in (200, 503)

    headers = probe["headers"]
    assert headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    csp = dict(
        directive.strip().split(" ", 1)
        for directive in headers["Content-Security-Policy"].split(";")
    )
    assert csp["script-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"

    csrf_cookie = probe["cookies"]["__Host-csrftoken"]
    assert csrf_cookie["secure"] and csrf_cookie["httponly"]
    assert csrf_cookie["samesite"] == "Lax"
    assert csrf_cookie["path"] == "/" and csrf_cookie["domain"] == ""
