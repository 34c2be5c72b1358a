"""Settings of the IKO server, read from the environment (django-environ).

Every value an operator may need to change is an environment variable, declared where it is read
with its group and help text (`iko_project.settings.envvars`); the operator documentation's
environment reference is generated from those declarations.
`IKO_ENV` selects the mode: `production` (the default, strict), `development` or `test`
(insecure conveniences such as a generated secret key are allowed there, never in production).
"""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from iko_project.settings.envvars import DeclaredEnv

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = DeclaredEnv(__name__)

IKO_ENV = env.str("IKO_ENV", default="production", group="core",
                  help_text="`production` (strict: refuses to start without its keys), `development` or `test` "
                  "(insecure conveniences such as a generated secret key are allowed there).")
if IKO_ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured(
        f"IKO_ENV must be production, development or test, not {IKO_ENV!r}."
    )
IS_PRODUCTION = IKO_ENV == "production"

DEBUG = env.bool("IKO_DEBUG", default=False, group="core",
                 help_text="Django's debug mode (error pages with details). Never in production.")

SECRET_KEY = env.str("IKO_SECRET_KEY", default="", group="core", secret=True, default_doc="(required in production)",
                     help_text="Django's secret key (sessions, CSRF): a long random value.")
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
IKO_PSEUDONYM_KEY = env.str(
    "IKO_PSEUDONYM_KEY", default="", group="core", secret=True, default_doc="(required in production)",
    help_text="Key of the keyed pseudonym (HMAC) of the data subjects in the processing log. Keep it as long as "
    "the processing log: without it, old records can no longer be found by BSN.")
if not IKO_PSEUDONYM_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "IKO_PSEUDONYM_KEY is not set. The processing log stores a keyed pseudonym of each "
            "data subject; set a long random key and keep it safe (the privacy officer needs it "
            "to find a person's records)."
        )
    IKO_PSEUDONYM_KEY = "insecure-development-pseudonym-key"

ALLOWED_HOSTS = env.list("IKO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"], group="core",
                         help_text="Host names IKO answers to (the health probes answer whatever the host).")
CSRF_TRUSTED_ORIGINS = env.list("IKO_CSRF_TRUSTED_ORIGINS", default=[], group="core",
                                help_text="Origins of the admin behind a proxy, e.g. `https://iko.example.org`.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",  # brute-force protection of password login (see "staff login" below)
    # A second factor (TOTP app, backup tokens) for password logins to the admin: maykin-2fa on
    # django-two-factor-auth and django-otp (see "staff login" below).
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "maykin_2fa",
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
    "connectors.contrib.documenten",
    "connectors.contrib.besluiten",
    "profiles",
    "profiles.consent",
    "profiles.regelingen",  # app label "regelingen": regelingen, criteria, prefill attributes
    "api",
    # `manage.py setup_configuration --yaml-file FILE` (profiles/configuration/steps.py); after "profiles",
    # whose setup_configuration command (the library's, with IKO's checks of the file first) wins.
    "django_setup_configuration",
]
# Configuration as code, in the order the steps run: each needs what the ones before it set up.
SETUP_CONFIGURATION_STEPS = [
    "profiles.configuration.steps.ServersStep",
    "profiles.configuration.steps.PurposesStep",
    "profiles.configuration.steps.SourcesStep",
    "profiles.configuration.steps.ProfilesStep",
    "profiles.configuration.steps.SearchActionsStep",
    "profiles.configuration.steps.ApiClientsStep",
    "profiles.configuration.steps.GrantsStep",
    "profiles.regelingen.setup_configuration.RegelingenStep",
    "profiles.regelingen.setup_configuration.PrefillAttributesStep",
]
# The demo app is installed by the development and test settings only, never in production.

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session, before CommonMiddleware (Django's order): the admin in the user's
    # language, the API always in English (iko_project/i18n.py).
    "iko_project.i18n.AdminLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "maykin_2fa.middleware.OTPMiddleware",  # request.user.is_verified(), with the bypass list below
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
VAR_DIR = Path(env.str("IKO_VAR_DIR", default=str(BASE_DIR / "var"), group="storage",
                       default_doc="`var/` beside manage.py",
                       help_text="A writable folder for the SQLite database, private media and static files."))
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'iko.sqlite3'}", group="storage",
                          secret=True, default_doc="SQLite in IKO_VAR_DIR",
                          help_text="The database, e.g. `postgres://iko:<password>@db:5432/iko`; PostgreSQL in "
                          "production, the embedded SQLite for the demo and the tests.")
}
_conn_max_age = env.int(
    "IKO_DB_CONN_MAX_AGE", default=60, group="storage",
    help_text="Seconds a database connection is kept for reuse. Each gunicorn thread keeps one: for PostgreSQL, "
    "replicas x IKO_WORKERS x IKO_THREADS must stay below the server's `max_connections`.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh checkout has no var/ yet; SQLite cannot create the folder itself.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers run beside the one writer; IMMEDIATE avoids "database is locked"
            # when two threads upgrade a read to a write at the same time. NORMAL syncs WAL at
            # checkpoints: an IKO crash loses nothing, an OS crash the last commits (PostgreSQL).
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
# One connection per thread, kept: closing SQLite's last one checkpoints and removes the WAL.
DATABASES["default"]["CONN_MAX_AGE"] = _conn_max_age
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The admin speaks Dutch, or English at the user's choice (the language switch in the admin); the
# API answers in English whatever the caller asks (iko_project/i18n.py). LANGUAGE_CODE is Django's
# language wherever no request chose one (the fan-out's worker threads, management commands,
# background writers): their texts reach API callers and operators, so it is English. The
# translations of IKO's own texts are in iko_project/locale (`make messages`, docs/developer/i18n.md).
LANGUAGE_CODE = "en"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
IKO_ADMIN_LANGUAGE = env.str(
    "IKO_ADMIN_LANGUAGE", default="nl", group="core",
    help_text="Language of the admin and the landing page until a user picks another in the language switch: "
    "`nl` or `en`. The API always answers in English.")
if IKO_ADMIN_LANGUAGE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"IKO_ADMIN_LANGUAGE must be nl or en, not {IKO_ADMIN_LANGUAGE!r}.")
LOCALE_PATHS = [BASE_DIR / "iko_project" / "locale"]
LANGUAGE_COOKIE_SECURE = IS_PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("IKO_STATIC_ROOT", default=str(VAR_DIR / "static"), group="storage",
                           default_doc="`static/` in IKO_VAR_DIR",
                           help_text="Where `collectstatic` puts the static files IKO serves in production."))
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
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env.bool("IKO_BEHIND_TLS_PROXY", default=False, group="core",
                help_text="Trust `X-Forwarded-Proto: https`; only behind a proxy that ends TLS and sets it.")
    else None
)

# --- staff login and bearer tokens (OIDC) ---------------------------------------------------
# Staff log in to the admin (and so to the browsable API) with the organisation's OpenID Connect
# provider (mozilla-django-oidc); callers such as Valtimo may pass on a user's access token from
# the same issuer. docs/operator/index.md, "Staff login and bearer tokens".
IKO_OIDC_ENABLED = env.bool("IKO_OIDC_ENABLED", default=False, group="login",
                            help_text="Switch on staff login with the OpenID Connect provider, and OIDC bearer tokens.")
_OIDC = {"group": "login", "default_doc": "(required with OIDC)"}
IKO_OIDC_ISSUER = env.str("IKO_OIDC_ISSUER", default="", **_OIDC,
                          help_text="Exactly the `iss` of the tokens; endpoints come from its discovery document.")
OIDC_RP_CLIENT_ID = env.str("IKO_OIDC_CLIENT_ID", default="", **_OIDC, help_text="IKO's client id at the provider.")
OIDC_RP_CLIENT_SECRET = env.str("IKO_OIDC_CLIENT_SECRET", default="", **_OIDC, secret=True,
                                help_text="IKO's client secret at the provider.")
OIDC_RP_SCOPES = env.str("IKO_OIDC_SCOPES", default="openid email profile", group="login",
                         help_text="Scopes asked for at login.")
# Empty: read from <issuer>/.well-known/openid-configuration on first use (once per process).
_ENDPOINT = {"group": "login", "default_doc": "(from discovery)",
             "help_text": "Set only for a provider without discovery, or to reach it on another address."}
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("IKO_OIDC_AUTHORIZATION_ENDPOINT", default="", **_ENDPOINT)
OIDC_OP_TOKEN_ENDPOINT = env.str("IKO_OIDC_TOKEN_ENDPOINT", default="", **_ENDPOINT)
OIDC_OP_USER_ENDPOINT = env.str("IKO_OIDC_USERINFO_ENDPOINT", default="", **_ENDPOINT)
OIDC_OP_JWKS_ENDPOINT = env.str("IKO_OIDC_JWKS_ENDPOINT", default="", **_ENDPOINT)
IKO_OIDC_ROLES_CLAIM = env.str("IKO_OIDC_ROLES_CLAIM", default="roles", group="login",
                               help_text="Dotted path of the roles in the claims: `roles`, `realm_access.roles`, "
                               "`resource_access.iko.roles` (Keycloak).")
IKO_OIDC_ORGANISATION_CLAIM = env.str(
    "IKO_OIDC_ORGANISATION_CLAIM", default="", group="login",
    help_text="Several organisations in one IKO: dotted path of the claim of a bearer token naming the "
    "organisation (its short name or OIN) the token acts in; a token naming none of them is refused. Empty: "
    "every token acts in the default organisation.")
IKO_OIDC_STAFF_ROLES = env.list("IKO_OIDC_STAFF_ROLES", default=[], group="login",
                                help_text="Roles that may use the admin (`is_staff`).")
IKO_OIDC_SUPERUSER_ROLES = env.list("IKO_OIDC_SUPERUSER_ROLES", default=[], group="login",
                                    help_text="Roles that get every admin permission (`is_superuser`; implies staff).")
IKO_OIDC_USERNAME_CLAIM = env.str("IKO_OIDC_USERNAME_CLAIM", default="preferred_username", group="login",
                                  help_text="The claim naming the user (Django username; actor in the processing log).")
IKO_OIDC_AUDIENCE = env.list("IKO_OIDC_AUDIENCE", default=[OIDC_RP_CLIENT_ID] if OIDC_RP_CLIENT_ID else [],
                             group="login", default_doc="the client id",
                             help_text="Bearer access tokens must name one of these in `aud`.")
IKO_OIDC_ALGORITHMS = env.list("IKO_OIDC_ALGORITHMS", default=["RS256", "ES256"], group="login",
                               help_text="Accepted signature algorithms; `none` and `HS*` are refused at start-up.")
IKO_OIDC_LEEWAY_SECONDS = env.int("IKO_OIDC_LEEWAY_SECONDS", default=30, group="login",
                                  help_text="Clock skew allowed for `exp`, `nbf` and `iat`, in seconds.")
IKO_OIDC_JWKS_CACHE_SECONDS = env.int("IKO_OIDC_JWKS_CACHE_SECONDS", default=300, group="login",
                                      help_text="Seconds each process keeps the provider's keys (an unknown key id "
                                      "fetches them again, at most every 30 s).")
OIDC_TIMEOUT = env.float("IKO_OIDC_TIMEOUT_SECONDS", default=5.0, group="login",
                         help_text="Timeout of every call to the provider, in seconds.")
OIDC_CREATE_USER = env.bool("IKO_OIDC_CREATE_USERS", default=True, group="login",
                            help_text="Create a Django user at a first OIDC login (else only existing OIDC users).")
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
    "IKO_PASSWORD_LOGIN_ENABLED", default=not (IS_PRODUCTION and IKO_OIDC_ENABLED), group="login",
    default_doc="false in production with OIDC, else true",
    help_text="Local username and password login to the admin; off without OIDC is refused at start-up.")
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
# Two-factor authentication of the admin (maykin-2fa, as Open Zaak and Open Klant use it): after
# a correct password, a staff member enters the code of an authenticator app (TOTP) or a backup
# token, and sets up the app at the first login. A login with the organisation account (OIDC) is
# never asked for a second factor here: the identity provider does that (docs/operator/index.md,
# "Two-factor authentication").
IKO_ADMIN_2FA_REQUIRED = env.bool(
    "IKO_ADMIN_2FA_REQUIRED", default=IS_PRODUCTION, group="login",
    default_doc="true in production, else false",
    help_text="Password logins to the admin need a second factor (an authenticator app or a backup token). "
    "`false` only for a local trial or the demo: then a password alone lets staff in.")
_PASSWORD_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# The backends whose logins count as verified without a second factor here. The OIDC backend is
# always listed (maykin-2fa warns, W001, while OIDC is off and it is not configured; harmless).
MAYKIN_2FA_ALLOW_MFA_BYPASS_BACKENDS = ["api.oidc.OidcBackend"] + ([] if IKO_ADMIN_2FA_REQUIRED else _PASSWORD_BACKENDS)
if not IKO_OIDC_ENABLED:
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "maykin_2fa.W001"]
TWO_FACTOR_PATCH_ADMIN = False  # iko_project/admin_site.py installs maykin-2fa's admin site
TWO_FACTOR_TOTP_DIGITS = 6
OTP_TOTP_ISSUER = env.str("IKO_ADMIN_2FA_ISSUER", default="IKO", group="login",
                          help_text="The name the authenticator app shows beside the code, e.g. `IKO gemeente Voorbeeld`.")
# django-axes: after IKO_AXES_FAILURE_LIMIT wrong passwords the account is locked for
# IKO_AXES_COOLOFF_MINUTES (0: until an admin removes the lock under Axes > Access attempts).
# Attempts are kept in the database, so every instance sees them.
AXES_ENABLED = IKO_PASSWORD_LOGIN_ENABLED
AXES_FAILURE_LIMIT = env.int("IKO_AXES_FAILURE_LIMIT", default=5, group="login",
                             help_text="Wrong passwords before the account is locked.")
_axes_cooloff_minutes = env.int("IKO_AXES_COOLOFF_MINUTES", default=15, group="login",
                                help_text="Minutes a lock lasts; `0`: until an admin deletes it (Access attempts).")
AXES_COOLOFF_TIME = timedelta(minutes=_axes_cooloff_minutes) if _axes_cooloff_minutes else None
AXES_LOCKOUT_PARAMETERS = [
    part.split("+") if "+" in part else part
    for part in env.list("IKO_AXES_LOCKOUT_PARAMETERS", default=["username"], group="login",
                         help_text="What a lock applies to: `username`, `ip_address` or a combination such as "
                         "`username+ip_address` (behind a proxy every request has the proxy's address).")
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
IKO_GRANT_CACHE_SECONDS = env.float(
    "IKO_GRANT_CACHE_SECONDS", default=5.0, group="privacy",
    help_text="Seconds each process reuses a caller's grants: a revocation saved on another instance takes "
    "effect within this time (`0`: read them on every request).")
IKO_ORGANISATION_OIN = env.str(
    "IKO_ORGANISATION_OIN", default="", group="privacy",
    help_text="Your organisation's OIN (20 digits): `x-origin-oin` towards BRP gateways and `uitvoerder` in the "
    "Verwerkingenlogging API. A BRP source's `origin_oin` option overrides it.")
if IKO_ORGANISATION_OIN and not (len(IKO_ORGANISATION_OIN) == 20 and IKO_ORGANISATION_OIN.isdigit()):
    raise ImproperlyConfigured("IKO_ORGANISATION_OIN must be an OIN: 20 digits.")
IKO_PROCESSING_LOG_RETENTION_DAYS = env.int(
    "IKO_PROCESSING_LOG_RETENTION_DAYS", default=7305, group="privacy",
    help_text="Records older than this many days are deleted by `manage.py processing_log_purge` "
    "(7305: the 20 years RvIG asks of BRP protocollering).")
if IKO_PROCESSING_LOG_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("IKO_PROCESSING_LOG_RETENTION_DAYS must be at least 1.")
IKO_PROCESSING_LOG_SINK = env.str(
    "IKO_PROCESSING_LOG_SINK", default="database", group="privacy",
    help_text="Where processing records go: `database`, `verwerkingenlogging` (an external GEMMA "
    "Verwerkingenlogging API) or `both`. Every sink named must take the record, or no personal data goes out.")
if IKO_PROCESSING_LOG_SINK not in {"database", "verwerkingenlogging", "both"}:
    raise ImproperlyConfigured("IKO_PROCESSING_LOG_SINK must be database, verwerkingenlogging or both.")
IKO_VERWERKINGENLOGGING_SERVICE = env.str(
    "IKO_VERWERKINGENLOGGING_SERVICE", default="", group="privacy", default_doc="(required with that sink)",
    help_text="Slug of the server (Admin > Services) of the Verwerkingenlogging API, with its authentication.")
if IKO_PROCESSING_LOG_SINK != "database" and not IKO_VERWERKINGENLOGGING_SERVICE:
    raise ImproperlyConfigured(
        f"IKO_PROCESSING_LOG_SINK is {IKO_PROCESSING_LOG_SINK}, but IKO_VERWERKINGENLOGGING_SERVICE "
        "(the slug of the Verwerkingenlogging API's server) is not set."
    )
IKO_VERWERKINGENLOGGING_TIMEOUT_SECONDS = env.float(
    "IKO_VERWERKINGENLOGGING_TIMEOUT_SECONDS", default=5.0, group="privacy",
    help_text="Timeout of a write to the Verwerkingenlogging API, in seconds.")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.fsc.FscInwayAuthentication",  # only for requests from IKO_FSC_INWAY_ADDRESSES
        "api.authentication.ApiClientTokenAuthentication",
        "api.authentication.OidcBearerAuthentication",  # only while IKO_OIDC_ENABLED
        "api.authentication.VerifiedSessionAuthentication",  # staff sessions past the second factor
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "api.renderers.FastJSONRenderer",
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
    "ENUM_NAME_OVERRIDES": {"SubjectTypeEnum": "profiles.subjects.SUBJECT_TYPES"},  # type and subjectType
}

# A view request is a few hundred bytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int(
    "IKO_MAX_REQUEST_BYTES", default=256 * 1024, group="limits",
    help_text="Largest request body in bytes; a larger one is refused with 413 before anything reads it.")

# --- the fan-out -------------------------------------------------------------------------
IKO_SOURCE_POOL_SIZE = env.int(
    "IKO_SOURCE_POOL_SIZE", default=32, group="sources",
    help_text="Threads per process for source calls: one pool per process runs the calls of all requests.")
IKO_VIEW_DEADLINE_SECONDS = env.float(
    "IKO_VIEW_DEADLINE_SECONDS", default=10.0, group="sources",
    help_text="A view answers at the latest this many seconds after it started, whatever the sources do; "
    "gunicorn's IKO_GRACEFUL_TIMEOUT follows from it.")
IKO_BREAKER_FAILURES = env.int("IKO_BREAKER_FAILURES", default=5, group="sources",
                               help_text="Consecutive failures after which a source is skipped (circuit breaker).")
IKO_BREAKER_RESET_SECONDS = env.float("IKO_BREAKER_RESET_SECONDS", default=30.0, group="sources",
                                      help_text="Seconds a failing source is skipped before it is tried once more.")
IKO_MAX_SOURCE_RESPONSE_BYTES = env.int("IKO_MAX_SOURCE_RESPONSE_BYTES", default=5 * 1024 * 1024, group="sources",
                                        help_text="A larger source answer (bytes) is cut off and counted as an error.")
IKO_CONFIG_CACHE_SECONDS = env.float(
    "IKO_CONFIG_CACHE_SECONDS", default=5.0, group="sources",
    help_text="Seconds views reuse the configuration (profiles, relations, sources, servers, purposes): a "
    "change saved on another instance takes effect within this time.")
IKO_MERGE_VIEWS_IN_FLIGHT = env.bool(
    "IKO_MERGE_VIEWS_IN_FLIGHT", default=True, group="sources",
    help_text="Identical views in flight at the same moment (same profile version, subject, purpose, caller and "
    "grant) share one fan-out; nothing is kept after they answer. `false`: every view fetches alone.")
IKO_HTTP_CLIENT_MAX_AGE_SECONDS = env.float(
    "IKO_HTTP_CLIENT_MAX_AGE_SECONDS", default=60.0, group="sources",
    help_text="Outgoing HTTP clients (and their kept-alive connections) are renewed after this many seconds.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("IKO_LOG_LEVEL", default="INFO", group="logging",
                                                        help_text="Root log level: DEBUG, INFO, WARNING, ERROR.")},
    "loggers": {
        # Django logs the full URL of 4xx answers; the Valtimo paths can carry a BSN there.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
    },
}

# --- production: probes, logs, request limits, rate limits, lookup alerts ------------------------
# docs/operator/index.md. Health probes (iko_project/health.py) answer first, before any
# host check or session; the trace context comes next so every later log line carries the trace
# id; the body limit refuses an oversized request before anything reads it.
MIDDLEWARE[:0] = [
    "iko_project.health.HealthProbeMiddleware",
    "iko_project.metrics_view.MetricsMiddleware",  # /metrics, for the configured scraper only
    "api.middleware.TraceContextMiddleware",
    "api.middleware.RequestSizeLimitMiddleware",
]
IKO_LOG_FORMAT = env.str("IKO_LOG_FORMAT", default="json" if IS_PRODUCTION else "text", group="logging",
                         default_doc="`json` in production, else `text`",
                         help_text="`json` (one object per line, with the trace id) or `text`; gunicorn's log too.")
if IKO_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"IKO_LOG_FORMAT must be json or text, not {IKO_LOG_FORMAT!r}.")
LOGGING["formatters"] = {
    "json": {"()": "iko_project.logging.JsonFormatter"},
    "text": {"()": "iko_project.logging.TextFormatter"},
}
LOGGING["handlers"]["console"]["formatter"] = IKO_LOG_FORMAT

# JSON bodies: at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (IKO_MAX_REQUEST_BYTES, above) and this
# deep; deeper nesting is refused with 400 before it can exhaust the parser's recursion.
IKO_MAX_JSON_DEPTH = env.int("IKO_MAX_JSON_DEPTH", default=32, group="limits",
                             help_text="Deepest JSON nesting accepted in a request body; deeper is refused with 400.")
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["api.parsers.LimitedJSONParser"]
# The OpenAPI document describes these rejections (and rate limits) on every operation.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "api.schema.postprocess_problems",
]

# Redis is also checked by /_healthz/readyz.
IKO_REDIS_URL = env.str(
    "IKO_REDIS_URL", default="", group="redis", secret=True,
    help_text="Redis shared by all instances for rate limits and lookup alerts, e.g. `redis://redis:6379/0` "
    "(`rediss://` for TLS); empty: each process counts in memory.")
IKO_REDIS_PREFIX = env.str("IKO_REDIS_PREFIX", default="iko:", group="redis",
                           help_text="Prefix of IKO's Redis keys, for a Redis shared with other applications.")
IKO_REDIS_TIMEOUT_SECONDS = env.float("IKO_REDIS_TIMEOUT_SECONDS", default=0.25, group="redis",
                                      help_text="Connect and command timeout towards Redis, in seconds.")
IKO_REDIS_RETRY_SECONDS = env.float(
    "IKO_REDIS_RETRY_SECONDS", default=10.0, group="redis",
    help_text="After a failed Redis command, count in memory this many seconds before trying Redis again.")
IKO_READYZ_REQUIRE_REDIS = env.bool(
    "IKO_READYZ_REQUIRE_REDIS", default=False, group="redis",
    help_text="A failing Redis fails the readiness probe (counting falls back to memory anyway).")

# Rate limits (api/throttling.py); none in tests, whose principals share ids across tests.
from api.rates import rate_parse as _rate_parse  # noqa: E402 - plain Python, no Django models

IKO_RATE_LIMIT_CLIENT = env.str(
    "IKO_RATE_LIMIT_CLIENT", default="" if IKO_ENV == "test" else "3000/minute", group="limits",
    default_doc="`3000/minute` (none in tests)",
    help_text="Per API client, all its users together: `600/minute`, `20/second`, `100/10s`; empty: no limit.")
IKO_RATE_LIMIT_USER = env.str(
    "IKO_RATE_LIMIT_USER", default="" if IKO_ENV == "test" else "300/minute", group="limits",
    default_doc="`300/minute` (none in tests)",
    help_text="Per user (an OIDC token's subject, a staff user), written as above; empty: no limit.")
for _name in ("IKO_RATE_LIMIT_CLIENT", "IKO_RATE_LIMIT_USER"):
    try:
        _rate_parse(globals()[_name])
    except ValueError as _exc:
        raise ImproperlyConfigured(f"{_name}: {_exc}") from None
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["api.throttling.PrincipalRateThrottle"]
# Subject lookup alerts (profiles/processing_log/alerts.py).
IKO_ALERT_DISTINCT_SUBJECTS = env.int(
    "IKO_ALERT_DISTINCT_SUBJECTS", default=300, group="limits",
    help_text="Distinct subjects (persons, companies) one principal may look up within the window before a "
    "lookup alert is raised; `0` switches alerts off.")
IKO_ALERT_WINDOW_SECONDS = env.int("IKO_ALERT_WINDOW_SECONDS", default=3600, group="limits",
                                   help_text="The window of lookup alerts, in seconds.")
from iko_project.settings.metrics import *  # noqa: E402,F403 - /metrics for Prometheus
from iko_project.settings.security import *  # noqa: E402,F403 - credentials' keys, URL length limit
from iko_project.settings.citizen import *  # noqa: E402,F403 - citizen self-service
from iko_project.settings.fsc import *  # noqa: E402,F403 - FSC inway (outways are set per server)
from iko_project.settings.citizen import citizen_issuer_check  # noqa: E402
citizen_issuer_check(staff_issuer=IKO_OIDC_ISSUER, staff_audience=IKO_OIDC_AUDIENCE)  # noqa: F405
