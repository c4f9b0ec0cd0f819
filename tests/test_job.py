"""The unattended job end to end: FTP pickup, import, summary mail, alerts, no secret leaks.

Real local servers only: the HubSpot emulator, an aiosmtpd SMTP server with STARTTLS and
login, and a pyftpdlib FTP server.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import ssl
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from click.testing import CliRunner
from servers import PortZeroController, ftp_server

from hubsync.cli import main
from hubsync.config import load_settings
from hubsync.emulator import Emulator
from hubsync.mapping.load import load_mapping
from hubsync.run.demo import sample_files
from hubsync.run.job import JobServices, run_job
from hubsync.run.pipeline import Collaborators, RunOptions
from hubsync.run.services import mail_sender, open_client

TOKEN = "pat-eu1-0a1b2c3d-secret-token-value"
SMTP_PASSWORD = "smtp-Geheim-42!"
FTP_PASSWORD = "ftp-Geheim-17?"
FACILITY = "McArena Schorndorf"
HOUR_AGO = time.time() - 3600


class Mailbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        self.messages.append(bytes(envelope.content or b""))
        return "250 OK"

    def parsed(self) -> list[EmailMessage]:
        return [message_from_bytes(m, policy=policy.default) for m in self.messages]  # type: ignore[misc]


def _authenticator(
    server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == SMTP_PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def smtp(ca: trustme.CA) -> Iterator[tuple[Mailbox, int]]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    mailbox = Mailbox()
    controller = PortZeroController(
        mailbox,
        hostname="127.0.0.1",
        port=0,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticator,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(token=TOKEN, with_hubsync_schema=True) as running:
        yield running


def base_env(data_dir: Path, emulator: Emulator, ca_file: str, smtp_port: int) -> dict[str, str]:
    return {
        "HUBSYNC_DATA_DIR": str(data_dir),
        "HUBSPOT_ACCESS_TOKEN": TOKEN,
        "HUBSPOT_BASE_URL": emulator.url,
        "HUBSYNC_CONTACT_CATEGORY": FACILITY,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_USER": "hubsync",
        "SMTP_PASSWORD": SMTP_PASSWORD,
        "SMTP_SECURITY": "starttls",
        "MAIL_FROM": "hubsync@example.org",
        "MAIL_TO": "marketing@example.org",
        "HUBSYNC_CA_FILE": ca_file,
        "HUBSYNC_LOG_FILE": str(data_dir / "log" / "hubsync.log"),
    }


def text_of(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def every_output(data_dir: Path, mailbox: Mailbox, printed: str) -> dict[str, bytes]:
    outputs = {"printed": printed.encode()}
    outputs.update({f"mail {i}": m for i, m in enumerate(mailbox.messages)})
    for path in data_dir.rglob("*"):
        if path.is_file():
            outputs[str(path.relative_to(data_dir))] = path.read_bytes()
    return outputs


def test_a_cron_run_fetches_imports_mails_and_never_leaks_a_secret(
    tmp_path: Path, emulator: Emulator, smtp: tuple[Mailbox, int], ca_file: str
) -> None:
    mailbox, smtp_port = smtp
    data_dir, remote = tmp_path / "data", tmp_path / "remote"
    remote.mkdir()
    for sample in sample_files():
        shutil.copyfile(sample, remote / sample.name)
        os.utime(remote / sample.name, (HOUR_AGO, HOUR_AGO))
    with ftp_server(remote, FTP_PASSWORD) as ftp_port:
        env = base_env(data_dir, emulator, ca_file, smtp_port)
        env["HUBSYNC_FETCH_URL"] = f"ftp://vendor@127.0.0.1:{ftp_port}/"
        env["HUBSYNC_FETCH_PASSWORD"] = FTP_PASSWORD
        result = CliRunner().invoke(
            main, ["run", "-v", "--env-file", str(tmp_path / "none")], env=env
        )
    logging.shutdown()

    assert result.exit_code == 1, result.output  # the customer sample has rejected rows
    assert sorted(p.name for p in (remote / "processed").iterdir()) == sorted(
        s.name for s in sample_files()
    )
    assert list((data_dir / "inbox").iterdir()) == []
    assert len(list((data_dir / "processed").iterdir())) == 1  # the journal
    assert len(emulator.store.deals) == 114
    (mail,) = mailbox.parsed()
    assert mail["Subject"] == "hubsync: 1 Datei mit Fehlern, 1 OK, 1 Zeile zur Prüfung"
    Path(os.environ.get("TEST_MAIL_DUMP", os.devnull)).write_text(text_of(mail))
    attachments = [part.get_filename() for part in mail.iter_attachments()]
    assert len(attachments) == 1 and attachments[0].endswith(".errors.csv")
    text = text_of(mail)
    assert "kunden_2026-11-27.csv" in text and "rechnungsausgangsjournal_2026-11.csv" in text
    for name, data in every_output(data_dir, mailbox, result.output).items():
        for secret in (TOKEN, SMTP_PASSWORD, FTP_PASSWORD):
            assert secret.encode() not in data, f"{secret!r} leaked into {name}"
    report = next((data_dir / "errorprocessed").glob("*.errors.csv"))
    assert report.stat().st_mode & 0o777 == 0o600


def test_a_mail_server_that_is_down_costs_exit_1_but_no_file(
    tmp_path: Path, emulator: Emulator, ca_file: str
) -> None:
    data_dir = tmp_path / "data"
    inbox = data_dir / "inbox"
    inbox.mkdir(parents=True)
    clean = Path(__file__).parent / "data" / "cli_clean_customers.csv"
    shutil.copyfile(clean, inbox / clean.name)
    os.utime(inbox / clean.name, (HOUR_AGO, HOUR_AGO))
    with contextlib.closing(__import__("socket").socket()) as sock:
        sock.bind(("127.0.0.1", 0))  # bound, never listening: connection refused
        env = base_env(data_dir, emulator, ca_file, sock.getsockname()[1])
        env["MAIL_WHEN"] = "always"
        result = CliRunner().invoke(main, ["run", "--env-file", str(tmp_path / "none")], env=env)
    logging.shutdown()

    assert result.exit_code == 1, result.output
    assert "mail not sent" in result.output
    assert SMTP_PASSWORD not in result.output
    assert [p.name.split("_", 1)[1] for p in (data_dir / "processed").iterdir()] == [clean.name]
    assert list(inbox.iterdir()) == []


def test_missing_export_alert_is_mailed_at_most_once_a_day(
    tmp_path: Path, emulator: Emulator, smtp: tuple[Mailbox, int], ca_file: str
) -> None:
    mailbox, smtp_port = smtp
    data_dir = tmp_path / "data"
    (data_dir / "processed").mkdir(parents=True)
    old = data_dir / "processed" / "20261120T080000Z_kunden.csv"
    old.write_text("x")
    stamp = datetime(2026, 11, 20, 8, tzinfo=UTC).timestamp()
    os.utime(old, (stamp, stamp))
    env = base_env(data_dir, emulator, ca_file, smtp_port)
    env["HUBSYNC_EXPECT_EXPORT_HOURS"] = "30"
    env["HUBSYNC_LANGUAGE"] = "en"
    settings = load_settings(None, env)
    mapping = load_mapping(None)
    now = datetime(2026, 11, 28, 9, tzinfo=UTC)

    def run_at(moment: datetime) -> tuple[str, ...]:
        with open_client(settings) as client:
            services = JobServices(
                Collaborators(client, clock=lambda: moment), send_mail=mail_sender(settings)
            )
            return run_job(settings, mapping, services, RunOptions()).alerts

    first = run_at(now)
    again = run_at(now + timedelta(hours=3))
    next_day = run_at(now + timedelta(hours=25))

    assert len(first) == 1 and "30 hours" in first[0]
    assert again == ()
    assert len(next_day) == 1
    assert len(mailbox.messages) == 2
    assert "30" in mailbox.parsed()[0]["Subject"]
