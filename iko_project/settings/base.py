"""Settings of the IKO server, read from the environment (django-environ).

Every value an operator may need to change is an environment variable; the README lists them.
`IKO_ENV` selects the mode: `production` (the default, strict), `development` or `test`
(insecure conveniences such as a generated secret key are allowed there, never in production).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

IKO_ENV = env.str("IKO_ENV", default="production")
if IKO_ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured(
        f"IKO_ENV must be production, development or test, not {IKO_ENV!r}."
    )
IS_PRODUCTION = IKO_ENV == "production"

DEBUG = env.bool("IKO_DEBUG", default=False)

SECRET_KEY = env.str("IKO_SECRET_KEY", default="")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "IKO_SECRET_KEY is not set. In production IKO needs a long random secret key in the "
            "environment (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'). "
            "For a local trial set IKO_ENV=development instead."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

# Key of the keyed pseudonym (HMAC) of data subjects in the processing log. Separate from
# SECRET_KEY so that rotating the session key does not orphan a person's processing records.
IKO_PSEUDONYM_KEY = env.str("IKO_PSEUDONYM_KEY", default="")
if not IKO_PSEUDONYM_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "IKO_PSEUDONYM_KEY is not set. The processing log stores a keyed pseudonym of each "
            "data subject; set a long random key and keep it safe (the privacy officer needs it "
            "to find a person's records)."
        )
    IKO_PSEUDONYM_KEY = "insecure-development-pseudonym-key"

ALLOWED_HOSTS = env.list("IKO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("IKO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",  # brute-force protection of password login (see "staff login" below)
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "solo",
    "privates",
    "simple_certmanager",
    "zgw_consumers",
    "connectors",
    "connectors.contrib.brp",
    "connectors.contrib.kvk",
    "connectors.contrib.zaken",
    "connectors.contrib.klantinteracties",
    "connectors.contrib.objecten",
    "connectors.contrib.bag",
    "connectors.contrib.generic",
    "profiles",
    "profiles.consent",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "api.middleware.ApiVersionMiddleware",
]

ROOT_URLCONF = "iko_project.urls"
WSGI_APPLICATION = "iko_project.wsgi.application"

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
            ],
        },
    },
]

# SQLite needs no set-up; PostgreSQL through DATABASE_URL (postgres://user@host:5432/name).
VAR_DIR = Path(env.str("IKO_VAR_DIR", default=str(BASE_DIR / "var")))
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'iko.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh checkout has no var/ yet; SQLite cannot create the folder itself.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers run beside the one writer; IMMEDIATE avoids "database is locked"
            # when two threads upgrade a read to a write at the same time.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("IKO_DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("IKO_STATIC_ROOT", default=str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Outside production the static files are served straight from the apps, no collectstatic.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
if not IS_PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
PRIVATE_MEDIA_ROOT = VAR_DIR / "private-media"
PRIVATE_MEDIA_URL = "/private-media/"
MEDIA_ROOT = VAR_DIR / "media"
SENDFILE_BACKEND = "django_sendfile.backends.simple"
SENDFILE_ROOT = PRIVATE_MEDIA_ROOT

# The API answers on exact paths; a redirect would turn a POST into a GET and lose the body.
APPEND_SLASH = False

SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("IKO_BEHIND_TLS_PROXY", default=False) else None
)

# --- staff login and bearer tokens (OIDC) ---------------------------------------------------
# Staff log in to the admin (and so to the browsable API) with the organisation's OpenID Connect
# provider (mozilla-django-oidc); callers such as Valtimo may pass on a user's access token from
# the same issuer. README: "Staff login and bearer tokens (OIDC)".
IKO_OIDC_ENABLED = env.bool("IKO_OIDC_ENABLED", default=False)
# Exactly as in the tokens' `iss` claim, e.g. https://keycloak.example.org/realms/gemeente
IKO_OIDC_ISSUER = env.str("IKO_OIDC_ISSUER", default="")
OIDC_RP_CLIENT_ID = env.str("IKO_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("IKO_OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("IKO_OIDC_SCOPES", default="openid email profile")
# Empty: read from <issuer>/.well-known/openid-configuration on first use (once per process).
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("IKO_OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("IKO_OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("IKO_OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("IKO_OIDC_JWKS_ENDPOINT", default="")
# Dotted path of the roles in the claims: `roles`, `realm_access.roles`, `resource_access.iko.roles`.
IKO_OIDC_ROLES_CLAIM = env.str("IKO_OIDC_ROLES_CLAIM", default="roles")
IKO_OIDC_STAFF_ROLES = env.list("IKO_OIDC_STAFF_ROLES", default=[])
IKO_OIDC_SUPERUSER_ROLES = env.list("IKO_OIDC_SUPERUSER_ROLES", default=[])
IKO_OIDC_USERNAME_CLAIM = env.str("IKO_OIDC_USERNAME_CLAIM", default="preferred_username")
# Bearer access tokens must name one of these in `aud` (default: the client id).
IKO_OIDC_AUDIENCE = env.list("IKO_OIDC_AUDIENCE", default=[OIDC_RP_CLIENT_ID] if OIDC_RP_CLIENT_ID else [])
IKO_OIDC_ALGORITHMS = env.list("IKO_OIDC_ALGORITHMS", default=["RS256", "ES256"])
IKO_OIDC_LEEWAY_SECONDS = env.int("IKO_OIDC_LEEWAY_SECONDS", default=30)
IKO_OIDC_JWKS_CACHE_SECONDS = env.int("IKO_OIDC_JWKS_CACHE_SECONDS", default=300)
OIDC_TIMEOUT = env.float("IKO_OIDC_TIMEOUT_SECONDS", default=5.0)
OIDC_CREATE_USER = env.bool("IKO_OIDC_CREATE_USERS", default=True)
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_AUTHENTICATE_CLASS = "api.oidc.OidcLoginView"
OIDC_CALLBACK_CLASS = "api.oidc.OidcCallbackView"
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
LOGIN_REDIRECT_URL_FAILURE = "/admin/login/?oidc=failed"
if IKO_OIDC_ENABLED:
    _missing = [
        name for name, value in (
            ("IKO_OIDC_ISSUER", IKO_OIDC_ISSUER),
            ("IKO_OIDC_CLIENT_ID", OIDC_RP_CLIENT_ID),
            ("IKO_OIDC_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
        ) if not value
    ]
    if _missing:
        raise ImproperlyConfigured(f"IKO_OIDC_ENABLED is true, but {', '.join(_missing)} is not set.")
_refused = [alg for alg in IKO_OIDC_ALGORITHMS if alg.lower() == "none" or alg.upper().startswith("HS")]
if _refused:
    raise ImproperlyConfigured(
        f"IKO_OIDC_ALGORITHMS may not contain {', '.join(_refused)}: tokens are verified with the "
        "issuer's public keys, so only asymmetric algorithms (RS256, ES256, PS256, ...) are accepted."
    )

# Local password login: on by default, except in production with OIDC (then staff use OIDC only).
IKO_PASSWORD_LOGIN_ENABLED = env.bool(
    "IKO_PASSWORD_LOGIN_ENABLED", default=not (IS_PRODUCTION and IKO_OIDC_ENABLED)
)
if not (IKO_PASSWORD_LOGIN_ENABLED or IKO_OIDC_ENABLED):
    raise ImproperlyConfigured(
        "IKO_PASSWORD_LOGIN_ENABLED is false and OIDC is not enabled: nobody could log in to the "
        "admin. Enable OIDC (IKO_OIDC_ENABLED and its settings) or password login."
    )
# axes must come first: it refuses a locked-out login before any backend checks the password.
AUTHENTICATION_BACKENDS = (
    (["axes.backends.AxesStandaloneBackend"] if IKO_PASSWORD_LOGIN_ENABLED else [])
    + (["api.oidc.OidcBackend"] if IKO_OIDC_ENABLED else [])
    + (["django.contrib.auth.backends.ModelBackend"] if IKO_PASSWORD_LOGIN_ENABLED else [])
)
# django-axes: after IKO_AXES_FAILURE_LIMIT wrong passwords the account is locked for
# IKO_AXES_COOLOFF_MINUTES (0: until an admin removes the lock under Axes > Access attempts).
# Attempts are kept in the database, so every instance sees them.
AXES_ENABLED = IKO_PASSWORD_LOGIN_ENABLED
AXES_FAILURE_LIMIT = env.int("IKO_AXES_FAILURE_LIMIT", default=5)
_axes_cooloff_minutes = env.int("IKO_AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=_axes_cooloff_minutes) if _axes_cooloff_minutes else None
# What a lock applies to: `username` (the account, the default), `ip_address`, or a combination
# such as `username+ip_address`. Behind a proxy every request has the proxy's address.
AXES_LOCKOUT_PARAMETERS = [
    part.split("+") if "+" in part else part
    for part in env.list("IKO_AXES_LOCKOUT_PARAMETERS", default=["username"])
]
if not any("ip_address" in ([p] if isinstance(p, str) else p) for p in AXES_LOCKOUT_PARAMETERS):
    # axes warns when locks ignore the address; locking the account is the point here, and an
    # address lock behind a proxy would lock out everyone at once.
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_WHITELIST_CALLABLE = "api.oidc.axes_attempt_is_not_a_password_login"
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as axes asks
if not IKO_PASSWORD_LOGIN_ENABLED:
    # No axes backend then: there is no password to guess.
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "axes.W003"]

# --- purpose binding, grants and the processing log -----------------------------------------
# README: "Purpose binding and the processing log".
# Grants are read once per principal and reused for at most this long in each process; a
# revocation saved on another instance takes effect within this time (0: read on every request).
IKO_GRANT_CACHE_SECONDS = env.float("IKO_GRANT_CACHE_SECONDS", default=5.0)
# Self-service: a bearer token with one of these claims (dotted paths) is a citizen's token, passed
# on by a portal; it may only see the subject it names. Empty switches a claim off.
IKO_OIDC_CITIZEN_BSN_CLAIM = env.str("IKO_OIDC_CITIZEN_BSN_CLAIM", default="bsn")
IKO_OIDC_CITIZEN_KVK_CLAIM = env.str("IKO_OIDC_CITIZEN_KVK_CLAIM", default="kvk")
# OIN (20 digits) of the organisation IKO works for: x-origin-oin towards BRP gateways and
# `uitvoerder` in the Verwerkingenlogging API. A BRP source's `origin_oin` option overrides it.
IKO_ORGANISATION_OIN = env.str("IKO_ORGANISATION_OIN", default="")
if IKO_ORGANISATION_OIN and not (len(IKO_ORGANISATION_OIN) == 20 and IKO_ORGANISATION_OIN.isdigit()):
    raise ImproperlyConfigured("IKO_ORGANISATION_OIN must be an OIN: 20 digits.")
# Records older than this are deleted by `manage.py processing_log_purge` (20 years: what RvIG asks
# of BRP protocollering).
IKO_PROCESSING_LOG_RETENTION_DAYS = env.int("IKO_PROCESSING_LOG_RETENTION_DAYS", default=7305)
if IKO_PROCESSING_LOG_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("IKO_PROCESSING_LOG_RETENTION_DAYS must be at least 1.")
# Where processing records go: database, verwerkingenlogging (an external GEMMA Verwerkingenlogging
# API) or both. Every sink named is required: if one fails, no personal data goes out.
IKO_PROCESSING_LOG_SINK = env.str("IKO_PROCESSING_LOG_SINK", default="database")
if IKO_PROCESSING_LOG_SINK not in {"database", "verwerkingenlogging", "both"}:
    raise ImproperlyConfigured("IKO_PROCESSING_LOG_SINK must be database, verwerkingenlogging or both.")
# The slug of the server (Admin > Services) of the Verwerkingenlogging API, with its auth.
IKO_VERWERKINGENLOGGING_SERVICE = env.str("IKO_VERWERKINGENLOGGING_SERVICE", default="")
if IKO_PROCESSING_LOG_SINK != "database" and not IKO_VERWERKINGENLOGGING_SERVICE:
    raise ImproperlyConfigured(
        f"IKO_PROCESSING_LOG_SINK is {IKO_PROCESSING_LOG_SINK}, but IKO_VERWERKINGENLOGGING_SERVICE "
        "(the slug of the Verwerkingenlogging API's server) is not set."
    )
IKO_VERWERKINGENLOGGING_TIMEOUT_SECONDS = env.float("IKO_VERWERKINGENLOGGING_TIMEOUT_SECONDS", default=5.0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiClientTokenAuthentication",
        "api.authentication.OidcBearerAuthentication",  # only while IKO_OIDC_ENABLED
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

IKO_API_VERSION = "1.0.0"
SPECTACULAR_SETTINGS = {
    "TITLE": "IKO API",
    "DESCRIPTION": (
        "Integraal Klant- en Objectbeeld: one purpose-bound call returns a view of a person, "
        "company or object, fetched live from the registers a profile names. Personal "
        "identifiers travel in request bodies, never in URLs."
    ),
    "VERSION": IKO_API_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# Largest request body we accept; a view request is a few hundred bytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("IKO_MAX_REQUEST_BYTES", default=256 * 1024)

# --- the fan-out -------------------------------------------------------------------------
# One process-wide pool runs all source calls of all requests (never a pool per request).
IKO_SOURCE_POOL_SIZE = env.int("IKO_SOURCE_POOL_SIZE", default=32)
# A view answers at the latest this long after it started, whatever the sources do.
IKO_VIEW_DEADLINE_SECONDS = env.float("IKO_VIEW_DEADLINE_SECONDS", default=10.0)
# After this many consecutive failures a source is skipped for the reset time, then tried once.
IKO_BREAKER_FAILURES = env.int("IKO_BREAKER_FAILURES", default=5)
IKO_BREAKER_RESET_SECONDS = env.float("IKO_BREAKER_RESET_SECONDS", default=30.0)
# A source's answer larger than this is cut off and counted as an error.
IKO_MAX_SOURCE_RESPONSE_BYTES = env.int("IKO_MAX_SOURCE_RESPONSE_BYTES", default=5 * 1024 * 1024)
# Configuration (profiles, relations, sources, servers, purposes) read by views is reused for at
# most this many seconds; changes made on another instance take effect within this time.
IKO_CONFIG_CACHE_SECONDS = env.float("IKO_CONFIG_CACHE_SECONDS", default=5.0)
# Identical views in flight at the same moment (same profile version, subject, purpose, caller and
# grant) share one fan-out; nothing is kept after they answer. Off: every view fetches alone.
IKO_MERGE_VIEWS_IN_FLIGHT = env.bool("IKO_MERGE_VIEWS_IN_FLIGHT", default=True)
# Outgoing HTTP clients (and their kept-alive connections) are renewed after this many seconds.
IKO_HTTP_CLIENT_MAX_AGE_SECONDS = env.float("IKO_HTTP_CLIENT_MAX_AGE_SECONDS", default=60.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("IKO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django logs the full URL of 4xx answers; the Valtimo paths can carry a BSN there.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
    },
}

# --- production: probes, logs, request limits, rate limits, lookup alerts (issue 7) ------------
# README: "Running in production". Health probes (iko_project/health.py) answer first, before any
# host check or session; the trace context comes next so every later log line carries the trace
# id; the body limit refuses an oversized request before anything reads it.
MIDDLEWARE[:0] = [
    "iko_project.health.HealthProbeMiddleware",
    "api.middleware.TraceContextMiddleware",
    "api.middleware.RequestSizeLimitMiddleware",
]
# JSON lines (one object per line, with traceId) by default in production, text elsewhere.
IKO_LOG_FORMAT = env.str("IKO_LOG_FORMAT", default="json" if IS_PRODUCTION else "text")
if IKO_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"IKO_LOG_FORMAT must be json or text, not {IKO_LOG_FORMAT!r}.")
LOGGING["formatters"] = {
    "json": {"()": "iko_project.logging.JsonFormatter"},
    "text": {"()": "iko_project.logging.TextFormatter"},
}
LOGGING["handlers"]["console"]["formatter"] = IKO_LOG_FORMAT

# JSON bodies: at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (IKO_MAX_REQUEST_BYTES, above) and this
# deep; deeper nesting is refused with 400 before it can exhaust the parser's recursion.
IKO_MAX_JSON_DEPTH = env.int("IKO_MAX_JSON_DEPTH", default=32)
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["api.parsers.LimitedJSONParser"]
# The OpenAPI document describes these rejections (and rate limits) on every operation.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "api.schema.postprocess_problems",
]

# Redis, shared by all instances for rate limits and lookup alerts; empty: each process counts in
# memory. E.g. redis://redis:6379/0 (rediss:// for TLS). Also checked by /_healthz/readyz.
IKO_REDIS_URL = env.str("IKO_REDIS_URL", default="")
IKO_REDIS_PREFIX = env.str("IKO_REDIS_PREFIX", default="iko:")
IKO_REDIS_TIMEOUT_SECONDS = env.float("IKO_REDIS_TIMEOUT_SECONDS", default=0.25)
# After a failed Redis command, count in memory for this long before trying Redis again.
IKO_REDIS_RETRY_SECONDS = env.float("IKO_REDIS_RETRY_SECONDS", default=10.0)
# Readiness fails when Redis fails only if this is true (counting falls back to memory anyway).
IKO_READYZ_REQUIRE_REDIS = env.bool("IKO_READYZ_REQUIRE_REDIS", default=False)

# Rate limits (api/throttling.py): `600/minute`, `20/second`, `100/10s`; empty: no limit. Per API
# client (all its users together) and per user (OIDC token subject, staff user). The test suite
# runs without them unless a test sets them: its principals share ids across tests in one process.
from api.rates import rate_parse as _rate_parse  # noqa: E402 - plain Python, no Django models

IKO_RATE_LIMIT_CLIENT = env.str("IKO_RATE_LIMIT_CLIENT", default="" if IKO_ENV == "test" else "3000/minute")
IKO_RATE_LIMIT_USER = env.str("IKO_RATE_LIMIT_USER", default="" if IKO_ENV == "test" else "300/minute")
for _name in ("IKO_RATE_LIMIT_CLIENT", "IKO_RATE_LIMIT_USER"):
    try:
        _rate_parse(globals()[_name])
    except ValueError as _exc:
        raise ImproperlyConfigured(f"{_name}: {_exc}") from None
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["api.throttling.PrincipalRateThrottle"]

# Subject lookup alerts (api/alerts.py): more than this many distinct subjects (persons or
# companies) looked up by one principal within the window raises an alert; 0 switches it off.
IKO_ALERT_DISTINCT_SUBJECTS = env.int("IKO_ALERT_DISTINCT_SUBJECTS", default=300)
IKO_ALERT_WINDOW_SECONDS = env.int("IKO_ALERT_WINDOW_SECONDS", default=3600)

# --- citizen self-service (docs/citizen.md) --------------------------------------------------
# Citizens and companies log in at a portal with DigiD or eHerkenning through the municipality's
# broker; the portal passes on an access token of this separate issuer. Staff tokens (IKO_OIDC_*)
# are never accepted on the self-service paths, and these tokens never on the others. Empty
# issuer: self-service is off (its paths answer 404).
IKO_CITIZEN_ISSUER = env.str("IKO_CITIZEN_ISSUER", default="")
IKO_CITIZEN_AUDIENCE = env.list("IKO_CITIZEN_AUDIENCE", default=[])
# Empty: read from <issuer>/.well-known/openid-configuration on first use.
IKO_CITIZEN_JWKS_URI = env.str("IKO_CITIZEN_JWKS_URI", default="")
# Dotted paths of the claims with the citizen's BSN, the company's KVK number, the portal (the
# client the grant names) and the level of assurance of the login.
IKO_CITIZEN_BSN_CLAIM = env.str("IKO_CITIZEN_BSN_CLAIM", default="bsn")
IKO_CITIZEN_KVK_CLAIM = env.str("IKO_CITIZEN_KVK_CLAIM", default="kvk")
IKO_CITIZEN_PORTAL_CLAIM = env.str("IKO_CITIZEN_PORTAL_CLAIM", default="azp")
IKO_CITIZEN_LOA_CLAIM = env.str("IKO_CITIZEN_LOA_CLAIM", default="acr")
# The lowest level of assurance accepted (profiles/self_service/assurance.py lists the values).
IKO_CITIZEN_MIN_LOA = env.str("IKO_CITIZEN_MIN_LOA", default="urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract")
# The BRP source asked for a child's gezag, and the Open Klant source a report is forwarded to.
IKO_CITIZEN_GEZAG_SOURCE = env.str("IKO_CITIZEN_GEZAG_SOURCE", default="brp")
IKO_CITIZEN_REPORT_SOURCE = env.str("IKO_CITIZEN_REPORT_SOURCE", default="klantinteracties")
# The organisation IKO works for, as citizens see it in "what has been done with my data".
IKO_ORGANISATION_NAME = env.str("IKO_ORGANISATION_NAME", default="")
from profiles.self_service.assurance import loa_rank as _loa_rank  # noqa: E402 - plain Python

if _loa_rank(IKO_CITIZEN_MIN_LOA) is None:
    raise ImproperlyConfigured(f"IKO_CITIZEN_MIN_LOA {IKO_CITIZEN_MIN_LOA!r} is not a known level of assurance.")
if IKO_CITIZEN_ISSUER:
    if IKO_CITIZEN_ISSUER.rstrip("/") == IKO_OIDC_ISSUER.rstrip("/"):
        raise ImproperlyConfigured(
            "IKO_CITIZEN_ISSUER must differ from IKO_OIDC_ISSUER: staff and citizen tokens must never "
            "be confused."
        )
    if not IKO_CITIZEN_AUDIENCE:
        raise ImproperlyConfigured("IKO_CITIZEN_ISSUER is set, but IKO_CITIZEN_AUDIENCE is not.")
    if set(IKO_CITIZEN_AUDIENCE) & set(IKO_OIDC_AUDIENCE):
        raise ImproperlyConfigured("IKO_CITIZEN_AUDIENCE and IKO_OIDC_AUDIENCE must not share a value.")
# The subject type enum appears as `type` (views) and `subjectType` (self-service): one name.
from profiles.subjects import SUBJECT_TYPES as _SUBJECT_TYPES  # noqa: E402 - plain Python

SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {"SubjectTypeEnum": list(_SUBJECT_TYPES)}
