"""Property: however the journal is split, ordered and repeated, HubSpot ends up the same.

Each example imports the customer export and then the journal's documents partitioned
into 1–4 files, in random order with random repeats, one file per cron run, into a fresh
emulated portal; the final state must equal a one-shot import of the whole journal.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from snapshots import differences

from hubsync.config import Settings
from hubsync.emulator import Emulator
from hubsync.mapping.columns import load_mapping
from hubsync.run.demo import sample_files
from hubsync.run.job import JobServices, run_job
from hubsync.run.pipeline import Collaborators, RunOptions
from hubsync.run.services import open_client
from hubsync.summary import FileStatus

CUSTOMERS, JOURNAL = sample_files()
CLOCK = datetime(2026, 11, 28, 12, tzinfo=UTC)
MAPPING = load_mapping(None)
DOC_NUMBER = re.compile(r"^(RE|ST)-\d{4}-\d{4}$")


def read_journal() -> tuple[list[str], list[list[str]]]:
    """Header and position lines of the sample journal (preamble and footer dropped)."""
    with JOURNAL.open(encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    start = next(i for i, row in enumerate(rows) if row[:1] == ["Rechnungsnr."])
    return rows[start], [row for row in rows[start + 1 :] if DOC_NUMBER.match(row[0])]


HEADER, LINES = read_journal()
DOCUMENTS = tuple(dict.fromkeys(row[0] for row in LINES))  # 116, in journal order


@dataclass(frozen=True)
class Schedule:
    """Which documents each file holds, and which file each run imports (by index)."""

    files: tuple[tuple[str, ...], ...]
    runs: tuple[int, ...]


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    count = draw(st.integers(1, 4))
    owner = draw(
        st.lists(st.integers(0, count - 1), min_size=len(DOCUMENTS), max_size=len(DOCUMENTS))
    )
    parts = [
        tuple(d for d, o in zip(DOCUMENTS, owner, strict=True) if o == i) for i in range(count)
    ]
    files = tuple(p for p in parts if p)
    runs = list(draw(st.permutations(range(len(files)))))
    for _ in range(draw(st.integers(0, 2))):  # repeats, anywhere in the sequence
        runs.insert(draw(st.integers(0, len(runs))), draw(st.integers(0, len(files) - 1)))
    return Schedule(files, tuple(runs))


def rest_then(*numbers: str) -> Schedule:
    """Every other document first, then `numbers` in a file of their own."""
    first = tuple(d for d in DOCUMENTS if d not in numbers)
    return Schedule((first, numbers), (0, 1))


def storno_first(*runs: int) -> Schedule:
    """ST-2026-0031 alone as file 0, every other document as file 1."""
    rest = tuple(d for d in DOCUMENTS if d != "ST-2026-0031")
    return Schedule((("ST-2026-0031",), rest), runs)


STORNO_FIRST = storno_first(0, 1, 1)  # the storno before its invoice; the invoice again
STORNO_AGAIN = storno_first(0, 1, 0)  # the storno's file imported again after the invoice
STORNO_LAST = rest_then("ST-2026-0031", "ST-2026-0032")  # both stornos after their invoices


def import_schedule(schedule: Schedule, data_dir: Path) -> dict[str, Any]:
    """Run the schedule against a fresh portal; returns the final `store.snapshot()`."""
    inbox = data_dir / "inbox"
    inbox.mkdir(parents=True)
    with Emulator(with_hubsync_schema=True) as emulator:
        config = Settings(
            data_dir=data_dir,
            hubspot_token=emulator.token,
            hubspot_base_url=emulator.url,
            contact_category="McArena Schorndorf",
            retention_days=0,
        )
        dropped = 0

        def settle(path: Path) -> None:
            nonlocal dropped
            dropped += 1
            stamp = CLOCK.timestamp() - 7200 + dropped
            os.utime(path, (stamp, stamp))

        shutil.copyfile(CUSTOMERS, inbox / CUSTOMERS.name)
        settle(inbox / CUSTOMERS.name)
        for index in schedule.runs:
            wanted = set(schedule.files[index])
            path = inbox / f"journal_part{index}.csv"
            write_lines(path, [row for row in LINES if row[0] in wanted])
            settle(path)
            with open_client(config) as client:
                services = JobServices(Collaborators(client, clock=lambda: CLOCK))
                summary = run_job(config, MAPPING, services, RunOptions())
            assert all(f.status is not FileStatus.LEFT for f in summary.files), summary
            assert not any(f.errors for f in summary.files if f.name.startswith("journal")), summary
        return emulator.store.snapshot()


def write_lines(path: Path, rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


def imported(schedule: Schedule) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="hubsync-conv-") as folder:
        return import_schedule(schedule, Path(folder))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The whole journal (the original file) imported once with the customers."""
    data_dir = tmp_path_factory.mktemp("reference")
    inbox = data_dir / "inbox"
    inbox.mkdir()
    for offset, source in enumerate((CUSTOMERS, JOURNAL)):
        shutil.copyfile(source, inbox / source.name)
        stamp = CLOCK.timestamp() - 7200 + offset
        os.utime(inbox / source.name, (stamp, stamp))
    with Emulator(with_hubsync_schema=True) as emulator:
        config = Settings(
            data_dir=data_dir,
            hubspot_token=emulator.token,
            hubspot_base_url=emulator.url,
            contact_category="McArena Schorndorf",
            retention_days=0,
        )
        with open_client(config) as client:
            run_job(
                config,
                MAPPING,
                JobServices(Collaborators(client, clock=lambda: CLOCK)),
                RunOptions(),
            )
        snapshot = emulator.store.snapshot()
    assert len(snapshot["deals"]) == 114 and len(snapshot["associations"]) == 99
    return snapshot


def order_free(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot without deal descriptions (see the BUG note on the full comparison)."""
    deals = {
        n: {k: v for k, v in d.items() if k != "description"} for n, d in snapshot["deals"].items()
    }
    return {**snapshot, "deals": deals}


# Contacts (with their figures), deals' keys, stages, amounts and associations converge.
@settings(max_examples=15, deadline=None)
@given(schedule=schedules())
@example(schedule=STORNO_FIRST)
@example(schedule=STORNO_AGAIN)
@example(schedule=STORNO_LAST)
def test_figures_and_deals_converge(reference: dict[str, Any], schedule: Schedule) -> None:
    assert differences(order_free(imported(schedule)), order_free(reference)) == []


@settings(max_examples=15, deadline=None)
@given(schedule=schedules())
@example(schedule=STORNO_LAST)
def test_snapshot_converges(reference: dict[str, Any], schedule: Schedule) -> None:
    assert differences(imported(schedule), reference) == []


@pytest.mark.soak
@settings(max_examples=100, deadline=None)
@given(schedule=schedules())
@example(schedule=STORNO_LAST)
def test_snapshot_converges_soak(reference: dict[str, Any], schedule: Schedule) -> None:
    assert differences(imported(schedule), reference) == []
