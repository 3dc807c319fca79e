"""Settings, read from the environment so one build runs anywhere."""
import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'sandbox.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(ROOT / "instance" / "uploads"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
    # Werkzeug's limits for forms without files: a url-encoded body, or one non-file part of a multipart
    # body, is held in memory up to this size (the longest text field, 20,000 Korean characters, is
    # 180 kB percent-encoded); a multipart body has at most this many parts. Larger → the 413 page.
    MAX_FORM_MEMORY_SIZE = int(os.environ.get("MAX_FORM_KB", "2048")) * 1024
    MAX_FORM_PARTS = 1000
    # Served over HTTPS in production: turns on Secure cookies and HSTS.
    HTTPS = _bool("HTTPS")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    OFFICIAL_GOV_SITE = _bool("OFFICIAL_GOV_SITE")
    BABEL_DEFAULT_LOCALE = "ko"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = ("ko", "en")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Keeps this deployment's counters apart from other applications sharing the same Redis.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "sandbox")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per 15 minutes")
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "50 per 15 minutes")
    # Each registration sends an e-mail to the address typed in: bounded per client address.
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "10 per hour")
    # Citizen feedback on a trial, per client address; the throttle page reads its words from this too.
    FEEDBACK_RATE_LIMIT = os.environ.get("FEEDBACK_RATE_LIMIT", "5 per hour")
    # How long the confirmation link of a self-registration stays valid.
    REGISTRATION_LINK_HOURS = int(os.environ.get("REGISTRATION_LINK_HOURS", "48"))
    # A login session ends after this long without a request, and this long after the login in any case
    # (ASVS 3.3.2, level 2). Sessions are rows in user_sessions, checked on every request.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    # A session's "last seen" is written at most this often, so reading pages does not write on every request.
    SESSION_TOUCH_SECONDS = int(os.environ.get("SESSION_TOUCH_SECONDS", "60"))
    # Number of reverse proxies in front of the app that set X-Forwarded-For / -Proto (nginx: 1). 0 trusts
    # no header: a client could otherwise pick its own address for the login throttle and the audit log.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "sandbox@localhost")
    # Notifications: emails are sent after commit by `flask tick` / `flask notifications send`.
    MAIL_ENABLED = _bool("MAIL_ENABLED", True)
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "10"))
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "5"))
    MAIL_RETRY_MINUTES = int(os.environ.get("MAIL_RETRY_MINUTES", "5"))
    BASE_URL = os.environ.get("BASE_URL", "http://localhost:5000")
    # Days relative to a due date on which reminders go out (negative: before).
    REMINDER_OFFSETS = [int(x) for x in os.environ.get("REMINDER_OFFSETS", "-7,0,3").split(",") if x.strip()]
    REMINDER_BUSINESS_DAYS = _bool("REMINDER_BUSINESS_DAYS")
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
    MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
    # Sites closer than this (metres) clash; points and lines have no area of their own.
    CLASH_BUFFER_M = float(os.environ.get("CLASH_BUFFER_M", "50"))
    AUDIT_SIGNING_KEY = os.environ.get("AUDIT_SIGNING_KEY", str(ROOT / "instance" / "audit-signing.pem"))
    WTF_CSRF_TIME_LIMIT = None
    # Seconds a SQLite writer waits for another's write lock before giving up with the 409 page.
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "15"))


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = False
    # Service messages outside a request read in English in tests; pages still follow the browser.
    BABEL_DEFAULT_LOCALE = "en"
    SERVER_NAME = None


def apply_derived(app):
    """Settings that depend on other settings."""
    # The signed cookie itself expires soon after the longest session, whatever the server-side check says.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["SESSION_MAX_HOURS"] + 1)
    if app.config["HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len("postgresql://"):]
    if uri.startswith("postgresql"):
        # A database host that does not answer (down, partitioned) must give a 503 in seconds, not hold a
        # worker until the kernel gives up on the connection (minutes, past gunicorn's worker timeout).
        options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **options, "connect_args": {"connect_timeout": 5, **options.get("connect_args", {})},
        }
    if uri.startswith("sqlite://") and uri != "sqlite://":
        # SQLite allows one writer at a time: the busy timeout makes the others wait their turn instead of
        # failing with 'database is locked'. (Rollback journal, SQLite's default; WAL is not switched on.)
        # Shorter than gunicorn's 30 s worker timeout, so a writer that waits too long gets the 409 page
        # instead of a killed worker.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "connect_args": {"timeout": app.config["SQLITE_BUSY_TIMEOUT"]},
        }
