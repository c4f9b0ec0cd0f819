"""What pickup, FTP and SFTP share: the settings, the parsed URL, and the `Remote` contract.

`pickup` drives a `Remote`; `ftp` and `sftp` implement it. Both sides import this module
and never each other, so a new protocol touches one new file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Literal, Protocol
from urllib.parse import unquote, urlsplit

from hubsync.choices import FetchAfter
from hubsync.errors import ConfigError, FetchError
from hubsync.secrets import mask_url

Scheme = Literal["ftp", "ftps", "sftp"]
# The export folder's `processed/` on the vendor's server (named like ours, but theirs).
PROCESSED = "processed"
_DEFAULT_PORTS: dict[str, int] = {"ftp": 21, "ftps": 21, "sftp": 22}


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
    """How to fetch; `password` (or one embedded in the URL) is never shown. Raises
    ConfigError for a URL `parse_fetch_url` refuses or negative times.

    With `key_file` (SFTP), `password` is the key's passphrase and is never sent to the server.
    """

    url: str
    password: str | None = field(default=None, repr=False)
    key_file: Path | None = None
    after: FetchAfter = FetchAfter.MOVE
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
        if self.settle_seconds < 0 or self.timeout <= 0 or self.size_check_delay < 0:
            problems.append("fetch settle seconds, timeout and delay must not be negative")
        if problems:
            raise ConfigError(problems)

    def __repr__(self) -> str:
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.repr}
        shown["url"] = mask_url(self.url)
        shown["after"] = str(self.after)  # 'move', as in the settings, not the enum's repr
        return f"FetchSettings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    def secrets(self) -> tuple[str, ...]:
        """Every password that must never appear in a message."""
        target = parse_fetch_url(self.url)
        return tuple(s for s in (self.password, target.password) if s)


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


def login_password(settings: FetchSettings, target: FetchTarget) -> str | None:
    """The password to log in with (or the key passphrase): the setting, else the URL's."""
    return settings.password if settings.password is not None else target.password


class FetchLoginError(FetchError):
    """The server refused the login, host key or certificate: a configuration problem."""


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
