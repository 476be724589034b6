"""Settings for Exams Portal, driven by the environment only.

With no environment set, the portal runs on the embedded default: SQLite in ./data,
uploads in ./media, a Celery broker on the local file system and DEBUG on, so that a
newcomer's first command works with nothing else installed. Production sets DEBUG=false
and points DATABASE_URL, REDIS_URL and the S3 variables at real services. Every variable
is listed in README.md.
"""

from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from portal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("PORTAL_DATA_DIR") or BASE_DIR / "data")

DEBUG = env_bool("DEBUG", True)
# Production as the environment declares it. Not DEBUG itself, which test runners switch off
# on their own: the refusal to run as a demo (portal/core/checks.py) follows this.
PRODUCTION = not DEBUG

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# With DEBUG off the portal refuses to start on any part of the embedded default (SQLite, a
# cache of one machine, a file-system broker, local media, no malware scanner) unless it is
# named here on purpose: a system check at --deploy level and the web server, worker and
# beat at start-up (portal/core/checks.py).
ALLOW_IN_PRODUCTION = env_list("ALLOW_IN_PRODUCTION")
_DEMO_WORDS = {"sqlite", "local-cache", "local-broker", "local-media", "unscanned-uploads"}
if set(ALLOW_IN_PRODUCTION) - _DEMO_WORDS:
    raise ImproperlyConfigured(
        f"ALLOW_IN_PRODUCTION names {sorted(set(ALLOW_IN_PRODUCTION) - _DEMO_WORDS)}; "
        f"it takes only {sorted(_DEMO_WORDS)}."
    )

PORTAL_NAME = "Exams Portal"
# Where people reach the portal: links in emails start with it. Production must say so; in
# development it is where bin/dev serves (its PORT).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL").rstrip("/")
if not PORTAL_BASE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "PORTAL_BASE_URL must be set when DEBUG is off: the address people reach the "
            "portal at, used in links in emails (e.g. https://portal.example.org)."
        )
    PORTAL_BASE_URL = f"http://127.0.0.1:{env_int('PORT', 8000)}"
elif (
    urlsplit(PORTAL_BASE_URL).scheme not in ("http", "https")
    or not urlsplit(PORTAL_BASE_URL).netloc
):
    raise ImproperlyConfigured(
        f"PORTAL_BASE_URL must be an http or https address such as "
        f"https://portal.example.org, not {PORTAL_BASE_URL!r}."
    )

INSTALLED_APPS = [
    "portal.core.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "portal.accounts",
    "portal.core",
    "portal.calendar",
    "portal.notifications",
    "portal.sla",
    "portal.centres",
    "portal.uploads",
    "portal.outbox",
    "portal.mailin",
    "centres",
    "entries",
    "centres.registration",
    "qa",
    "complaints",
    "results",
    "entries.arrangements",
    "results.enquiries",
    "results.postresults",
    "results.learners",
    "complaints.helpdesk",
    "centres.mailings",
    "centres.publications",
]

MIDDLEWARE = [
    # First: every answer carries the request's id, and every request is counted and timed.
    "portal.observability.requestid.RequestIdMiddleware",
    "portal.observability.metrics.RequestMetricsMiddleware",
    # Results day: an officer's or a learner's plainest read answered from the cache before
    # anything below runs (it adds the headers that the middleware below would).
    "results.read.ResultsDayMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a session, a user or a field: NUL characters, deep JSON and
    # oversized bodies are refused here, once for every view.
    "portal.guards.HostileInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known: officers and staff read only the languages of STAFF_LANGUAGES.
    "portal.i18n.ChosenLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "results.learners.middleware.LearnersOwnPagesMiddleware",
    "portal.accounts.middleware.StaffTwoFactorMiddleware",
    "portal.api.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lock-out raised below into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.csp",
                "portal.core.context_processors.portal",
                "portal.notifications.context_processors.unread_notices",
                "centres.registration.context_processors.applicant",
            ],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file in the data folder.
DATABASE_URL = env_str("DATABASE_URL")
# DATABASE_POOL: each process keeps a pool of connections (psycopg's) that its threads
# share, at most DATABASE_POOL_MAX_SIZE, instead of one persistent connection per thread.
DATABASE_POOL = env_bool("DATABASE_POOL", False)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            # A pooled connection goes back to the pool after each request: Django refuses
            # persistent connections with a pool.
            conn_max_age=0 if DATABASE_POOL else env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=not DATABASE_POOL,
        )
    }
    # The longest one statement may run, in milliseconds: web processes get one just under
    # gunicorn's timeout (gunicorn.conf.py), so that no request waits on a query past it.
    statement_timeout_ms = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 0)
    if statement_timeout_ms and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c statement_timeout={statement_timeout_ms}"
        )
    if DATABASE_POOL:
        if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("DATABASE_POOL needs a PostgreSQL DATABASE_URL.")
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
            # A request waits this long for a free connection, then fails (503).
            "timeout": env_int("DATABASE_POOL_TIMEOUT_SECONDS", 10),
        }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "portal.sqlite3"),
            "OPTIONS": {
                # WAL lets the web process read while the worker writes; IMMEDIATE takes
                # the write lock at BEGIN so two writers queue instead of failing mid-way.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Indexes that carry columns beside their key, for PostgreSQL to answer from the index
    # alone (``Index.include``), are built by SQLite on their key alone, as they should be.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Cache: Redis when REDIS_URL or CACHE_URL is set, else files of this machine.
REDIS_URL = env_str("REDIS_URL")
CACHE_URL = env_str("CACHE_URL") or REDIS_URL
# The cache is an optimisation: while Redis is unreachable it answers as a miss (see
# portal/cache.py), and short timeouts keep a Redis that stopped answering from holding up
# requests.
CACHE_SOCKET_TIMEOUT = env_int("CACHE_SOCKET_TIMEOUT_MS", 500) / 1000
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.ForgivingRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "portal"),
            "OPTIONS": {
                "socket_connect_timeout": CACHE_SOCKET_TIMEOUT,
                "socket_timeout": CACHE_SOCKET_TIMEOUT,
                "RETRY_AFTER": 5,
            },
        }
    }
else:
    # The embedded default: one cache for all its processes (bin/dev's web server, worker and
    # beat), in files, so that what the worker changes (results imported, a generation of
    # cached pages moved on) is seen by the web server at its next request. The tests keep
    # the cache in each test process's memory instead (tests/conftest.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            # Django's default of 300 entries would cull a demo's pages and generations.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# Sessions and sign-in lock-outs live in the database, not the cache: a Redis outage signs
# nobody out and unlocks nobody. (Django's database sessions, which also forget a learner's
# session remembered for results day when it ends; django-axes' default, made explicit.)
SESSION_ENGINE = "results.learners.sessions"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out username is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule about passwords: Django tells every validator when a password changes,
    # whichever way it changed (own page, reset link, staff area, command line).
    {"NAME": "portal.accounts.passwords.EndApiTokensOnPasswordChange"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in lock-outs: five failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout.lockout_response"
# Reverse proxies in front of the portal (load balancer, ingress) whose X-Forwarded-For
# entries are trusted; see portal/net.py.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "portal.net.client_ip"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = PORTAL_NAME
# The staff area always needs two-factor sign-in. The API asks for a code from whoever
# enrolled a device (the public contract); staff must moreover have one to use the API at all,
# unless a deployment turns this off.
STAFF_API_TWO_FACTOR = env_bool("STAFF_API_TWO_FACTOR", True)

# API tokens: one per device, hashed at rest (django-rest-knox), ending after this many hours.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 24 * 30)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations would create its stock token table although ours replaces it.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# Retries of creating API requests (the Idempotency-Key header) are remembered this long.
IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 24)
# The largest body a request with an Idempotency-Key may have: its fingerprint reads it all.
IDEMPOTENCY_MAX_BODY_BYTES = env_int("IDEMPOTENCY_MAX_BODY_BYTES", 100 * 1024 * 1024)

LANGUAGE_CODE = "en-gb"
# The languages a person may choose (portal/i18n.py); the catalogues are in locale/.
LANGUAGES = [
    ("en-gb", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("ar", "Arabic"),
    ("zh-hans", "Simplified Chinese"),
]
# Of those, the languages whose catalogue translates the exams officers' and staff's pages
# too: officers and staff who chose another read the portal's language (portal/i18n.py).
STAFF_LANGUAGES = ["en-gb"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")

# Storage: local media/ by default; S3 (or any S3-compatible store) when a bucket is named.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    default_storage = {
        "BACKEND": "portal.s3.PortalS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            # The address browsers reach the bucket at, when it is not the one above: the
            # URLs they are given (upload parts, downloads) are signed for it.
            "public_endpoint_url": env_str("AWS_S3_PUBLIC_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            # S3-compatible servers (SeaweedFS, Garage, Ceph) answer at one address, the
            # bucket in the path; AWS itself takes either.
            "addressing_style": env_str(
                "AWS_S3_ADDRESSING_STYLE", "path" if env_str("AWS_S3_ENDPOINT_URL") else "auto"
            ),
            "signature_version": "s3v4",
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            # Keys are generated by the portal; never overwrite, never public.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }
else:
    default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    }
# On S3, how long the presigned URL a download redirects to stays valid.
UPLOADS_URL_EXPIRE_SECONDS = env_int("UPLOADS_URL_EXPIRE_SECONDS", 60)
# Resumable uploads (the S3 multipart protocol, on S3 or served by the portal into local
# storage): the smallest part (S3's own floor is 5 MiB; tests lower it), how long a part's URL
# is valid, and how long an upload may stand unfinished before the hourly sweep abandons it.
UPLOADS_MIN_PART_SIZE = env_int("UPLOADS_MIN_PART_SIZE", 5 * 1024 * 1024)
UPLOADS_PART_URL_EXPIRE_SECONDS = env_int("UPLOADS_PART_URL_EXPIRE_SECONDS", 3600)
UPLOADS_ABANDON_AFTER_HOURS = env_int("UPLOADS_ABANDON_AFTER_HOURS", 7 * 24)
# Malware scanning by ClamAV's daemon: "unix:///run/clamav/clamd.ctl" or "tcp://host:3310".
# Without it files are "not scanned" (and say so), never "clean".
CLAMD_URL = env_str("CLAMD_URL")
CLAMD_TIMEOUT_SECONDS = env_int("CLAMD_TIMEOUT_SECONDS", 600)
# What clamd is configured to take in one stream (its StreamMaxLength): larger files are not
# sent, and are "not scanned". clamd never scans more than 2 GB whatever it is told.
CLAMD_STREAM_MAX_BYTES = env_int("CLAMD_STREAM_MAX_BYTES", 2 * 1024 * 1024 * 1024 - 1)
STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: SMTP when EMAIL_HOST is set (Django 6.1's MAILERS). Without it, in development, each
# email is saved whole under the data folder and announced on the console in a few lines with
# its links (portal/notifications/devmail.py); with DEBUG off, printed whole on the console.
EMAIL_HOST = env_str("EMAIL_HOST")
# Implicit TLS (SMTPS, port 465) with EMAIL_USE_SSL; else STARTTLS on 587 (EMAIL_USE_TLS).
_email_ssl = env_bool("EMAIL_USE_SSL", False)
_email_tls = env_bool("EMAIL_USE_TLS", not _email_ssl)
if _email_ssl and _email_tls:
    raise ImproperlyConfigured(
        "EMAIL_USE_SSL (implicit TLS, port 465) and EMAIL_USE_TLS (STARTTLS, port 587) "
        "exclude each other: set one."
    )
EMAIL_FOLDER = DATA_DIR / "emails"
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 465 if _email_ssl else 587),
                "username": env_str("EMAIL_HOST_USER") or None,
                "password": env_str("EMAIL_HOST_PASSWORD") or None,
                "use_tls": _email_tls,
                "use_ssl": _email_ssl,
                "timeout": env_int("EMAIL_TIMEOUT_SECONDS", 20),
            },
        }
    }
elif env_str("EMAIL_BACKEND"):
    MAILERS = {"default": {"BACKEND": env_str("EMAIL_BACKEND")}}
elif DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "portal.notifications.devmail.EmailBackend",
            "OPTIONS": {"folder": EMAIL_FOLDER},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Exams Portal <no-reply@exams-portal.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when CELERY_BROKER_URL or REDIS_URL is set, else a broker on the local file
# system that web, worker and beat share with nothing installed. (Its host means nothing; named,
# it spares a warning from kombu at every task sent.)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://localhost/"
BROKER_DIR = DATA_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # The exchange tables live with the rest of the broker, not in the working directory.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# The sweep runs every minute (SLA_SWEEP_SECONDS); each run expires before the next so a
# backlog never piles up.
SLA_SWEEP_SECONDS = env_int("SLA_SWEEP_SECONDS", 60)
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Workers log through LOGGING below (JSON in production), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Beat's heartbeat, run by a worker: /readyz fails when the last one is older than this.
BEAT_HEARTBEAT_SECONDS = env_int("BEAT_HEARTBEAT_SECONDS", 30)
BEAT_HEARTBEAT_MAX_AGE_SECONDS = env_int("BEAT_HEARTBEAT_MAX_AGE_SECONDS", 180)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "portal.heartbeat",
        "schedule": float(BEAT_HEARTBEAT_SECONDS),
        "options": {"expires": BEAT_HEARTBEAT_SECONDS},
    },
    "sla-sweep": {
        "task": "portal.sla.sweep",
        "schedule": float(SLA_SWEEP_SECONDS),
        "options": {"expires": max(1, SLA_SWEEP_SECONDS - 5)},
    },
    # Results day: the release notice goes out at the first run from the instant, once.
    "results-release-notices": {
        "task": "results.release_notices",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Hourly: a series' results date that was never announced is measured against the
    # charter's six months' notice like one that was (results.watch_release_dates).
    "results-watch-release-dates": {
        "task": "results.watch_release_dates",
        "schedule": 3600.0,
        "options": {"expires": 3500},
    },
    # Hourly: expired API tokens and remembered retries deleted (nothing relies on it for
    # safety: expiry is checked on every request), old outbox rows deleted, the text of old
    # emails forgotten (portal.core.tasks.housekeeping).
    "housekeeping": {
        "task": "portal.housekeeping",
        "schedule": 3600.0,
        "options": {"expires": 3500},
    },
    # Resumable uploads never finished are abandoned, their parts deleted (see portal/uploads).
    "uploads-abandon-stale": {
        "task": "portal.uploads.abandon_stale",
        "schedule": 3600.0,
        "options": {"expires": 3500},
    },
    # Publishes the queued tasks the broker missed (see portal/outbox); cheap when none are.
    "outbox-relay": {
        "task": "portal.outbox.relay",
        "schedule": 5.0,
        "options": {"expires": 5},
    },
    # Results day: results a centre asked to send to a university or employer go at the
    # first run from the release instant, each once.
    "postresults-send-due-results": {
        "task": "postresults.send_due_results",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Results day: each centre with issued results gets the despatch of its certificates,
    # its clock from the release instant; bounded batches, each case opened once.
    "postresults-open-certificate-despatches": {
        "task": "postresults.open_certificate_despatches",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The newsletter and the timetables mailing: each month's issue waits for staff as a draft
    # (and the newsletter's deadline runs) from a week ahead; a ready issue goes out on its
    # month's first working day, claimed once (centres.mailings).
    "mailings-send-due": {
        "task": "mailings.send_due",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Email in: what waits in INBOUND_IMAP_URL's mailbox (nothing to do when unset), and any
    # message stored but left unprocessed by a process that stopped.
    "mailin-fetch": {
        "task": "portal.mailin.fetch",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Emails are rows; this drains whatever the after-commit kick missed (a broker that
    # was down, a worker that died). Claims make overlapping runs harmless.
    "notifications-send-emails": {
        "task": "portal.notifications.send_emails",
        "schedule": 10.0,
        "options": {"expires": 9},
    },
}
# Days a task that ran stays in the outbox (for staff looking into what happened), and days
# the text of a sent email is kept (the row itself stays: it is what makes emails exactly once).
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 30)
EMAIL_KEEP_DAYS = env_int("EMAIL_KEEP_DAYS", 180)
# Seconds after which an email claimed by a sender that never finished is taken again. A
# sender hands back a batch it has held for half of it, so it must leave room for a batch.
NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT = env_int("NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT", 300)
if NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT < 10:
    raise ImproperlyConfigured("NOTIFICATIONS_EMAIL_CLAIM_TIMEOUT must be at least 10 seconds.")

# The outbox (portal/outbox): tasks queued with the change that caused them, published after
# the commit or, if the broker was unreachable, by the relay.
OUTBOX_PUBLISH_TIMEOUT = env_int("OUTBOX_PUBLISH_TIMEOUT_MS", 1000) / 1000
OUTBOX_REPUBLISH_AFTER = env_int("OUTBOX_REPUBLISH_AFTER_SECONDS", 600)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 5)
OUTBOX_RELAY_BATCH = env_int("OUTBOX_RELAY_BATCH", 100)

REST_FRAMEWORK = {
    # OPTIONS describes list routes that take PUT without asking them for an object.
    "DEFAULT_METADATA_CLASS": "portal.api.metadata.PortalMetadata",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated request then answers 401 with WWW-Authenticate.
        "portal.api.authentication.ApiTokenAuthentication",
        "portal.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Every list bounded at full size: counted exactly up to 25,000 rows, estimated beyond.
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.BoundedCountPagination",
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.JSONParser",
        "portal.api.parsers.FormParser",
        "portal.api.parsers.MultiPartParser",
    ],
    # Every throttle counts by the client address of portal/net.py, never by a header the
    # client wrote; NUM_PROXIES keeps any plain DRF throttle to the same rule.
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.api.throttling.AnonRateThrottle",
        "portal.api.throttling.UserRateThrottle",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        # The token endpoint counts sign-ins per username tried and per client address.
        "token_user": env_str("TOKEN_THROTTLE_RATE", "10/min"),
        "token_address": env_str("TOKEN_THROTTLE_ADDRESS_RATE", "60/min"),
        "anon": "100/min",
        "user": "2000/min",
    },
    # The browsable API is a development aid: with DEBUG off every answer is JSON.
    "DEFAULT_RENDERER_CLASSES": (
        ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"]
        if DEBUG
        else ["rest_framework.renderers.JSONRenderer"]
    ),
    "DEFAULT_VERSIONING_CLASS": None,
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Exams Portal API",
    "DESCRIPTION": "The public contract through which centres and their systems work with the "
    "awarding body: entries, cases, deadlines and results.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from our own static files: no CDN, and the strict CSP holds.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Case types of different apps share field names with different choices.
    "ENUM_NAME_OVERRIDES": {
        "ConsiderationCategoryEnum": "entries.arrangements.models.Category",
        "ComplaintCategoryEnum": "complaints.models.Category",
        "AccessArrangementStatusEnum": "entries.arrangements.models.AccessArrangement.Status",
        "SpecialConsiderationStatusEnum": "entries.arrangements.models.SpecialConsideration.Status",
        "AppealStatusEnum": "entries.arrangements.models.Appeal.Status",
        "EnquiryStatusEnum": "results.enquiries.models.Enquiry.Status",
        "ServiceRequestStatusEnum": "results.postresults.models.ServiceRequest.Status",
        "EnquiryServiceEnum": "results.enquiries.models.Service",
        "PostResultsServiceEnum": "results.postresults.models.Service",
        "CertificateDespatchStatusEnum": "results.postresults.models.CertificateDespatch.Status",
        "StaffRoleEnum": "portal.accounts.roles.ROLE_CHOICES",
        "RoleEnum": "portal.centres.models.Membership.Role",
        # Every grade a result may have (an enquiry's outcome), and the fewer a school-assessed
        # grade may be.
        "ResultGradeEnum": "results.models.GRADES",
        "QaGradeEnum": "qa.models.GRADES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.idempotency.document_idempotency_key",
    ],
}

# Security. Production (DEBUG off) gets HTTPS-only cookies, HSTS and a strict policy.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "portal.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# A page that needs an inline script or style marks it with {{ csp_nonce }}; the nonce is
# sent only on pages that use it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "style-src": [CSP.SELF, CSP.NONCE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
}
if AWS_STORAGE_BUCKET_NAME:
    # Browsers send the parts of a resumable upload straight to the bucket.
    SECURE_CSP["connect-src"] = [
        CSP.SELF,
        env_str("AWS_S3_PUBLIC_ENDPOINT_URL")
        or env_str("AWS_S3_ENDPOINT_URL")
        or "https://*.amazonaws.com",
    ]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers and container health checks call /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Uploads: files above 2.5 MB stream to a temporary file, never to memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Complaints: the largest attachment, and how many public submissions one address may make
# in an hour before it is asked to wait.
COMPLAINT_ATTACHMENT_MAX_BYTES = env_int("COMPLAINT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
COMPLAINT_PUBLIC_LIMIT_PER_HOUR = env_int("COMPLAINT_PUBLIC_LIMIT_PER_HOUR", 5)

# Email in (portal/mailin; see the README): the largest message taken in (over it, the first
# INBOUND_EMAIL_KEEP_HEAD_BYTES are kept and it is refused), the most MIME parts read, the
# largest attached file, and how many messages one address may send in an hour before the
# rest are held for review. INBOUND_EMAIL_ADDRESSES: the portal's own addresses that take
# mail in (the first is where answers' replies go; mail from any of them is a loop).
INBOUND_EMAIL_MAX_BYTES = env_int("INBOUND_EMAIL_MAX_BYTES", 25 * 1024 * 1024)
INBOUND_EMAIL_KEEP_HEAD_BYTES = env_int("INBOUND_EMAIL_KEEP_HEAD_BYTES", 64 * 1024)
INBOUND_EMAIL_MAX_PARTS = env_int("INBOUND_EMAIL_MAX_PARTS", 100)
INBOUND_EMAIL_ATTACHMENT_MAX_BYTES = env_int(
    "INBOUND_EMAIL_ATTACHMENT_MAX_BYTES", COMPLAINT_ATTACHMENT_MAX_BYTES
)
INBOUND_EMAIL_LIMIT_PER_HOUR = env_int("INBOUND_EMAIL_LIMIT_PER_HOUR", 20)
INBOUND_EMAIL_ADDRESSES = [a.strip().lower() for a in env_list("INBOUND_EMAIL_ADDRESSES", [])]
# The staff role told of a burst of messages from one address.
INBOUND_EMAIL_TEAM = env_str("INBOUND_EMAIL_TEAM", "Customer services")
# The authserv-id our own mail server writes in Authentication-Results (RFC 8601): a message
# from an officer's address that it found forged (DMARC, or SPF without DKIM) is held.
INBOUND_EMAIL_AUTHSERV_ID = env_str("INBOUND_EMAIL_AUTHSERV_ID")
# imaps://user:password@host:993/INBOX (or imap://…:143): fetched every minute when set.
INBOUND_IMAP_URL = env_str("INBOUND_IMAP_URL")
INBOUND_IMAP_DONE_MAILBOX = env_str("INBOUND_IMAP_DONE_MAILBOX")
INBOUND_IMAP_TIMEOUT_SECONDS = env_int("INBOUND_IMAP_TIMEOUT_SECONDS", 30)

# Centre accounts: how long a link inviting someone to join a centre works.
CENTRE_INVITATION_DAYS = env_int("CENTRE_INVITATION_DAYS", 14)

# Metrics (/metrics, Prometheus): answered to a scraper showing METRICS_TOKEN as a bearer
# token, or calling from METRICS_ALLOWED_NETWORKS; to anyone else it is not there (404).
METRICS_TOKEN = env_str("METRICS_TOKEN")
try:
    METRICS_ALLOWED_NETWORKS = [
        ip_network(item, strict=False)
        for item in env_list("METRICS_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"])
    ]
except ValueError as _error:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_error}") from None
# Seconds the figures read from the database are reused between scrapes.
METRICS_CACHE_SECONDS = env_int("METRICS_CACHE_SECONDS", 10)

# Logs: JSON objects one a line in production (LOG_FORMAT=json), each with the request id
# carried into the tasks the request queued; plain lines in development.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portal.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # fpdf2 subsets the PDFs' fonts with fontTools, which reports each step at INFO.
        "fontTools": {"level": "WARNING"},
        # One line per request (view, status, time): on in production, quiet in development.
        "portal.requests": {"level": env_str("REQUEST_LOG_LEVEL", "WARNING" if DEBUG else "INFO")},
    },
}

# Error tracking: Sentry (or anything speaking its protocol) when SENTRY_DSN is set.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from portal.observability.errors import start_sentry

    start_sentry(
        SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=env_str("SENTRY_RELEASE") or None,
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )
