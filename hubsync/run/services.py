"""Build the real collaborators (HubSpot client, mail sender, fetcher, heartbeat) from Settings."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import requests

from hubsync import __version__
from hubsync.config import Settings, token_problems
from hubsync.errors import ConfigError, FetchError
from hubsync.hubspot import ClientOptions, HubSpotClient
from hubsync.hubspot.journal import WriteJournal
from hubsync.portal.specs import PortalOptions
from hubsync.report.mail import Mail

if TYPE_CHECKING:
    from hubsync.inbox.fetch.remote import FetchSettings
    from hubsync.report.heartbeat import Heartbeat
    from hubsync.report.smtp import SmtpSettings

log = logging.getLogger(__name__)


def portal_options(settings: Settings) -> PortalOptions:
    """The names and deal target the schema check and `setup` need (no secrets)."""
    return PortalOptions(
        category_property=settings.category_property,
        customer_key=settings.customer_number_property,
        invoice_key=settings.invoice_number_property,
        contact_category=settings.contact_category,
        deal_pipeline=settings.deal_pipeline,
        deal_stage=settings.deal_stage,
        deal_cancelled_stage=settings.deal_cancelled_stage,
        companies=bool(settings.companies),
        newsletter=settings.newsletter_subscription is not None,
    )


def client_options(settings: Settings) -> ClientOptions:
    return ClientOptions(
        base_url=settings.hubspot_base_url,
        api_version=settings.hubspot_api_version,
        token=settings.hubspot_token,
        rate_limit=settings.hubspot_rate_limit,
        timeout=(min(10.0, settings.hubspot_timeout), settings.hubspot_timeout),
        concurrency=settings.hubspot_concurrency,
    )


@contextlib.contextmanager
def open_client(settings: Settings, *, journal: bool = False) -> Iterator[HubSpotClient | None]:
    """One requests.Session per run; None when no token is set (validate-only runs).
    With `journal` the client journals its writes and the run keeps a ledger record."""
    if not settings.hubspot_token:
        yield None
        return
    with connect(settings, journal=journal) as client:
        yield client


@contextlib.contextmanager
def connect(settings: Settings, *, journal: bool = False) -> Iterator[HubSpotClient]:
    """The client of a command that needs HubSpot; raises ConfigError without a token.
    With `journal` it reads old values before it writes (`hubsync.hubspot.journaling`)."""
    if not settings.hubspot_token:
        raise ConfigError(token_problems(settings))
    with requests.Session() as session:
        session.headers["User-Agent"] = f"hubsync/{__version__}"
        client = HubSpotClient(session, client_options(settings))
        client.journal = WriteJournal() if journal else None
        yield client


def smtp_settings(settings: Settings) -> SmtpSettings:
    from hubsync.report.smtp import SmtpSettings

    return SmtpSettings(
        host=settings.smtp_host or "",
        port=settings.smtp_port,
        user=settings.smtp_user,
        password=settings.smtp_password,
        security=settings.smtp_security,
        mail_from=settings.mail_from or "",
        mail_to=settings.mail_to,
        ca_file=settings.ca_file,
    )


def mail_sender(settings: Settings) -> Callable[[Mail], None] | None:
    if not settings.mail_configured:
        return None
    from hubsync.report.smtp import send_mail

    smtp = smtp_settings(settings)
    return lambda mail: send_mail(mail, smtp)


def fetch_settings(settings: Settings) -> FetchSettings:
    from hubsync.inbox.fetch.remote import FetchSettings

    return FetchSettings(
        url=settings.fetch_url or "",
        password=settings.fetch_password,
        key_file=settings.fetch_key,
        after=settings.fetch_after,
        settle_seconds=settings.settle_seconds,
        ca_file=settings.ca_file,
        known_hosts=settings.fetch_known_hosts,
    )


def fetcher(settings: Settings) -> Callable[[Path], tuple[tuple[str, ...], str | None]] | None:
    """Fetch into the inbox; a failure is reported, never fatal for files already there."""
    if not settings.fetch_url:
        return None
    from hubsync.inbox.fetch.pickup import FetchInterrupted, fetch

    config = fetch_settings(settings)

    def run(inbox: Path) -> tuple[tuple[str, ...], str | None]:
        try:
            result = fetch(config, inbox)
        except FetchInterrupted as exc:
            # Files completed before the break are in the inbox and will be imported.
            log.error("fetch: %s", exc)
            return exc.result.downloaded, str(exc)
        except FetchError as exc:
            log.error("fetch: %s", exc)
            return (), str(exc)
        problems = "; ".join(result.remote_errors) or None
        return result.downloaded, problems

    return run


def heartbeat(settings: Settings) -> Heartbeat:
    """Pings HUBSYNC_PING_URL at the start and end of a run; without it, a no-op."""
    from hubsync.report.heartbeat import NoHeartbeat, Pinger

    if not settings.ping_url:
        return NoHeartbeat()
    return Pinger(
        settings.ping_url,
        language=settings.language,
        secrets=settings.secrets(),
    )
