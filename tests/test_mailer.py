"""The mailer against a real local SMTP server (aiosmtpd): plain, STARTTLS, SMTPS and failures."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from servers import PortZeroController

from hubsync.choices import SmtpSecurity
from hubsync.errors import ConfigError, MailError
from hubsync.records import RowError
from hubsync.report.mail import Mail
from hubsync.report.smtp import SmtpSettings, build_message, check_smtp, send_mail, should_send
from hubsync.summary import ExitCode, FileKind, FileOutcome, FileStatus, RunSummary

USER = "hubsync"
PASSWORD = "s3cret-passw0rd-never-shown"
CSV_BYTES = "\ufeffZeile;Spalte;Grund\r\n7;E-Mail;ungültig: „müller@“\r\n".encode()


@dataclass
class Inbox:
    """aiosmtpd handler that keeps every message it accepts, with the session's login state."""

    messages: list[EmailMessage] = field(default_factory=list)
    authenticated: list[bool] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.authenticated.append(bool(session.authenticated))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def _authenticator(
    server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def start_server() -> Iterator[Any]:
    """Start aiosmtpd servers on 127.0.0.1:<free port>; all are stopped after the test."""
    running: list[PortZeroController] = []

    def start(**kwargs: Any) -> tuple[Inbox, int]:
        inbox = Inbox()
        controller = PortZeroController(inbox, hostname="127.0.0.1", port=0, **kwargs)
        controller.start()
        running.append(controller)
        return inbox, controller.port

    yield start
    for controller in running:
        controller.stop()


def _settings(port: int, **overrides: Any) -> SmtpSettings:
    base = SmtpSettings(
        host="127.0.0.1",
        port=port,
        user=None,
        password=None,
        security=SmtpSecurity.NONE,
        mail_from="hubsync@example.org",
        mail_to=("büro@example.org", "chef@example.org"),
        timeout=5,
    )
    return replace(base, **overrides)


def _mail(tmp_path: Path) -> Mail:
    report = tmp_path / "errorprocessed" / "kunden_2026-11-27.csv.errors.csv"
    report.parent.mkdir()
    report.write_bytes(CSV_BYTES)
    return Mail(
        subject="hubsync: 1 Datei mit Fehlern, 2 OK – Größe ä",
        text="Zeile 7, Spalte „E-Mail“: ungültig – Müller\n",
        html="<p>Zeile 7: ungültig – Müller &lt;script&gt;</p>\n",
        attachments=(report,),
    )


def _assert_received(inbox: Inbox, mail: Mail) -> None:
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["Subject"] == mail.subject
    assert message["From"] == "hubsync@example.org"
    assert message["Date"] is not None
    assert message["Message-ID"].endswith("@example.org>")
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content().replace("\r\n", "\n") == mail.text  # SMTP sends CRLF
    assert html.get_content().replace("\r\n", "\n") == mail.html
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["kunden_2026-11-27.csv.errors.csv"]
    assert attachments[0].get_content_type() == "text/csv"
    assert attachments[0].get_payload(decode=True) == CSV_BYTES


def test_plain_smtp_delivers_text_html_and_attachment(start_server: Any, tmp_path: Path) -> None:
    inbox, port = start_server()
    mail = _mail(tmp_path)
    send_mail(mail, _settings(port))
    _assert_received(inbox, mail)
    assert inbox.recipients == [["büro@example.org", "chef@example.org"]]


@pytest.mark.parametrize("exclude", [["LOGIN"], ["PLAIN"]], ids=["plain", "login"])
def test_starttls_with_auth(
    start_server: Any, server_tls: ssl.SSLContext, ca_file: str, tmp_path: Path, exclude: list[str]
) -> None:
    inbox, port = start_server(
        tls_context=server_tls,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
        auth_exclude_mechanism=exclude,  # leaves exactly one mechanism for smtplib to use
    )
    settings = _settings(
        port, security=SmtpSecurity.STARTTLS, user=USER, password=PASSWORD, ca_file=ca_file
    )
    mail = _mail(tmp_path)
    send_mail(mail, settings)
    _assert_received(inbox, mail)
    assert inbox.authenticated == [True]


def test_smtps_implicit_tls_with_auth(
    start_server: Any, server_tls: ssl.SSLContext, ca_file: str, tmp_path: Path
) -> None:
    # aiosmtpd only knows TLS from STARTTLS, so it must be told that AUTH is fine on SMTPS.
    inbox, port = start_server(
        ssl_context=server_tls, authenticator=_authenticator, auth_require_tls=False
    )
    settings = _settings(
        port, security=SmtpSecurity.SSL, user=USER, password=PASSWORD, ca_file=ca_file
    )
    mail = _mail(tmp_path)
    send_mail(mail, settings)
    _assert_received(inbox, mail)
    assert inbox.authenticated == [True]


def test_check_smtp_logs_in_without_sending(
    start_server: Any, server_tls: ssl.SSLContext, ca_file: str
) -> None:
    inbox, port = start_server(
        tls_context=server_tls, require_starttls=True, authenticator=_authenticator
    )
    settings = _settings(
        port, security=SmtpSecurity.STARTTLS, user=USER, password=PASSWORD, ca_file=ca_file
    )
    assert check_smtp(settings) == "starttls, logged in as hubsync"
    assert inbox.messages == []
    with pytest.raises(MailError, match="535"):
        check_smtp(replace(settings, password="wrong"))


def test_missing_starttls_is_explained(start_server: Any, tmp_path: Path) -> None:
    _, port = start_server()
    with pytest.raises(MailError, match="STARTTLS extension not supported.*SMTP_SECURITY"):
        send_mail(_mail(tmp_path), _settings(port, security=SmtpSecurity.STARTTLS))


def test_wrong_password_is_a_mail_error_without_the_password(
    start_server: Any, server_tls: ssl.SSLContext, ca_file: str, tmp_path: Path
) -> None:
    inbox, port = start_server(
        tls_context=server_tls, require_starttls=True, authenticator=_authenticator
    )
    wrong = "wrong-" + PASSWORD
    settings = _settings(
        port, security=SmtpSecurity.STARTTLS, user=USER, password=wrong, ca_file=ca_file
    )
    with pytest.raises(MailError) as caught:
        send_mail(_mail(tmp_path), settings)
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message
    assert "login" in message and "535" in message
    assert wrong not in message and PASSWORD not in message
    assert inbox.messages == []


def test_non_ascii_password_is_a_mail_error_without_the_password(
    start_server: Any, server_tls: ssl.SSLContext, ca_file: str, tmp_path: Path
) -> None:
    # smtplib sends credentials as ASCII only; its UnicodeEncodeError would carry the password.
    _, port = start_server(tls_context=server_tls, authenticator=_authenticator)
    umlaut = "Pässwort-never-shown"
    settings = _settings(
        port, security=SmtpSecurity.STARTTLS, user=USER, password=umlaut, ca_file=ca_file
    )
    with pytest.raises(MailError, match="non-ASCII") as caught:
        send_mail(_mail(tmp_path), settings)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert umlaut not in str(caught.value)


def test_server_down_is_a_mail_error(tmp_path: Path) -> None:
    # A bound socket that does not listen: connecting is refused at once, no race for the port.
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        port = blocker.getsockname()[1]
        with pytest.raises(MailError, match=rf"127\.0\.0\.1:{port}: connection refused"):
            send_mail(_mail(tmp_path), _settings(port, password="pw", user="u"))


@pytest.mark.parametrize("security", [SmtpSecurity.STARTTLS, SmtpSecurity.SSL])
def test_untrusted_certificate_is_a_mail_error(
    start_server: Any, server_tls: ssl.SSLContext, tmp_path: Path, security: SmtpSecurity
) -> None:
    key = "tls_context" if security == "starttls" else "ssl_context"
    inbox, port = start_server(**{key: server_tls})
    settings = _settings(port, security=security, user=USER, password=PASSWORD)
    with pytest.raises(MailError, match="certificate not trusted") as caught:
        send_mail(_mail(tmp_path), settings)
    assert PASSWORD not in str(caught.value)
    assert inbox.messages == []


def test_verification_can_be_switched_off(
    start_server: Any, server_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    inbox, port = start_server(ssl_context=server_tls)
    send_mail(_mail(tmp_path), _settings(port, security=SmtpSecurity.SSL, verify_tls=False))
    assert len(inbox.messages) == 1


def test_plain_against_a_starttls_only_server_fails_clearly(
    start_server: Any, server_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    _, port = start_server(tls_context=server_tls, require_starttls=True)
    with pytest.raises(MailError, match="530"):
        send_mail(_mail(tmp_path), _settings(port))


def test_missing_attachment_is_left_out(tmp_path: Path) -> None:
    mail = replace(_mail(tmp_path), attachments=(tmp_path / "gone.errors.csv",))
    message = build_message(mail, _settings(25))
    assert list(message.iter_attachments()) == []
    assert message.get_body(("plain",)) is not None


def test_password_is_not_in_repr() -> None:
    settings = _settings(25, user=USER, password=PASSWORD)
    assert PASSWORD not in repr(settings)


def test_settings_are_checked() -> None:
    # An unknown security mode cannot get here: SMTP_SECURITY is read as an `SmtpSecurity`
    # once, in the settings (tests/test_config.py names the bad value).
    with pytest.raises(ConfigError, match="recipient"):
        _settings(25, mail_to=())


def _summary(*files: FileOutcome, **kwargs: Any) -> RunSummary:
    now = datetime(2026, 11, 27, 6, 0)
    return RunSummary(started_at=now, finished_at=now, files=files, **kwargs)


OK_FILE = FileOutcome("kunden.csv", FileKind.CUSTOMERS, FileStatus.PROCESSED, rows=3)
BAD_FILE = FileOutcome(
    "kunden.csv",
    FileKind.CUSTOMERS,
    FileStatus.ERRORPROCESSED,
    errors=(RowError(2, "E-Mail", "leer", "email_missing"),),
)


@pytest.mark.parametrize(
    ("summary", "always", "problems"),
    [
        (_summary(), False, False),
        (_summary(OK_FILE), True, False),
        (_summary(BAD_FILE), True, True),
        (_summary(fatal="kaputt", fatal_kind=ExitCode.CONFIG), True, True),
        (_summary(alerts=("no new export for 30 hours",)), True, True),
        (_summary(mail_error="smtp down"), False, True),
    ],
    ids=["nothing", "ok", "rejected", "config", "alert", "mail-error"],
)
def test_should_send(summary: RunSummary, always: bool, problems: bool) -> None:
    assert should_send("always", summary) is always
    assert should_send("problems", summary) is problems
    assert should_send("never", summary) is False


def test_should_send_rejects_unknown_setting() -> None:
    with pytest.raises(ValueError, match="sometimes"):
        should_send("sometimes", _summary())
