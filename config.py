"""Settings read from the environment when the app is created, with embedded defaults.

A fresh machine needs no service: SQLite and an SQLite-backed Celery broker live in the
instance folder. Production refuses to start without its secrets or with the emulator.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
STRIPE_API_VERSION = "2026-10-28.endive"
EMULATOR_SECRET_KEY = "sk_test_emulator"  # noqa: S105  (a public placeholder, not a secret)
EMULATOR_WEBHOOK_SECRET = "whsec_entraide_emulator"  # noqa: S105  (public, like the key)


def instance_dir() -> Path:
    """Where embedded databases live; tests point it at a temporary folder."""
    return Path(os.environ.get("ENTRAIDE_INSTANCE_DIR", BASE_DIR / "instance"))


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


class Config:
    """Defaults shared by every environment, read from os.environ at instantiation."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    CURRENCY = "eur"
    DEV_MAILBOX = False  # the development mailbox page (/dev/mailbox) is off but in development
    MAX_CONTENT_LENGTH = 1 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    LOGIN_RATE_LIMIT_DEFAULT = "10 per minute"
    SIGNUP_RATE_LIMIT_DEFAULT = "5 per minute"
    CONFIRM_RESEND_RATE_LIMIT_DEFAULT = "5 per 10 minutes"
    PAYOUT_DELAY_DEFAULT = 48 * 3600
    GROUP_MIN_OPEN_DEFAULT = 60
    GEOCODER_DEFAULT = "geoplateforme"
    GEOCODER_SUGGEST_RATE_LIMIT_DEFAULT = "120 per minute"

    def __init__(self) -> None:
        inst = instance_dir()
        self.SECRET_KEY = os.environ.get("SECRET_KEY", "")
        self.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{inst}/entraide.sqlite")
        self.CELERY_BROKER_URL = _env("CELERY_BROKER_URL", f"sqla+sqlite:///{inst}/broker.sqlite")
        self.STRIPE_SECRET_KEY = _env("STRIPE_SECRET_KEY", EMULATOR_SECRET_KEY)
        self.STRIPE_PUBLISHABLE_KEY = _env("STRIPE_PUBLISHABLE_KEY", "pk_test_emulator")
        self.STRIPE_WEBHOOK_SECRET = _env("STRIPE_WEBHOOK_SECRET", EMULATOR_WEBHOOK_SECRET)
        # Stripe signs events of connected accounts (helpers' account.updated, payout.*) with
        # the secret of a separate "Connect" endpoint; optional when one secret covers both.
        self.STRIPE_CONNECT_WEBHOOK_SECRET = os.environ.get("STRIPE_CONNECT_WEBHOOK_SECRET", "")
        self.STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
        self.STRIPE_CONNECT_COUNTRY = _env("STRIPE_CONNECT_COUNTRY", "FR")
        self.MAIL_SERVER = _env("MAIL_SERVER", "127.0.0.1")
        self.MAIL_PORT = _env_int("MAIL_PORT", 8025)
        self.MAIL_SENDER = _env("MAIL_SENDER", "Entraide <no-reply@entraide.example>")
        self.MAIL_USE_TLS = _env("MAIL_USE_TLS", "") == "1"
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        self.SMS_PROVIDER = _env("SMS_PROVIDER", "logging")
        self.TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
        self.TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
        self.TWILIO_FROM = os.environ.get("TWILIO_FROM", "")
        self.TWILIO_BASE_URL = _env("TWILIO_BASE_URL", "https://api.twilio.com")
        self.PUSH_PROVIDER = _env("PUSH_PROVIDER", "logging")  # or fcm
        self.FCM_PROJECT_ID = os.environ.get("FCM_PROJECT_ID", "")
        self.FCM_ACCESS_TOKEN = os.environ.get("FCM_ACCESS_TOKEN", "")
        self.FCM_BASE_URL = _env("FCM_BASE_URL", "https://fcm.googleapis.com")
        # The mobile API: where hosted pages may send people back (space-separated prefixes,
        # each ending in "/" or ":"), and the web origins allowed by CORS (none by default).
        self.API_RETURN_URL_ALLOWLIST = _env("API_RETURN_URL_ALLOWLIST", "entraide://").split()
        self.API_CORS_ORIGINS = os.environ.get("API_CORS_ORIGINS", "").split()
        self.PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
        self.LOG_FORMAT = _env("LOG_FORMAT", "json")
        self.LOG_LEVEL = _env("LOG_LEVEL", "INFO")
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        self.LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", self.LOGIN_RATE_LIMIT_DEFAULT)
        self.SIGNUP_RATE_LIMIT = _env("SIGNUP_RATE_LIMIT", self.SIGNUP_RATE_LIMIT_DEFAULT)
        # "Send the confirmation link again" (per address), and how long a link stays valid.
        self.CONFIRM_RESEND_RATE_LIMIT = _env("CONFIRM_RESEND_RATE_LIMIT",
                                              self.CONFIRM_RESEND_RATE_LIMIT_DEFAULT)
        self.CONFIRM_EMAIL_MAX_AGE_SECONDS = _env_int("CONFIRM_EMAIL_MAX_AGE_SECONDS",
                                                      2 * 24 * 3600)
        # Password reset: how long an emailed link works, and how often the form may be sent
        # (per address, like sign-in).
        self.PASSWORD_RESET_MAX_AGE_SECONDS = _env_int("PASSWORD_RESET_MAX_AGE_SECONDS", 3600)
        self.PASSWORD_RESET_RATE_LIMIT = _env("PASSWORD_RESET_RATE_LIMIT",
                                              self.LOGIN_RATE_LIMIT_DEFAULT)
        # Per account, beside the per-IP limit: this many wrong passwords within the window
        # lock the account for the cool-down (then it opens again by itself).
        self.LOGIN_LOCKOUT_ATTEMPTS = _env_int("LOGIN_LOCKOUT_ATTEMPTS", 10)
        self.LOGIN_LOCKOUT_WINDOW_SECONDS = _env_int("LOGIN_LOCKOUT_WINDOW_SECONDS", 15 * 60)
        self.LOGIN_LOCKOUT_SECONDS = _env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
        # Reverse proxies in front of the app whose X-Forwarded-* headers are believed
        # (0: none; the client address is the socket's, so forged headers change nothing).
        self.TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
        self.MISSION_MIN_PRICE_CENTS = _env_int("MISSION_MIN_PRICE_CENTS", 1_000)
        self.MISSION_MAX_PRICE_CENTS = _env_int("MISSION_MAX_PRICE_CENTS", 500_000)
        self.MISSION_MAX_AHEAD_DAYS = _env_int("MISSION_MAX_AHEAD_DAYS", 365)
        self.DEFAULT_COMMISSION_BPS = _env_int("DEFAULT_COMMISSION_BPS", 1_500)
        self.DEFAULT_SERVICE_FEE_BPS = _env_int("DEFAULT_SERVICE_FEE_BPS", 0)
        # The refund window: the helper's transfer waits this long after capture.
        self.PAYOUT_DELAY_SECONDS = _env_int("PAYOUT_DELAY_SECONDS", self.PAYOUT_DELAY_DEFAULT)
        # A hotline caller's payment link works this long (and once).
        self.PAYMENT_LINK_TTL_HOURS = _env_int("PAYMENT_LINK_TTL_HOURS", 48)
        self.HOTLINE_PHONE = _env("HOTLINE_PHONE", "01 84 80 00 00")
        # A client's tip after a completed mission (all of it goes to the helper).
        self.TIP_MIN_CENTS = _env_int("TIP_MIN_CENTS", 100)
        self.TIP_MAX_CENTS = _env_int("TIP_MAX_CENTS", 20_000)
        # Where scripts/mail_sink.py keeps the emails it receives (make run).
        self.MAILBOX_DIR = _env("MAILBOX_DIR", str(inst / "mailbox"))
        # The quiet period: a mission marked done is confirmed automatically after this.
        self.HOLD_WINDOW_DAYS = _env_int("HOLD_WINDOW_DAYS", 5)
        self.AUTHORIZE_BEFORE_HOURS = _env_int("AUTHORIZE_BEFORE_HOURS", 48)
        # Group purchases: a participant whose off-session hold failed has this long to pay;
        # a card page left unfinished gives its reserved units back after this.
        self.GROUP_PAYMENT_GRACE_HOURS = _env_int("GROUP_PAYMENT_GRACE_HOURS", 24)
        self.GROUP_CHECKOUT_TTL_MINUTES = _env_int("GROUP_CHECKOUT_TTL_MINUTES", 60)
        # A campaign closes at least this long after it is opened (the demo: a few minutes).
        self.GROUP_MIN_OPEN_MINUTES = _env_int("GROUP_MIN_OPEN_MINUTES",
                                               self.GROUP_MIN_OPEN_DEFAULT)
        self.AUTO_CONFIRM_SECONDS = _env_int("AUTO_CONFIRM_SECONDS", 48 * 3600)
        self.CANCEL_FREE_HOURS = _env_int("CANCEL_FREE_HOURS", 24)
        self.LATE_CANCEL_FEE_BPS = _env_int("LATE_CANCEL_FEE_BPS", 2_500)
        self.LATE_CANCEL_FEE_MIN_CENTS = _env_int("LATE_CANCEL_FEE_MIN_CENTS", 1_000)
        self.GEO_SRID = _env_int("GEO_SRID", 2154)  # metric projection for PostGIS indexes
        self.MATCHING_WAVES_KM = _env("MATCHING_WAVES_KM", "3,6,10")
        self.MATCHING_WAVE_SECONDS = _env_int("MATCHING_WAVE_SECONDS", 600)
        self.MATCHING_CHOOSE_ESCALATE_SECONDS = _env_int("MATCHING_CHOOSE_ESCALATE_SECONDS",
                                                         4 * 3600)
        self.MATCHING_SWEEP_SECONDS = _env_int("MATCHING_SWEEP_SECONDS", 30)
        # Addresses: "geoplateforme" (France's national service, or an addok at GEOCODER_URL)
        # or "offline" (GeoNames communes + the imported BAN file; development and tests).
        self.GEOCODER = _env("GEOCODER", self.GEOCODER_DEFAULT)
        self.GEOCODER_URL = _env("GEOCODER_URL", "https://data.geopf.fr/geocodage")
        self.GEOCODER_TIMEOUT = float(_env("GEOCODER_TIMEOUT", "2.0"))
        self.GEOCODER_MAX_RPS = float(_env("GEOCODER_MAX_RPS", "40"))  # the service: 50/s
        self.GEOCODER_SUGGEST_RATE_LIMIT = _env("GEOCODER_SUGGEST_RATE_LIMIT",
                                                self.GEOCODER_SUGGEST_RATE_LIMIT_DEFAULT)
        if self.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            inst.mkdir(parents=True, exist_ok=True)


class DevelopmentConfig(Config):
    PAYOUT_DELAY_DEFAULT = 120  # the demo pays the helper two minutes after capture
    GROUP_MIN_OPEN_DEFAULT = 5  # the demo walks a campaign to its closing in minutes
    DEV_MAILBOX = True  # /dev/mailbox lists what the local mail sink received
    GEOCODER_DEFAULT = "offline"

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = self.SECRET_KEY or "dev-only-not-secret"


class TestingConfig(DevelopmentConfig):
    TESTING = True
    DEV_MAILBOX = False  # development only (a test switches it on to read the page)
    PAYOUT_DELAY_DEFAULT = 0  # end-to-end tests watch the worker pay at once
    GROUP_MIN_OPEN_DEFAULT = 60  # the production rule
    LOGIN_RATE_LIMIT_DEFAULT = "1000 per minute"
    SIGNUP_RATE_LIMIT_DEFAULT = "1000 per minute"
    CONFIRM_RESEND_RATE_LIMIT_DEFAULT = "1000 per minute"
    GEOCODER_SUGGEST_RATE_LIMIT_DEFAULT = "1000 per minute"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    REQUIRED = ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "STRIPE_SECRET_KEY",
                "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "PUBLIC_BASE_URL")

    def __init__(self) -> None:
        missing = [name for name in self.REQUIRED if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"production config: missing {', '.join(missing)}")
        if os.environ.get("STRIPE_API_BASE"):
            raise RuntimeError("production config: STRIPE_API_BASE (the emulator) is refused")
        if os.environ["STRIPE_SECRET_KEY"] == EMULATOR_SECRET_KEY:
            raise RuntimeError("production config: STRIPE_SECRET_KEY is the emulator's key")
        for name in ("STRIPE_WEBHOOK_SECRET", "STRIPE_CONNECT_WEBHOOK_SECRET"):
            if os.environ.get(name) == EMULATOR_WEBHOOK_SECRET:
                # Anyone can read it in this repository and sign forged events with it.
                raise RuntimeError(f"production config: {name} is the emulator's secret")
        super().__init__()


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> Config:
    """Build the settings for ENTRAIDE_ENV (development unless told otherwise)."""
    name = name or os.environ.get("ENTRAIDE_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"unknown ENTRAIDE_ENV {name!r}; expected one of {sorted(CONFIGS)}")
    return CONFIGS[name]()
