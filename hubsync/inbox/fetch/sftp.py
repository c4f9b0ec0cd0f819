"""`Remote` over SFTP, for `pickup` (paramiko, the optional 'sftp' extra).

Host keys are checked against ~/.ssh/known_hosts plus HUBSYNC_FETCH_KNOWN_HOSTS; an unknown
key is refused unless `insecure_host_key` is set, a changed key always.
"""

from __future__ import annotations

import contextlib
import logging
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO

import paramiko

from hubsync.errors import ConfigError, FetchError
from hubsync.inbox.fetch.remote import (
    PROCESSED,
    FetchLoginError,
    FetchSettings,
    FetchTarget,
    RemoteFile,
    RemoteFileError,
    login_password,
)
from hubsync.secrets import scrub

log = logging.getLogger(__name__)
_CHUNK = 32768  # SFTP's usual maximum read size


class _UnknownHostKey(Exception):
    def __init__(self, key: paramiko.PKey) -> None:
        super().__init__(key.get_name())
        self.key = key


class _RejectUnknown(paramiko.MissingHostKeyPolicy):
    def missing_host_key(
        self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey
    ) -> None:
        raise _UnknownHostKey(key)


class _WarnAndAccept(paramiko.MissingHostKeyPolicy):
    def missing_host_key(
        self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey
    ) -> None:
        log.warning(
            "accepting unknown host key %s %s of %s (insecure_host_key is set)",
            key.get_name(),
            key.fingerprint,
            hostname,
        )


def connect_sftp(settings: FetchSettings, target: FetchTarget) -> SftpRemote:
    """Log in over SSH, open SFTP and change to the export folder; raises FetchLoginError
    (login, host key), FetchError (network) or ConfigError (unreadable key file)."""
    secret = login_password(settings, target)
    pkey = _load_key(settings, secret) if settings.key_file else None
    client = paramiko.SSHClient()
    try:
        _login(client, settings, target, secret, pkey)
        sftp = client.open_sftp()
        channel = sftp.get_channel()
        if channel is not None:
            channel.settimeout(settings.timeout)
        if target.path:
            try:
                sftp.chdir(target.path)
            except OSError as exc:
                raise FetchLoginError(
                    f"cannot open folder {target.path!r} at {target.where} ({exc}) —"
                    " check the path in HUBSYNC_FETCH_URL"
                ) from exc
    except (OSError, EOFError, paramiko.SSHException) as exc:
        client.close()
        why = scrub(str(exc) or type(exc).__name__, settings.secrets())
        raise FetchError(f"SFTP connection to {target.where} failed: {why}") from exc
    except BaseException:
        client.close()
        raise
    return SftpRemote(client, sftp)


def _load_key(settings: FetchSettings, passphrase: str | None) -> paramiko.PKey:
    path = str(settings.key_file)
    try:
        try:
            return paramiko.PKey.from_path(path)
        except (
            TypeError,
            paramiko.PasswordRequiredException,
        ):  # encrypted (cryptography: TypeError)
            if not passphrase:
                raise ConfigError(
                    f"HUBSYNC_FETCH_KEY {path} is encrypted: set HUBSYNC_FETCH_PASSWORD to its"
                    " passphrase"
                ) from None
        # paramiko 5 annotates str, but cryptography only takes bytes here.
        return paramiko.PKey.from_path(path, passphrase.encode())  # type: ignore[arg-type]
    except (OSError, ValueError, TypeError, paramiko.SSHException) as exc:
        raise ConfigError(f"cannot read HUBSYNC_FETCH_KEY {path}: {exc}") from None


def _login(
    client: paramiko.SSHClient,
    settings: FetchSettings,
    target: FetchTarget,
    secret: str | None,
    pkey: paramiko.PKey | None,
) -> None:
    client.load_system_host_keys()  # ~/.ssh/known_hosts; a missing file is fine
    if settings.known_hosts:
        try:
            client.get_host_keys().load(str(settings.known_hosts))
        except OSError as exc:
            raise ConfigError(
                f"cannot read HUBSYNC_FETCH_KNOWN_HOSTS {settings.known_hosts}: {exc}"
            ) from exc
    policy = _WarnAndAccept() if settings.insecure_host_key else _RejectUnknown()
    client.set_missing_host_key_policy(policy)
    hostport = f"{target.host}:{target.port}"
    try:
        client.connect(
            target.host,
            port=target.port,
            username=target.user,
            # With a key, the secret is its passphrase: never send it to the server.
            password=None if pkey else secret,
            pkey=pkey,
            timeout=settings.timeout,
            banner_timeout=settings.timeout,
            auth_timeout=settings.timeout,
            channel_timeout=settings.timeout,
            look_for_keys=False,
            allow_agent=False,
        )
    except _UnknownHostKey as exc:
        known = f"[{target.host}]:{target.port}" if target.port != 22 else target.host
        raise FetchLoginError(
            f"host key of {hostport} is unknown ({exc.key.get_name()} {exc.key.fingerprint}):"
            f" ask the vendor to confirm the fingerprint, then add the line for {known} from"
            f" `ssh-keyscan -p {target.port} {target.host}` to ~/.ssh/known_hosts or to"
            " the file in HUBSYNC_FETCH_KNOWN_HOSTS"
        ) from None
    except paramiko.BadHostKeyException as exc:
        raise FetchLoginError(
            f"host key of {hostport} has CHANGED (now {exc.key.fingerprint}): possibly an"
            " attack; fix known_hosts only after the vendor confirms a new key"
        ) from None
    except paramiko.AuthenticationException as exc:
        what = "HUBSYNC_FETCH_KEY" if pkey else "HUBSYNC_FETCH_PASSWORD"
        raise FetchLoginError(
            f"login failed for user {target.user} at {hostport} — check {what} ({exc})"
        ) from exc


class SftpRemote:
    """`Remote` over paramiko's SFTPClient, already in the export folder (chdir)."""

    transient: tuple[type[BaseException], ...] = (OSError, EOFError, paramiko.SSHException)

    def __init__(self, client: paramiko.SSHClient, sftp: paramiko.SFTPClient) -> None:
        self.client = client
        self.sftp = sftp

    @contextlib.contextmanager
    def _refused(self, what: str) -> Iterator[None]:
        """A status error on a live connection concerns one file: RemoteFileError."""
        try:
            yield
        except OSError as exc:
            transport = self.client.get_transport()
            if transport is None or not transport.is_active():
                raise
            raise RemoteFileError(f"{what}: {exc}") from exc

    def list_csv(self) -> list[RemoteFile]:
        return [
            RemoteFile(
                attr.filename,
                attr.st_size,
                None if attr.st_mtime is None else datetime.fromtimestamp(attr.st_mtime, UTC),
            )
            for attr in self.sftp.listdir_attr(".")
            if attr.filename.lower().endswith(".csv")
            and attr.st_mode is not None
            and stat.S_ISREG(attr.st_mode)
        ]

    def download(self, name: str, out: BinaryIO) -> None:
        # Plain sequential reads: prefetching runs a thread that dies noisily when the
        # connection drops, and the exports are small.
        with self._refused("open"):
            remote_file = self.sftp.open(name, "rb")
        with remote_file, self._refused("read"):
            while chunk := remote_file.read(_CHUNK):
                out.write(chunk)

    def prepare_processed(self) -> None:
        # Usually exists already; a refused mkdir shows up as a refused rename per file.
        with contextlib.suppress(RemoteFileError), self._refused("mkdir"):
            self.sftp.mkdir(PROCESSED)

    def in_processed(self, name: str) -> bool:
        try:
            with self._refused("stat"):
                self.sftp.stat(f"{PROCESSED}/{name}")
        except RemoteFileError:
            return False
        return True

    def move_to_processed(self, name: str, new_name: str) -> None:
        with self._refused("rename"):
            # Plain SFTP rename refuses to overwrite (unlike posix_rename): safe by design.
            self.sftp.rename(name, f"{PROCESSED}/{new_name}")

    def delete(self, name: str) -> None:
        with self._refused("remove"):
            self.sftp.remove(name)

    def close(self, *, abort: bool = False) -> None:
        try:
            self.sftp.close()
        finally:
            self.client.close()
