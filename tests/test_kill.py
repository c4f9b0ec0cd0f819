"""A run killed with SIGKILL at any moment loses and doubles nothing.

`hubsync run` runs as a real process (the installed CLI entry point) against the emulator,
which answers with some latency so that a kill lands in the middle of the work: between
calls, while a write is in flight (the emulator still applies it), between a write and the
move of its file. After N kills one undisturbed run must leave HubSpot exactly as one
undisturbed run into a fresh emulator does, and every input file in processed/ or
errorprocessed/ (a killed run may have finished some of them: that is fine).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hubsync.emulator import Emulator
from hubsync.run.demo import FACILITY, drop_samples, sample_files
from hubsync.summary import ExitCode

LATENCY = 0.04  # seconds per HubSpot answer: a run takes about a second
CLI = "from hubsync.cli import main; main()"


@dataclass(frozen=True)
class Finished:
    """One `hubsync run` process: its exit code (-9 when killed) and how long it ran."""

    code: int
    seconds: float


def start_run(emulator: Emulator, data_dir: Path) -> subprocess.Popen[bytes]:
    """Start `hubsync run` the way cron does, configured through the environment only."""
    env = dict(os.environ)  # the autouse fixture has removed the developer's own settings
    env.update(
        HUBSYNC_DATA_DIR=str(data_dir),
        HUBSPOT_ACCESS_TOKEN=emulator.token,
        HUBSPOT_BASE_URL=emulator.url,
        HUBSYNC_CONTACT_CATEGORY=FACILITY,
        HUBSYNC_SETTLE_SECONDS="0",
        HUBSYNC_RETENTION_DAYS="0",
    )
    command = [sys.executable, "-c", CLI, "run", "--env-file", str(data_dir / "missing.env")]
    log = (data_dir / "runs.log").open("ab")
    with log:  # the child holds its own descriptor; ours is closed at once
        return subprocess.Popen(command, env=env, cwd=data_dir, stdout=log, stderr=log)


def run(emulator: Emulator, data_dir: Path, *, kill_after: float | None = None) -> Finished:
    """Run to the end, or SIGKILL the process after `kill_after` seconds if still running."""
    started = time.monotonic()
    process = start_run(emulator, data_dir)
    try:
        code = process.wait(timeout=kill_after if kill_after is not None else 60)
    except subprocess.TimeoutExpired:
        if kill_after is None:
            raise
        process.send_signal(signal.SIGKILL)
        code = process.wait()
    finally:
        if process.poll() is None:  # a failing assertion must not leave a process behind
            process.kill()
            process.wait()
    return Finished(code, time.monotonic() - started)


def archived(data_dir: Path) -> dict[str, list[Path]]:
    """Input name → its archived copies in processed/ and errorprocessed/."""
    found: dict[str, list[Path]] = {p.name: [] for p in sample_files()}
    for folder in ("processed", "errorprocessed"):
        for path in sorted((data_dir / folder).glob("*.csv")):
            for name, copies in found.items():
                if path.name.endswith("_" + name):
                    copies.append(path)
    return found


def undisturbed(tmp_path: Path) -> tuple[dict[str, Any], tuple[int, int], float]:
    """HubSpot's state (snapshot, numbers of contacts and deals) after one undisturbed run
    into a fresh emulator, and the run's duration."""
    data_dir = tmp_path / "undisturbed"
    with Emulator(with_hubsync_schema=True, latency=LATENCY) as emulator:
        drop_samples(data_dir / "inbox")
        done = run(emulator, data_dir)
        assert done.code == ExitCode.REJECTED, (data_dir / "runs.log").read_text()
        store = emulator.store
        return store.snapshot(), (len(store.contacts), len(store.deals)), done.seconds


def kill_repeatedly(tmp_path: Path, kills: int, seed: int) -> None:
    """Kill `kills` runs at random moments, then run once undisturbed and compare."""
    reference, counts, seconds = undisturbed(tmp_path)
    rng = random.Random(seed)
    data_dir = tmp_path / "killed"
    drops = 0
    with Emulator(with_hubsync_schema=True, latency=LATENCY) as emulator:
        killed = 0
        while killed < kills:
            if not any((data_dir / "inbox").glob("*.csv")):
                # a killed run finished everything: the same exports again (cron's case)
                drop_samples(data_dir / "inbox")
                drops += 1
            done = run(emulator, data_dir, kill_after=rng.uniform(0.2, seconds))
            if done.code == -signal.SIGKILL:
                killed += 1
            else:
                assert done.code in (ExitCode.OK, ExitCode.REJECTED), done
        final = run(emulator, data_dir)
        log = (data_dir / "runs.log").read_text(errors="replace")
        assert final.code in (ExitCode.OK, ExitCode.REJECTED), log
        assert "Traceback" not in log
        store = emulator.store
        snapshot = store.snapshot()
        # the snapshot is keyed by e-mail / invoice number: duplicates would hide in it
        assert (len(store.contacts), len(store.deals)) == counts, "duplicate contacts or deals"
        assert snapshot["contacts"] == reference["contacts"]
        assert snapshot["deals"] == reference["deals"]
        assert snapshot["associations"] == reference["associations"]
    assert list((data_dir / "inbox").glob("*.csv")) == []
    for original in sample_files():
        copies = archived(data_dir)[original.name]
        assert len(copies) == drops, f"{original.name}: {copies}"
        for copy in copies:
            assert copy.read_bytes() == original.read_bytes()
            if copy.parent.name == "errorprocessed":
                assert copy.with_name(copy.name + ".errors.csv").is_file()


def test_a_kill_between_link_and_unlink_leaves_one_archived_copy(tmp_path: Path) -> None:
    """Recreate what a SIGKILL between `os.link` and `os.unlink` in Inbox.move leaves behind:
    the finished file in processed/ and, as a second name of the same inode, in inbox/."""
    with Emulator(with_hubsync_schema=True) as emulator:
        drop_samples(tmp_path / "inbox")
        assert run(emulator, tmp_path).code == ExitCode.REJECTED
        (done,) = (tmp_path / "processed").glob("*.csv")
        name = done.name.split("_", 1)[1]
        os.link(done, tmp_path / "inbox" / name)
        again = run(emulator, tmp_path)
        log = (tmp_path / "runs.log").read_text(errors="replace")
        assert again.code == ExitCode.OK, log
    assert list((tmp_path / "inbox").glob("*.csv")) == []
    assert [p.name for p in archived(tmp_path)[name]] == [done.name]


@pytest.mark.parametrize("seed", [3, 11])
def test_killed_runs_converge_to_one_undisturbed_run(tmp_path: Path, seed: int) -> None:
    kill_repeatedly(tmp_path, kills=3, seed=seed)


@pytest.mark.soak
@pytest.mark.parametrize("seed", [101, 202, 303])
def test_killed_runs_converge_soak(tmp_path: Path, seed: int) -> None:
    kill_repeatedly(tmp_path, kills=20, seed=seed)
