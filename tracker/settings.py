"""Settings, every one an environment variable with a safe default for local use."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from tracker.sso.config import OidcProvider, load_providers

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"
# What /health checks (tracker.health); the database is always required.
HEALTH_COMPONENTS = ("database", "smtp", "scanner")


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def _local_secret_key() -> str:
    """A random key kept in var/ so local sessions survive restarts. Production sets SECRET_KEY."""
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    environment: str = "local"
    debug: bool = False
    secure_cookies: bool = False
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    # Reverse proxies whose X-Forwarded-For is believed (addresses or networks); empty: none.
    trusted_proxies: tuple[str, ...] = ()
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    upload_limit_mb: int = 20
    allow_unscanned_downloads: bool = False
    clamav_database: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_sender: str = "inspection-tracker@localhost"
    support_email: str = ""  # where people ask for help or report a problem (the help page)
    openapi_enabled: bool = True
    sos_receipt_fact: str = "un_letter_sent"
    db_pool: bool = False
    # Each worker hears the change count from PostgreSQL (tracker.change_feed) instead of asking
    # on every page; off, it asks (the tests, but for those of hearing it).
    db_listen: bool = False
    audit_retention_days: int = 730
    # The role that owns the tables (PostgreSQL): `tracker migrate`, `retention`, `backup` and
    # `restore` connect as it; the app, as DATABASE_URL's role, may only add and read audit rows.
    owner_database_url: str = ""
    # /health answers 503 when one of these is down; the others are reported only.
    health_required: tuple[str, ...] = ("database",)
    git_ref: str = ""
    build_number: str = ""
    # Scheduled jobs (tracker/jobs.py) inside `tracker serve` (RUN_JOBS; on in production), or from cron.
    run_jobs: bool = False
    # GOV.UK Notify replaces SMTP when its key is set; a template id per email (NOTIFY_TEMPLATE_<NAME>).
    notify_api_key: str = field(default="", repr=False)
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    notify_templates: dict[str, str] = field(default_factory=dict)
    bank_holidays_url: str = "https://www.gov.uk/bank-holidays.json"
    # Single sign-on (tracker/sso): each provider is a button on the sign-in page.
    oidc_providers: tuple[OidcProvider, ...] = ()
    # Who may sign in with a password: everyone, or only administrators (break-glass, with SSO).
    local_sign_in: str = "everyone"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def owner_url(self) -> str:
        return self.owner_database_url or self.database_url

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _health_required() -> tuple[str, ...]:
    named = {n.strip() for n in os.environ.get("HEALTH_REQUIRED", "").split(",") if n.strip()}
    unknown = named - set(HEALTH_COMPONENTS)
    if unknown:
        known = ", ".join(HEALTH_COMPONENTS)
        raise RuntimeError(f"HEALTH_REQUIRED names {', '.join(sorted(unknown))}: use {known}")
    return tuple(c for c in HEALTH_COMPONENTS if c in named | {"database"})


def _local_sign_in() -> str:
    value = os.environ.get("LOCAL_SIGN_IN", "").strip().lower() or "everyone"
    if value not in {"everyone", "admins"}:
        raise RuntimeError(f"LOCAL_SIGN_IN is everyone or admins, not {value!r}")
    return value


def load_settings() -> Settings:
    environment = os.environ.get("TRACKER_ENV", "local")
    production = environment == "production"
    default_db = f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}"
    secret = os.environ.get("SECRET_KEY") or ("" if production else _local_secret_key())
    if production and len(secret) < 32:
        raise RuntimeError("SECRET_KEY must be set to at least 32 characters in production")
    hosts = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    return Settings(
        database_url=os.environ.get("DATABASE_URL", default_db),
        secret_key=secret,
        environment=environment,
        debug=_bool("TRACKER_DEBUG", False),
        secure_cookies=_bool("SECURE_COOKIES", production),
        allowed_hosts=tuple(h.strip() for h in hosts.split(",") if h.strip()),
        trusted_proxies=tuple(
            p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()
        ),
        session_idle_minutes=_int("SESSION_IDLE_MINUTES", 30),
        session_absolute_hours=_int("SESSION_ABSOLUTE_HOURS", 12),
        upload_limit_mb=_int("UPLOAD_LIMIT_MB", 20),
        # the old name, ACTIONPLAN_ALLOW_UNSCANNED, still works as an alias
        allow_unscanned_downloads=_bool(
            "ALLOW_UNSCANNED_DOWNLOADS", _bool("ACTIONPLAN_ALLOW_UNSCANNED", False)
        ),
        clamav_database=os.environ.get("CLAMAV_DATABASE", ""),
        smtp_host=os.environ.get("SMTP_HOST", "127.0.0.1"),
        smtp_port=_int("SMTP_PORT", 25),
        smtp_sender=os.environ.get("SMTP_SENDER", "inspection-tracker@localhost"),
        support_email=os.environ.get("SUPPORT_EMAIL", ""),
        openapi_enabled=_bool("OPENAPI_ENABLED", not production),
        sos_receipt_fact=os.environ.get("SOS_RECEIPT_FACT", "un_letter_sent"),
        db_pool=_bool("DB_POOL", True),
        db_listen=_bool("DB_LISTEN", True),
        audit_retention_days=_int("AUDIT_RETENTION_DAYS", 730),
        owner_database_url=os.environ.get("OWNER_DATABASE_URL", ""),
        health_required=_health_required(),
        git_ref=os.environ.get("GIT_REF", ""),
        build_number=os.environ.get("BUILD_NUMBER", ""),
        run_jobs=_bool("RUN_JOBS", production),
        notify_api_key=os.environ.get("NOTIFY_API_KEY", ""),
        notify_base_url=os.environ.get("NOTIFY_BASE_URL", Settings.notify_base_url),
        notify_templates=_prefixed("NOTIFY_TEMPLATE_"),
        bank_holidays_url=os.environ.get("BANK_HOLIDAYS_URL", Settings.bank_holidays_url),
        oidc_providers=load_providers(),
        local_sign_in=_local_sign_in(),
    )


def _prefixed(prefix: str) -> dict[str, str]:
    """PREFIX_SOME_NAME=value variables as {"some_name": value}."""
    return {
        name.removeprefix(prefix).lower(): value.strip()
        for name, value in os.environ.items()
        if name.startswith(prefix) and value.strip()
    }
