"""Settings, read from the environment (django-environ).

Every value that differs between a laptop, CI and production comes from an
environment variable; the defaults give the embedded mode (``make run``): a SQLite
file, tasks run in-process, email written to the console.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "csp",
    "accounts",
    "notifications",
    "officers",
    "partners",
    "delegations",
    "visits",
    "trips",
    "outcomes",
    "privacy",
    "api",
    "demo",
    "health",
    "pagecache",
]
# The benchmark's app (bench/: its commands and the bare ceiling view at /bench/ceiling/) is
# installed only while the benchmark runs (bench/run.py sets BENCH).
BENCH = env.bool("BENCH", default=False)
if BENCH:
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SignOutClearsSiteDataMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "cityexchange.urls"
WSGI_APPLICATION = "cityexchange.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Whole pages cached in Redis under the versions of the tables they read (pagecache/); an entry
# is right for as long as it lives, the timeout only bounds Redis's memory.
PAGECACHE_ENABLED = env.bool("PAGECACHE_ENABLED", default=True)
PAGECACHE_TIMEOUT = env.int("PAGECACHE_TIMEOUT", default=3600)

if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # A database that stops answering fails a new connection in seconds instead of hanging the request.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=3)

REDIS_URL = env.str("REDIS_URL", default="")
# Redis is an accelerator and a mailbox, never the record: no request or on-commit hook may wait
# on it for long. Connect and read timeouts on every connection (cache and broker), no retry
# of a timed-out command, and a health check of pooled connections that sat idle.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
REDIS_HEALTH_CHECK_INTERVAL = 25
if REDIS_URL:
    CACHES = {
        "default": {
            # health/cache.py: errors and timeouts are logged and answered as an empty cache.
            "BACKEND": "health.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cityexchange"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                "retry_on_timeout": False,
                "health_check_interval": REDIS_HEALTH_CHECK_INTERVAL,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# allauth 65: email is the login; accounts come from invitations or an admin.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "accounts.adapter.InvitationOnlyAccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Limits live in the default cache (Redis when REDIS_URL is set, so all workers share them).
# "login" counts every attempt per address and answers 429. "login_failed" counts failures
# before the password is checked: over it even the right password is refused, with a form
# error on the portal and 429 on the admin's sign-in (accounts/adapter.py). The portal and
# the admin share this one form, so its limits are the admin's: 20 per address, 5 per account.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/15m/ip,5/15m/key",
    "reset_password": "20/m/ip,5/m/key",
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="UTC")

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CityExchange <noreply@cityexchange.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Celery: with no broker configured, tasks run in-process (embedded mode).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # A hung Redis fails a publish in about a second; the row stays queued for the sweep.
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "retry_on_timeout": False,
    "health_check_interval": REDIS_HEALTH_CHECK_INTERVAL,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a web process: one quick retry, then the caller gives up (notification_dispatch).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Celery's Django fix-up closes the database connection before and after every task unless
# this is set, so each message paid for a new PostgreSQL connection (make bench). With it set,
# a worker keeps its connection, and cityexchange/celery.py drops it after a task the way
# Django does after a request: past CONN_MAX_AGE, or unusable after an error.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)

# --- Notifications: outbox delivery and the beat schedule (notifications/, visits/tasks.py) ---
# Invariants that keep delivery exactly-once in the normal path (tested in notifications/tests):
# a task never runs longer than CELERY_TASK_TIME_LIMIT; a row "sending" for longer than
# NOTIFICATION_SENDING_TIMEOUT_SECONDS therefore belongs to a dead worker; the broker's
# visibility timeout is longer than both and than the longest retry countdown.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)
NOTIFICATION_RETRY_BASE_SECONDS = env.int("NOTIFICATION_RETRY_BASE_SECONDS", default=60)
NOTIFICATION_RETRY_MAX_SECONDS = env.int("NOTIFICATION_RETRY_MAX_SECONDS", default=1800)
NOTIFICATION_SENDING_TIMEOUT_SECONDS = env.int("NOTIFICATION_SENDING_TIMEOUT_SECONDS", default=600)
NOTIFICATION_SWEEP_AFTER_SECONDS = env.int("NOTIFICATION_SWEEP_AFTER_SECONDS", default=120)
# Itinerary edits after publication are gathered into one digest once they have been quiet this long.
ITINERARY_DIGEST_QUIET_MINUTES = env.float("ITINERARY_DIGEST_QUIET_MINUTES", default=5)
# Reminders and follow-up messages go out at this hour in each recipient's home zone.
NOTIFICATION_LOCAL_HOUR = env.int("NOTIFICATION_LOCAL_HOUR", default=8)
LESSONS_REQUEST_DAYS_AFTER_VISIT = env.int("LESSONS_REQUEST_DAYS_AFTER_VISIT", default=1)
# Days before a follow-up's due date on which its owner is reminded (negative: after it passed).
FOLLOW_UP_REMINDER_DAYS = [7, 0, -7]
# A scheduled message whose moment passed longer ago than this (beat down, feature new) is skipped.
SCHEDULED_MESSAGE_CATCH_UP_HOURS = env.int("SCHEDULED_MESSAGE_CATCH_UP_HOURS", default=48)
# Whether Celery beat runs beside this deployment: by default wherever there is a broker. Embedded mode
# (make run, no REDIS_URL) runs nothing on a schedule; the outbox and the visit page say so.
SCHEDULED_TASKS_RUN = env.bool("SCHEDULED_TASKS_RUN", default=bool(REDIS_URL))
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {
        "task": "notifications.tasks.notification_sweep_task",
        "schedule": env.float("NOTIFICATION_SWEEP_INTERVAL_SECONDS", default=60.0),
    },
    "itinerary-digests": {"task": "visits.tasks.itinerary_digests_queue_task", "schedule": 60.0},
    "scheduled-messages": {"task": "outcomes.tasks.scheduled_messages_queue_task", "schedule": 600.0},
    # Personal data past PERSONAL_DATA_RETENTION_DAYS (privacy/services.py), daily at 03:15 UTC.
    "sensitive-data-purge": {"task": "privacy.tasks.sensitive_data_purge_task", "schedule": crontab(hour=3, minute=15)},
}
# --- end of notifications ---

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# No inline script or style anywhere, so the policy can stay strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "frame-ancestors": [csp.NONE],
        "form-action": [csp.SELF],
        "manifest-src": [csp.SELF],
        "worker-src": [csp.SELF],
    }
}

# Sessions: an idle timeout and an absolute lifetime counted from sign-in
# (cityexchange/middleware.py). The defaults let a delegate stay signed in through a
# week-long trip with long flights; tighten them with the environment. Sessions are read
# from the cache and kept in the database (cached_db). Users see and end their sessions at
# /accounts/sessions/ (allauth.usersessions), and a password change ends the others.
# cached_db, with each cached copy kept at most SESSION_CACHE_SECONDS (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_CACHE_SECONDS = env.int("SESSION_CACHE_SECONDS", default=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=60 * 60 * 8)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=60 * 60 * 24 * 7)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
USERSESSIONS_TRACK_ACTIVITY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Production (DEBUG off): TLS terminates at the proxy in front of gunicorn.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # A load balancer probes the health endpoints over plain HTTP, behind the TLS proxy.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="")


# Dietary, accessibility and emergency-contact data are cleared this long after a
# participant's last visit ends (privacy/services.py, run daily by beat).
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=180)
