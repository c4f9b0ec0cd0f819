"""Settings: read once from the environment and a `.env` file, validated, frozen.

Precedence: command-line option > real environment > `.env` file > default. The `.env`
file is read with `dotenv_values()` from an explicit path (never `load_dotenv()`, whose
upward search is unpredictable under cron). Every problem is collected and reported in
one `ConfigError`, so the admin fixes them all at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from dotenv import dotenv_values

from hubsync.bookings.deal_fields import check_name_template
from hubsync.errors import ConfigError

T = TypeVar("T")

_API_VERSION = re.compile(r"^(v3|\d{4}-\d{2})$")
_PROPERTY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Contact properties with a fixed meaning to hubsync: never a configurable key.
RESERVED_CONTACT_PROPERTIES = frozenset(
    {
        "email",
        "kundennummern",
        "letzte_buchung",
        "erste_buchung",
        "anzahl_buchungen",
        "anzahl_buchungen_zeitraum",
        "buchungsumsatz_eur",
        "buchungsstunden",
        "hs_additional_emails",
    }
)


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know; secrets are kept out of `repr`."""

    data_dir: Path
    hubspot_token: str = field(default="", repr=False)
    hubspot_base_url: str = "https://api.hubapi.com"
    hubspot_api_version: str = "2026-09"
    hubspot_rate_limit: int = 100
    hubspot_concurrency: int = 3
    hubspot_timeout: float = 30.0
    settle_seconds: int = 60
    mapping_file: Path | None = None
    category_property: str = "kontaktkategorie"
    # The unique-valued properties contacts and deals are keyed by (HubSpot reads and
    # upserts by a property only if it has `hasUniqueValue`, which cannot be set later).
    customer_number_property: str = "kundennummer"
    invoice_number_property: str = "rechnungsnummer"
    contact_category: str | None = None
    deal_pipeline: str = "default"
    deal_stage: str = "closedwon"
    deal_cancelled_stage: str = "closedlost"
    deal_name_template: str = "{anlage} – {rechnungsnummer}"
    booking_window_days: int = 365
    language: str = "de"
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_security: str = "starttls"
    mail_from: str | None = None
    mail_to: tuple[str, ...] = ()
    mail_when: str = "problems"
    ca_file: str | None = None
    fetch_url: str | None = field(default=None, repr=False)  # may embed a password
    fetch_password: str | None = field(default=None, repr=False)
    fetch_key: Path | None = None
    fetch_after: str = "move"
    fetch_known_hosts: Path | None = None
    log_file: Path | None = None
    retention_days: int = 90
    expect_export_hours: int | None = None

    @property
    def inbox(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def processed(self) -> Path:
        return self.data_dir / "processed"

    @property
    def errorprocessed(self) -> Path:
        return self.data_dir / "errorprocessed"

    @property
    def mail_configured(self) -> bool:
        return bool(self.smtp_host and self.mail_to)

    def secrets(self) -> tuple[str, ...]:
        """Every secret value, so output can be checked (and scrubbed) for leaks."""
        found = [self.hubspot_token, self.smtp_password or "", self.fetch_password or ""]
        if self.fetch_url:
            match = re.match(r"^[a-z]+://[^:/@]+:([^@]+)@", self.fetch_url)
            if match:
                found.append(match.group(1))
        return tuple(s for s in found if s)


class _Reader:
    """Reads typed values from the merged variables, collecting problems instead of raising."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values
        self.problems: list[str] = []

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name, "").strip()
        return value if value else default

    def typed(self, name: str, default: T, convert: Callable[[str], T], expect: str) -> T:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            return convert(raw)
        except ValueError:
            self.problems.append(f"{name}={raw!r} is not valid: expected {expect}.")
            return default

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        def convert(raw: str) -> int:
            number = int(raw)
            if not low <= number <= high:
                raise ValueError(raw)
            return number

        return self.typed(name, default, convert, f"a whole number from {low} to {high}")

    def property_name(self, name: str, default: str) -> str:
        value = self.text(name, default) or default
        if not _PROPERTY_NAME.match(value):
            self.problems.append(
                f"{name}={value!r} is not a HubSpot internal property name "
                "(lower case letters, digits, _)."
            )
        return value

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        def convert(raw: str) -> str:
            if raw.lower() not in choices:
                raise ValueError(raw)
            return raw.lower()

        return self.typed(name, default, convert, "one of " + ", ".join(choices))


def read_environment(
    env_file: Path | None, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Merge the `.env` file (if it exists) under the real environment, which wins."""
    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ if environ is None else environ)
    return merged


def load_settings(
    env_file: Path | None = Path(".env"),
    environ: Mapping[str, str] | None = None,
    *,
    data_dir: Path | None = None,
    require: frozenset[str] = frozenset(),
) -> Settings:
    """Build validated `Settings`; raises ConfigError listing every problem found.

    `require` names what the command needs beyond valid values: "token" (a usable
    HubSpot token) and "category" (the facility), so those are reported in the same
    message as everything else.
    """
    r = _Reader(read_environment(env_file, environ))
    base = data_dir or Path(r.text("HUBSYNC_DATA_DIR") or ".")
    version = r.text("HUBSPOT_API_VERSION", "2026-09") or "2026-09"
    if not _API_VERSION.match(version):
        r.problems.append(
            f"HUBSPOT_API_VERSION={version!r} is not valid: expected a date version "
            "such as 2026-09, or v3."
        )
    base_url = (r.text("HUBSPOT_BASE_URL") or "https://api.hubapi.com").rstrip("/")
    if not base_url.startswith(("https://", "http://")):
        r.problems.append(f"HUBSPOT_BASE_URL={base_url!r} must start with https://.")
    category_property = r.property_name("HUBSYNC_CATEGORY_PROPERTY", "kontaktkategorie")
    customer_key = r.property_name("HUBSYNC_CUSTOMER_NUMBER_PROPERTY", "kundennummer")
    invoice_key = r.property_name("HUBSYNC_INVOICE_NUMBER_PROPERTY", "rechnungsnummer")
    if customer_key in RESERVED_CONTACT_PROPERTIES or customer_key == category_property:
        r.problems.append(
            f"HUBSYNC_CUSTOMER_NUMBER_PROPERTY={customer_key!r} is a property hubsync uses "
            "for something else: choose a new name, e.g. kundennummer_id."
        )
    mapping = r.text("HUBSYNC_MAPPING")
    mapping_file = Path(mapping) if mapping else None
    if mapping_file is not None and not mapping_file.is_file():
        r.problems.append(f"HUBSYNC_MAPPING={mapping!r}: no such file.")
    template = r.text("HUBSYNC_DEAL_NAME", "{anlage} – {rechnungsnummer}") or ""
    try:
        check_name_template(template)
    except ValueError as exc:
        r.problems.append(f"HUBSYNC_DEAL_NAME={template!r} is not valid: {exc}.")
    mail_to = tuple(a.strip() for a in (r.text("MAIL_TO") or "").split(",") if a.strip())
    smtp_host = r.text("SMTP_HOST")
    security = r.choice("SMTP_SECURITY", "starttls", ("starttls", "ssl", "none"))
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    if smtp_host and not mail_to:
        r.problems.append("SMTP_HOST is set but MAIL_TO is empty: set MAIL_TO=a@example.org.")
    mail_from = r.text("MAIL_FROM") or (r.text("SMTP_USER") if smtp_host else None)
    if smtp_host and not mail_from:
        r.problems.append("SMTP_HOST is set but MAIL_FROM is empty: set MAIL_FROM.")
    fetch_url = r.text("HUBSYNC_FETCH_URL")
    if fetch_url and not re.match(r"^(ftp|ftps|sftp)://", fetch_url, re.IGNORECASE):
        r.problems.append("HUBSYNC_FETCH_URL must start with ftp://, ftps:// or sftp://.")
    key = r.text("HUBSYNC_FETCH_KEY")
    if key and not Path(key).is_file():
        r.problems.append(f"HUBSYNC_FETCH_KEY={key!r}: no such file.")
    known_hosts = r.text("HUBSYNC_FETCH_KNOWN_HOSTS")
    log_file = r.text("HUBSYNC_LOG_FILE")
    expect = r.text("HUBSYNC_EXPECT_EXPORT_HOURS")
    settings = Settings(
        data_dir=base,
        hubspot_token=r.text("HUBSPOT_ACCESS_TOKEN", "") or "",
        hubspot_base_url=base_url,
        hubspot_api_version=version,
        hubspot_rate_limit=r.integer("HUBSPOT_RATE_LIMIT", 100, 1, 10_000),
        hubspot_concurrency=r.integer("HUBSPOT_CONCURRENCY", 3, 1, 16),
        hubspot_timeout=float(r.integer("HUBSPOT_TIMEOUT", 30, 1, 600)),
        settle_seconds=r.integer("HUBSYNC_SETTLE_SECONDS", 60, 0, 86_400),
        mapping_file=mapping_file,
        category_property=category_property,
        customer_number_property=customer_key,
        invoice_number_property=invoice_key,
        contact_category=r.text("HUBSYNC_CONTACT_CATEGORY"),
        deal_pipeline=r.text("HUBSYNC_DEAL_PIPELINE", "default") or "default",
        deal_stage=r.text("HUBSYNC_DEAL_STAGE", "closedwon") or "closedwon",
        deal_cancelled_stage=r.text("HUBSYNC_DEAL_CANCELLED_STAGE", "closedlost") or "closedlost",
        deal_name_template=template,
        booking_window_days=r.integer("HUBSYNC_BOOKING_WINDOW_DAYS", 365, 1, 36_500),
        language=r.choice("HUBSYNC_LANGUAGE", "de", ("de", "en")),
        smtp_host=smtp_host,
        smtp_port=r.integer("SMTP_PORT", default_port, 1, 65_535),
        smtp_user=r.text("SMTP_USER"),
        smtp_password=r.text("SMTP_PASSWORD"),
        smtp_security=security,
        mail_from=mail_from,
        mail_to=mail_to,
        mail_when=r.choice("MAIL_WHEN", "problems", ("always", "problems", "never")),
        ca_file=r.text("HUBSYNC_CA_FILE"),
        fetch_url=fetch_url,
        fetch_password=r.text("HUBSYNC_FETCH_PASSWORD"),
        fetch_key=Path(key) if key else None,
        fetch_after=r.choice("HUBSYNC_FETCH_AFTER", "move", ("move", "delete")),
        fetch_known_hosts=Path(known_hosts) if known_hosts else None,
        log_file=Path(log_file) if log_file else None,
        retention_days=r.integer("HUBSYNC_RETENTION_DAYS", 90, 0, 36_500),
        expect_export_hours=(
            r.integer("HUBSYNC_EXPECT_EXPORT_HOURS", 0, 1, 8_760) if expect else None
        ),
    )
    if "token" in require:
        r.problems += token_problems(settings)
    if "category" in require and not settings.contact_category:
        r.problems.append(
            "HUBSYNC_CONTACT_CATEGORY is not set: name the facility every contact is "
            "assigned to, e.g. HUBSYNC_CONTACT_CATEGORY=McArena Schorndorf"
        )
    if r.problems:
        raise ConfigError(r.problems)
    return settings


def token_problems(settings: Settings) -> list[str]:
    """What is wrong with the HubSpot token for commands that talk to HubSpot."""
    problems = []
    if not settings.hubspot_token:
        problems.append(
            "HUBSPOT_ACCESS_TOKEN is not set: create a Service Key (or use a private-app "
            "token) with the scopes listed in the README and put it in .env."
        )
    if settings.hubspot_token.startswith(("hapikey", "?hapikey")) or re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", settings.hubspot_token
    ):
        problems.append(
            "HUBSPOT_ACCESS_TOKEN looks like a legacy hapikey (a bare UUID): HubSpot switched "
            "API keys off in November 2022. Create a Service Key instead (see README)."
        )
    return problems


def require_for_run(settings: Settings) -> None:
    """Raise ConfigError when the token is missing or a legacy API key."""
    problems = token_problems(settings)
    if problems:
        raise ConfigError(problems)
