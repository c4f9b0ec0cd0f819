"""A file's outcome on disk: `processed/`, or `errorprocessed/` with its report.

Moves happen only once the outcome is known, never overwrite (`Inbox.move`), and a dry
run moves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from hubsync.clock import Clock
from hubsync.errors import InputError
from hubsync.inbox.folders import Inbox
from hubsync.intake.csvread import Table
from hubsync.records import RowError
from hubsync.report.errors_csv import write_errors_csv, write_errors_txt
from hubsync.report.messages import locate
from hubsync.summary import FileKind, FileOutcome, FileStatus


@dataclass(frozen=True)
class Finisher:
    """Moves finished files and writes their reports (in `language`)."""

    inbox: Inbox
    clock: Clock
    language: str
    dry_run: bool

    def bad_file(self, path: Path, kind: FileKind, error: InputError) -> FileOutcome:
        """A file that could not be read at all: `errorprocessed/` with `.errors.txt`."""
        reason = (("reason", error.reason), *error.params) if error.reason else ()
        rejected = RowError.of(error.line or 0, error.column, "file_rejected", reason)
        outcome = FileOutcome(
            path.name,
            kind,
            FileStatus.PREVIEWED if self.dry_run else FileStatus.ERRORPROCESSED,
            reason=str(error),
            errors=(rejected,),
        )
        if self.dry_run:
            return outcome
        now = self.clock()
        target = self.inbox.destination(self.inbox.errorprocessed, path.name, now)
        report = target.with_name(target.name + ".errors.txt")
        write_errors_txt(report, path.name, locate(rejected, self.language))
        final = self.inbox.move(path, target, now)
        return replace(outcome, destination=self._relative(final), report=self._relative(report))

    def done(self, path: Path, table: Table, outcome: FileOutcome) -> FileOutcome:
        """A read file: `processed/`, or `errorprocessed/` with its `.errors.csv`."""
        if self.dry_run:
            return outcome
        now = self.clock()
        if not outcome.errors:
            target = self.inbox.destination(self.inbox.processed, path.name, now)
            final = self.inbox.move(path, target, now)
            return replace(outcome, status=FileStatus.PROCESSED, destination=self._relative(final))
        target = self.inbox.destination(self.inbox.errorprocessed, path.name, now)
        report = target.with_name(target.name + ".errors.csv")
        write_errors_csv(report, table, outcome.errors, language=self.language)
        final = self.inbox.move(path, target, now)
        return replace(
            outcome,
            status=FileStatus.ERRORPROCESSED,
            destination=self._relative(final),
            report=self._relative(report),
        )

    def _relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.inbox.data_dir))
        except ValueError:
            return str(path)
