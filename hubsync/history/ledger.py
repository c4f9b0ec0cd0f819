"""The run ledger: one JSON line per run that wrote to HubSpot, in the data dir's state folder.

`<data dir>/.hubsync/ledger.jsonl`, next to the lock, readable by the owner only (it holds
personal data: old and new values): created with mode 0600 and set back to 0600 on every
append. An append writes one whole line and fsyncs it; a line torn by a crash is ignored
on reading, with a warning. The ledger is no database: HubSpot stays the truth, the ledger
only remembers what each run changed there, so `hubsync undo` can put it back. Pruned by
HUBSYNC_RETENTION_DAYS like the archived exports.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hubsync.history.entries import UNDO, LedgerRecord

log = logging.getLogger(__name__)

LEDGER_NAME = "ledger.jsonl"
MODE = 0o600


class UnknownRun(LookupError):
    """No run of the ledger has this id (or the prefix names several)."""


def run_id(moment: datetime, seq: int) -> str:
    """`20261128-120000-0001`: the run's start in UTC and the ledger's counter (hex), so
    ids sort by time and two runs in one second still differ, without randomness."""
    return f"{moment.astimezone(UTC):%Y%m%d-%H%M%S}-{seq % 0x10000:04x}"


class Ledger:
    """The ledger file of one data dir (`state_dir` is `Inbox.state_dir`)."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / LEDGER_NAME

    def records(self) -> list[LedgerRecord]:
        """Every readable record, oldest first; unreadable lines are skipped with a warning."""
        try:
            lines = self.path.read_bytes().split(b"\n")
        except FileNotFoundError:
            return []
        found: list[LedgerRecord] = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                found.append(LedgerRecord.from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError, AttributeError):
                torn = number == len(lines)  # no newline after it: the write was cut off
                log.warning(
                    "%s line %d: %s, ignored",
                    self.path,
                    number,
                    "torn by an interrupted write" if torn else "not a ledger record",
                )
        return found

    def find(self, wanted: str) -> LedgerRecord:
        """The record of run `wanted` (its id, or a prefix naming one run); raises UnknownRun."""
        records = self.records()
        exact = [r for r in records if r.run_id == wanted]
        if exact:
            return exact[-1]
        matches = [r for r in records if r.run_id.startswith(wanted)] if wanted else []
        if len(matches) == 1:
            return matches[0]
        raise UnknownRun(wanted)

    def undone_by(self, run: str) -> LedgerRecord | None:
        """The undo that undid run `run`, if there is one."""
        return next((r for r in self.records() if r.kind == UNDO and r.undoes == run), None)

    def next_seq(self) -> int:
        """The counter of the next record: one more than the highest in the ledger."""
        return 1 + max((r.seq for r in self.records()), default=0)

    def append(self, record: LedgerRecord) -> None:
        """Add `record` as one line, fsynced; the file is (and stays) mode 0600."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True) + "\n"
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, MODE)
        try:
            if os.fstat(fd).st_mode & 0o777 != MODE:
                os.fchmod(fd, MODE)
            size = os.fstat(fd).st_size
            # A torn last line (no newline) stays a line of its own, ignored on reading.
            torn = size > 0 and os.pread(fd, 1, size - 1) != b"\n"
            os.write(fd, (b"\n" if torn else b"") + line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def prune(self, now: datetime, days: int) -> int:
        """Drop records that finished more than `days` ago (0 keeps everything); returns
        how many. The ledger is rewritten to a temporary file and moved into place."""
        if days <= 0 or not self.path.exists():
            return 0
        cutoff = now - timedelta(days=days)
        records = self.records()
        kept = [r for r in records if r.finished >= cutoff]
        if len(kept) == len(records):
            return 0
        temporary = self.path.with_name(f".{LEDGER_NAME}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for record in kept:
                handle.write(json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True))
                handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, MODE)
        os.replace(temporary, self.path)
        removed = len(records) - len(kept)
        log.info("retention: %d ledger record(s) older than %d days dropped", removed, days)
        return removed
