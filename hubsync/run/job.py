"""The unattended job around a run: lock, fetch, run, retention, missing-export alert, mail.

Order matters for "no data is ever lost": the lock is taken before anything is touched;
fetching only adds complete files to the inbox; retention runs after the files of this
run have their outcome; the mail is sent last and a failing mail server only changes
the exit code, never what happened to the files. The heartbeat (HUBSYNC_PING_URL) starts
once the lock is held and finishes after the mail, so its exit code counts a failed mail.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from hubsync.catalogue.mail import MAIL
from hubsync.catalogue.text import Lang
from hubsync.config import Settings
from hubsync.errors import MailError
from hubsync.history.recorder import keep_ledger
from hubsync.inbox.folders import Inbox
from hubsync.mapping.columns import Mapping
from hubsync.report.heartbeat import Heartbeat, NoHeartbeat
from hubsync.report.mail import Mail, render_summary
from hubsync.run.pipeline import Collaborators, Run, RunOptions
from hubsync.summary import RunSummary

log = logging.getLogger(__name__)

ALERT_MARK = "missing-export-alert"


@dataclass
class JobServices:
    """The outside world of a job; tests pass real local servers' adapters here."""

    collaborators: Collaborators
    send_mail: Callable[[Mail], None] | None = None
    fetch: Callable[[Path], tuple[tuple[str, ...], str | None]] | None = None
    heartbeat: Heartbeat = field(default_factory=NoHeartbeat)


def run_job(
    settings: Settings,
    mapping: Mapping,
    services: JobServices,
    options: RunOptions,
    *,
    mail_when: str | None = None,
) -> RunSummary:
    """Lock, fetch, run, prune, alert and mail. Raises LockedError if another run is busy."""
    inbox = Inbox(settings.data_dir)
    clock = services.collaborators.clock
    # A dry run is a preview, not the cron job: no pings.
    beat: Heartbeat = NoHeartbeat() if options.dry_run else services.heartbeat
    with inbox.lock():
        beat.start()
        fetched: tuple[str, ...] = ()
        fetch_error: str | None = None
        if services.fetch is not None and not options.dry_run:
            inbox.ensure()
            fetched, fetch_error = services.fetch(inbox.inbox)
        with keep_ledger(
            inbox.state_dir,
            services.collaborators.client,
            clock,
            dry_run=options.dry_run,
            retention_days=settings.retention_days,
        ) as ledger:
            summary = Run(settings, mapping, services.collaborators, options).execute()
            summary = replace(summary, fetched=fetched, fetch_error=fetch_error)
            ledger.finish(summary)
        if not options.dry_run:
            deleted = inbox.prune(clock(), settings.retention_days)
            summary = replace(summary, retention_deleted=deleted)
            summary = _missing_export(settings, inbox, summary, clock())
    if not options.dry_run and services.send_mail is not None:
        summary = _mail(settings, summary, services.send_mail, mail_when or settings.mail_when)
    beat.finish(summary)
    return summary


def _mail(
    settings: Settings, summary: RunSummary, send: Callable[[Mail], None], when: str
) -> RunSummary:
    from hubsync.report.smtp import should_send

    if not should_send(when, summary):
        return summary
    mail = render_summary(summary, language=settings.language, data_dir=settings.data_dir)
    try:
        send(mail)
    except MailError as exc:
        log.error("summary mail not sent: %s", exc)
        return replace(summary, mail_error=str(exc))
    return summary


def _newest_export(inbox: Inbox) -> datetime | None:
    """When the newest export arrived: the newest file in any of the three folders."""
    newest: float | None = None
    for folder in (inbox.inbox, inbox.processed, inbox.errorprocessed):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.is_file() and path.suffix.lower() == ".csv" and not path.name.startswith("."):
                stamp = path.stat().st_mtime
                newest = stamp if newest is None else max(newest, stamp)
    return None if newest is None else datetime.fromtimestamp(newest).astimezone()


def _missing_export(
    settings: Settings, inbox: Inbox, summary: RunSummary, now: datetime
) -> RunSummary:
    """With HUBSYNC_EXPECT_EXPORT_HOURS set, alert (at most once a day) when none came."""
    hours = settings.expect_export_hours
    if not hours or summary.files or summary.fetched:
        return summary
    newest = _newest_export(inbox)
    if newest is not None and now - newest < timedelta(hours=hours):
        return summary
    mark = inbox.state_dir / ALERT_MARK
    if mark.exists():
        last = datetime.fromtimestamp(mark.stat().st_mtime).astimezone()
        if now - last < timedelta(days=1):
            return summary
    inbox.state_dir.mkdir(parents=True, exist_ok=True)
    mark.touch()
    os.utime(mark, (now.timestamp(), now.timestamp()))
    since = "never" if newest is None else newest.isoformat(timespec="minutes")
    log.warning("no new export for more than %s hours (newest: %s)", hours, since)
    t = Lang(settings.language, MAIL)  # the alert is read in the mail and on the console
    shown = t("never") if newest is None else t.when(newest)
    alert = t("alert_missing", hours, since=shown)
    return replace(summary, alerts=(*summary.alerts, alert))
