"""The environment variables, declared once: name, `Settings` field, parser, default.

`VARIABLES` is read in order; a `Rule` between the variables checks what the ones before it
read together. A variable that is unset or blank takes its default: the `Settings` field's,
unless the entry computes it from the values read before (SMTP_PORT from SMTP_SECURITY).
A value that does not parse is a problem (the default stands in), so every problem of the
configuration is found in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from hubsync.bookings.deal_fields import check_name_template
from hubsync.choices import FetchAfter, Language, MailWhen, OptOut, SmtpSecurity, Switch
from hubsync.config.settings import Settings
from hubsync.customers.directory import CUSTOMER_NUMBERS
from hubsync.hubspot.paths import is_api_version
from hubsync.mapping.names import is_property_name
from hubsync.portal.specs import FIGURE_PROPERTIES

Parser = Callable[[str, str], Any]  # (variable name, stripped non-empty text) -> value
Values = Mapping[str, Any]  # the fields read so far

# Contact properties with a fixed meaning to hubsync: never a configurable key.
RESERVED_CONTACT_PROPERTIES = frozenset(
    {"email", CUSTOMER_NUMBERS, "hs_additional_emails", *FIGURE_PROPERTIES}
)


class Invalid(ValueError):
    """A variable's value cannot be used; the text is the whole problem, variable named.

    `value`, when given, is kept instead of the default, for the rules after it to check.
    """

    def __init__(self, problem: str, value: Any = MISSING) -> None:
        super().__init__(problem)
        self.value = value


# -- parsers -------------------------------------------------------------------------------
def text(name: str, raw: str) -> str:
    return raw


def path(name: str, raw: str) -> Path:
    return Path(raw)


def existing_file(name: str, raw: str) -> Path:
    if not Path(raw).is_file():
        raise Invalid(f"{name}={raw!r}: no such file.")
    return Path(raw)


def integer(low: int, high: int, kind: Callable[[int], Any] = int) -> Parser:
    """A whole number from `low` to `high`, handed on as `kind` (e.g. float)."""

    def parse(name: str, raw: str) -> Any:
        try:
            number = int(raw)
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            raise Invalid(
                f"{name}={raw!r} is not valid: expected a whole number from {low} to {high}."
            )
        return kind(number)

    return parse


def choice(enum: type[StrEnum]) -> Parser:
    """One of `enum`'s values, in any case."""

    def parse(name: str, raw: str) -> StrEnum:
        try:
            return enum(raw.lower())
        except ValueError:
            expected = ", ".join(enum)
            raise Invalid(f"{name}={raw!r} is not valid: expected one of {expected}.") from None

    return parse


def api_version(name: str, raw: str) -> str:
    if not is_api_version(raw):
        raise Invalid(
            f"{name}={raw!r} is not valid: expected a date version such as 2026-09, or v3."
        )
    return raw


def base_url(name: str, raw: str) -> str:
    url = raw.rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise Invalid(f"{name}={url!r} must start with https://.")
    return url


def property_name(name: str, raw: str) -> str:
    if not is_property_name(raw):
        raise Invalid(
            f"{name}={raw!r} is not a HubSpot internal property name "
            "(lower case letters, digits, _).",
            raw,  # not the default: that could look like a clash with another key
        )
    return raw


def name_template(name: str, raw: str) -> str:
    try:
        check_name_template(raw)
    except ValueError as exc:
        raise Invalid(f"{name}={raw!r} is not valid: {exc}.") from None
    return raw


def addresses(name: str, raw: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in raw.split(",") if a.strip())


def fetch_url(name: str, raw: str) -> str:
    if not re.match(r"^(ftp|ftps|sftp)://", raw, re.IGNORECASE):
        raise Invalid(f"{name} must start with ftp://, ftps:// or sftp://.")
    return raw


# -- rules across variables ----------------------------------------------------------------
def _customer_key_is_free(v: Values) -> str | None:
    key = v["customer_number_property"]
    if key in RESERVED_CONTACT_PROPERTIES or key == v["category_property"]:
        return (
            f"HUBSYNC_CUSTOMER_NUMBER_PROPERTY={key!r} is a property hubsync uses "
            "for something else: choose a new name, e.g. kundennummer_id."
        )
    return None


def _smtp_has_recipients(v: Values) -> str | None:
    if v["smtp_host"] and not v["mail_to"]:
        return "SMTP_HOST is set but MAIL_TO is empty: set MAIL_TO=a@example.org."
    return None


def _smtp_has_sender(v: Values) -> str | None:
    if v["smtp_host"] and not v["mail_from"]:
        return "SMTP_HOST is set but MAIL_FROM is empty: set MAIL_FROM."
    return None


# -- the table -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Var:
    """One environment variable: its `Settings` field, its parser and, when the field's
    default does not fit, a default computed from the values read before."""

    name: str
    field: str
    parse: Parser = text
    default: Callable[[Values], Any] | None = None


@dataclass(frozen=True)
class Rule:
    """A check of values read before it: the problem's text, or None."""

    check: Callable[[Values], str | None]


def _smtp_user_if_smtp(v: Values) -> Any:
    return v["smtp_user"] if v["smtp_host"] else None


# The order is the order problems are listed in.
VARIABLES: tuple[Var | Rule, ...] = (
    Var("HUBSYNC_DATA_DIR", "data_dir", path, default=lambda v: Path(".")),
    Var("HUBSPOT_API_VERSION", "hubspot_api_version", api_version),
    Var("HUBSPOT_BASE_URL", "hubspot_base_url", base_url),
    Var("HUBSYNC_CATEGORY_PROPERTY", "category_property", property_name),
    Var("HUBSYNC_CUSTOMER_NUMBER_PROPERTY", "customer_number_property", property_name),
    Var("HUBSYNC_INVOICE_NUMBER_PROPERTY", "invoice_number_property", property_name),
    Rule(_customer_key_is_free),
    Var("HUBSYNC_MAPPING", "mapping_file", existing_file),
    Var("HUBSYNC_DEAL_NAME", "deal_name_template", name_template),
    Var("MAIL_TO", "mail_to", addresses),
    Var("SMTP_SECURITY", "smtp_security", choice(SmtpSecurity)),
    Var("SMTP_HOST", "smtp_host"),
    Rule(_smtp_has_recipients),
    Var("SMTP_USER", "smtp_user"),
    Var("MAIL_FROM", "mail_from", default=_smtp_user_if_smtp),
    Rule(_smtp_has_sender),
    Var("HUBSYNC_FETCH_URL", "fetch_url", fetch_url),
    Var("HUBSYNC_FETCH_KEY", "fetch_key", existing_file),
    Var("HUBSPOT_ACCESS_TOKEN", "hubspot_token"),
    Var("HUBSPOT_RATE_LIMIT", "hubspot_rate_limit", integer(1, 10_000)),
    Var("HUBSPOT_CONCURRENCY", "hubspot_concurrency", integer(1, 16)),
    Var("HUBSPOT_TIMEOUT", "hubspot_timeout", integer(1, 600, float)),
    Var("HUBSYNC_SETTLE_SECONDS", "settle_seconds", integer(0, 86_400)),
    Var("HUBSYNC_CONTACT_CATEGORY", "contact_category"),
    Var("HUBSYNC_DEAL_PIPELINE", "deal_pipeline"),
    Var("HUBSYNC_DEAL_STAGE", "deal_stage"),
    Var("HUBSYNC_DEAL_CANCELLED_STAGE", "deal_cancelled_stage"),
    Var("HUBSYNC_BOOKING_WINDOW_DAYS", "booking_window_days", integer(1, 36_500)),
    Var("HUBSYNC_COMPANIES", "companies", choice(Switch)),
    Var("HUBSYNC_NEWSLETTER_SUBSCRIPTION", "newsletter_subscription"),
    Var("HUBSYNC_NEWSLETTER_OPTOUT", "newsletter_optout", choice(OptOut)),
    Var("HUBSYNC_PING_URL", "ping_url", base_url),
    Var("HUBSYNC_LANGUAGE", "language", choice(Language)),
    Var("SMTP_PORT", "smtp_port", integer(1, 65_535), lambda v: v["smtp_security"].default_port),
    Var("SMTP_PASSWORD", "smtp_password"),
    Var("MAIL_WHEN", "mail_when", choice(MailWhen)),
    Var("HUBSYNC_CA_FILE", "ca_file"),
    Var("HUBSYNC_FETCH_PASSWORD", "fetch_password"),
    Var("HUBSYNC_FETCH_AFTER", "fetch_after", choice(FetchAfter)),
    Var("HUBSYNC_FETCH_KNOWN_HOSTS", "fetch_known_hosts", path),
    Var("HUBSYNC_LOG_FILE", "log_file", path),
    Var("HUBSYNC_RETENTION_DAYS", "retention_days", integer(0, 36_500)),
    Var("HUBSYNC_EXPECT_EXPORT_HOURS", "expect_export_hours", integer(1, 8_760)),
)
_DEFAULTS = {f.name: f.default for f in fields(Settings) if f.default is not MISSING}


def read_variables(environ: Mapping[str, str], problems: list[str]) -> dict[str, Any]:
    """The `Settings` fields `environ` gives, by `VARIABLES`; problems are appended."""
    values: dict[str, Any] = {}
    for item in VARIABLES:
        if isinstance(item, Rule):
            problem = item.check(values)
            problems.extend([problem] if problem else [])
            continue
        raw = environ.get(item.name, "").strip()
        default = item.default(values) if item.default else _DEFAULTS[item.field]
        try:
            values[item.field] = item.parse(item.name, raw) if raw else default
        except Invalid as exc:
            problems.append(str(exc))
            values[item.field] = default if exc.value is MISSING else exc.value
    return values
