"""One run: lock, fetch, collect, read and validate, plan, apply, move, report.

The core receives its collaborators (HubSpot client, mail sender, fetcher, clock) so a
dry run and the tests need no patching. Each failure kind is decided in one place:
row errors travel as values; a bad file goes to `errorprocessed/`; configuration
errors stop the run before anything is written; transient errors stop it and leave the
current and later files in the inbox for the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from hubsync.bookings.stage import adopt_unassigned, process_bookings
from hubsync.clock import utc_now
from hubsync.config import Settings
from hubsync.customers.contacts import (
    ContactOptions,
    apply_contacts,
    plan_contacts,
    preview_contacts,
)
from hubsync.customers.directory import ContactDirectory
from hubsync.customers.reading import read_customers
from hubsync.errors import ConfigError, HubSpotError, InputError, TransientError
from hubsync.hubspot import HubSpotClient
from hubsync.inbox.classify import Classified, classify_inbox
from hubsync.inbox.folders import Inbox
from hubsync.mapping.columns import Mapping
from hubsync.portal.schema import PortalSchema, check_schema, read_schema
from hubsync.portal.specs import FIGURE_PROPERTIES
from hubsync.records import RowError
from hubsync.report.errors_csv import hide_own_columns, write_errors_csv, write_errors_txt
from hubsync.report.messages import locate
from hubsync.report.progress import batches
from hubsync.run.services import portal_options
from hubsync.summary import ExitCode, FileKind, FileOutcome, FileStatus, RunSummary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    dry_run: bool = False


@dataclass
class Collaborators:
    """What a run talks to; each may be absent (no token → validate only)."""

    client: HubSpotClient | None
    clock: Callable[[], datetime] = utc_now
    # A terminal progress bar, if any: the stage, and how many HubSpot calls it should take.
    progress: Callable[[str, int], None] = lambda text, calls: None


class Run:
    """State of one run over the inbox; `execute()` returns its RunSummary."""

    def __init__(
        self,
        settings: Settings,
        mapping: Mapping,
        collaborators: Collaborators,
        options: RunOptions,
    ) -> None:
        self.settings = settings
        self.mapping = mapping
        self.client = collaborators.client
        self.clock = collaborators.clock
        self.progress = collaborators.progress
        self.options = options
        self.inbox = Inbox(settings.data_dir)
        self.directory = ContactDirectory(settings.customer_number_property)
        self.schema: PortalSchema | None = None
        self.deals: dict[str, dict[str, str | None]] = {}  # deal id → properties seen this run
        self.started = self.clock()
        self.settling: tuple[str, ...] = ()

    # the run ------------------------------------------------------------------------------

    def execute(self) -> RunSummary:
        """Process every settled file in the inbox (the caller holds the lock)."""
        if not self.options.dry_run:
            self.inbox.ensure()
            self.inbox.finish_interrupted_moves()
        scan = self.inbox.scan(self.started, self.settings.settle_seconds)
        self.settling = tuple(p.name for p in scan.settling)
        for path in scan.settling:
            log.info(
                "%s: modified less than %ss ago, left for the next run",
                path.name,
                self.settings.settle_seconds,
            )
        files = classify_inbox(scan.ready, self.mapping)
        outcomes: list[FileOutcome] = []
        try:
            if self.client is not None and files:
                self.schema = read_schema(self.client)
                target = check_schema(
                    self.schema,
                    portal_options(self.settings),
                    self.mapping,
                    facilities=[f for f in [self.settings.contact_category] if f],
                    deals=any(f.kind is FileKind.BOOKINGS for f in files),
                )
                if target is not None:
                    # Labels resolved once: every later stage writes and compares ids.
                    self.settings = replace(
                        self.settings,
                        deal_pipeline=target.pipeline,
                        deal_stage=target.stage,
                        deal_cancelled_stage=target.cancelled_stage,
                    )
            for item in files:
                outcomes.append(self.process(item))
        except ConfigError as exc:
            return self._stop(files, outcomes, str(exc), ExitCode.CONFIG)
        except TransientError as exc:
            return self._stop(files, outcomes, str(exc), ExitCode.TEMPFAIL)
        except HubSpotError as exc:
            # An answer hubsync cannot attribute to a record: nothing is lost by stopping,
            # the file stays in the inbox and the mail carries HubSpot's message.
            return self._stop(
                files, outcomes, f"unexpected HubSpot answer: {exc}", ExitCode.TEMPFAIL
            )
        except OSError as exc:
            problem = (
                f"file system: {exc.strerror or exc} ({exc.filename or self.settings.data_dir})"
            )
            return self._stop(files, outcomes, problem, ExitCode.CONFIG)
        return self._summary(outcomes)

    def _stop(
        self, files: list[Classified], outcomes: list[FileOutcome], reason: str, kind: ExitCode
    ) -> RunSummary:
        """Stop the run: the current and later files stay in the inbox, untouched."""
        done = {o.name for o in outcomes}
        # The reason is told once (summary, mail); each file only says why it waits.
        short = "configuration problem" if kind is ExitCode.CONFIG else reason.splitlines()[0]
        left = [self._left(f, short) for f in files if f.path.name not in done]
        if left:
            names = ", ".join(o.name for o in left)
            log.warning("stopped, left in the inbox: %s: %s", names, reason.splitlines()[0])
        return self._summary([*outcomes, *left], fatal=reason, kind=kind)

    def _summary(
        self, outcomes: list[FileOutcome], *, fatal: str | None = None, kind: ExitCode | None = None
    ) -> RunSummary:
        stats = self.client.stats.snapshot() if self.client is not None else None
        return RunSummary(
            started_at=self.started,
            finished_at=self.clock(),
            files=tuple(outcomes),
            dry_run=self.options.dry_run,
            fatal=fatal,
            fatal_kind=kind,
            hubspot_calls=stats.calls if stats else 0,
            hubspot_writes=stats.writes if stats else 0,
            settling=self.settling,
        )

    def _left(self, item: Classified, reason: str) -> FileOutcome:
        return FileOutcome(item.path.name, item.kind, FileStatus.LEFT, reason=reason)

    # one file -----------------------------------------------------------------------------

    def process(self, item: Classified) -> FileOutcome:
        """Read, plan, apply and finish one file. Raises Transient/ConfigError to stop."""
        if item.error is not None or item.table is None:
            error = item.error or InputError(item.path.name, "unreadable", reason="unreadable")
            return self._finish_bad_file(item, error)
        self.progress(f"{item.path.name}: reading the file", 0)
        try:
            if item.kind is FileKind.CUSTOMERS:
                outcome = self._customers(item)
            else:
                outcome = process_bookings(self, item)
            return self._finish(item, outcome)
        except InputError as exc:
            # The file became unreadable while being read (changed underneath us): all
            # reading happens before the first write, so nothing was written for it.
            return self._finish_bad_file(item, exc)

    def _customers(self, item: Classified) -> FileOutcome:
        assert item.table is not None
        batch = read_customers(
            item.table,
            self.mapping,
            category=self.settings.contact_category,
            today=self.started.date(),
        )
        rejected = (*batch.errors, *batch.reviews)
        base = FileOutcome(
            name=item.path.name,
            kind=FileKind.CUSTOMERS,
            status=FileStatus.PREVIEWED if self.options.dry_run else FileStatus.PROCESSED,
            rows=batch.rows,
            errors=tuple(sorted(rejected, key=lambda e: e.line)),
            warnings=batch.warnings,
            reviews=batch.reviews,
            unmapped_columns=hide_own_columns(batch.unmapped),
        )
        if self.client is None or self.schema is None:
            return replace(base, contacts_created=len(batch.records))
        facilities = {r.facility for r in batch.records if r.facility}
        check_schema(
            self.schema,
            portal_options(self.settings),
            self.mapping,
            facilities=facilities,
            deals=False,
        )
        options = self.contact_options()
        self.progress(
            f"{item.path.name}: reading {len(batch.records)} contacts from HubSpot",
            2 * batches(len(batch.records)),  # by customer number, then by e-mail
        )
        plan = plan_contacts(batch.records, self.client, self.directory, self.mapping, options)
        counts = replace(
            base,
            contacts_created=len(plan.creates),
            contacts_updated=len(plan.updates),
            contacts_unchanged=len(plan.unchanged),
            updated_properties=plan.updated_properties(),
            errors=tuple(sorted((*base.errors, *plan.errors), key=lambda e: e.line)),
        )
        if self.options.dry_run:
            preview_contacts(plan, self.directory)
            return counts
        writes = len(plan.creates) + len(plan.updates)
        self.progress(f"{item.path.name}: writing {writes} contacts", batches(writes))
        result = apply_contacts(plan, self.client, self.directory)
        self.after_contacts(result.known_numbers)
        errors = sorted((*base.errors, *result.errors), key=lambda e: e.line)
        return replace(
            counts,
            warnings=(*counts.warnings, *result.warnings),
            contacts_created=result.created,
            contacts_updated=result.updated,
            contacts_unchanged=result.unchanged,
            errors=tuple(errors),
        )

    def contact_options(self) -> ContactOptions:
        schema = self.schema
        assert schema is not None
        category = self.settings.category_property
        return ContactOptions(
            category_property=category if category in schema.contacts else None,
            category_multi=schema.category_multi(category),
            aliases="kundennummern" in schema.contacts,
            read_also=tuple(p for p in FIGURE_PROPERTIES if p in schema.contacts),
            key=self.settings.customer_number_property,
            skip=frozenset(name for name, prop in schema.contacts.items() if prop.read_only),
        )

    def after_contacts(self, numbers: tuple[str, ...]) -> None:
        """Hook for the booking stage: deals waiting for these customer numbers, which
        have contacts now (all of the file's, not only new ones: see ContactResult)."""
        if not numbers or self.client is None:
            return
        adopt_unassigned(self, numbers)

    # outcomes -----------------------------------------------------------------------------

    def _finish_bad_file(self, item: Classified, error: InputError) -> FileOutcome:
        reason = (("reason", error.reason), *error.params) if error.reason else ()
        rejected = RowError(error.line or 0, error.column, error.message, "file_rejected", reason)
        outcome = FileOutcome(
            item.path.name,
            item.kind,
            FileStatus.PREVIEWED if self.options.dry_run else FileStatus.ERRORPROCESSED,
            reason=str(error),
            errors=(rejected,),
        )
        if self.options.dry_run:
            return outcome
        now = self.clock()
        target = self.inbox.destination(self.inbox.errorprocessed, item.path.name, now)
        report = target.with_name(target.name + ".errors.txt")
        write_errors_txt(report, item.path.name, locate(rejected, self.settings.language))
        final = self.inbox.move(item.path, target, now)
        return replace(
            outcome,
            destination=self._relative(final),
            report=self._relative(report),
        )

    def _finish(self, item: Classified, outcome: FileOutcome) -> FileOutcome:
        if self.options.dry_run:
            return outcome
        now = self.clock()
        if not outcome.errors:
            target = self.inbox.destination(self.inbox.processed, item.path.name, now)
            final = self.inbox.move(item.path, target, now)
            return replace(outcome, status=FileStatus.PROCESSED, destination=self._relative(final))
        target = self.inbox.destination(self.inbox.errorprocessed, item.path.name, now)
        report = target.with_name(target.name + ".errors.csv")
        assert item.table is not None
        write_errors_csv(report, item.table, outcome.errors, language=self.settings.language)
        final = self.inbox.move(item.path, target, now)
        return replace(
            outcome,
            status=FileStatus.ERRORPROCESSED,
            destination=self._relative(final),
            report=self._relative(report),
        )

    def _relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.settings.data_dir))
        except ValueError:
            return str(path)
