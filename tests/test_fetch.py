"""hubsync.inbox.fetch.pickup against a real pyftpdlib FTP/FTPS server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import errno
import os
import time
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import servers
import trustme

from hubsync.choices import FetchAfter
from hubsync.errors import ConfigError, FetchError
from hubsync.inbox.fetch.landing import sanitize_name
from hubsync.inbox.fetch.pickup import FetchInterrupted, FetchResult, check_login, fetch
from hubsync.inbox.fetch.remote import FetchLoginError, FetchSettings, FetchTarget, parse_fetch_url
from hubsync.secrets import mask_url

with warnings.catch_warnings():
    # pyftpdlib still imports asynchat/asyncore on Python 3.11 (deprecated, gone in 3.12).
    warnings.filterwarnings("ignore", "The (asyncore|asynchat) module", DeprecationWarning)
    from pyftpdlib.filesystems import AbstractedFS
    from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler

PASSWORD = "s3cr3t-Pw!"
HOUR_AGO = time.time() - 3600


def _no_sleep(_: float) -> None:
    pass


@contextlib.contextmanager
def ftp_server(
    root: Path, base: type[FTPHandler] = FTPHandler, perm: str = "elradfmw", **attrs: Any
) -> Iterator[int]:
    """Serve `root` as user "vendor" with PASSWORD; yields the port."""
    with servers.ftp_server(root, PASSWORD, base, perm, **attrs) as port:
        yield port


def put(root: Path, name: str, data: bytes, mtime: float = HOUR_AGO) -> Path:
    path = root / name
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


def settings(port: int, scheme: str = "ftp", **kwargs: Any) -> FetchSettings:
    kwargs.setdefault("password", PASSWORD)
    return FetchSettings(f"{scheme}://vendor@127.0.0.1:{port}/", size_check_delay=0, **kwargs)


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    remote, inbox = tmp_path / "remote", tmp_path / "inbox"
    remote.mkdir()
    inbox.mkdir()
    return remote, inbox


# --- URL and names -------------------------------------------------------------------------


def test_parse_fetch_url_defaults_and_paths() -> None:
    assert parse_fetch_url("ftp://h/") == FetchTarget("ftp", "h", 21, "anonymous", "")
    assert parse_fetch_url("FTPS://u@h:2121/export/") == FetchTarget(
        "ftps", "h", 2121, "u", "export"
    )
    target = parse_fetch_url("sftp://u:p%40ss@h//srv/out")
    assert (target.port, target.path, target.password) == (22, "/srv/out", "p@ss")
    assert "p@ss" not in repr(target)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://u:hunter2@h/x", "HUBSYNC_FETCH_URL http://u:***@h/x: unknown scheme 'http'"),
        ("ftp://u:hunter2@/x", "HUBSYNC_FETCH_URL ftp://u:***@/x has no host name"),
        ("ftp://u:hunter2@h:99999/", "HUBSYNC_FETCH_URL ftp://u:***@h:99999/ is not a valid URL"),
        ("sftp://h/x", "HUBSYNC_FETCH_URL sftp://h/x needs a user name: sftp://user@host/path"),
    ],
)
def test_bad_urls_are_config_errors_without_the_password(url: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        FetchSettings(url)
    assert str(info.value).startswith(message)
    assert "hunter2" not in str(info.value)


def test_settings_never_show_passwords() -> None:
    s = FetchSettings("ftp://u:hunter2@h/x", password="other", after=FetchAfter.DELETE)
    assert "hunter2" not in repr(s) and "other" not in repr(s)
    assert repr(s).startswith("FetchSettings(url='ftp://u:***@h/x', key_file=None, after='delete'")
    assert mask_url("ftp://u:a@b@h/x") == "ftp://u:***@h/x"
    # No other `after` can get here: HUBSYNC_FETCH_AFTER is read as a `FetchAfter` once, in
    # the settings (tests/test_config.py names a bad value such as 'keep').


@pytest.mark.parametrize(
    ("remote", "local"),
    [
        ("Kunden äöü ß 2026.csv", "Kunden äöü ß 2026.csv"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("..\\..\\win.CSV", "win.csv"),
        ("..hidden.csv", "hidden.csv"),
        ("a..b.csv", "a.b.csv"),
        ("bad:name*?<>|\x01\x7f.csv", "bad_name_______.csv"),
        (".csv", "export.csv"),
        ("Ku\u0308nde.csv", "Künde.csv"),  # macOS-style decomposed umlaut
    ],
)
def test_sanitize_name(remote: str, local: str) -> None:
    assert sanitize_name(remote) == local


# --- FTP ---------------------------------------------------------------------------------


def test_downloads_and_moves_to_processed(dirs: tuple[Path, Path]) -> None:
    remote, inbox = dirs
    put(remote, "kunden.csv", b"a;b\n1;2\n")
    put(remote, "JOURNAL.CSV", b"x" * 200_000)
    put(remote, "readme.txt", b"not csv")
    (remote / "folder.csv").mkdir()
    with ftp_server(remote) as port:
        result = fetch(settings(port), inbox, sleep=_no_sleep)
    assert result == FetchResult(downloaded=("JOURNAL.csv", "kunden.csv"))
    assert (inbox / "kunden.csv").read_bytes() == b"a;b\n1;2\n"
    assert (inbox / "JOURNAL.csv").stat().st_size == 200_000
    # the remote mtime is kept: the inbox's own settle rule need not wait for it
    assert abs((inbox / "kunden.csv").stat().st_mtime - HOUR_AGO) < 2
    assert sorted(p.name for p in (remote / "processed").iterdir()) == ["JOURNAL.CSV", "kunden.csv"]
    assert sorted(p.name for p in remote.iterdir()) == ["folder.csv", "processed", "readme.txt"]
    assert sorted(p.name for p in inbox.iterdir()) == ["JOURNAL.csv", "kunden.csv"]


def test_delete_mode_and_processed_name_clash(dirs: tuple[Path, Path]) -> None:
    remote, inbox = dirs
    put(remote, "a.csv", b"new")
    (remote / "processed").mkdir()
    put(remote / "processed", "a.csv", b"old")
    put(remote, "b.csv", b"bbb")
    at = datetime.now(UTC)
    with ftp_server(remote) as port:
        assert fetch(settings(port), inbox, clock=lambda: at, sleep=_no_sleep).downloaded
        put(remote, "c.csv", b"c")
        fetch(settings(port, after=FetchAfter.DELETE), inbox, sleep=_no_sleep)
    assert sorted(p.name for p in (remote / "processed").iterdir()) == [
        f"{at:%Y%m%d-%H%M%S}_a.csv",
        "a.csv",
        "b.csv",
    ]
    assert (remote / "processed" / "a.csv").read_bytes() == b"old"
    assert sorted(p.name for p in remote.iterdir()) == ["processed"]
    assert (inbox / "c.csv").read_bytes() == b"c"


def test_growing_files_are_left_for_the_next_run(dirs: tuple[Path, Path]) -> None:
    remote, inbox = dirs
    put(remote, "fresh.csv", b"still writing", mtime=time.time() - 5)
    slow = put(remote, "slow.csv", b"12345")
    put(remote, "done.csv", b"done")

    def vendor_writes(_: float) -> None:  # between the two listings
        with slow.open("ab") as f:
            f.write(b"678")
        os.utime(slow, (HOUR_AGO, HOUR_AGO))

    with ftp_server(remote) as port:
        result = fetch(settings(port), inbox, sleep=vendor_writes)
    assert result.downloaded == ("done.csv",)
    assert result.skipped_growing == ("fresh.csv", "slow.csv")
    assert sorted(p.name for p in inbox.iterdir()) == ["done.csv"]
    assert (remote / "fresh.csv").exists() and (remote / "slow.csv").exists()


def test_settle_is_measured_against_the_clock(dirs: tuple[Path, Path]) -> None:
    remote, inbox = dirs
    put(remote, "a.csv", b"a", mtime=time.time())
    later = datetime.now(UTC) + timedelta(seconds=61)
    with ftp_server(remote) as port:
        assert fetch(settings(port), inbox, clock=lambda: later).downloaded == ("a.csv",)


def test_hostile_names_stay_inside_the_inbox(dirs: tuple[Path, Path]) -> None:
    remote, inbox = dirs
    put(remote, "..evil\\..\\x.csv", b"1")
    put(remote, "Bad:Name?\x01.csv", b"2")
    put(remote, ".hidden.csv", b"3")
    with ftp_server(remote) as port:
        result = fetch(settings(port), inbox, sleep=_no_sleep)
    assert sorted(result.downloaded) == ["Bad_Name__.csv", "hidden.csv", "x.csv"]
    assert sorted(p.name for p in inbox.iterdir()) == ["Bad_Name__.csv", "hidden.csv", "x.csv"]


def test_failed_remote_move_then_identical_redownload_is_no_duplicate(
    dirs: tuple[Path, Path],
) -> None:
    remote, inbox = dirs
    put(remote, "a.csv", b"same")
    with ftp_server(remote, perm="elr") as port:  # may read, may not mkdir/rename
        first = fetch(settings(port), inbox, sleep=_no_sleep)
        second = fetch(settings(port), inbox, sleep=_no_sleep)
        (remote / "a.csv").write_bytes(b"changed")
        os.utime(remote / "a.csv", (HOUR_AGO, HOUR_AGO))
        third = fetch(settings(port), inbox, sleep=_no_sleep)
    assert first.downloaded == ("a.csv",)
    assert first.remote_errors[0].startswith("a.csv: fetched, but could not move it to processed/")
    assert (second.downloaded, second.already_present) == ((), ("a.csv",))
    assert third.downloaded == ("a (2).csv",)
    assert sorted(p.name for p in inbox.iterdir()) == ["a (2).csv", "a.csv"]
    assert (inbox / "a.csv").read_bytes() == b"same"


def test_refused_download_is_reported_and_the_rest_continues(dirs: tuple[Path, Path]) -> None:
    remote, inbox = dirs
    put(remote, "a_locked.csv", b"locked")
    put(remote, "b.csv", b"ok")
    put(remote, "c_short.csv", b"c" * 5000)  # the server ends the transfer early, with 226
    with ftp_server(remote, abstracted_fs=_DroppingFS, use_sendfile=False) as port:
        result = fetch(settings(port), inbox, sleep=_no_sleep)
    assert result.downloaded == ("b.csv",)
    assert result.skipped_growing == ("c_short.csv",)
    assert result.remote_errors == (
        "a_locked.csv: could not download it (RETR: 550 Permission denied.)",
    )
    assert sorted(p.name for p in inbox.iterdir()) == ["b.csv"]
    assert (remote / "a_locked.csv").exists()


def test_wrong_password_is_a_login_error_without_the_password(dirs: tuple[Path, Path]) -> None:
    remote, inbox = dirs
    with ftp_server(remote) as port:
        bad = FetchSettings(f"ftp://vendor:wrong-pw@127.0.0.1:{port}/", size_check_delay=0)
        with pytest.raises(FetchLoginError) as info:
            fetch(bad, inbox)
        with pytest.raises(FetchError):
            check_login(bad)
    message = str(info.value)
    assert message.startswith(f"login failed for user vendor at 127.0.0.1:{port} — check")
    assert "HUBSYNC_FETCH_PASSWORD" in message
    assert "wrong-pw" not in message and "wrong-pw" not in repr(info.value.__cause__)


def test_password_in_url_and_missing_folder(dirs: tuple[Path, Path]) -> None:
    remote, inbox = dirs
    (remote / "out").mkdir()
    put(remote / "out", "a.csv", b"a")
    with ftp_server(remote) as port:
        url = f"ftp://vendor:{PASSWORD.replace('!', '%21')}@127.0.0.1:{port}"
        check_login(FetchSettings(url + "/out"))
        assert fetch(FetchSettings(url + "/out", size_check_delay=0), inbox).downloaded
        with pytest.raises(FetchLoginError, match="cannot open folder 'nope'"):
            check_login(FetchSettings(url + "/nope"))
    assert (remote / "out" / "processed" / "a.csv").exists()


def test_connection_refused_is_a_fetch_error(tmp_path: Path) -> None:
    with ftp_server(tmp_path) as port:
        pass  # the port is free again
    with pytest.raises(FetchError, match=f"FTP connecting at vendor@127.0.0.1:{port} failed"):
        fetch(settings(port, timeout=2), tmp_path)


class _Dropper:
    """A remote file that ends after 1000 bytes; for "*broken*" the server dies there."""

    def __init__(self, real: Any, handler: FTPHandler) -> None:
        self.real, self.handler, self.name, self.closed = real, handler, real.name, False

    def read(self, size: int) -> bytes:
        if self.real.tell() >= 1000:
            if "broken" in self.name:
                self.handler.close()  # control and data channel: the server is gone
            return b""
        return bytes(self.real.read(1000))

    def close(self) -> None:
        self.closed = True
        self.real.close()


class _DroppingFS(AbstractedFS):  # type: ignore[misc]
    """Server file system where "*locked*" cannot be read and "*broken*" kills the server."""

    def open(self, filename: str, mode: str) -> Any:
        if "locked" in filename:
            raise PermissionError(errno.EACCES, "Permission denied")
        real = super().open(filename, mode)
        wrap = "broken" in filename or "short" in filename
        return _Dropper(real, self.cmd_channel) if wrap else real


def test_connection_dropped_mid_transfer(dirs: tuple[Path, Path]) -> None:
    remote, inbox = dirs
    put(remote, "a.csv", b"a" * 5000)
    put(remote, "b_broken.csv", b"b" * 5000)
    put(remote, "c.csv", b"c" * 5000)
    with (
        ftp_server(remote, abstracted_fs=_DroppingFS, use_sendfile=False) as port,
        pytest.raises(FetchInterrupted) as info,
    ):
        fetch(settings(port), inbox, sleep=_no_sleep)
    assert info.value.result.downloaded == ("a.csv",)
    assert "broke off" in str(info.value) and PASSWORD not in str(info.value)
    assert sorted(p.name for p in inbox.iterdir()) == ["a.csv"]  # no .part left
    assert sorted(p.name for p in remote.iterdir()) == ["b_broken.csv", "c.csv", "processed"]
    assert [p.name for p in (remote / "processed").iterdir()] == ["a.csv"]


def test_classic_listing_without_mlsd(dirs: tuple[Path, Path]) -> None:
    remote, inbox = dirs
    put(remote, "a.csv", b"abc")
    put(remote, "new.csv", b"abc", mtime=time.time())
    (remote / "dir.csv").mkdir()
    cmds = {k: v for k, v in FTPHandler.proto_cmds.items() if k not in ("MLSD", "MLST")}
    with ftp_server(remote, proto_cmds=cmds) as port:
        result = fetch(settings(port), inbox, sleep=_no_sleep)
    assert (result.downloaded, result.skipped_growing) == (("a.csv",), ("new.csv",))


# --- FTPS --------------------------------------------------------------------------------


@pytest.fixture
def tls(tmp_path: Path) -> tuple[dict[str, Any], str]:
    ca = trustme.CA()
    server_pem = tmp_path / "server.pem"
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(server_pem))
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    attrs = {
        "certfile": str(server_pem),
        "tls_control_required": True,
        "tls_data_required": True,
        "ssl_context": None,
    }
    return attrs, str(ca_file)


def test_ftps_download(dirs: tuple[Path, Path], tls: tuple[dict[str, Any], str]) -> None:
    remote, inbox = dirs
    attrs, ca_file = tls
    put(remote, "a.csv", b"x" * 100_000)
    put(remote, "b.csv", b"y")
    with ftp_server(remote, TLS_FTPHandler, **attrs) as port:
        result = fetch(settings(port, "ftps", ca_file=ca_file), inbox, sleep=_no_sleep)
    assert result.downloaded == ("a.csv", "b.csv")
    assert (inbox / "a.csv").read_bytes() == b"x" * 100_000
    assert sorted(p.name for p in (remote / "processed").iterdir()) == ["a.csv", "b.csv"]


def test_ftps_untrusted_certificate(
    dirs: tuple[Path, Path], tls: tuple[dict[str, Any], str], tmp_path: Path
) -> None:
    remote, inbox = dirs
    attrs, _ = tls
    other_ca = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(other_ca))
    put(remote, "a.csv", b"a")
    with ftp_server(remote, TLS_FTPHandler, **attrs) as port:
        with pytest.raises(FetchLoginError, match="TLS certificate of 127.0.0.1:.* is not trusted"):
            fetch(settings(port, "ftps", ca_file=str(other_ca)), inbox)
        insecure = settings(port, "ftps", verify_tls=False)
        assert fetch(insecure, inbox, sleep=_no_sleep).downloaded == ("a.csv",)
    with pytest.raises(ConfigError, match="HUBSYNC_CA_FILE"):
        fetch(settings(1, "ftps", ca_file=str(tmp_path / "missing.pem")), inbox)
