"""Settings for the FM Marketplace portal: one file, driven by the environment.

Every variable is listed in the README's configuration table. The defaults give the
embedded setup (SQLite, tasks run in-process); production sets DATABASE_URL,
CELERY_BROKER_URL and DJANGO_SECRET_KEY.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from marketplace import queues
from marketplace.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(make run sets DJANGO_DEBUG=1 for local use)."
        )
    # Only reachable with DJANGO_DEBUG on, never in production.
    SECRET_KEY = "insecure-development-key-only-used-when-DJANGO_DEBUG-is-on"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "marketplace",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "standards",
    "catalog",
    "brokering",
    "seeding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "marketplace.staticfiles.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "marketplace.security.SessionIdleTimeoutMiddleware",
    "marketplace.security.RateLimitMiddleware",
    "marketplace.security.NulInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that it sees a view's database error first: 503, not 500.
    "marketplace.health.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marketplace.context_processors.navigation",
                "marketplace.oidc.context",
                "seeding.notice.context",
            ],
        },
    },
    # The longest tables' rows only (templates/jinja2/: a need's explanation and
    # fit-gap rows, an offering page's claims), rendered by marketplace.table_rows;
    # autoescaped as Django's templates are.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"autoescape": True},
    },
]
FORM_RENDERER = "marketplace.forms.USWDSFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Parallel test runs against one server each need a test database of their own.
if env_str("DJANGO_TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("DJANGO_TEST_DATABASE_NAME")}
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "marketplace.User"
LOGIN_URL = "marketplace:login"
LOGIN_REDIRECT_URL = "marketplace:home"
LOGOUT_REDIRECT_URL = "marketplace:home"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True
# One date and time format (ISO 8601, times with their zone): marketplace/formats/.
FORMAT_MODULE_PATH = ["marketplace.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
    ("axe", BASE_DIR / "node_modules" / "axe-core"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Public pages (the catalog) rendered for visitors without a session are kept this
# long at most (marketplace.pagecache); any change to what they show drops them at once.
# 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 300)
# The brokers' dashboard is kept per broker and session (marketplace.pagecache) until
# needs, rounds, submissions, claims or evidence change, and this long at most: what
# ages by the hour (submissions waiting, responses overdue) is at most this late.
# 0 turns it off.
DASHBOARD_CACHE_SECONDS = env_int("DJANGO_DASHBOARD_CACHE_SECONDS", 60)
# Each web process keeps the catalog's facet index of the current catalog version
# (catalog.selectors.facets); the tests, which write rows directly, build it per search.
CATALOG_FACET_INDEX_KEEP = env_bool("DJANGO_CATALOG_FACET_INDEX_KEEP", default=True)
# Scoring reads a release's shelf from its packed snapshot per catalog version
# (catalog.shelf); the tests, which write rows directly, compare every row's key.
SCORING_SHELF_SNAPSHOT = env_bool("DJANGO_SCORING_SHELF_SNAPSHOT", default=True)

# ---- Security ----------------------------------------------------------------------
# Production defaults (DJANGO_DEBUG off) are the strict ones, so that
# `manage.py check --deploy` is clean; local development over plain http on 127.0.0.1
# turns the https-only parts off. Each setting is described in docs/security.md.
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=HTTPS)
# Load balancers probe the health check over plain http inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/live$"]
if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the portal append to X-Forwarded-For (0: none; the
# client's address is REMOTE_ADDR). Lockouts and rate limits key on that address.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
# The whole .gov top-level domain is on the browsers' HSTS preload list already.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, has no
    # Domain and has Path=/, so a sibling subdomain cannot plant or read it.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, each request's read made with one plain statement
# (marketplace/sessions.py).
SESSION_ENGINE = "marketplace.sessions"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Absolute lifetime of a sign-in, and the idle time after which it ends
# (marketplace.security.SessionIdleTimeoutMiddleware).
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_AGE_SECONDS", 8 * 60 * 60)
SESSION_IDLE_SECONDS = env_int("DJANGO_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A provider's response form posts four fields per need item (level, roadmap date,
# comment, evidence): a need of every kind has about 400 items, a need may hold the
# whole release. Django's default of 1,000 fields refused any response of more than
# 248 items (400 Bad Request, found by the round benchmark, bench/rounds.py).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
# Multipart posts of plain fields (a form that takes uploads, no file chosen) parsed
# in one pass; every other body by Django's parser (marketplace/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "marketplace.uploads.FieldsFirstHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Content Security Policy (django-csp): no inline script or style, nothing from other
# origins; USWDS is served from /static/. Its file input previews use data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Sign-in lockout (django-axes): a username is locked from one address after
# AXES_FAILURE_LIMIT failed attempts, for AXES_COOLOFF_TIME hours (FedRAMP AC-7).
# Keying on the (username, address) pair stops an attacker elsewhere from locking a
# user out on purpose; the per-address rate limit below slows password spraying.
AUTHENTICATION_BACKENDS = [
    "marketplace.security.LockoutBackend",
    # Django's, reading a signed-in request's user with one plain statement.
    "marketplace.backends.ModelBackend",
    "marketplace.oidc.LoginGovBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_SIGN_IN_FAILURE_LIMIT", 3)
AXES_COOLOFF_TIME = env_int("DJANGO_SIGN_IN_LOCKOUT_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "marketplace.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "marketplace.security.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
# Every failed sign-in is kept (who, from where, when) for the audit trail; lockouts are
# logged by marketplace.security.lockout_response rather than axes' chatty INFO lines.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# Rate limits for pages outside the API (the API has DRF throttles): at most N requests
# per window of S seconds, written "N/S", per signed-in user or per address.
RATE_LIMITS = {
    "sign-in": env_str("DJANGO_RATE_LIMIT_SIGN_IN", "20/300"),
    "upload": env_str("DJANGO_RATE_LIMIT_UPLOAD", "30/600"),
    "account-request": env_str("DJANGO_RATE_LIMIT_ACCOUNT_REQUEST", "5/3600"),
}
# The rate-limit counters live in the cache: Redis when DJANGO_CACHE_URL is set (so
# that every web process counts together), else each process's memory.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("DJANGO_CACHE_URL"),
        }
        if env_str("DJANGO_CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Sign in with Login.gov (OpenID Connect, marketplace/oidc.py): on when
# OIDC_RP_CLIENT_ID is set. Endpoints default to Login.gov's paths under the issuer
# (the identity sandbox unless OIDC_OP_ISSUER says https://secure.login.gov).
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "https://idp.int.identitysandbox.gov")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str(
    "OIDC_OP_AUTHORIZATION_ENDPOINT", f"{OIDC_OP_ISSUER}/openid_connect/authorize"
)
OIDC_OP_TOKEN_ENDPOINT = env_str(
    "OIDC_OP_TOKEN_ENDPOINT", f"{OIDC_OP_ISSUER}/api/openid_connect/token"
)
OIDC_OP_USER_ENDPOINT = env_str(
    "OIDC_OP_USER_ENDPOINT", f"{OIDC_OP_ISSUER}/api/openid_connect/userinfo"
)
OIDC_OP_JWKS_ENDPOINT = env_str(
    "OIDC_OP_JWKS_ENDPOINT", f"{OIDC_OP_ISSUER}/api/openid_connect/certs"
)
# private_key_jwt (Login.gov's recommended client authentication): the PEM file of the
# key whose certificate is registered with Login.gov. Without it, PKCE alone.
OIDC_RP_PRIVATE_KEY_FILE = env_str("OIDC_RP_PRIVATE_KEY_FILE", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_USE_PKCE = not OIDC_RP_PRIVATE_KEY_FILE
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email"
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {
    "acr_values": env_str(
        "OIDC_ACR_VALUES", "http://idmanagement.gov/ns/assurance/ial/1"
    ),
    "prompt": "select_account",
}
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "marketplace:login-gov-callback"
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
# ---- end of Security -----------------------------------------------------------------

# E-mail: console in development; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "FM Marketplace <noreply@localhost>")
BROKER_NOTIFICATION_EMAILS = env_list("BROKER_NOTIFICATION_EMAILS", default=[])
# Where people reach the portal; links in e-mails start with it.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")
# Largest evidence document a provider may upload (docs/providers.md).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)

# Freshness policy (catalog/freshness.py): a claim no broker has verified for more
# than this many days is stale.
CLAIM_STALE_AFTER_DAYS = env_int("CLAIM_STALE_AFTER_DAYS", 365)

# Matches kept per need: its best N offerings, plus any a broker or agency acted on.
BROKERING_MATCHES_KEPT = env_int("BROKERING_MATCHES_KEPT", 200)
# A scoring run running this long without a heartbeat lost its worker: the sweep sends
# it again (brokering/services/runs.py).
BROKERING_RUN_STALE_SECONDS = env_int("BROKERING_RUN_STALE_SECONDS", 60)

# Celery: with no broker URL, tasks run in-process when they are enqueued.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "marketplace")
# One queue per kind of work (marketplace.queues): scoring, email, sweeps.
CELERY_TASK_ROUTES = queues.task_routes(
    {work: env_str(queues.setting_name(work), work) for work in queues.TASKS_BY_WORK}
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "marketplace.heartbeat", "schedule": 60.0},
    "brokering-sweep-scoring-runs": {
        "task": "brokering.sweep_scoring_runs",
        "schedule": 60.0,
    },
    "brokering-round-deadlines": {
        "task": "brokering.round_deadlines",
        "schedule": 60.0,
    },
    # Daily; a missed day is caught up the next (reminders are windows, not days).
    "catalog-evidence-reminders": {
        "task": "catalog.send_evidence_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
    # Alerts (marketplace/notifications.py): the daily digest, and saved searches
    # checked for newly published offerings.
    "marketplace-notification-digests": {
        "task": "marketplace.send_notification_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "catalog-saved-searches": {
        "task": "catalog.check_saved_searches",
        "schedule": crontab(minute="*/15"),
    },
}

# API tokens stop working this many days after they are created (marketplace.tokens).
API_TOKEN_DAYS = env_int("DJANGO_API_TOKEN_DAYS", 90)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "marketplace.schema.PortalAutoSchema",
    # Token first: an anonymous client is told 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "marketplace.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.api.ApiPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "marketplace.api.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "marketplace.api.AnonymousThrottle",
        "marketplace.api.SignedInThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/minute"),
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
    },
    # JSON only: the browsable API's pages carry inline scripts that the CSP forbids.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FM Marketplace API",
    "DESCRIPTION": "Standards, catalog and brokering data of the FM Marketplace. "
    "Authenticate with a token (`Authorization: Token <key>`, created at "
    "/api/tokens/) or a signed-in session. Every error has one shape "
    "(`Error`); every list is paginated with `page` and `page_size`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProviderKind": "catalog.models.ProviderKind",
        "CapabilityKind": "standards.models.CapabilityKind",
        "DeploymentModel": "catalog.models.DeploymentModel",
        "ImpactLevel": "catalog.models.ImpactLevel",
        "OfferingStatus": "catalog.models.OfferingStatus",
        "ReleaseStatus": "standards.models.ReleaseStatus",
        "NeedStatus": "brokering.models.NeedStatus",
        "RunStatus": "brokering.models.RunStatus",
        "MatchStatus": "brokering.models.MatchStatus",
        "ClaimLevel": "catalog.models.ClaimLevel",
        "Priority": "brokering.models.Priority",
        "RoundStatus": "brokering.models.RoundStatus",
        "ResponseStatus": "brokering.models.ResponseStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "marketplace.api.add_error_responses",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes reports every sign-in at INFO; lockouts are logged as warnings by
    # marketplace.security and every failure is kept in its AccessFailureLog table.
    "loggers": {"axes": {"level": "WARNING"}},
}
