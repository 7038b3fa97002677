"""Datakring settings: one module, every deploy-specific value from the environment.

With no environment at all you get a working development portal: a SQLite file,
tasks run in-process, e-mail printed to the console. `.env.example` documents
every variable; production values are described in the README ("Deploying").
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "")
    if value == "":
        return default
    if value.lower() in ("true", "1", "yes", "on"):
        return True
    if value.lower() in ("false", "0", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, not {value!r}")
    return number


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_url(name: str, default: str, *, schemes: tuple[str, ...]) -> str:
    value = os.environ.get(name, "") or default
    parts = urlsplit(value)
    if parts.scheme not in schemes or not (parts.netloc or parts.path):
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with {' or '.join(s + '://' for s in schemes)}, "
            f"not {value!r}"
        )
    return value


DEBUG = env_bool("DEBUG", False)
# `manage.py check --deploy` flags this default key (security.W009), so it cannot reach
# production unnoticed.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-development-key-change-me"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

# The base of every stable URI (DCAT, sitemaps, e-mails). It must not come from the
# request's Host header: a dataset's URI is the same whoever asks.
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Datakring")
CSRF_TRUSTED_ORIGINS = [SITE_URL]
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",
    "rest_framework",
    "django_filters",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "catalog",
    "communities",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
# Widgets render with the project's templates, so templates/ can hold widget templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "portal.context_processors.site",
                "communities.context_processors.notifications",
            ],
        },
    },
]

# Without DATABASE_URL we use a SQLite file, so a fresh checkout runs with no services.
# PostgreSQL: DATABASE_URL=postgres://user:password@host:5432/name (psycopg 3).
try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except Exception as exc:  # dj-database-url raises several types for one mistake
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite cannot keep connections across threads of the dev server usefully.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Without REDIS_URL, tasks run inline in the web process and the cache is per-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    env_url("REDIS_URL", REDIS_URL, schemes=("redis", "rediss", "unix"))
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "datakring",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A worker killed mid-task must not lose it: acknowledge after the task ran, fetch one at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 30, 1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task taken by a worker that then died (killed, out of memory) goes back to the queue
# once it has been unacknowledged this long; it must exceed the longest task's run time.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # How often a worker looks for such tasks (kombu otherwise scans every ~100 s).
    "unacked_restore_interval": max(1, min(60, CELERY_VISIBILITY_TIMEOUT // 3)),
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULE = {
    "rebuild-search-index-weekly": {
        "task": "catalog.tasks.rebuild_search_index",
        "schedule": 7 * 24 * 3600,
    },
    "harvest-due-sources": {
        "task": "catalog.tasks.harvest_due_sources",
        "schedule": 15 * 60,
    },
    # Link health: every link at night, failing ones again during the day (so a link is
    # confirmed broken, or recovered, within about a day), then the digest to publishers.
    "check-links-nightly": {
        "task": "catalog.tasks.check_all_links",
        "schedule": crontab(hour=2, minute=30),
    },
    "recheck-failing-links": {
        "task": "catalog.tasks.check_all_links",
        "schedule": crontab(hour="8,14,20", minute=30),
        "kwargs": {"failing_only": True},
    },
    "send-link-digest-daily": {
        "task": "catalog.tasks.send_link_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    # Scores follow every change already; this catches bulk writes and "updated on time".
    "score-all-datasets-nightly": {
        "task": "catalog.tasks.score_all_datasets",
        "schedule": crontab(hour=4, minute=15),
    },
    # Structure: remote files change without telling; an unchanged one is only hashed.
    "profile-distributions-weekly": {
        "task": "catalog.tasks.profile_all",
        "schedule": crontab(hour=3, minute=15, day_of_week=0),
    },
    # Communities: the notifications of people who chose a daily digest.
    "send-notification-digest-daily": {
        "task": "communities.tasks.send_notification_digest",
        "schedule": crontab(hour=6, minute=30),
    },
    # Data requests left untouched remind their community's managers (once per period).
    "remind-data-requests-daily": {
        "task": "communities.tasks.remind_data_requests",
        "schedule": crontab(hour=8, minute=0),
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Public accounts (django-allauth): re-users sign up to request access to data and to register
# reuses; staff sign in here or through the admin. Sign-up, e-mail verification, password
# reset and the rate limits below are allauth's, so they stay maintained upstream.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
# "optional": a new account may sign in at once and is asked to confirm its address;
# "mandatory": not before it is confirmed; "none": no confirmation e-mail.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "") or "optional"
if ACCOUNT_EMAIL_VERIFICATION not in ("none", "optional", "mandatory"):
    raise ImproperlyConfigured(
        "ACCOUNT_EMAIL_VERIFICATION must be none, optional or mandatory, "
        f"not {ACCOUNT_EMAIL_VERIFICATION!r}"
    )
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False  # signing out is a POST with a CSRF token
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme
# Everything a stranger can post is rate limited, counted in the cache (per process without
# REDIS_URL). Over a limit a failed login shows a form error; the others answer 429.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# The limits count per client address. Behind a reverse proxy every request comes from the
# proxy, so the address is read from X-Forwarded-For, this many hops from the right.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int(
    "TRUSTED_PROXY_COUNT", 1 if env_bool("TRUST_X_FORWARDED_PROTO", False) else 0
)

# English and Dutch UI. URLs carry no language prefix (a dataset has one URL, which is
# also its URI); the language comes from the switcher's cookie or Accept-Language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Languages metadata editors fill side by side; harvested metadata may carry others.
METADATA_LANGUAGES = ["nl", "en"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Uploaded distribution files: refused above this size (bytes), checked by type.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644
# Structure profiling (catalog.profiling) reads uploaded and remote files up to this size.
PROFILE_MAX_BYTES = env_int("PROFILE_MAX_BYTES", 200 * 1024 * 1024)

# Harvesting and link checks refuse private, loopback and link-local addresses, so that
# a harvest source cannot reach the portal's own network; intranet deployments allow them.
OUTBOUND_ALLOW_PRIVATE = env_bool("OUTBOUND_ALLOW_PRIVATE", False)

# Communities (trust and moderation). With COMMUNITY_HOLD_FIRST_POSTS a new account's posts
# wait for a moderator until one of them was released. Posting (questions, answers,
# comments, requests, reports) is limited per hour per user and per client address.
COMMUNITY_HOLD_FIRST_POSTS = env_bool("COMMUNITY_HOLD_FIRST_POSTS", False)
COMMUNITY_POSTS_PER_HOUR = env_int("COMMUNITY_POSTS_PER_HOUR", 30)
COMMUNITY_POSTS_PER_HOUR_PER_ADDRESS = env_int("COMMUNITY_POSTS_PER_HOUR_PER_ADDRESS", 100)
# Data requests whose status has not changed for this many days remind the managers of
# their community (site managers without one), again every this many days.
DATA_REQUEST_REMINDER_DAYS = max(env_int("DATA_REQUEST_REMINDER_DAYS", 14), 1)
# `manage.py load_demo` calls these after loading the demo catalogue (each returns a report).
DEMO_LOADERS = ["communities.demo.load_demo"]

# Link health (catalog.linkcheck). Per host at most LINKCHECK_HOST_CONCURRENCY requests at
# a time, each slot waiting LINKCHECK_HOST_DELAY_MS after a request (politeness). A link is
# broken after LINKCHECK_BROKEN_AFTER_FAILURES failures in a row spread over more than
# LINKCHECK_BROKEN_AFTER_HOURS, so a short outage does not flag it.
LINKCHECK_TIMEOUT = max(env_int("LINKCHECK_TIMEOUT", 10), 1)
LINKCHECK_WORKERS = max(env_int("LINKCHECK_WORKERS", 32), 1)
LINKCHECK_HOST_CONCURRENCY = max(env_int("LINKCHECK_HOST_CONCURRENCY", 2), 1)
LINKCHECK_HOST_DELAY_MS = env_int("LINKCHECK_HOST_DELAY_MS", 100)
LINKCHECK_BROKEN_AFTER_FAILURES = max(env_int("LINKCHECK_BROKEN_AFTER_FAILURES", 2), 1)
LINKCHECK_BROKEN_AFTER_HOURS = env_int("LINKCHECK_BROKEN_AFTER_HOURS", 24)

# E-mail: printed to the console unless EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Datakring <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Served over HTTPS (SITE_URL starts with https://) the cookies are secure and
# HSTS is on; behind a TLS-terminating proxy set TRUST_X_FORWARDED_PROTO=True.
HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Preloading is a commitment for the whole registrable domain, made by its owner (the
# list only accepts apex domains), so its absence is a decision here, not an oversight.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

REST_FRAMEWORK = {
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "catalog.api_access.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "catalog.api_access.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Counted in the cache (per process without REDIS_URL); 429 responses carry Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "catalog.api_access.AnonReadThrottle",
        "catalog.api_access.UserReadThrottle",
        "catalog.api_access.WriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "") or "600/min",
        "user": os.environ.get("API_THROTTLE_USER", "") or "1200/min",
        "write": os.environ.get("API_THROTTLE_WRITE", "") or "60/min",
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # `format` is a dataset filter (file format), not a renderer switch.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": (
        "The catalogue's datasets, distributions, publishers, data services and vocabularies; "
        "data communities with their questions and data requests. "
        "Reads are open; writes need a personal token (`Authorization: Token <token>`). "
        "The CKAN-compatible Action API lives at /api/3/action/."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DatasetStatusEnum": "catalog.models.Status",
        "DistributionStatusEnum": "catalog.models.Distribution.DistributionStatus",
        "QuestionStatusEnum": "communities.models.Question.Status",
        "DataRequestStatusEnum": "communities.models.DataRequest.Status",
    },
}
# CORS: the APIs' reads are open to pages on any origin, writes to none. CORS_URLS_REGEX
# matches nothing: catalog.api_access._cors_read_only decides per request (method and path).
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

LOG_LEVEL = os.environ.get("LOG_LEVEL", "") or "INFO"
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # In-process (eager) tasks would log every search reindex at INFO.
        "celery.app.trace": {"level": "WARNING"},
    },
}
