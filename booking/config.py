"""Configuration read from environment variables, with safe defaults for a local run.

Production sets at least SECRET_KEY, DATABASE_URL, BASE_URL, the MAIL_* variables and
RATELIMIT_STORAGE_URI (Redis, shared by every worker). See README.md.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"

# The value a fresh checkout runs with; never acceptable outside debug and testing.
DEFAULT_SECRET_KEY = "dev-only-change-me"
TEST_SECRET_KEY = "test-secret-key-not-for-production"
# The random key `make run` writes for the local demo (see Makefile).
DEV_SECRET_KEY_FILE = INSTANCE_DIR / "dev-secret-key"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def is_development_secret_key(key: str | None) -> bool:
    """The default key, the test suite's, or the one `make run` wrote: never a production key."""
    if not key:
        return False
    if key in (DEFAULT_SECRET_KEY, TEST_SECRET_KEY):
        return True
    try:
        return key == DEV_SECRET_KEY_FILE.read_text(encoding="utf-8").strip()
    except OSError:
        return False


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'booking.sqlite3'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings for a real run, each from the environment."""

    DEBUG = _bool("FLASK_DEBUG")
    TESTING = False
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    # Keys the HMAC of students' email addresses (one application per student). Unset, a
    # key is derived from SECRET_KEY; set it to keep the hashes when SECRET_KEY rotates.
    EMAIL_HASH_KEY = os.environ.get("EMAIL_HASH_KEY", "")

    SQLALCHEMY_DATABASE_URI = _database_url()
    # hide_parameters: a database error never writes the values (names, emails, essays) to the log.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    # The organisation the service belongs to, in each language.
    ORGANISATION_JA = os.environ.get("ORGANISATION_JA", "北九州市上下水道局")
    ORGANISATION_EN = os.environ.get("ORGANISATION_EN", "Kitakyushu City Water and Sewer Bureau")
    CONTACT_PHONE = os.environ.get("CONTACT_PHONE", "")
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "outreach@example.jp")

    # Absolute address used in emails and calendar entries (private links).
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_COUNT = _int("PROXY_COUNT", 0)

    # Staff sessions: kept on the server (staff_sessions), named by a signed cookie; idle
    # expiry and a longest session are checked on every request (booking.staff).
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 30)
    SESSION_MAX_HOURS = _int("SESSION_MAX_HOURS", 12)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=SESSION_MAX_HOURS)
    SESSION_COOKIE_NAME = "booking_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
    REMEMBER_COOKIE_DURATION = timedelta(0)

    MAX_CONTENT_LENGTH = 5 * 1024 * 1024  # uploads (CSV imports) and forms
    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch still submits; the session bounds it

    # Languages and time.
    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    LANGUAGE_COOKIE = "lang"

    # Email: with no MAIL_SERVER, emails stay in the outbox and staff can read them there.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "上下水道局 国際事業 <outreach@example.jp>")
    MAIL_TIMEOUT_SECONDS = min(_int("MAIL_TIMEOUT_SECONDS", 10), 10)
    OUTBOX_BATCH_SIZE = _int("OUTBOX_BATCH_SIZE", 100)
    # Sent and failed emails hold copies of personal data: deleted after this many days.
    OUTBOX_RETENTION_DAYS = _int("OUTBOX_RETENTION_DAYS", 90)
    # The local demo only (`make run`): the outbox shows private links and password links
    # as sent, to try the app without a mail server. Anywhere else they are masked, and
    # create_app refuses this outside debug or testing, or with a production SECRET_KEY.
    SHOW_PRIVATE_LINKS_IN_OUTBOX = _bool("SHOW_PRIVATE_LINKS_IN_OUTBOX")

    # Rate limits: memory for a single local process, Redis in production (shared by workers).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "booking")
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down is not an outage: each worker then counts in its own memory, tries Redis
    # again with growing pauses (up to about a minute), and /healthz says "degraded".
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # A Redis that does not answer holds a request for a second at most.
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "5 per minute")
    PUBLIC_FORM_LIMIT = os.environ.get("PUBLIC_FORM_LIMIT", "20 per hour")
    # The lecture request and youth application forms: a school's many teachers often share
    # one internet address, so that limit is generous; the one per email address is tight.
    SUBMISSION_ADDRESS_LIMIT = os.environ.get("SUBMISSION_ADDRESS_LIMIT", "200 per hour")
    SUBMISSION_EMAIL_LIMIT = os.environ.get("SUBMISSION_EMAIL_LIMIT", "5 per hour")
    # Searches of the school picker on the public forms, per client.
    SCHOOL_SEARCH_LIMIT = os.environ.get("SCHOOL_SEARCH_LIMIT", "60 per minute")

    # The public pages' cache (booking/core/cache.py): version tokens in Redis, shared by every
    # worker. Unset: the rate limits' Redis if they use one; else memory in debug and tests
    # (one process), else no cache. "none" turns it off.
    PAGE_CACHE_STORAGE_URI = os.environ.get("PAGE_CACHE_STORAGE_URI") or None
    PAGE_CACHE_KEY_PREFIX = os.environ.get("PAGE_CACHE_KEY_PREFIX", "")
    PAGE_CACHE_MAX_ENTRIES = _int("PAGE_CACHE_MAX_ENTRIES", 2000)
    # An entry is rendered afresh after this long even if nothing changed (a safety net).
    PAGE_CACHE_MAX_AGE_SECONDS = _int("PAGE_CACHE_MAX_AGE_SECONDS", 600)

    # Staff invitations and password resets.
    INVITE_VALID_HOURS = _int("INVITE_VALID_HOURS", 72)
    # Requests for a reset link from one client (per address: one email per 15 minutes).
    PASSWORD_RESET_LIMIT = os.environ.get("PASSWORD_RESET_LIMIT", "5 per 15 minutes")
    PASSWORD_MIN_LENGTH = 12
    # Argon2id cost; the defaults of argon2-cffi (RFC 9106 low-memory profile).
    ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST = _int("ARGON2_MEMORY_COST", 65536)


class TestConfig(Config):
    """Settings for the test suite: a throwaway database, no real mail, fast hashing."""

    TESTING = True
    DEBUG = False
    SECRET_KEY = TEST_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    BASE_URL = "http://booking.test"
    SESSION_COOKIE_SECURE = False
    MAIL_SERVER = ""
    MAIL_DEFAULT_SENDER = "outreach@example.jp"
    SHOW_PRIVATE_LINKS_IN_OUTBOX = False
    RATELIMIT_STORAGE_URI = "memory://"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    # Individual tests turn CSRF back on to prove every form is protected.
    WTF_CSRF_ENABLED = False
    MAIL_SUPPRESS_SEND = False  # the sender talks to a real SMTP server on loopback in tests
