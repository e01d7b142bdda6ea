"""Fremdrift settings: one module, typed environment variables, a working SQLite default.

Production is any run with DEBUG off: it refuses to start without a real SECRET_KEY and
FREMDRIFT_FIELD_KEY.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def url_origin(url: str) -> str:
    """scheme://host[:port] of a URL, or "" for none."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEV_SECRET_KEY = "dev-only-secret-key-never-use-in-production"  # noqa: S105
DEV_FIELD_KEY = "dev-only-field-key-never-use-in-production"

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
FREMDRIFT_FIELD_KEY = env_str("FREMDRIFT_FIELD_KEY", DEV_FIELD_KEY)

if not DEBUG:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")
    if FREMDRIFT_FIELD_KEY == DEV_FIELD_KEY or len(FREMDRIFT_FIELD_KEY) < 32:
        raise ImproperlyConfigured(
            "Set FREMDRIFT_FIELD_KEY to a random value of at least 32 characters."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_htmx",
    "axes",
    "csp",
    "ninja",  # serves the API docs' Swagger UI from static files, not from a CDN
    "fremdrift.core",
    "fremdrift.accounts",
    "fremdrift.codelists",
    "fremdrift.codeadmin",
    "fremdrift.citizens",
    "fremdrift.referrals",
    "fremdrift.programmes",
    "fremdrift.instruments",
    "fremdrift.assessments",
    "fremdrift.companies",
    "fremdrift.plans",
    "fremdrift.reports",
    "fremdrift.api",
    "fremdrift.exchange",
    "fremdrift.audit",
    "fremdrift.signin",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "fremdrift.demo",
    "fremdrift.pages",
    "fremdrift.rights",
    "fremdrift.portal",
    "fremdrift.jobs",
]

MIDDLEWARE = [
    "fremdrift.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "fremdrift.audit.context.RequestContextMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fremdrift.core.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fremdrift.signin.middleware.SecondFactorMiddleware",
    "fremdrift.core.middleware.NoCprInUrlMiddleware",
    "fremdrift.core.middleware.ApiBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fremdrift.core.middleware.NoStoreForSignedInUsersMiddleware",
    "axes.middleware.AxesMiddleware",
    "fremdrift.core.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "fremdrift.urls"
WSGI_APPLICATION = "fremdrift.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite under var/ by default (WAL), PostgreSQL through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fremdrift.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # A file, not memory: the browser tests' live server then has connections of its own, as
    # in production, instead of sharing the test thread's single in-memory connection.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    # What every request writes (access-log rows, the session) in a file of its own beside the
    # main one (audit/routers.py): an import holding the main file's write lock never stops a
    # page from being shown and logged.
    main_file = Path(DATABASES["default"]["NAME"])
    DATABASES["request_writes"] = {
        "ENGINE": "fremdrift.core.sqlite_beside_main",
        "NAME": env_str(
            "REQUEST_WRITES_DATABASE_PATH",
            str(main_file.with_name(main_file.stem + "-request-writes.sqlite3")),
        ),
        "CONN_MAX_AGE": 0,
        "OPTIONS": {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            ),
        },
        "TEST": {"NAME": str(VAR_DIR / "test-request-writes.sqlite3")},
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: the heaviest statements (the group reports) run for half a second,
    # of which JIT took a quarter compiling; pages run in milliseconds. PG_JIT=true restores it.
    if not env_bool("PG_JIT", False):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# A read replica: a PostgreSQL streaming replica of the primary. The group reports and the
# analysis dataset read there (`core.routers.reads_from_replica`); pages and writes stay on
# the primary. Its connections are read-only besides, whatever the URL points at.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs PostgreSQL in DATABASE_URL.")
    replica = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    options = {**DATABASES["default"].get("OPTIONS", {}), **replica.get("OPTIONS", {})}
    options["options"] = " ".join(
        filter(None, [options.get("options"), "-c default_transaction_read_only=on"])
    )
    # In tests the replica is the primary's test database as the replica server replays it
    # (a physical replica holds every database of the primary's cluster); the replica tests'
    # conftest points the alias there.
    DATABASES["replica"] = replica | {
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = [
    "fremdrift.audit.routers.RequestWritesRouter",
    "fremdrift.core.routers.ReplicaRouter",
]
# Off only in the test suite, where most tests keep these rows in the main database.
FREMDRIFT_REQUEST_WRITES_OWN_FILE = True

# Django's cache: files under var/cache/ (FREMDRIFT_CACHE_DIR), which every gunicorn worker of
# the machine shares, with no table to create and no write that waits for SQLite's lock during
# an import. It holds the managers' headline figures of the day (`reports/headlines.py`) and
# the count of wrong self-assessment links per address (`portal/views.py`).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("FREMDRIFT_CACHE_DIR", str(VAR_DIR / "cache")),
        "OPTIONS": {"MAX_ENTRIES": 10000},
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "fremdrift.accounts.backends.PersonBackend",
    "fremdrift.signin.oidc.SignInBackend",
]
# Single sign-on through the municipality's identity provider (OpenID Connect: Microsoft Entra
# ID, a MitID Erhverv broker), on when an issuer and a client id are set. The provider's
# endpoints come from its discovery document; the redirect URI to register there is
# https://<host>/accounts/sso/callback/. Claims map to organisations and roles in the admin.
OIDC_ISSUER = env_str("FREMDRIFT_OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = env_str("FREMDRIFT_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("FREMDRIFT_OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = env_str("FREMDRIFT_OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env_str("FREMDRIFT_OIDC_SIGN_ALGO", "RS256")
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # for the provider's sign-out (id_token_hint)
OIDC_AUTHENTICATION_CALLBACK_URL = "signin:callback"
OIDC_TIMEOUT = 10
# The citizens' own sign-in (the citizen identity broker, NemLog-in/MitID in production)
# through the same OpenID Connect machinery, as a client of its own. The CPR number comes in
# the claim named here and is only ever compared by its keyed hash.
CITIZEN_OIDC_ISSUER = env_str("FREMDRIFT_CITIZEN_OIDC_ISSUER", "")
CITIZEN_OIDC_RP_CLIENT_ID = env_str("FREMDRIFT_CITIZEN_OIDC_CLIENT_ID", "")
CITIZEN_OIDC_RP_CLIENT_SECRET = env_str("FREMDRIFT_CITIZEN_OIDC_CLIENT_SECRET", "")
CITIZEN_OIDC_RP_SCOPES = env_str("FREMDRIFT_CITIZEN_OIDC_SCOPES", "openid")
# A citizen's session ends this many minutes after they signed in.
FREMDRIFT_CITIZEN_SESSION_MINUTES = env_int("FREMDRIFT_CITIZEN_SESSION_MINUTES", 60)
CITIZEN_OIDC_CPR_CLAIM = env_str(
    "FREMDRIFT_CITIZEN_OIDC_CPR_CLAIM", "https://data.gov.dk/model/core/eid/cprNumber"
)
# Local user names and passwords; off where everyone signs in through the provider.
FREMDRIFT_LOCAL_LOGIN = env_bool("FREMDRIFT_LOCAL_LOGIN", True)
# A second factor (an authenticator app) for local accounts: always for administrators; for
# everyone when this is set.
FREMDRIFT_REQUIRE_TWO_FACTOR = env_bool("FREMDRIFT_REQUIRE_TWO_FACTOR", False)
OTP_TOTP_ISSUER = "Fremdrift"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
# Where the installation is reached, for links printed or mailed outside a request (the
# first administrator's one-time link from `bootstrap`).
FREMDRIFT_BASE_URL = env_str("FREMDRIFT_BASE_URL", "http://127.0.0.1:8000")
# A one-time link to set a password works for three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
LOGIN_REDIRECT_URL = "/"

# Failed logins are throttled per user name and address together, so nobody can lock a real
# user out from another address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# And per user name alone, slower, against guesses spread over many addresses: after 20
# failures within 10 minutes sign-in as that name is refused until the oldest of them is 10
# minutes old. A stranger can therefore keep a user out only while guessing at that rate.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 100
FREMDRIFT_LOGIN_USERNAME_LIMIT = env_int("FREMDRIFT_LOGIN_USERNAME_LIMIT", 20)
FREMDRIFT_LOGIN_USERNAME_WINDOW_MINUTES = env_int("FREMDRIFT_LOGIN_USERNAME_WINDOW_MINUTES", 10)

# Sessions end after 30 minutes without activity and at logout.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HTTPS only: browsers remember it for a year; plain HTTP is redirected (except the
    # health check, which a load balancer may call over HTTP).
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if not SECURE_HSTS_PRELOAD:
        # Preloading is decided by whoever owns the registrable domain (the municipality's
        # kommune.dk), not by one application on a subdomain of it.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Scripts only from our own static files: no inline script, no event-handler attribute, no
# other origin. Styles allow inline attributes, which the server-drawn SVG charts and the
# design system's script use; a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # The sign-out form ends the identity provider's session too, by a redirect there.
        "form-action": [SELF, *filter(None, [url_origin(OIDC_ISSUER)])],
        "frame-ancestors": [NONE],
    }
}

# Danish first, English second.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "fremdrift" / "locale"]
# Our date formats over Django's: "3. december 2026", months on charts "jan. 2026",
# "3 Dec 2026", never "12/03/2026".
FORMAT_MODULE_PATH = ["fremdrift.core.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Personal data never reaches a log line or an error page.
DEFAULT_EXCEPTION_REPORTER_FILTER = "fremdrift.core.redaction.CprRedactingExceptionReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "fremdrift.core.redaction.CprRedactingExceptionReporter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_cpr": {"()": "fremdrift.core.redaction.RedactCprFilter"},
        "request_id": {"()": "fremdrift.core.request_id.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} [{request_id}] {message}", "style": "{"},
        "json": {"()": "fremdrift.core.log_format.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "redact_cpr"],
            # LOG_FORMAT=json: one JSON object per line, for a log collector.
            "formatter": "json" if env_str("LOG_FORMAT", "plain") == "json" else "plain",
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Mail (the caseworkers' daily digest): printed to the console in development, sent by SMTP in
# production (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "fremdrift@localhost")

# Access-log rows older than this are deleted by `manage.py purge_access_log` (run daily by
# cron in production, and at every start of `make run`). Six months follows the Danish Data
# Protection Agency's usual guidance for security logs; a municipality may set its own.
FREMDRIFT_ACCESS_LOG_RETENTION_DAYS = env_int("FREMDRIFT_ACCESS_LOG_RETENTION_DAYS", 180)
# A closed case's data are due for erasure this many months after the case closed, unless the
# organisation's administrators set their own rule (docs/privacy.md gives the reasoning).
FREMDRIFT_RETENTION_MONTHS = env_int("FREMDRIFT_RETENTION_MONTHS", 60)
# The subject-access export (GDPR art. 15) names the staff who read and changed the citizen's
# data; a municipality whose policy is to give only their organisation and role sets false.
FREMDRIFT_SUBJECT_ACCESS_STAFF_NAMES = env_bool("FREMDRIFT_SUBJECT_ACCESS_STAFF_NAMES", True)
# The name this installation gives itself in the exchange packages it writes; another
# Fremdrift that imports them keeps the ids under this name.
FREMDRIFT_EXCHANGE_SYSTEM = env_str("FREMDRIFT_EXCHANGE_SYSTEM", "fremdrift")
# The largest package the upload page accepts, in megabytes.
FREMDRIFT_EXCHANGE_MAX_UPLOAD_MB = env_int("FREMDRIFT_EXCHANGE_MAX_UPLOAD_MB", 500)
FREMDRIFT_PAGE_SIZE = 25
# A self-assessment link works this many hours after it was made, once.
FREMDRIFT_SELF_ASSESSMENT_LINK_HOURS = env_int("FREMDRIFT_SELF_ASSESSMENT_LINK_HOURS", 48)
# How many links one staff member may make in an hour, and how many wrong links one address
# may try in ten minutes before it is told to wait.
FREMDRIFT_SELF_ASSESSMENT_LINKS_PER_HOUR = env_int("FREMDRIFT_SELF_ASSESSMENT_LINKS_PER_HOUR", 30)
FREMDRIFT_SELF_ASSESSMENT_BAD_LINKS = env_int("FREMDRIFT_SELF_ASSESSMENT_BAD_LINKS", 20)
# Who sends a link by text message: a dotted path to a class with `send(*, to, text)`. The
# console sender writes the message to the log's standard output (no provider needed).
FREMDRIFT_SMS_SENDER = env_str("FREMDRIFT_SMS_SENDER", "fremdrift.portal.sms.ConsoleSmsSender")
CSRF_FAILURE_VIEW = "fremdrift.core.views.csrf_failure"
