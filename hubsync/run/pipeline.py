"""One run over the inbox: collect, read and validate, pre-flight, plan, apply, move.

The core receives its collaborators (HubSpot client, clock, progress) so a dry run and
the tests need no patching. The pipeline owns the per-run state (the contact directory,
the deals seen) and hands each stage what it needs; stages return values. Each failure
kind is decided in one place: row errors travel as values; a bad file goes to
`errorprocessed/`; configuration errors stop the run before anything is written;
transient errors stop it and leave the current and later files in the inbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from hubsync.bookings.adopt import adopt_unassigned
from hubsync.bookings.stage import read_booking_file, sync_bookings
from hubsync.clock import Clock, utc_now
from hubsync.companies.stage import sync_companies, sync_company_deals
from hubsync.config import Settings
from hubsync.consent.stage import sync_consent
from hubsync.customers.directory import ContactDirectory
from hubsync.customers.stage import read_customer_file, sync_customers
from hubsync.errors import ConfigError, HubSpotError, InputError, TransientError
from hubsync.hubspot import HubSpotClient
from hubsync.inbox.classify import Classified, classify_inbox
from hubsync.inbox.folders import Inbox
from hubsync.intake.csvread import Table
from hubsync.mapping.columns import Mapping
from hubsync.portal.schema import check_schema, read_schema
from hubsync.records import CustomerRecord
from hubsync.run.finish import Finisher
from hubsync.run.online import Online, go_online
from hubsync.run.services import portal_options
from hubsync.run.state import RunState
from hubsync.summary import ExitCode, FileKind, FileOutcome, FileStatus, RunSummary

log = logging.getLogger(__name__)


def _no_progress(text: str, calls: int) -> None:
    """No terminal: nothing to draw."""


@dataclass(frozen=True)
class RunOptions:
    dry_run: bool = False


@dataclass(frozen=True)
class Collaborators:
    """What a run talks to; the client may be absent (no token → validate only)."""

    client: HubSpotClient | None
    clock: Clock = utc_now
    # A terminal progress bar, if any: the stage, and how many HubSpot calls it should take.
    progress: Callable[[str, int], None] = _no_progress


class Run:
    """One run over the inbox; `execute()` returns its RunSummary."""

    def __init__(
        self,
        settings: Settings,
        mapping: Mapping,
        collaborators: Collaborators,
        options: RunOptions,
    ) -> None:
        self.settings = settings
        self.mapping = mapping
        self.collaborators = collaborators
        self.options = options
        self.inbox = Inbox(settings.data_dir)
        self.state = RunState(ContactDirectory(settings.customer_number_property))
        self.started = collaborators.clock()
        self.finisher = Finisher(
            self.inbox, collaborators.clock, settings.language, options.dry_run
        )

    def execute(self) -> RunSummary:
        """Process every settled file in the inbox (the caller holds the lock)."""
        if not self.options.dry_run:
            self.inbox.ensure()
            self.inbox.finish_interrupted_moves()
        scan = self.inbox.scan(self.started, self.settings.settle_seconds)
        for path in scan.settling:
            log.info(
                "%s: modified less than %ss ago, left for the next run",
                path.name,
                self.settings.settle_seconds,
            )
        settling = tuple(p.name for p in scan.settling)
        files = classify_inbox(scan.ready, self.mapping)
        outcomes: list[FileOutcome] = []
        try:
            online = self._preflight(files)
            for item in files:
                outcomes.append(self.process(item, online))
        except ConfigError as exc:
            return self._stop(files, outcomes, str(exc), ExitCode.CONFIG, settling)
        except TransientError as exc:
            return self._stop(files, outcomes, str(exc), ExitCode.TEMPFAIL, settling)
        except HubSpotError as exc:
            # An answer hubsync cannot attribute to a record: nothing is lost by stopping,
            # the file stays in the inbox and the mail carries HubSpot's message.
            reason = f"unexpected HubSpot answer: {exc}"
            return self._stop(files, outcomes, reason, ExitCode.TEMPFAIL, settling)
        except OSError as exc:
            where = exc.filename or self.settings.data_dir
            problem = f"file system: {exc.strerror or exc} ({where})"
            return self._stop(files, outcomes, problem, ExitCode.CONFIG, settling)
        return self._summary(outcomes, settling)

    def _preflight(self, files: list[Classified]) -> Online | None:
        """Read the portal's schema and check it before the first write (None: offline)."""
        client = self.collaborators.client
        if client is None or not files:
            return None
        schema = read_schema(client, companies=bool(self.settings.companies))
        target = check_schema(
            schema,
            portal_options(self.settings),
            self.mapping,
            facilities=[f for f in [self.settings.contact_category] if f],
            deals=any(f.kind is FileKind.BOOKINGS for f in files),
        )
        return go_online(
            client,
            schema,
            self.settings,
            self.mapping,
            target,
            today=self.started.date(),
            dry_run=self.options.dry_run,
        )

    def _stop(
        self,
        files: list[Classified],
        outcomes: list[FileOutcome],
        reason: str,
        kind: ExitCode,
        settling: tuple[str, ...],
    ) -> RunSummary:
        """Stop the run: the current and later files stay in the inbox, untouched."""
        done = {o.name for o in outcomes}
        # The reason is told once (summary, mail); each file only says why it waits.
        short = "configuration problem" if kind is ExitCode.CONFIG else reason.splitlines()[0]
        left = [
            FileOutcome(f.path.name, f.kind, FileStatus.LEFT, reason=short)
            for f in files
            if f.path.name not in done
        ]
        if left:
            names = ", ".join(o.name for o in left)
            log.warning("stopped, left in the inbox: %s: %s", names, reason.splitlines()[0])
        return self._summary([*outcomes, *left], settling, fatal=reason, kind=kind)

    def _summary(
        self,
        outcomes: list[FileOutcome],
        settling: tuple[str, ...],
        *,
        fatal: str | None = None,
        kind: ExitCode | None = None,
    ) -> RunSummary:
        client = self.collaborators.client
        stats = client.stats.snapshot() if client is not None else None
        return RunSummary(
            started_at=self.started,
            finished_at=self.collaborators.clock(),
            files=tuple(outcomes),
            dry_run=self.options.dry_run,
            fatal=fatal,
            fatal_kind=kind,
            hubspot_calls=stats.calls if stats else 0,
            hubspot_writes=stats.writes if stats else 0,
            settling=settling,
        )

    # one file -----------------------------------------------------------------------------

    def process(self, item: Classified, online: Online | None) -> FileOutcome:
        """Read, plan, apply and finish one file. Raises Transient/ConfigError to stop."""
        table = item.table
        if item.error is not None or table is None:
            error = item.error or InputError(item.path.name, reason="unreadable")
            return self.finisher.bad_file(item.path, item.kind, error)
        self.collaborators.progress(f"{item.path.name}: reading the file", 0)
        try:
            if item.kind is FileKind.CUSTOMERS:
                outcome = self._customers(item.path.name, table, online)
            else:
                outcome = self._bookings(item.path.name, table, online)
        except InputError as exc:
            # The file became unreadable while being read (changed underneath us): all
            # reading happens before the first write, so nothing was written for it.
            return self.finisher.bad_file(item.path, item.kind, exc)
        return self.finisher.done(item.path, table, outcome)

    def _customers(self, name: str, table: Table, online: Online | None) -> FileOutcome:
        read = read_customer_file(
            name,
            table,
            self.mapping,
            category=self.settings.contact_category,
            today=self.started.date(),
            dry_run=self.options.dry_run,
        )
        if online is None:
            return read.outcome
        check_schema(
            online.schema,
            portal_options(self.settings),
            self.mapping,
            facilities=read.facilities,
            deals=False,
        )
        done = sync_customers(
            read,
            online.client,
            self.mapping,
            online.contacts,
            self.state.directory,
            self.collaborators.progress,
            dry_run=self.options.dry_run,
        )
        if done.known_numbers and online.adopts and not self.options.dry_run:
            # Deals that waited for these customers (all of the file's numbers, not only
            # new ones: a run killed before adopting catches up on the next run).
            adopt_unassigned(
                online.client,
                done.known_numbers,
                online.bookings.figures,
                self.state.directory,
                self.state.deals,
            )
        outcome = self._companies(read.batch.records, done.outcome, online)
        return self._consent(name, read.batch.records, outcome, online)

    def _companies(
        self, records: Sequence[CustomerRecord], outcome: FileOutcome, online: Online
    ) -> FileOutcome:
        stage = self.state.company_stage(online)
        if stage is None:
            return outcome
        done = sync_companies(stage, records, dry_run=self.options.dry_run)
        errors = sorted((*outcome.errors, *done.errors), key=lambda e: e.line)
        return replace(outcome, companies=done.counts, errors=tuple(errors))

    def _consent(
        self, name: str, records: Sequence[CustomerRecord], outcome: FileOutcome, online: Online
    ) -> FileOutcome:
        """The file's Newsletter column as subscription statuses (HUBSYNC_NEWSLETTER_...)."""
        if online.consent is None:
            return outcome
        done = sync_consent(
            online.client,
            online.consent,
            records,
            self.state.directory,
            name,
            dry_run=self.options.dry_run,
        )
        errors = sorted((*outcome.errors, *done.errors), key=lambda e: e.line)
        return replace(outcome, consent=done.counts, errors=tuple(errors))

    def _bookings(self, name: str, table: Table, online: Online | None) -> FileOutcome:
        read = read_booking_file(
            name,
            table,
            today=self.started.date(),
            columns=self.mapping.booking_fields,
            dry_run=self.options.dry_run,
        )
        if online is None:
            return read.outcome
        done = sync_bookings(
            read,
            online.client,
            online.bookings,
            self.state.directory,
            self.state.deals,
            self.collaborators.progress,
        )
        stage = self.state.company_stage(online)
        if stage is None or not done.pairs:
            return done.outcome
        errors = [*done.outcome.errors, *sync_company_deals(stage, set(done.pairs))]
        return replace(done.outcome, errors=tuple(sorted(errors, key=lambda e: e.line)))
