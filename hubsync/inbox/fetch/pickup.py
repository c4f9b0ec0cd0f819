"""Fetch the vendor's CSV exports from an FTP, FTPS or SFTP server into the inbox.

A file is downloaded only once it has settled (old enough and not growing), lands in the
inbox atomically (`.<name>.part` → fsync → size check → `os.replace`), and only then is
moved to `processed/` on the server or deleted there. The inbox copy keeps the remote
modification time, so the inbox's own settle rule does not hold a fetched file back a run.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from hubsync.choices import FetchAfter
from hubsync.clock import utc_now
from hubsync.errors import ConfigError, FetchError
from hubsync.inbox.fetch.ftp import connect_ftp
from hubsync.inbox.fetch.landing import place, sanitize_name
from hubsync.inbox.fetch.remote import (
    PROCESSED,
    FetchSettings,
    FetchTarget,
    Remote,
    RemoteFile,
    RemoteFileError,
    parse_fetch_url,
)
from hubsync.secrets import scrub

log = logging.getLogger(__name__)

_UNSAFE_REMOTE = re.compile(r"[/\x00\r\n]")


@dataclass(frozen=True)
class FetchResult:
    """What one fetch did: local names in `downloaded` and `already_present` (identical copy
    was already in the inbox), remote names in `skipped_growing`, messages in `remote_errors`."""

    downloaded: tuple[str, ...] = ()
    skipped_growing: tuple[str, ...] = ()
    remote_errors: tuple[str, ...] = ()
    already_present: tuple[str, ...] = ()


class FetchInterrupted(FetchError):
    """The connection broke mid-run; `result` lists the files completed before the break."""

    def __init__(self, message: str, result: FetchResult) -> None:
        super().__init__(message)
        self.result = result


def check_login(settings: FetchSettings) -> None:
    """Log in and open the export folder, for `hubsync check`; raises FetchLoginError,
    FetchError or ConfigError."""
    _connect(settings, parse_fetch_url(settings.url)).close()


def fetch(
    settings: FetchSettings,
    inbox: Path,
    *,
    clock: Callable[[], datetime] = utc_now,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchResult:
    """Download every settled remote `*.csv` into `inbox`, then move it to `processed/` on
    the server (or delete it). Raises FetchLoginError/FetchError when nothing could be
    fetched, FetchInterrupted (with the partial result) when the connection broke."""
    target = parse_fetch_url(settings.url)
    remote = _connect(settings, target)
    done = _Progress()
    broken = False
    try:
        _fetch_all(remote, settings, inbox, clock, sleep, done)
    except remote.transient as exc:
        broken = True
        why = scrub(f"{type(exc).__name__}: {exc}", settings.secrets())
        raise FetchInterrupted(
            f"fetching from {target.where} broke off ({why}); the next run tries again",
            done.result(),
        ) from exc
    finally:
        remote.close(abort=broken)
    return done.result()


@dataclass
class _Progress:
    downloaded: list[str] = field(default_factory=list)
    skipped_growing: list[str] = field(default_factory=list)
    remote_errors: list[str] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)

    def result(self) -> FetchResult:
        return FetchResult(
            tuple(self.downloaded),
            tuple(self.skipped_growing),
            tuple(self.remote_errors),
            tuple(self.already_present),
        )


def _fetch_all(
    remote: Remote,
    settings: FetchSettings,
    inbox: Path,
    clock: Callable[[], datetime],
    sleep: Callable[[float], None],
    done: _Progress,
) -> None:
    settled_before = clock() - timedelta(seconds=settings.settle_seconds)
    candidates = []
    for file in sorted(remote.list_csv(), key=lambda f: f.name):
        if _UNSAFE_REMOTE.search(file.name):
            done.remote_errors.append(f"{file.name!r}: unsafe remote name, skipped")
        elif file.mtime is not None and file.mtime > settled_before:
            done.skipped_growing.append(file.name)
        else:
            candidates.append(file)
    if not candidates:
        return
    # A vendor writing slowly can keep an old mtime; a second listing catches a growing size.
    sleep(settings.size_check_delay)
    sizes = {file.name: file.size for file in remote.list_csv()}
    if settings.after == FetchAfter.MOVE:
        remote.prepare_processed()
    inbox.mkdir(parents=True, exist_ok=True)
    for file in candidates:
        if file.name not in sizes:
            continue  # gone meanwhile: nothing to fetch
        if sizes[file.name] != file.size:
            done.skipped_growing.append(file.name)
        elif _download(remote, file, inbox, done):
            _finish_remote(remote, file.name, settings, clock(), done)


def _download(remote: Remote, file: RemoteFile, inbox: Path, done: _Progress) -> bool:
    """Fetch one file into the inbox; False when it was not fetched (and stays remote)."""
    name = sanitize_name(file.name)
    part = inbox / f".{name}.part"
    try:
        with part.open("wb") as out:
            remote.download(file.name, out)
            out.flush()
            os.fsync(out.fileno())
    except RemoteFileError as exc:
        part.unlink(missing_ok=True)
        done.remote_errors.append(f"{file.name}: could not download it ({exc})")
        return False
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    size = part.stat().st_size
    if file.size is not None and size != file.size:
        part.unlink()
        log.warning("%s changed during download (%d of %d bytes)", file.name, size, file.size)
        done.skipped_growing.append(file.name)
        return False
    local, new = place(part, inbox, name, file.mtime)
    (done.downloaded if new else done.already_present).append(local)
    log.info("fetched %s as %s (%d bytes)%s", file.name, local, size, "" if new else ", known")
    return True


def _finish_remote(
    remote: Remote,
    name: str,
    settings: FetchSettings,
    now: datetime,
    done: _Progress,
) -> None:
    try:
        if settings.after == FetchAfter.DELETE:
            remote.delete(name)
        else:
            stamp = now.strftime("%Y%m%d-%H%M%S")
            numbered = (f"{stamp}-{n}_{name}" for n in itertools.count(2))
            names = itertools.chain((name, f"{stamp}_{name}"), numbered)
            new_name = next(n for n in names if not remote.in_processed(n))
            remote.move_to_processed(name, new_name)
    except RemoteFileError as exc:
        verb = "delete" if settings.after == FetchAfter.DELETE else f"move it to {PROCESSED}/"
        done.remote_errors.append(
            f"{name}: fetched, but could not {verb} on the server ({exc}); the next run"
            " fetches it again and drops the copy if it is identical"
        )


def _connect(settings: FetchSettings, target: FetchTarget) -> Remote:
    if target.scheme != "sftp":
        return connect_ftp(settings, target)
    try:  # paramiko is the optional 'sftp' extra: imported only when needed
        from hubsync.inbox.fetch import sftp as fetch_sftp
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] != "paramiko":
            raise
        raise ConfigError("SFTP needs the 'sftp' extra: uv sync --extra sftp") from None
    return fetch_sftp.connect_sftp(settings, target)
