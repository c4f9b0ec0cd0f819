"""`Remote` over FTP and explicit FTPS (ftplib), for `pickup`: log in, list, download, move."""

from __future__ import annotations

import contextlib
import ftplib
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from socket import socket
from typing import BinaryIO

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


class _LenientSSLSocket(ssl.SSLSocket):
    """Data-channel socket that tolerates a peer closing an empty transfer mid-TLS-1.3
    handshake (seen with pyftpdlib): downloads are size-checked, listings merely shorter."""

    def unwrap(self) -> socket:
        try:
            return super().unwrap()
        except ssl.SSLError as exc:
            if exc.reason != "SHUTDOWN_WHILE_IN_INIT":
                raise
            return self


class _FtpsReusingSession(ftplib.FTP_TLS):
    """FTP_TLS that resumes the control channel's TLS session on data channels, which
    vsftpd (require_ssl_reuse, on by default) and others demand: bpo-19500."""

    def ntransfercmd(self, cmd: str, rest: int | str | None = None) -> tuple[socket, int | None]:
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if getattr(self, "_prot_p", False):
            session = self.sock.session if isinstance(self.sock, ssl.SSLSocket) else None
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=session)
        return conn, size


def connect_ftp(settings: FetchSettings, target: FetchTarget) -> FtpRemote:
    """Connect, log in (TLS first for ftps), go passive and change to the export folder;
    raises FetchLoginError (login, certificate, folder) or FetchError (network)."""
    ftp: ftplib.FTP
    if target.scheme == "ftps":
        try:
            context = ssl.create_default_context(cafile=settings.ca_file)
        except OSError as exc:
            raise ConfigError(f"cannot use HUBSYNC_CA_FILE {settings.ca_file}: {exc}") from exc
        if not settings.verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        context.sslsocket_class = _LenientSSLSocket
        ftp = _FtpsReusingSession(context=context, timeout=settings.timeout)
    else:
        ftp = ftplib.FTP(timeout=settings.timeout)
    try:
        _ftp_login(ftp, settings, target)
    except BaseException:
        ftp.close()
        raise
    return FtpRemote(ftp)


def _ftp_login(ftp: ftplib.FTP, settings: FetchSettings, target: FetchTarget) -> None:
    secrets = settings.secrets()
    hostport = f"{target.host}:{target.port}"
    step = "connecting"
    try:
        ftp.connect(target.host, target.port)
        step = "logging in"
        try:
            ftp.login(target.user, login_password(settings, target) or "")
        except ftplib.error_perm as exc:
            raise FetchLoginError(
                f"login failed for user {target.user} at {hostport} — check"
                f" HUBSYNC_FETCH_PASSWORD ({scrub(str(exc), secrets)})"
            ) from exc
        if isinstance(ftp, ftplib.FTP_TLS):
            step = "securing the data channel (PROT P)"
            ftp.prot_p()
        ftp.set_pasv(True)
        if target.path:
            try:
                ftp.cwd(target.path)
            except ftplib.error_perm as exc:
                raise FetchLoginError(
                    f"cannot open folder {target.path!r} at {target.where} ({exc}) —"
                    " check the path in HUBSYNC_FETCH_URL"
                ) from exc
    except ssl.SSLCertVerificationError as exc:
        raise FetchLoginError(
            f"TLS certificate of {hostport} is not trusted ({exc.verify_message}) — set"
            " HUBSYNC_CA_FILE to the certificate of the CA that signed it"
        ) from exc
    except (OSError, EOFError, ftplib.Error) as exc:
        raise FetchError(
            f"FTP {step} at {target.where} failed: {scrub(str(exc) or repr(exc), secrets)}"
        ) from exc


@contextlib.contextmanager
def _refused(what: str) -> Iterator[None]:
    """Turn a permanent FTP refusal (5xx) of one file operation into a RemoteFileError."""
    try:
        yield
    except ftplib.error_perm as exc:
        raise RemoteFileError(f"{what}: {exc}") from exc


class FtpRemote:
    """`Remote` over ftplib (plain or explicit TLS), already in the export folder (cwd)."""

    transient: tuple[type[BaseException], ...] = (OSError, EOFError, ftplib.Error)

    def __init__(self, ftp: ftplib.FTP) -> None:
        self.ftp = ftp

    def list_csv(self) -> list[RemoteFile]:
        try:
            entries = list(self.ftp.mlsd())
        except ftplib.error_perm:  # no MLSD (RFC 3659): NLST + SIZE + MDTM
            return self._list_classic()
        return [
            RemoteFile(name, _int(facts.get("size")), _ftp_time(facts.get("modify")))
            for name, facts in entries
            if facts.get("type", "").lower() == "file" and name.lower().endswith(".csv")
        ]

    def _list_classic(self) -> list[RemoteFile]:
        try:
            names = self.ftp.nlst()
        except ftplib.error_perm:  # some servers answer 550 for an empty folder
            return []
        self.ftp.voidcmd("TYPE I")  # SIZE is only reliable in binary mode
        files = []
        for name in (n.rsplit("/", 1)[-1] for n in names):
            if not name.lower().endswith(".csv"):
                continue
            try:
                size = self.ftp.size(name)
            except ftplib.error_perm:
                continue  # a folder (or gone)
            try:
                mtime = _ftp_time(self.ftp.voidcmd(f"MDTM {name}")[4:].strip())
            except ftplib.error_perm:
                mtime = None
            files.append(RemoteFile(name, size, mtime))
        return files

    def download(self, name: str, out: BinaryIO) -> None:
        with _refused("RETR"):
            self.ftp.retrbinary(f"RETR {name}", out.write, blocksize=1 << 16)

    def prepare_processed(self) -> None:
        with contextlib.suppress(ftplib.error_perm):  # usually: exists already
            self.ftp.mkd(PROCESSED)

    def in_processed(self, name: str) -> bool:
        # SIZE runs on the control channel: no listing of an ever-growing folder.
        try:
            self.ftp.voidcmd("TYPE I")
            self.ftp.size(f"{PROCESSED}/{name}")
        except ftplib.error_perm:
            return False
        return True

    def move_to_processed(self, name: str, new_name: str) -> None:
        with _refused("rename"):
            self.ftp.rename(name, f"{PROCESSED}/{new_name}")

    def delete(self, name: str) -> None:
        with _refused("delete"):
            self.ftp.delete(name)

    def close(self, *, abort: bool = False) -> None:
        try:
            if not abort:
                with contextlib.suppress(*self.transient):
                    self.ftp.quit()
        finally:
            self.ftp.close()


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _ftp_time(text: str | None) -> datetime | None:
    """MLSD `modify` / MDTM `YYYYMMDDHHMMSS[.fff]`, UTC by RFC 3659."""
    try:
        return datetime.strptime((text or "")[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
