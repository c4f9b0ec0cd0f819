"""Fetch the vendor's CSV exports from an FTP, FTPS or SFTP server into the inbox.

A file is downloaded only once it has settled (old enough and not growing), lands in the
inbox atomically (`.<name>.part` → fsync → size check → `os.replace`), and only then is
moved to `processed/` on the server or deleted there. The inbox copy keeps the remote
modification time, so the inbox's own settle rule does not hold a fetched file back a run.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Literal, Protocol
from urllib.parse import unquote, urlsplit

from hubsync.clock import utc_now
from hubsync.errors import ConfigError, FetchError

log = logging.getLogger(__name__)

Scheme = Literal["ftp", "ftps", "sftp"]
PROCESSED = "processed"
_DEFAULT_PORTS: dict[str, int] = {"ftp": 21, "ftps": 21, "sftp": 22}
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:@/]*):.*@", re.DOTALL)
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9._ \-äöüÄÖÜß]")
_UNSAFE_REMOTE = re.compile(r"[/\x00\r\n]")


def mask_url(url: str) -> str:
    """`url` with any password replaced by `***`; never raises, over-masks when in doubt."""
    return _USERINFO.sub(r"\1:***@", url)


@dataclass(frozen=True)
class FetchTarget:
    """Where to fetch from, parsed from the URL; `path` is relative to the login folder
    unless it starts with "/" (written `ftp://host//abs/path`), "" is the login folder."""

    scheme: Scheme
    host: str
    port: int
    user: str
    path: str
    password: str | None = field(default=None, repr=False, compare=False)

    @property
    def where(self) -> str:
        """`user@host:port`, for messages."""
        return f"{self.user}@{self.host}:{self.port}"


@dataclass(frozen=True)
class FetchSettings:
    """How to fetch; `password` (or one embedded in the URL) is never shown.

    With `key_file` (SFTP), `password` is the key's passphrase and is never sent to the server.
    """

    url: str
    password: str | None = field(default=None, repr=False)
    key_file: Path | None = None
    after: Literal["move", "delete"] = "move"
    settle_seconds: int = 60
    timeout: float = 30
    verify_tls: bool = True
    ca_file: str | None = None
    known_hosts: Path | None = None
    insecure_host_key: bool = False
    size_check_delay: float = 1.0

    def __post_init__(self) -> None:
        problems = []
        try:
            parse_fetch_url(self.url)
        except ConfigError as exc:
            problems.extend(exc.problems)
        if self.after not in ("move", "delete"):
            problems.append(f"HUBSYNC_FETCH_AFTER must be 'move' or 'delete', not {self.after!r}")
        if self.settle_seconds < 0 or self.timeout <= 0 or self.size_check_delay < 0:
            problems.append("fetch settle seconds, timeout and delay must not be negative")
        if problems:
            raise ConfigError(problems)

    def __repr__(self) -> str:
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.repr}
        shown["url"] = mask_url(self.url)
        return f"FetchSettings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    def secrets(self) -> tuple[str, ...]:
        """Every password that must never appear in a message."""
        target = parse_fetch_url(self.url)
        return tuple(s for s in (self.password, target.password) if s)


@dataclass(frozen=True)
class FetchResult:
    """What one fetch did: local names in `downloaded` and `already_present` (identical copy
    was already in the inbox), remote names in `skipped_growing`, messages in `remote_errors`."""

    downloaded: tuple[str, ...] = ()
    skipped_growing: tuple[str, ...] = ()
    remote_errors: tuple[str, ...] = ()
    already_present: tuple[str, ...] = ()


class FetchLoginError(FetchError):
    """The server refused the login, host key or certificate: a configuration problem."""


class FetchInterrupted(FetchError):
    """The connection broke mid-run; `result` lists the files completed before the break."""

    def __init__(self, message: str, result: FetchResult) -> None:
        super().__init__(message)
        self.result = result


class RemoteFileError(Exception):
    """The server refused one file operation (permission, vanished file): reported, run goes on."""


@dataclass(frozen=True)
class RemoteFile:
    """One remote `*.csv`; size and mtime are None when the server does not tell."""

    name: str
    size: int | None
    mtime: datetime | None


class Remote(Protocol):
    """An open, logged-in connection positioned in the export folder."""

    transient: tuple[type[BaseException], ...]  # exceptions meaning "connection broken"

    def list_csv(self) -> list[RemoteFile]: ...
    def download(self, name: str, out: BinaryIO) -> None: ...
    def prepare_processed(self) -> None: ...  # mkdir processed/; never RemoteFileError
    def in_processed(self, name: str) -> bool: ...
    def move_to_processed(self, name: str, new_name: str) -> None: ...
    def delete(self, name: str) -> None: ...
    def close(self, *, abort: bool = False) -> None: ...


def scrub(text: str, secrets: Sequence[str]) -> str:
    """`text` with every secret replaced by `***` (server replies are echoed into messages)."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return mask_url(text)


def parse_fetch_url(url: str) -> FetchTarget:
    """Split `ftp|ftps|sftp://[user[:password]@]host[:port]/path`; raises ConfigError."""
    shown = mask_url(url)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ConfigError(f"HUBSYNC_FETCH_URL {shown} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ConfigError(
            f"HUBSYNC_FETCH_URL {shown}: unknown scheme {scheme!r}; use ftp://, ftps:// or sftp://"
        )
    if not parts.hostname:
        raise ConfigError(f"HUBSYNC_FETCH_URL {shown} has no host name")
    if parts.query or parts.fragment:
        raise ConfigError(f"HUBSYNC_FETCH_URL {shown}: remove the '?…'/'#…' part")
    user = unquote(parts.username or "")
    if not user and scheme == "sftp":
        raise ConfigError(f"HUBSYNC_FETCH_URL {shown} needs a user name: sftp://user@host/path")
    # RFC 1738: the URL path is relative to the login folder; "//abs" means "/abs".
    path = unquote(parts.path).removeprefix("/")
    if path.strip("/"):
        path = path.rstrip("/")
    return FetchTarget(
        scheme=scheme,  # type: ignore[arg-type]  # checked against _DEFAULT_PORTS above
        host=parts.hostname,
        port=port or _DEFAULT_PORTS[scheme],
        user=user or "anonymous",
        path=path,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def sanitize_name(remote_name: str) -> str:
    """A safe local file name for `remote_name`: basename only, no "..", no leading dot, only
    letters, digits, umlauts, ß, "._ -" (others become "_"), ending in lower-case ".csv"."""
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", remote_name))[-1]
    stem = name[:-4] if name.lower().endswith(".csv") else name
    stem = re.sub(r"\.{2,}", ".", _NOT_ALLOWED.sub("_", stem)).strip(" .")
    # The inbox only picks "*.csv" (case-sensitive on Linux); 150 leaves room for " (n)".
    return (stem[:150] or "export") + ".csv"


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
    if settings.after == "move":
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
    local, new = _place(part, inbox, name, file.mtime)
    (done.downloaded if new else done.already_present).append(local)
    log.info("fetched %s as %s (%d bytes)%s", file.name, local, size, "" if new else ", known")
    return True


def _place(part: Path, inbox: Path, name: str, mtime: datetime | None) -> tuple[str, bool]:
    """Move `part` to `name`, or to `name (n).csv` if taken by other content; an identical
    file already there wins (returns its name, False) and `part` is dropped."""
    for n in range(1, 10_000):
        candidate = name if n == 1 else f"{name[:-4]} ({n}).csv"
        final = inbox / candidate
        if not os.path.lexists(final):
            if mtime is not None:
                os.utime(part, (time.time(), mtime.timestamp()))
            os.replace(part, final)
            _fsync_dir(inbox)
            return candidate, True
        if _same_content(part, final):
            part.unlink()
            return candidate, False
    raise FetchError(f"too many different files named {name} in {inbox}")


def _same_content(a: Path, b: Path) -> bool:
    if not b.is_file() or a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while chunk := fa.read(1 << 16):
            if chunk != fb.read(len(chunk)):
                return False
    return True


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable; directories cannot be opened on Windows, hence suppress."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _finish_remote(
    remote: Remote,
    name: str,
    settings: FetchSettings,
    now: datetime,
    done: _Progress,
) -> None:
    try:
        if settings.after == "delete":
            remote.delete(name)
        else:
            stamp = now.strftime("%Y%m%d-%H%M%S")
            numbered = (f"{stamp}-{n}_{name}" for n in itertools.count(2))
            names = itertools.chain((name, f"{stamp}_{name}"), numbered)
            new_name = next(n for n in names if not remote.in_processed(n))
            remote.move_to_processed(name, new_name)
    except RemoteFileError as exc:
        verb = "delete" if settings.after == "delete" else f"move it to {PROCESSED}/"
        done.remote_errors.append(
            f"{name}: fetched, but could not {verb} on the server ({exc}); the next run"
            " fetches it again and drops the copy if it is identical"
        )


def login_password(settings: FetchSettings, target: FetchTarget) -> str | None:
    """The password to log in with (or the key passphrase): the setting, else the URL's."""
    return settings.password if settings.password is not None else target.password


def _connect(settings: FetchSettings, target: FetchTarget) -> Remote:
    if target.scheme != "sftp":
        from hubsync.inbox.fetch.ftp import connect_ftp

        return connect_ftp(settings, target)
    try:
        from hubsync.inbox.fetch import sftp as fetch_sftp
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] != "paramiko":
            raise
        raise ConfigError("SFTP needs the 'sftp' extra: uv sync --extra sftp") from None
    return fetch_sftp.connect_sftp(settings, target)
