"""The heartbeat: what a cron monitor receives for each kind of run, against a real local server.

Whole runs go through `Portal` (the real client against the emulator) with HUBSYNC_PING_URL
pointing at an HTTP server on port 0 that records every ping. A ping that fails (a closed
port, a 500) must leave the run's exit code and files exactly as without a heartbeat.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from clocks import NOW
from portal import Portal

from hubsync.cli import main
from hubsync.emulator import Emulator, FaultPlan
from hubsync.errors import LockedError
from hubsync.inbox.folders import Inbox
from hubsync.report.heartbeat import BODY_LIMIT, NoHeartbeat, Pinger
from hubsync.run.services import heartbeat
from hubsync.summary import ExitCode, RunSummary

CLEAN = Path(__file__).parent / "data" / "cli_clean_customers.csv"
KEY = "5f1c2a9e-7d1b-4e0a-9c3f-2b8d6e4a1f07"  # the check's key: a secret, like a token


@dataclass
class Monitor:
    """What the ping server received, as (method, path, body); `status` is its answer."""

    status: int = 200
    pings: list[tuple[str, str, bytes]] = field(default_factory=list)
    url: str = ""

    def paths(self) -> list[tuple[str, str]]:
        return [(method, path.removeprefix(f"/{KEY}") or "/") for method, path, _ in self.pings]


@contextlib.contextmanager
def ping_server(status: int = 200) -> Iterator[Monitor]:
    """A Healthchecks-like endpoint in a thread; yields its Monitor with `url` set."""
    monitor = Monitor(status)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            monitor.pings.append((self.command, self.path, self.rfile.read(length)))
            self.send_response(monitor.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"OK")

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    monitor.url = f"http://127.0.0.1:{server.server_address[1]}/{KEY}"
    try:
        yield monitor
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/{KEY}"


def outcome(portal: Portal, summary: RunSummary) -> tuple[Any, ...]:
    """The exit code and what happened to the files, comparable across portals."""
    data = portal.settings.data_dir
    folders = {
        name: sorted(p.name for p in (data / name).iterdir())
        for name in ("inbox", "processed", "errorprocessed")
    }
    files = [(f.name, f.status, f.destination, len(f.errors)) for f in summary.files]
    return summary.exit_code, files, folders


def test_a_good_run_pings_start_then_success(emulator: Emulator, tmp_path: Path) -> None:
    with ping_server() as monitor:
        portal = Portal(emulator, tmp_path, ping_url=monitor.url)
        portal.drop(CLEAN)
        summary = portal.run()

    assert summary.exit_code is ExitCode.OK
    assert monitor.paths() == [("GET", "/start"), ("POST", "/")]
    assert monitor.pings[0][2] == b""
    assert monitor.pings[1][2].decode() == "hubsync: 1 Datei OK (exit 0)"


def test_rejected_rows_ping_fail_with_the_summary_line(emulator: Emulator, tmp_path: Path) -> None:
    with ping_server() as monitor:
        portal = Portal(emulator, tmp_path, ping_url=monitor.url, language="en")
        portal.drop_samples()
        summary = portal.run()

    assert summary.exit_code is ExitCode.REJECTED
    assert monitor.paths() == [("GET", "/start"), ("POST", "/fail")]
    body = monitor.pings[1][2].decode()
    assert body.startswith("hubsync: 1 file with errors") and body.endswith("(exit 1)")
    for secret in (emulator.token, KEY):
        assert secret not in body


def test_a_temporary_failure_only_logs(emulator: Emulator, tmp_path: Path) -> None:
    emulator.faults = FaultPlan(daily_limit=0)  # HubSpot's daily limit is used up: exit 75
    with ping_server() as monitor:
        portal = Portal(emulator, tmp_path, ping_url=monitor.url)
        portal.drop(CLEAN)
        summary = portal.run()

    assert summary.exit_code is ExitCode.TEMPFAIL
    assert portal.inbox() == [CLEAN.name]
    assert monitor.paths() == [("GET", "/start"), ("POST", "/log")]
    body = monitor.pings[1][2].decode()
    assert "(exit 75) – " in body and "\n" not in body
    assert emulator.token not in body


def test_a_dry_run_and_a_locked_run_send_nothing(emulator: Emulator, tmp_path: Path) -> None:
    with ping_server() as monitor:
        portal = Portal(emulator, tmp_path, ping_url=monitor.url)
        portal.drop(CLEAN)
        assert portal.run(dry_run=True).exit_code is ExitCode.OK
        with Inbox(portal.settings.data_dir).lock(), pytest.raises(LockedError):
            portal.run()

    assert monitor.pings == []
    assert portal.inbox() == [CLEAN.name]


@pytest.mark.parametrize("broken", ["closed port", "answers 500"])
def test_a_failing_ping_changes_nothing(
    emulator: Emulator, tmp_path: Path, caplog: pytest.LogCaptureFixture, broken: str
) -> None:
    with Emulator(with_hubsync_schema=True) as quiet:
        calm = Portal(quiet, tmp_path / "calm")
        calm.drop_samples()
        expected = outcome(calm, calm.run())
    caplog.set_level(logging.WARNING, logger="hubsync.report.heartbeat")
    with ping_server(status=500) as monitor:
        url = monitor.url if broken == "answers 500" else closed_port_url()
        portal = Portal(emulator, tmp_path / "pinged", ping_url=url)
        portal.drop_samples()
        got = outcome(portal, portal.run())

    assert got == expected
    assert expected[0] is ExitCode.REJECTED
    warnings = [r.getMessage() for r in caplog.records if r.name == "hubsync.report.heartbeat"]
    assert len(warnings) == 2, warnings  # /start and /fail, one attempt each
    assert all("check HUBSYNC_PING_URL" in w and KEY not in w for w in warnings)


def test_the_body_is_scrubbed_and_cut(tmp_path: Path) -> None:
    pinger = Pinger(f"https://hc-ping.com/{KEY}", language="de", secrets=("pat-eu1-geheim",))
    leak = RunSummary(
        NOW,
        NOW,
        fatal=f"proxy said: token pat-eu1-geheim for https://hc-ping.com/{KEY}\nsecond line",
        fatal_kind=ExitCode.TEMPFAIL,
    )
    body = pinger.body(leak).decode()
    assert "geheim" not in body and KEY not in body and "\n" not in body
    huge = RunSummary(NOW, NOW, fatal="ü" * BODY_LIMIT, fatal_kind=ExitCode.TEMPFAIL)
    cut = pinger.body(huge)
    assert len(cut) <= BODY_LIMIT
    assert cut.decode().endswith("ü")  # cut between characters, never inside one


def test_without_a_ping_url_nothing_is_built(emulator: Emulator, tmp_path: Path) -> None:
    assert isinstance(heartbeat(Portal(emulator, tmp_path).settings), NoHeartbeat)


def test_the_run_command_pings_and_its_dry_run_does_not(emulator: Emulator, tmp_path: Path) -> None:
    env = {
        "HUBSYNC_DATA_DIR": str(tmp_path),
        "HUBSYNC_CONTACT_CATEGORY": "McArena Schorndorf",
        "HUBSPOT_ACCESS_TOKEN": emulator.token,
        "HUBSPOT_BASE_URL": emulator.url,
        "HUBSYNC_LANGUAGE": "en",
    }
    no_env = ["--env-file", str(tmp_path / "no-such.env")]
    with ping_server() as monitor:
        env["HUBSYNC_PING_URL"] = monitor.url
        dry = CliRunner().invoke(main, ["run", "--dry-run", *no_env], env=env)
        real = CliRunner().invoke(main, ["run", *no_env], env=env)
    logging.shutdown()

    assert (dry.exit_code, real.exit_code) == (0, 0), real.output
    assert monitor.paths() == [("GET", "/start"), ("POST", "/")]
    assert monitor.pings[1][2].decode() == "hubsync: nothing to do (exit 0)"
