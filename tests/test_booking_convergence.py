"""Property: however the journal is split, ordered and repeated, HubSpot ends up the same.

Each example imports the customer export and then the journal's documents partitioned
into 1–4 files, in random order with random repeats, one file per cron run, into a fresh
emulated portal; the final state must equal a one-shot import of the whole journal.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from portal import CUSTOMERS, JOURNAL, Portal
from snapshots import differences

from hubsync.emulator import Emulator
from hubsync.summary import FileStatus

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
    with Emulator(with_hubsync_schema=True) as emulator:
        portal = Portal(emulator, data_dir)
        portal.drop(CUSTOMERS)
        for index in schedule.runs:
            wanted = set(schedule.files[index])
            path = portal.target(f"journal_part{index}.csv")
            write_lines(path, [row for row in LINES if row[0] in wanted])
            portal.settle(path)
            summary = portal.run()
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
    with Emulator(with_hubsync_schema=True) as emulator:
        portal = Portal(emulator, tmp_path_factory.mktemp("reference"))
        portal.drop_samples()
        portal.run()
        snapshot = portal.snapshot()
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
