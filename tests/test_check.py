"""`hubsync check` against real local servers: missing scopes, SMTP and FTP logins."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from servers import PortZeroController, ftp_server

from hubsync.cli import main
from hubsync.emulator import Emulator

FACILITY = "McArena Schorndorf"
FTP_PASSWORD = "ftp-Geheim-17?"


class Sink:
    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        return "250 OK"


@pytest.fixture
def smtp_port() -> Iterator[int]:
    controller = PortZeroController(Sink(), hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def check(tmp_path: Path, emulator: Emulator, **extra: str) -> Result:
    env = {
        "HUBSYNC_DATA_DIR": str(tmp_path / "data"),
        "HUBSYNC_CONTACT_CATEGORY": FACILITY,
        "HUBSPOT_ACCESS_TOKEN": emulator.token,
        "HUBSPOT_BASE_URL": emulator.url,
        "HUBSYNC_LANGUAGE": "en",  # these tests read the English texts
        **extra,
    }
    return CliRunner().invoke(main, ["check", "--env-file", str(tmp_path / "none")], env=env)


def test_a_token_without_the_deal_scopes_is_explained(tmp_path: Path) -> None:
    scopes = frozenset({"crm.objects.contacts.read", "crm.objects.contacts.write"})
    with Emulator(scopes=scopes, with_hubsync_schema=True) as emulator:
        result = check(tmp_path, emulator)

    assert result.exit_code == 2
    assert "[ok  ] HubSpot token accepted" in result.output
    line = next(x for x in result.output.splitlines() if "properties and pipeline" in x)
    assert line.startswith("[FAIL]")
    assert "crm.objects.deals.read" in line


def test_smtp_and_ftp_logins_are_checked(tmp_path: Path, smtp_port: int) -> None:
    remote = tmp_path / "remote"
    remote.mkdir()
    with (
        Emulator(with_hubsync_schema=True) as emulator,
        ftp_server(remote, FTP_PASSWORD) as ftp_port,
    ):
        mail = {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "SMTP_SECURITY": "none",
            "MAIL_FROM": "hubsync@example.org",
            "MAIL_TO": "it@example.org",
        }
        url = f"ftp://vendor@127.0.0.1:{ftp_port}/"
        good = check(
            tmp_path, emulator, **mail, HUBSYNC_FETCH_URL=url, HUBSYNC_FETCH_PASSWORD=FTP_PASSWORD
        )
        bad = check(
            tmp_path, emulator, **mail, HUBSYNC_FETCH_URL=url, HUBSYNC_FETCH_PASSWORD="falsch"
        )

    assert good.exit_code == 0, good.output
    assert f"[ok  ] SMTP login 127.0.0.1:{smtp_port}" in good.output
    assert "[ok  ] FTP/SFTP login" in good.output
    assert bad.exit_code == 2
    ftp_line = next(x for x in bad.output.splitlines() if "FTP/SFTP login" in x)
    assert ftp_line.startswith("[FAIL]") and "falsch" not in bad.output


def test_an_smtp_server_that_is_down_fails_its_line(tmp_path: Path) -> None:
    with (
        Emulator(with_hubsync_schema=True) as emulator,
        contextlib.closing(socket.socket()) as sock,
    ):
        sock.bind(("127.0.0.1", 0))  # bound, not listening: connection refused
        result = check(
            tmp_path,
            emulator,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(sock.getsockname()[1]),
            SMTP_SECURITY="none",
            MAIL_FROM="hubsync@example.org",
            MAIL_TO="it@example.org",
        )

    assert result.exit_code == 2
    assert any(x.startswith("[FAIL] SMTP login") for x in result.output.splitlines())


def test_check_names_the_scopes_companies_need(tmp_path: Path) -> None:
    with Emulator(with_hubsync_schema=True) as emulator:
        result = check(tmp_path, emulator)
    line = next(x for x in result.output.splitlines() if x.startswith("[ok  ] companies"))
    assert "crm.objects.companies.read, crm.objects.companies.write" in line
    assert "crm.schemas.companies.write" in line


def test_a_token_without_company_scopes_fails_the_companies_line(tmp_path: Path) -> None:
    scopes = frozenset(
        {"crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.deals.read"}
        | {"crm.objects.deals.write", "crm.schemas.deals.write"}
    )
    with Emulator(scopes=scopes, with_hubsync_schema=True) as emulator:
        failing = check(tmp_path, emulator)
        without = check(tmp_path, emulator, HUBSYNC_COMPANIES="off")
    assert failing.exit_code == 2
    line = next(x for x in failing.output.splitlines() if "companies (HUBSYNC_COMPANIES=on)" in x)
    assert line.startswith("[FAIL]") and "crm.objects.companies.read" in line
    assert "companies" not in without.output
    assert without.exit_code == 0, without.output
