"""`Settings`: the frozen result of reading the configuration, its defaults the only ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hubsync.choices import FetchAfter, Language, MailWhen, OptOut, SmtpSecurity, Switch
from hubsync.inbox.folders import ERRORPROCESSED, INBOX, PROCESSED
from hubsync.secrets import url_password


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know; secrets are kept out of `repr`.

    The defaults written here are the defaults of the environment variables too
    (`hubsync.config.variables` reads them from these fields).
    """

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
    # Organisations of the customer export as HubSpot companies (off: the contact's
    # `company` text property only, as before companies existed).
    companies: Switch = Switch.ON
    # The subscription type a "Ja" in the newsletter column subscribes to, by name or id
    # (unset: the column is only the `newsletter` property).
    newsletter_subscription: str | None = None
    newsletter_optout: OptOut = OptOut.IGNORE
    # A cron monitor's ping URL (Healthchecks.io and alike); its UUID is a credential.
    ping_url: str | None = field(default=None, repr=False)
    language: Language = Language.DE
    smtp_host: str | None = None
    smtp_port: int = SmtpSecurity.STARTTLS.default_port  # else the security mode's port
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_security: SmtpSecurity = SmtpSecurity.STARTTLS
    mail_from: str | None = None  # with SMTP_HOST set: SMTP_USER
    mail_to: tuple[str, ...] = ()
    mail_when: MailWhen = MailWhen.PROBLEMS
    ca_file: str | None = None
    fetch_url: str | None = field(default=None, repr=False)  # may embed a password
    fetch_password: str | None = field(default=None, repr=False)
    fetch_key: Path | None = None
    fetch_after: FetchAfter = FetchAfter.MOVE
    fetch_known_hosts: Path | None = None
    log_file: Path | None = None
    retention_days: int = 90
    expect_export_hours: int | None = None

    @property
    def inbox(self) -> Path:
        return self.data_dir / INBOX

    @property
    def processed(self) -> Path:
        return self.data_dir / PROCESSED

    @property
    def errorprocessed(self) -> Path:
        return self.data_dir / ERRORPROCESSED

    @property
    def mail_configured(self) -> bool:
        return bool(self.smtp_host and self.mail_to)

    def secrets(self) -> tuple[str, ...]:
        """Every secret value, so output can be checked (and scrubbed) for leaks."""
        found = (
            self.hubspot_token,
            self.smtp_password,
            self.fetch_password,
            url_password(self.fetch_url or ""),
            self.ping_url,
        )
        return tuple(s for s in found if s)
