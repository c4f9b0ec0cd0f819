"""Keeping the ledger of a run: a fresh journal on the client, one record after the run.

`keep_ledger` wraps the run in `run_job`: it gives a journaling client a fresh
`WriteJournal`, and when the run is over appends one record if the run wrote anything,
also when it stopped early (exit 75) or was interrupted by an exception. It prunes the
ledger by retention on every run that is not a dry run. A client without a journal
(`open_client(journal=False)`, the tests' default) keeps no ledger.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from hubsync.clock import Clock
from hubsync.history.entries import RUN, FileEntry, LedgerRecord
from hubsync.history.ledger import Ledger, run_id
from hubsync.hubspot import HubSpotClient
from hubsync.hubspot.journal import JournalEntries, WriteJournal
from hubsync.summary import ExitCode, RunSummary

log = logging.getLogger(__name__)


class RunRecorder:
    """Told the run's summary once it has one (`finish`)."""

    def __init__(self) -> None:
        self.summary: RunSummary | None = None

    def finish(self, summary: RunSummary) -> None:
        self.summary = summary


def summary_record(
    summary: RunSummary, entries: JournalEntries, seq: int, *, kind: str = RUN
) -> LedgerRecord:
    """The ledger record of a finished run."""
    files = tuple(
        FileEntry(f.name, str(f.kind), str(f.status), f.destination, f.rows, len(f.errors))
        for f in summary.files
    )
    counts = {
        name: sum(getattr(f, name) for f in summary.files)
        for name in (
            "rows",
            "contacts_created",
            "contacts_updated",
            "deals_created",
            "deals_updated",
            "deals_cancelled",
            "unassigned",
        )
    }
    counts["rejected"] = sum(len(f.errors) for f in summary.files)
    counts["companies_created"] = sum(len(f.companies.created) for f in summary.files)
    counts["hubspot_calls"] = summary.hubspot_calls
    return LedgerRecord(
        run_id=run_id(summary.started_at, seq),
        seq=seq,
        started=summary.started_at,
        finished=summary.finished_at,
        exit_code=int(summary.exit_code),
        kind=kind,
        files=files,
        counts=counts,
        created=entries.created,
        changed=entries.changed,
        linked=entries.linked,
        statuses=entries.statuses,
    )


@contextlib.contextmanager
def keep_ledger(
    state_dir: Path,
    client: HubSpotClient | None,
    clock: Clock,
    *,
    dry_run: bool,
    retention_days: int,
) -> Iterator[RunRecorder]:
    """Journal the run inside the block and append its record when it wrote anything."""
    recorder = RunRecorder()
    journal = None
    if client is not None and client.journal is not None and not dry_run:
        journal = client.journal = WriteJournal()
    started = clock()
    try:
        yield recorder
    finally:
        if not dry_run:
            try:
                _append(Ledger(state_dir), recorder.summary, journal, started, clock())
                Ledger(state_dir).prune(clock(), retention_days)
            except OSError as exc:  # the run's outcome stands; only its history is missing
                log.error("ledger not written: %s", exc)


def _append(
    ledger: Ledger,
    summary: RunSummary | None,
    journal: WriteJournal | None,
    started: datetime,
    now: datetime,
) -> None:
    entries = journal.entries() if journal is not None else JournalEntries()
    if not entries:
        return
    if summary is None:  # interrupted: what was written is still worth knowing
        summary = RunSummary(started, now, fatal="interrupted", fatal_kind=ExitCode.TEMPFAIL)
    record = summary_record(summary, entries, ledger.next_seq())
    ledger.append(record)
    log.info("ledger: run %s recorded in %s", record.run_id, ledger.path)
