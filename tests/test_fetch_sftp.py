"""hubsync.inbox.fetch.pickup over SFTP against an in-process paramiko server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import posixpath
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paramiko
import pytest
from paramiko.common import (
    AUTH_FAILED,
    AUTH_SUCCESSFUL,
    OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED,
    OPEN_SUCCEEDED,
)
from paramiko.sftp import SFTP_FAILURE, SFTP_NO_SUCH_FILE, SFTP_OK, SFTP_PERMISSION_DENIED

from hubsync.choices import FetchAfter
from hubsync.errors import ConfigError
from hubsync.inbox.fetch.pickup import FetchInterrupted, check_login, fetch
from hubsync.inbox.fetch.remote import FetchLoginError, FetchSettings

PASSWORD = "sftp-S3cret"
HOUR_AGO = time.time() - 3600


class _Auth(paramiko.ServerInterface):
    def __init__(self, user_key: paramiko.PKey) -> None:
        self.user_key = user_key

    def get_allowed_auths(self, username: str) -> str:
        return "password,publickey"

    def check_auth_password(self, username: str, password: str) -> int:
        ok = (username, password) == ("vendor", PASSWORD)
        return AUTH_SUCCESSFUL if ok else AUTH_FAILED

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        ok = username == "vendor" and key == self.user_key
        return AUTH_SUCCESSFUL if ok else AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind == "session":
            return OPEN_SUCCEEDED
        return OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


class _Handle(paramiko.SFTPHandle):
    """Serves 1000-byte reads; for "*broken*" files the connection dies after the first."""

    def __init__(self, path: Path, conn: socket.socket) -> None:
        super().__init__()
        self.readfile = path.open("rb")
        self.broken, self.conn = "broken" in path.name, conn

    def read(self, offset: int, length: int) -> bytes | int:
        if self.broken and offset > 0:
            self.conn.shutdown(socket.SHUT_RDWR)
            return SFTP_FAILURE
        return super().read(offset, min(length, 1000))


class _Files(paramiko.SFTPServerInterface):
    """A chroot-like SFTP view of `root`."""

    def __init__(self, server: _Auth, *, root: Path, conn: socket.socket) -> None:
        super().__init__(server)
        self.root, self.conn = root, conn

    def _real(self, path: str) -> Path:
        return self.root / posixpath.normpath("/" + path).lstrip("/")

    def _attrs(self, path: Path) -> paramiko.SFTPAttributes | int:
        try:
            attrs = paramiko.SFTPAttributes.from_stat(os.stat(path))
        except OSError as exc:
            return paramiko.SFTPServer.convert_errno(exc.errno or 0)
        attrs.filename = path.name
        return attrs

    def canonicalize(self, path: str) -> str:
        return posixpath.normpath("/" + path)

    def list_folder(self, path: str) -> list[paramiko.SFTPAttributes] | int:
        real = self._real(path)
        if not real.is_dir():
            return SFTP_NO_SUCH_FILE
        return [a for a in map(self._attrs, real.iterdir()) if not isinstance(a, int)]

    def stat(self, path: str) -> paramiko.SFTPAttributes | int:
        return self._attrs(self._real(path))

    lstat = stat

    def open(self, path: str, flags: int, attr: paramiko.SFTPAttributes) -> _Handle | int:
        real = self._real(path)
        if not real.is_file():
            return SFTP_NO_SUCH_FILE
        if "locked" in real.name:
            return SFTP_PERMISSION_DENIED
        return _Handle(real, self.conn)

    def rename(self, oldpath: str, newpath: str) -> int:
        new = self._real(newpath)
        if new.exists() or not new.parent.is_dir():
            return SFTP_FAILURE
        self._real(oldpath).rename(new)
        return SFTP_OK

    def remove(self, path: str) -> int:
        self._real(path).unlink()
        return SFTP_OK

    def mkdir(self, path: str, attr: paramiko.SFTPAttributes) -> int:
        self._real(path).mkdir()
        return SFTP_OK


@contextlib.contextmanager
def sftp_server(root: Path, host_key: paramiko.PKey, user_key: paramiko.PKey) -> Iterator[int]:
    """Accept SSH connections in a thread; yields the port; closes every transport."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()
    transports: list[paramiko.Transport] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            transport = paramiko.Transport(conn)
            transport.add_server_key(host_key)
            transport.set_subsystem_handler(
                "sftp", paramiko.SFTPServer, _Files, root=root, conn=conn
            )
            transports.append(transport)
            with contextlib.suppress(paramiko.SSHException, EOFError, OSError):
                transport.start_server(server=_Auth(user_key))

    thread = threading.Thread(target=accept)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()
        for transport in transports:
            transport.close()
            transport.join(5)


@pytest.fixture(scope="module")
def keys() -> tuple[paramiko.PKey, paramiko.PKey]:
    return paramiko.ECDSAKey.generate(), paramiko.ECDSAKey.generate()


@pytest.fixture
def env(
    tmp_path: Path, keys: tuple[paramiko.PKey, paramiko.PKey], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, Path, Path, int]]:
    """(remote dir, inbox, known_hosts file, port); HOME is empty so ~/.ssh is ignored."""
    monkeypatch.setenv("HOME", str(tmp_path))
    remote, inbox = tmp_path / "remote", tmp_path / "inbox"
    remote.mkdir()
    inbox.mkdir()
    host_key, user_key = keys
    with sftp_server(remote, host_key, user_key) as port:
        known = tmp_path / "known_hosts"
        known.write_text(f"[127.0.0.1]:{port} {host_key.get_name()} {host_key.get_base64()}\n")
        yield remote, inbox, known, port


def put(root: Path, name: str, data: bytes, mtime: float = HOUR_AGO) -> None:
    (root / name).write_bytes(data)
    os.utime(root / name, (mtime, mtime))


def settings(port: int, known: Path | None, **kwargs: Any) -> FetchSettings:
    kwargs.setdefault("password", PASSWORD)
    url = kwargs.pop("url", f"sftp://vendor@127.0.0.1:{port}/")
    return FetchSettings(url, known_hosts=known, size_check_delay=0, **kwargs)


def test_download_and_move(env: tuple[Path, Path, Path, int]) -> None:
    remote, inbox, known, port = env
    put(remote, "kunden.csv", b"k" * 70_000)
    put(remote, "journal.CSV", b"j")
    put(remote, "fresh.csv", b"f", mtime=time.time())
    put(remote, "a_locked.csv", b"l")
    (remote / "dir.csv").mkdir()
    (remote / "processed").mkdir()
    put(remote / "processed", "journal.CSV", b"old")
    result = fetch(settings(port, known), inbox)
    assert result.downloaded == ("journal.csv", "kunden.csv")
    assert result.skipped_growing == ("fresh.csv",)
    assert result.remote_errors == (
        "a_locked.csv: could not download it (open: [Errno 13] Permission denied)",
    )
    assert (inbox / "kunden.csv").read_bytes() == b"k" * 70_000
    assert abs((inbox / "kunden.csv").stat().st_mtime - HOUR_AGO) < 2
    moved = sorted(p.name for p in (remote / "processed").iterdir())
    assert moved[0].endswith("_journal.CSV") and moved[1:] == ["journal.CSV", "kunden.csv"]
    assert sorted(p.name for p in remote.iterdir()) == [
        "a_locked.csv",
        "dir.csv",
        "fresh.csv",
        "processed",
    ]


def test_key_auth_subfolder_and_delete(
    env: tuple[Path, Path, Path, int], keys: tuple[paramiko.PKey, paramiko.PKey], tmp_path: Path
) -> None:
    remote, inbox, known, port = env
    (remote / "out").mkdir()
    put(remote / "out", "a.csv", b"a")
    key_file = tmp_path / "id_ecdsa"
    keys[1].write_private_key_file(str(key_file), password="passphrase")
    s = settings(
        port,
        known,
        password="passphrase",
        key_file=key_file,
        after=FetchAfter.DELETE,
        url=f"sftp://vendor@127.0.0.1:{port}/out",
    )
    check_login(s)
    assert fetch(s, inbox).downloaded == ("a.csv",)
    assert list((remote / "out").iterdir()) == []
    with pytest.raises(ConfigError, match="is encrypted: set HUBSYNC_FETCH_PASSWORD"):
        check_login(settings(port, known, password=None, key_file=key_file))
    with pytest.raises(ConfigError, match="cannot read HUBSYNC_FETCH_KEY"):
        check_login(settings(port, known, password="wrong", key_file=key_file))
    other = tmp_path / "id_other"
    paramiko.ECDSAKey.generate().write_private_key_file(str(other))
    with pytest.raises(FetchLoginError, match="check HUBSYNC_FETCH_KEY"):
        check_login(settings(port, known, password="unused", key_file=other))


def test_wrong_password(env: tuple[Path, Path, Path, int]) -> None:
    remote, inbox, known, port = env
    with pytest.raises(FetchLoginError) as info:
        fetch(settings(port, known, password="wrong-pw"), inbox)
    assert str(info.value).startswith(
        f"login failed for user vendor at 127.0.0.1:{port} — check HUBSYNC_FETCH_PASSWORD"
    )
    assert "wrong-pw" not in str(info.value)


def test_unknown_host_key_is_refused(env: tuple[Path, Path, Path, int]) -> None:
    remote, inbox, _, port = env
    put(remote, "a.csv", b"a")
    with pytest.raises(FetchLoginError, match=rf"host key of 127.0.0.1:{port} is unknown"):
        fetch(settings(port, None), inbox)
    assert list(inbox.iterdir()) == []
    assert fetch(settings(port, None, insecure_host_key=True), inbox).downloaded == ("a.csv",)


def test_changed_host_key_is_refused(env: tuple[Path, Path, Path, int], tmp_path: Path) -> None:
    _, inbox, _, port = env
    other = paramiko.ECDSAKey.generate()
    known = tmp_path / "other_hosts"
    known.write_text(f"[127.0.0.1]:{port} {other.get_name()} {other.get_base64()}\n")
    with pytest.raises(FetchLoginError, match="has CHANGED"):
        fetch(settings(port, known, insecure_host_key=True), inbox)


def test_connection_dropped_mid_transfer(env: tuple[Path, Path, Path, int]) -> None:
    remote, inbox, known, port = env
    put(remote, "a.csv", b"a" * 3000)
    put(remote, "b_broken.csv", b"b" * 3000)
    put(remote, "c.csv", b"c" * 3000)
    with pytest.raises(FetchInterrupted) as info:
        fetch(settings(port, known), inbox)
    assert info.value.result.downloaded == ("a.csv",)
    assert str(info.value).startswith(f"fetching from vendor@127.0.0.1:{port} broke off (")
    assert sorted(p.name for p in inbox.iterdir()) == ["a.csv"]  # no .part left
    assert sorted(p.name for p in remote.iterdir()) == ["b_broken.csv", "c.csv", "processed"]
    assert [p.name for p in (remote / "processed").iterdir()] == ["a.csv"]
