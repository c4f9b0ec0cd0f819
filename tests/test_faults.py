"""A faulty HubSpot changes nothing: after enough reruns the state equals an undisturbed run.

The emulator answers a share of calls with 5xx/423 or a dropped connection, applies some
writes and then drops the answer, and throws 429 bursts without Retry-After. The real client
talks real HTTP to it; the job is rerun while it exits 75 (files left in the inbox). Then
HubSpot must hold exactly what one undisturbed run into a fresh emulator produces, and every
input file must sit in processed/ or errorprocessed/ exactly once, byte for byte.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from clocks import NOW, fixed
from portal import Portal, fast_client

from hubsync.emulator import Emulator, FaultPlan
from hubsync.run.demo import sample_files
from hubsync.summary import ExitCode, FileStatus, RunSummary

MAX_RUNS = 25  # a run that makes progress needs far fewer; more means a livelock


@pytest.fixture(autouse=True)
def _quiet_retries(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    # Hundreds of "retry 1/6" warnings are expected here and would only bury a failure.
    caplog.set_level(logging.ERROR)
    yield


def _fast_sleep(seconds: float) -> None:
    # The client's own floor for 423 is 2 s (HubSpot's advice); the emulator needs no rest.
    time.sleep(min(seconds, 0.02))


def faults(seed: int, *, share: float = 0.2, bursts: bool = True) -> FaultPlan:
    """About `share` of calls fail (5xx, 423 or a dropped connection), plus lost answers to
    applied writes and (with `bursts`) three 429s in a row without Retry-After every 13 calls."""
    return FaultPlan(
        error_rate=share * 0.6,
        error_statuses=(500, 502, 503, 504, 423),
        drop_rate=share * 0.4,
        apply_then_drop_rate=0.15,
        burst_429_every=13 if bursts else None,
        burst_429_length=3,
        seed=seed,
    )


@dataclass(frozen=True)
class Outcome:
    """What a sequence of runs left behind: HubSpot's state, the folders, the exit codes."""

    snapshot: dict[str, Any]
    contacts: int
    deals: int
    finished: dict[str, tuple[str, bytes]]  # input name → (folder, bytes) of its archived copy
    reports: dict[str, bytes]  # input name → its .errors.csv
    codes: tuple[int, ...]


def portal_of(emulator: Emulator, data_dir: Path, now: datetime, *, retries: int) -> Portal:
    """`hubsync run` in-process for this emulator: the real client over real HTTP, fast
    backoff, `retries` per call."""
    client = fast_client(
        sleep=_fast_sleep,
        rate_limit=10_000,
        timeout=(2.0, 5.0),
        max_retries=retries,
        backoff_base=0.01,
        backoff_max=0.05,
    )
    return Portal(emulator, data_dir, clock=fixed(now), client=client, settle_seconds=0)


def run_once(emulator: Emulator, data_dir: Path, now: datetime, *, retries: int) -> RunSummary:
    """One `hubsync run`; the emulator's request log keeps the calls of earlier runs."""
    return portal_of(emulator, data_dir, now, retries=retries).run(keep_log=True)


def run_until_done(emulator: Emulator, data_dir: Path, now: datetime, *, retries: int) -> Outcome:
    """Drop the samples, then rerun while a run exits 75 or leaves files in the inbox."""
    portal_of(emulator, data_dir, now, retries=retries).drop_samples()
    codes: list[int] = []
    for _ in range(MAX_RUNS):
        summary = run_once(emulator, data_dir, now, retries=retries)
        codes.append(int(summary.exit_code))
        # a fault is transient (75), never a configuration problem or a crash
        assert summary.exit_code in (ExitCode.OK, ExitCode.REJECTED, ExitCode.TEMPFAIL), summary
        left = [f for f in summary.files if f.status is FileStatus.LEFT]
        if summary.exit_code is not ExitCode.TEMPFAIL and not left:
            break
    return collect(emulator, data_dir, tuple(codes))


def collect(emulator: Emulator, data_dir: Path, codes: tuple[int, ...]) -> Outcome:
    """Check the folders (no input lost, none twice, none changed) and gather the outcome."""
    assert sorted(p.name for p in (data_dir / "inbox").iterdir()) == [], f"exit codes {codes}"
    finished: dict[str, tuple[str, bytes]] = {}
    reports: dict[str, bytes] = {}
    for original in sample_files():
        copies = [
            p
            for folder in ("processed", "errorprocessed")
            for p in sorted((data_dir / folder).iterdir())
            if p.name.endswith("_" + original.name)
        ]
        assert len(copies) == 1, f"{original.name}: {[str(p) for p in copies]}"
        (copy,) = copies
        assert copy.read_bytes() == original.read_bytes()
        finished[original.name] = (copy.parent.name, copy.read_bytes())
        report = copy.with_name(copy.name + ".errors.csv")
        if report.exists():
            reports[original.name] = report.read_bytes()
    # nothing else was archived: no orphan reports, no second copies under other names
    names = sorted(
        p.name for f in ("processed", "errorprocessed") for p in (data_dir / f).iterdir()
    )
    assert len(names) == len(finished) + len(reports), names
    store = emulator.store
    return Outcome(
        snapshot=store.snapshot(),
        contacts=len(store.contacts),
        deals=len(store.deals),
        finished=finished,
        reports=reports,
        codes=codes,
    )


@pytest.fixture
def now() -> datetime:
    """One clock for the faulty and the undisturbed run (the booking figures depend on the
    date): the tests' fixed clock, which the dropped samples are dated from too."""
    return NOW


@pytest.fixture
def undisturbed(tmp_path_factory: pytest.TempPathFactory, now: datetime) -> Outcome:
    with Emulator(with_hubsync_schema=True) as emulator:
        outcome = run_until_done(emulator, tmp_path_factory.mktemp("clean"), now, retries=0)
    assert outcome.codes == (int(ExitCode.REJECTED),)  # the samples hold rows meant to fail
    assert outcome.contacts > 30 and outcome.deals > 100
    return outcome


def assert_same(faulty: Outcome, clean: Outcome) -> None:
    """Equal state, no duplicate contact or deal, every file where the clean run put it."""
    assert faulty.contacts == clean.contacts, "duplicate or lost contacts"
    assert faulty.deals == clean.deals, "duplicate or lost deals"
    assert faulty.snapshot["contacts"] == clean.snapshot["contacts"]
    assert faulty.snapshot["deals"] == clean.snapshot["deals"]
    assert faulty.snapshot["associations"] == clean.snapshot["associations"]
    assert faulty.finished == clean.finished
    assert faulty.reports == clean.reports


def converge(
    seed: int, retries: int, tmp_path: Path, now: datetime, share: float = 0.2
) -> tuple[Outcome, int]:
    """Run until done under faults; returns the outcome and how many calls went wrong."""
    # A burst of three 429s outlasts fewer than three retries: every run would stop at the
    # next burst, 13 calls on, and a run needs more than that to finish the journal.
    plan = faults(seed, share=share, bursts=retries >= 3)
    with Emulator(with_hubsync_schema=True, faults=plan) as emulator:
        outcome = run_until_done(emulator, tmp_path, now, retries=retries)
        failed = sum(1 for r in emulator.log if r.status >= 423 or r.dropped)
    assert outcome.codes[-1] != ExitCode.TEMPFAIL, f"no convergence in {MAX_RUNS} runs"
    return outcome, failed


@pytest.mark.parametrize(
    ("seed", "retries"),
    [(1, 6), (2, 3), (7, 2), (5, 1)],
    ids=["retries-6", "retries-3", "retries-2", "retries-1"],
)
def test_faulty_hubspot_converges_to_the_undisturbed_state(
    seed: int, retries: int, tmp_path: Path, now: datetime, undisturbed: Outcome
) -> None:
    outcome, failed = converge(seed, retries, tmp_path, now)
    assert failed > 5, "the fault plan hardly fired: the test would prove nothing"
    assert_same(outcome, undisturbed)


def test_a_run_stopped_after_any_call_is_completed_by_the_next(
    tmp_path: Path, now: datetime, undisturbed: Outcome
) -> None:
    """A DAILY 429 stops a run at once (exit 75): stop it after k calls, for every k.

    Every stopping point of the call sequence is hit once, including after a write whose
    answer was lost and between the last write for a file and its move; an undisturbed run
    on the same portal and folders then has to finish the job without duplicates.
    """
    for budget in range(1, 200):
        data_dir = tmp_path / f"cut-{budget}"
        with Emulator(with_hubsync_schema=True) as emulator:
            portal_of(emulator, data_dir, now, retries=0).drop_samples()
            emulator.faults = FaultPlan(daily_limit=budget, apply_then_drop_rate=0.3, seed=budget)
            first = run_once(emulator, data_dir, now, retries=6)
            emulator.faults = None
            second = run_once(emulator, data_dir, now, retries=0)
            assert second.exit_code is not ExitCode.TEMPFAIL
            outcome = collect(emulator, data_dir, (int(first.exit_code), int(second.exit_code)))
        assert_same(outcome, undisturbed)
        if first.exit_code is not ExitCode.TEMPFAIL:
            break  # the budget sufficed for the whole job: every stopping point was tried
    assert budget > 10


def test_runs_with_growing_budgets_continue_each_others_work(
    tmp_path: Path, now: datetime, undisturbed: Outcome
) -> None:
    """Each run is stopped by a DAILY 429 after a few more calls than the one before."""
    with Emulator(with_hubsync_schema=True) as emulator:
        portal_of(emulator, tmp_path, now, retries=0).drop_samples()
        codes: list[int] = []
        for budget in range(1, 200, 2):
            emulator.faults = FaultPlan(daily_limit=budget, apply_then_drop_rate=0.2, seed=budget)
            summary = run_once(emulator, tmp_path, now, retries=6)
            codes.append(int(summary.exit_code))
            if summary.exit_code is not ExitCode.TEMPFAIL:
                break
        assert codes[:3] == [75, 75, 75]
        outcome = collect(emulator, tmp_path, tuple(codes))
    assert outcome.codes[-1] != ExitCode.TEMPFAIL
    assert_same(outcome, undisturbed)


@pytest.mark.soak
@pytest.mark.parametrize("retries", [0, 1, 2, 4, 6])
@pytest.mark.parametrize("seed", range(100, 112))
def test_faulty_hubspot_converges_soak(
    seed: int, retries: int, tmp_path: Path, now: datetime, undisturbed: Outcome
) -> None:
    # retries=0: any fault ends the run; a lower fault share keeps that finite
    share = 0.05 if retries == 0 else 0.2 if retries > 1 else 0.1
    outcome, _ = converge(seed, retries, tmp_path, now, share)
    assert_same(outcome, undisturbed)
