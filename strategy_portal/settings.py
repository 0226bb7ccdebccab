"""Settings, read from environment variables with safe local defaults.

Local default: SQLite, Celery tasks run in-process, console email, DEBUG off (so `make run` shows the GOV.UK error
pages, never Django's debug page with every URL; DJANGO_DEBUG=1 turns it on), static files served by WhiteNoise
straight from static/.
Production: set DJANGO_PRODUCTION=1 plus the variables listed in README.md ("Production settings").
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from strategy_portal.storage_settings import default_storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("DJANGO_PRODUCTION")
DEBUG = env_bool("DJANGO_DEBUG")

if PRODUCTION:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-local-development-key-not-for-production")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "strategy_portal.admin.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "simple_history",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "principles",
    "aims",
    "indicators",
    "people",
    "sso",
    "strategy_setup",
    "reports",
    "public",
    "api",
    "operations",
]

MIDDLEWARE = [
    "strategy_portal.middleware.ServiceUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "strategy_portal.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in with a council's OpenID Connect provider (sso/backends.py). It answers only the portal's callback,
    # which calls it directly with the council chosen at the start; here so its sessions find their user.
    "sso.backends.CouncilOIDCBackend",
]
# The client's address (accounts/client_address.py): 0 when the portal is reached directly (REMOTE_ADDR), or the
# number of reverse proxies in front of it that each append to X-Forwarded-For. It must be exact: too high and
# clients can choose their address, too low and every person shares the proxy's.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ValueError("TRUSTED_PROXY_COUNT must be 0 or more")

# Limits on password guessing (django-axes plus accounts/signin_limits.py, which explains each).
# Locked: one username from one address, after AXES_FAILURE_LIMIT failures within the cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Tries while locked are refused but not counted, so a person retrying does not restart the cool-off.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "accounts.signin_limits.SignInLockoutHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.signin_limits.lockout_response"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Locked: one address, any usernames (password spraying), within the same cool-off.
SIGN_IN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_ADDRESS_FAILURE_LIMIT", "30"))
# Slowed down, never locked: one username, any addresses.
SIGN_IN_USERNAME_SLOWDOWN_AFTER = int(os.environ.get("SIGN_IN_USERNAME_SLOWDOWN_AFTER", "10"))
SIGN_IN_USERNAME_MAX_WAIT_SECONDS = int(os.environ.get("SIGN_IN_USERNAME_MAX_WAIT_SECONDS", "60"))
# Password-reset emails.
# How long the link in an invitation to the portal works (people/tokens.py), in seconds: 7 days by default.
INVITATION_TIMEOUT = int(os.environ.get("INVITATION_TIMEOUT", str(7 * 24 * 60 * 60)))
PASSWORD_RESET_PER_EMAIL_PER_HOUR = int(os.environ.get("PASSWORD_RESET_PER_EMAIL_PER_HOUR", "3"))
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = int(os.environ.get("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", "10"))

# Sign-in with a council's provider (sso/): mozilla-django-oidc, configured per council on "Sign-in settings".
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT_SECONDS", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:oidc_callback"
# How long a council's provider configuration (/.well-known/openid-configuration) is kept, in seconds.
OIDC_DISCOVERY_CACHE_SECONDS = int(os.environ.get("OIDC_DISCOVERY_CACHE_SECONDS", "3600"))
# Two-factor authentication (django-otp): the name the authenticator app shows, and how long the code step of a
# password sign-in may take before the password must be entered again.
OTP_TOTP_ISSUER = "Digital Strategy Portal"
SIGN_IN_SECOND_STEP_SECONDS = int(os.environ.get("SIGN_IN_SECOND_STEP_SECONDS", "600"))

ROOT_URLCONF = "strategy_portal.urls"
WSGI_APPLICATION = "strategy_portal.wsgi.application"

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
                "aims.context_processors.navigation",
                "strategy_portal.context_processors.session_timeout",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that drops packets (rather than refusing) must not hold requests for minutes.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` has two processes on one SQLite file (the web server and the worker): WAL lets pages be read while
    # the worker writes, and a writer waits for the other (immediate transactions) instead of failing "locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL;"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cached page bodies are keyed by each strategy's data_version, so a per-process cache is always correct;
# CACHE_URL (e.g. redis://host:6379/1) shares one cache between the web processes.
# With the shared cache, sessions are read from it and written through to the database (accounts/sessions.py);
# with a cache per process they stay in the database alone, so signing out counts at once in every process.
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
            # A cache that does not answer is skipped (pages render from the database), not waited for.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    SESSION_ENGINE = "accounts.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}}

# The JSON API's rate limits (api/limits.py), requests per minute: per client address, and per token.
API_RATE_LIMIT_PER_ADDRESS = int(os.environ.get("API_RATE_LIMIT_PER_ADDRESS", "120"))
API_RATE_LIMIT_PER_TOKEN = int(os.environ.get("API_RATE_LIMIT_PER_TOKEN", "120"))

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Without collectstatic (make run, the benchmarks), WhiteNoise serves static/ itself, as it changes, DEBUG or not.
# Production serves the collected, hashed files only.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    # Uploaded evidence, report files, logos and kept uploads: files under MEDIA_ROOT, or S3-compatible object
    # storage when STORAGE_URL or AWS_STORAGE_BUCKET_NAME is set (strategy_portal/storage_settings.py). Private
    # either way: never served from MEDIA_URL or a bucket URL, only streamed through views that check access.
    "default": default_storage_from_env(os.environ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_CLASS_CONVERTERS = {
    "numberinput": "govuk-input",
    "urlinput": "govuk-input",
    "dateinput": "govuk-input",
    "emailinput": "govuk-input",
    "textinput": "govuk-input",
    "passwordinput": "govuk-input",
}

# Evidence uploads
EVIDENCE_MAX_UPLOAD_BYTES = int(os.environ.get("EVIDENCE_MAX_UPLOAD_MB", "20")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 50

# Email: console by default, SMTP when EMAIL_HOST is set.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "digital-strategy-portal@localhost")
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# Celery: Redis in production (CELERY_BROKER_URL=redis://...). `make run` (manage.py run_local) sets
# CELERY_BROKER_URL=filesystem:// and runs a real worker beside the web server on kombu's filesystem transport, its
# folders under CELERY_BROKER_FOLDER. With no broker at all (the tests that do not start a worker, one-off
# management commands) tasks run in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
EMBEDDED_BROKER = CELERY_BROKER_URL.startswith("filesystem://")
CELERY_RESULT_BACKEND = os.environ.get(
    "CELERY_RESULT_BACKEND", None if EMBEDDED_BROKER else (CELERY_BROKER_URL or None)
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "300"))
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "240"))
# Redelivery of a task whose worker died (acks_late), kombu 5.7's Redis transport: each delivered, unacked message
# sits in an index scored by its delivery time. Every running worker sweeps that index every
# unacked_restore_interval seconds but scans it only on every unacked_restore_throttle-th sweep (kombu's defaults,
# 10 s and 10, scan every 100 s); a scan puts back, at the head of the queue, each message delivered more than
# visibility_timeout seconds ago. Worst case, a dead worker's message is back in the queue
#     visibility_timeout + unacked_restore_interval * unacked_restore_throttle  seconds after its delivery
# (600 + 10 * 1 = 610 s with these defaults), then taken at once by a free worker, or when one frees up (within the
# hard time limit). A worker also scans when it starts, so with none running the message waits for the next one.
# reports.versions.redelivery_window() adds this up: the reaper leaves a "generating" version to redelivery until
# then. The visibility timeout must exceed the hard time limit, or a task still running is delivered again.
# Lower-case, so not Django settings: the transport options below are the one place they are read from.
visibility_timeout = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600"))
restore_interval = int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10"))
# 1: every sweep scans (one ZRANGE per worker per interval, cheap), so the interval alone sets the sweep period.
restore_throttle = int(os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", "1"))
if visibility_timeout <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT.")
if restore_interval < 1 or restore_throttle < 1:
    raise ImproperlyConfigured("CELERY_UNACKED_RESTORE_INTERVAL and _THROTTLE must be at least 1.")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": visibility_timeout,
    "unacked_restore_interval": restore_interval,
    "unacked_restore_throttle": restore_throttle,
}
if EMBEDDED_BROKER:
    broker_folder = Path(os.environ.get("CELERY_BROKER_FOLDER", BASE_DIR / ".broker"))
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        # One folder for messages in and out: the web process and the worker share it.
        "data_folder_in": str(broker_folder / "messages"),
        "data_folder_out": str(broker_folder / "messages"),
        "control_folder": str(broker_folder / "control"),
        "processed_folder": str(broker_folder / "processed"),
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat copies these into its database schedule at start; change times in the Django admin afterwards.
CELERY_BEAT_SCHEDULE = {
    "roll-over-periods-and-draft-reports": {
        "task": "reports.tasks.roll_over_and_draft_reports_task",
        "schedule": crontab(hour=1, minute=15),
    },
    "reminders": {"task": "reports.tasks.reminders_send_task", "schedule": crontab(hour=7, minute=30)},
    "reap-stuck-report-versions": {"task": "reports.tasks.report_versions_reap_task", "schedule": 300.0},
    "clean-staged-uploads": {"task": "aims.tasks.staged_uploads_clean", "schedule": crontab(hour=2, minute=0)},
    "clean-staged-spreadsheets": {
        "task": "aims.tasks.spreadsheets_staged_clean",
        "schedule": crontab(hour=2, minute=10),
    },
}
REMINDER_DAYS_BEFORE_DEADLINE = int(os.environ.get("REMINDER_DAYS_BEFORE_DEADLINE", "7"))
REPORT_DRAFT_WITHIN_DAYS = int(os.environ.get("REPORT_DRAFT_WITHIN_DAYS", "31"))

# Security headers (see README "Security").
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(60 * 60)))
# The age above is an inactivity timeout: SessionIdleTimeoutMiddleware renews the session once a minute.
# It also ends every session this long after sign-in, however active (ASVS 7.3.2).
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = False
# Signed-in pages warn this long before the session ends, with a "Stay signed in" button (WCAG 2.2.1).
SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "120"))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

SECURITY_LOG_FILE = os.environ.get("SECURITY_LOG_FILE", "")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        **(
            {"security_file": {"class": "logging.FileHandler", "filename": SECURITY_LOG_FILE, "formatter": "plain"}}
            if SECURITY_LOG_FILE
            else {}
        ),
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "portal.security": {
            "handlers": ["console"] + (["security_file"] if SECURITY_LOG_FILE else []),
            "level": "INFO",
            "propagate": False,
        },
    },
}
