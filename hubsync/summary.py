"""What a run did: one `FileOutcome` per input file, gathered in a `RunSummary`.

These values are the only thing the console output, the mail and the exit code are
derived from, so all three always agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum

from hubsync.records import RowError, RowWarning


class ExitCode(IntEnum):
    """Process exit codes (README table "Exit codes")."""

    OK = 0  # all done, also: nothing to do
    REJECTED = 1  # finished, but rows or files were rejected (or the mail failed)
    CONFIG = 2  # usage or configuration error: nothing was written
    TEMPFAIL = 75  # temporary failure (EX_TEMPFAIL): files stay in the inbox for the next run


class FileKind(StrEnum):
    CUSTOMERS = "customers"
    BOOKINGS = "bookings"
    UNKNOWN = "unknown"


class FileStatus(StrEnum):
    PROCESSED = "processed"  # every row imported → processed/
    ERRORPROCESSED = "errorprocessed"  # rows or the whole file rejected → errorprocessed/
    LEFT = "left"  # transient trouble: left untouched in the inbox
    PREVIEWED = "previewed"  # dry run: nothing written, nothing moved


@dataclass(frozen=True)
class CompanyCounts:
    """The companies of a customer file: names created and adopted, how many updated."""

    created: tuple[str, ...] = ()
    adopted: tuple[str, ...] = ()  # found in HubSpot by name or domain, now keyed by hubsync
    updated: int = 0
    unchanged: int = 0

    def __bool__(self) -> bool:
        return bool(self.created or self.adopted or self.updated or self.unchanged)


@dataclass(frozen=True)
class ConsentCounts:
    """Newsletter consent of a customer file: statuses set, and rows that needed none."""

    subscribed: int = 0
    unsubscribed: int = 0  # a "Nein" withdrew a subscription hubsync made
    opted_out: int = 0  # a "Ja" left alone: the address opted out in HubSpot
    unchanged: int = 0
    subscription: str = ""  # the subscription type's name, as the portal lists it
    opted_out_emails: tuple[str, ...] = ()  # which "Ja" were left alone: opted out in HubSpot

    def __bool__(self) -> bool:
        return bool(self.subscribed or self.unsubscribed or self.opted_out or self.unchanged)


@dataclass(frozen=True)
class FileOutcome:
    """The result of one input file. Counts refer to HubSpot objects (planned, in a dry run)."""

    name: str
    kind: FileKind
    status: FileStatus
    rows: int = 0
    destination: str | None = None  # where the file went, relative to the data dir
    report: str | None = None  # its .errors.csv / .errors.txt, relative to the data dir
    reason: str | None = None  # file-level error or the transient reason it was left
    contacts_created: int = 0
    contacts_updated: int = 0
    contacts_unchanged: int = 0
    deals_created: int = 0
    deals_updated: int = 0
    deals_unchanged: int = 0
    deals_cancelled: int = 0
    unassigned: int = 0  # bookings imported as deals without a contact (yet)
    errors: tuple[RowError, ...] = ()
    warnings: tuple[RowWarning, ...] = ()
    reviews: tuple[RowError, ...] = ()  # rows set aside for a person (shared family mailbox)
    unmapped_columns: tuple[str, ...] = ()
    updated_properties: dict[str, int] = field(default_factory=dict)  # property → contacts changed
    companies: CompanyCounts = CompanyCounts()
    consent: ConsentCounts = ConsentCounts()  # HUBSYNC_NEWSLETTER_SUBSCRIPTION set

    @property
    def ok(self) -> bool:
        return self.status in (FileStatus.PROCESSED, FileStatus.PREVIEWED) and not self.errors

    def errors_by_reason(self) -> Counter[str]:
        """How many rows were rejected for each reason code."""
        return Counter(error.code for error in self.errors)


@dataclass(frozen=True)
class RunSummary:
    """Everything one `hubsync run` did; the exit code is derived from it."""

    started_at: datetime
    finished_at: datetime
    files: tuple[FileOutcome, ...] = ()
    dry_run: bool = False
    fatal: str | None = None  # why the run stopped early (transient or configuration)
    fatal_kind: ExitCode | None = None  # TEMPFAIL or CONFIG when `fatal` is set
    hubspot_calls: int = 0
    hubspot_writes: int = 0
    fetched: tuple[str, ...] = ()  # files downloaded from the vendor's server this run
    settling: tuple[str, ...] = ()  # files left for the next run: modified too recently
    fetch_error: str | None = None
    retention_deleted: int = 0
    alerts: tuple[str, ...] = ()  # e.g. "no new export for 30 hours"
    mail_error: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        if self.fatal_kind is not None:
            return self.fatal_kind
        if any(f.status is FileStatus.LEFT for f in self.files):
            return ExitCode.TEMPFAIL
        if self.fetch_error is not None:
            return ExitCode.TEMPFAIL
        if any(f.status is FileStatus.ERRORPROCESSED or f.errors for f in self.files):
            return ExitCode.REJECTED
        if self.mail_error is not None:
            return ExitCode.REJECTED
        return ExitCode.OK

    @property
    def did_something(self) -> bool:
        return bool(self.files or self.fatal or self.fetch_error or self.alerts or self.fetched)
