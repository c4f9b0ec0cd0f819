"""The folders are the state: scan the inbox, hold the run lock, move files, keep reports.

A file leaves `inbox/` only once its outcome is known, and it never overwrites anything:
the destination name carries a UTC timestamp prefix and a counter if that still clashes.
Nothing here deletes an input; only `prune` removes old finished files (retention).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hubsync.errors import LockedError

log = logging.getLogger(__name__)

_STAMP = re.compile(r"^(\d{8}T\d{6}Z)_")
LOCK_NAME = ".hubsync.lock"
STATE_DIR = ".hubsync"
# The folders of the data directory (the settings name them by these too).
INBOX = "inbox"
PROCESSED = "processed"
ERRORPROCESSED = "errorprocessed"


@dataclass(frozen=True)
class InboxScan:
    """Files ready to process (oldest first) and files still settling (maybe uploading)."""

    ready: tuple[Path, ...]
    settling: tuple[Path, ...]


class Inbox:
    """The data directory: `inbox/`, `processed/`, `errorprocessed/` and the lock file."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.inbox = data_dir / INBOX
        self.processed = data_dir / PROCESSED
        self.errorprocessed = data_dir / ERRORPROCESSED
        self.state_dir = data_dir / STATE_DIR

    def ensure(self) -> None:
        """Create the folders if they are missing (a fresh data dir is fine)."""
        for folder in (self.inbox, self.processed, self.errorprocessed):
            folder.mkdir(parents=True, exist_ok=True)

    def finish_interrupted_moves(self) -> list[Path]:
        """Complete moves a killed run left half done (linked, not yet unlinked).

        `move` links the file into its destination before unlinking the inbox name; a
        run killed in between leaves one file under two names. Such an inbox name is
        dropped here, so the file is not imported and archived a second time.
        """
        if not self.inbox.is_dir():
            return []
        linked = {}
        for path in self.inbox.iterdir():
            with contextlib.suppress(FileNotFoundError):
                stat = path.stat()
                if path.is_file() and stat.st_nlink > 1:
                    linked[(stat.st_dev, stat.st_ino)] = path
        finished = []
        for folder in (self.processed, self.errorprocessed) if linked else ():
            for done in folder.iterdir() if folder.is_dir() else ():
                stat = done.stat()
                source = linked.pop((stat.st_dev, stat.st_ino), None)
                if source is not None:
                    source.unlink()
                    log.info("%s: already moved to %s by an interrupted run", source.name, done)
                    finished.append(done)
        return finished

    def scan(self, now: datetime, settle_seconds: int) -> InboxScan:
        """`*.csv` in any case, hidden and partial files ignored, oldest first."""
        if not self.inbox.is_dir():
            return InboxScan((), ())
        ready: list[tuple[float, str, Path]] = []
        settling: list[Path] = []
        limit = now.timestamp() - settle_seconds
        for path in self.inbox.iterdir():
            if path.name.startswith(".") or path.suffix.lower() != ".csv":
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue  # vanished between listing and stat: not ours to worry about
            if not path.is_file():
                continue
            if stat.st_mtime > limit:
                settling.append(path)
            else:
                ready.append((stat.st_mtime, path.name, path))
        ready.sort()
        return InboxScan(tuple(p for _, _, p in ready), tuple(sorted(settling)))

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the run lock; raises LockedError at once if another run holds it.

        flock is released by the kernel when the process dies, so a killed run never
        leaves a stale lock behind.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise LockedError(
                        f"another hubsync run holds {self.data_dir / LOCK_NAME}; "
                        "nothing was touched"
                    ) from None
                raise
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            yield
        finally:
            os.close(fd)

    def destination(self, folder: Path, name: str, now: datetime, suffix: str = "") -> Path:
        """A free name `<UTC stamp>_<name><suffix>` in `folder` (counter added on a clash)."""
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        candidate = folder / f"{stamp}_{name}{suffix}"
        counter = 2
        while candidate.exists():
            candidate = folder / f"{stamp}_{counter}_{name}{suffix}"
            counter += 1
        return candidate

    def move(self, source: Path, target: Path, now: datetime) -> Path:
        """Move `source` to `target` without ever overwriting; returns the final path.

        A hard link fails if the target exists (unlike rename), which makes the no-
        overwrite rule race-free; the source is unlinked only once the link exists.
        """
        target.parent.mkdir(parents=True, exist_ok=True)
        while True:
            try:
                os.link(source, target)
            except FileExistsError:
                target = self.destination(target.parent, target.name, now)
                continue
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP):
                    raise
                # Filesystems without hard links: check-then-rename is the best we have.
                if target.exists():
                    target = self.destination(target.parent, target.name, now)
                    continue
                os.rename(source, target)
                _owner_only(target)
                return target
            os.unlink(source)
            _owner_only(target)
            return target

    def prune(self, now: datetime, days: int) -> int:
        """Delete finished files older than `days` (0 keeps everything); returns how many."""
        if days <= 0:
            return 0
        cutoff = now - timedelta(days=days)
        removed = 0
        for folder in (self.processed, self.errorprocessed):
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if not path.is_file() or path.name.startswith("."):
                    continue
                if _finished_at(path) < cutoff:
                    path.unlink()
                    removed += 1
        if removed:
            log.info("retention: deleted %d files older than %d days", removed, days)
        return removed


def _owner_only(path: Path) -> None:
    """Archived exports hold personal data: readable by the owner only, where we may."""
    with contextlib.suppress(OSError):
        path.chmod(0o600)


def _finished_at(path: Path) -> datetime:
    """When a file was finished: its name's timestamp prefix, else its mtime."""
    match = _STAMP.match(path.name)
    if match:
        try:
            return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            pass  # looks like a stamp but is no date: the file's own mtime decides
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def write_private(path: Path, data: bytes) -> None:
    """Write a report readable by the owner only (reports hold personal data)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
