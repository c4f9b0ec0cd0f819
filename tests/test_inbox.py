"""The inbox lifecycle: scanning, the run lock, never-overwriting moves, retention, reports."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hubsync.errors import LockedError
from hubsync.inbox.folders import LOCK_NAME, Inbox, write_private

NOW = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
STAMP = "20261127T120000Z"


def put(path: Path, data: bytes = b"x", *, age: float = 3600.0, now: datetime = NOW) -> Path:
    """Create `path` with `data`, last modified `age` seconds before `now`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    stamp = now.timestamp() - age
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def inbox(tmp_path: Path) -> Inbox:
    box = Inbox(tmp_path)
    box.ensure()
    return box


# -- scan ----------------------------------------------------------------------------------
def test_scan_takes_csv_in_any_case_oldest_first(inbox: Inbox) -> None:
    put(inbox.inbox / "b.CSV", age=100)
    put(inbox.inbox / "a.csv", age=200)
    put(inbox.inbox / "c.Csv", age=150)

    scan = inbox.scan(NOW, 60)

    assert [p.name for p in scan.ready] == ["a.csv", "c.Csv", "b.CSV"]
    assert scan.settling == ()


def test_scan_breaks_mtime_ties_by_name(inbox: Inbox) -> None:
    put(inbox.inbox / "y.csv", age=100)
    put(inbox.inbox / "x.csv", age=100)

    assert [p.name for p in inbox.scan(NOW, 60).ready] == ["x.csv", "y.csv"]


def test_scan_ignores_hidden_partial_and_other_files(inbox: Inbox) -> None:
    put(inbox.inbox / ".kunden.csv")  # hidden: an upload in progress (e.g. rsync, FileZilla)
    put(inbox.inbox / "kunden.csv.part")
    put(inbox.inbox / "kunden.part")
    put(inbox.inbox / "notes.txt")
    put(inbox.inbox / "kunden.csv.errors.txt")
    (inbox.inbox / "folder.csv").mkdir()
    put(inbox.inbox / "kunden.csv")

    scan = inbox.scan(NOW, 60)

    assert [p.name for p in scan.ready] == ["kunden.csv"]
    assert scan.settling == ()


def test_scan_leaves_files_newer_than_settle_seconds(inbox: Inbox) -> None:
    put(inbox.inbox / "old.csv", age=61)
    put(inbox.inbox / "young.csv", age=59)
    put(inbox.inbox / "future.csv", age=-30)  # clock skew on an NFS share: still uploading

    scan = inbox.scan(NOW, 60)

    assert [p.name for p in scan.ready] == ["old.csv"]
    assert [p.name for p in scan.settling] == ["future.csv", "young.csv"]


def test_scan_with_zero_settle_seconds_takes_everything_up_to_now(inbox: Inbox) -> None:
    put(inbox.inbox / "just_now.csv", age=0)

    scan = inbox.scan(NOW, 0)

    assert [p.name for p in scan.ready] == ["just_now.csv"]


def test_scan_of_a_missing_inbox_is_empty(tmp_path: Path) -> None:
    scan = Inbox(tmp_path / "nowhere").scan(NOW, 60)

    assert (scan.ready, scan.settling) == ((), ())
    assert not (tmp_path / "nowhere").exists()


def test_ensure_creates_the_three_folders(tmp_path: Path) -> None:
    box = Inbox(tmp_path / "fresh")

    box.ensure()
    box.ensure()  # idempotent

    assert sorted(p.name for p in (tmp_path / "fresh").iterdir()) == [
        "errorprocessed",
        "inbox",
        "processed",
    ]


# -- lock ----------------------------------------------------------------------------------
def test_second_lock_while_the_first_is_held_raises_locked_error(tmp_path: Path) -> None:
    with Inbox(tmp_path).lock(), pytest.raises(LockedError) as caught, Inbox(tmp_path).lock():
        pass  # pragma: no cover - never reached
    assert str(caught.value) == (
        f"another hubsync run holds {tmp_path / LOCK_NAME}; nothing was touched"
    )


def test_lock_is_free_again_after_release_and_after_a_refusal(tmp_path: Path) -> None:
    box = Inbox(tmp_path)
    with box.lock(), pytest.raises(LockedError), box.lock():
        pass  # pragma: no cover - never reached
    with box.lock():
        assert (tmp_path / LOCK_NAME).read_text() == f"{os.getpid()}\n"


def test_lock_file_is_private_and_created_with_the_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "data"
    with Inbox(data_dir).lock():
        pass
    mode = stat.S_IMODE((data_dir / LOCK_NAME).stat().st_mode)
    assert mode == 0o600


# -- destination and move ------------------------------------------------------------------
def test_destination_is_prefixed_with_the_utc_timestamp(inbox: Inbox) -> None:
    berlin = datetime(2026, 11, 27, 13, 0, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # = NOW

    target = inbox.destination(inbox.processed, "kunden.csv", berlin)

    assert target == inbox.processed / f"{STAMP}_kunden.csv"


def test_destination_adds_a_counter_on_a_clash(inbox: Inbox) -> None:
    put(inbox.processed / f"{STAMP}_kunden.csv")
    put(inbox.processed / f"{STAMP}_2_kunden.csv")

    target = inbox.destination(inbox.processed, "kunden.csv", NOW)

    assert target == inbox.processed / f"{STAMP}_3_kunden.csv"


def test_destination_with_suffix(inbox: Inbox) -> None:
    target = inbox.destination(inbox.errorprocessed, "kunden.csv", NOW, ".errors.csv")

    assert target.name == f"{STAMP}_kunden.csv.errors.csv"


def test_two_moves_of_the_same_name_in_the_same_second_both_survive(inbox: Inbox) -> None:
    first = put(inbox.inbox / "kunden.csv", b"first export")
    moved_first = inbox.move(first, inbox.destination(inbox.processed, "kunden.csv", NOW), NOW)
    second = put(inbox.inbox / "kunden.csv", b"second export")
    moved_second = inbox.move(second, inbox.destination(inbox.processed, "kunden.csv", NOW), NOW)

    assert moved_first.name == f"{STAMP}_kunden.csv"
    assert moved_second.name == f"{STAMP}_2_kunden.csv"
    assert moved_first.read_bytes() == b"first export"
    assert moved_second.read_bytes() == b"second export"
    assert list(inbox.inbox.iterdir()) == []


def test_move_never_overwrites_even_when_the_target_appeared_meanwhile(inbox: Inbox) -> None:
    # Both destinations computed before either move: the race between two names.
    target = inbox.destination(inbox.processed, "kunden.csv", NOW)
    put(target, b"already there")
    source = put(inbox.inbox / "kunden.csv", b"new export")

    final = inbox.move(source, target, NOW)

    assert final != target
    assert final.parent == inbox.processed
    assert target.read_bytes() == b"already there"
    assert final.read_bytes() == b"new export"
    assert not source.exists()


def test_move_keeps_content_and_mtime(inbox: Inbox) -> None:
    source = put(inbox.inbox / "kunden.csv", b"a;b\r\n1;2\r\n", age=7200)
    before = source.stat().st_mtime

    final = inbox.move(source, inbox.destination(inbox.errorprocessed, source.name, NOW), NOW)

    assert final.read_bytes() == b"a;b\r\n1;2\r\n"
    assert final.stat().st_mtime == before


# -- retention -----------------------------------------------------------------------------
def test_prune_deletes_only_old_finished_files_by_the_name_timestamp(inbox: Inbox) -> None:
    old = "20260701T080000Z"  # 149 days before NOW
    recent = "20261120T080000Z"  # 7 days before NOW
    doomed = [
        put(inbox.processed / f"{old}_kunden.csv", age=0),  # name wins over a fresh mtime
        put(inbox.errorprocessed / f"{old}_kunden.csv", age=0),
        put(inbox.errorprocessed / f"{old}_kunden.csv.errors.csv", age=0),
        put(inbox.errorprocessed / f"{old}_2_journal.csv", age=0),
        put(inbox.processed / "unstamped.csv", age=200 * 86400),  # no stamp: mtime decides
    ]
    kept = [
        put(inbox.processed / f"{recent}_kunden.csv", age=400 * 86400),  # name wins
        put(inbox.errorprocessed / f"{recent}_journal.csv.errors.txt", age=400 * 86400),
        put(inbox.processed / "unstamped_new.csv", age=86400),
        put(inbox.processed / f".{old}_hidden.csv", age=400 * 86400),
        put(inbox.inbox / f"{old}_refixed.csv", age=400 * 86400),  # never the inbox
        put(inbox.inbox / "ancient.csv", age=400 * 86400),
        put(inbox.data_dir / f"{old}_elsewhere.csv", age=400 * 86400),
    ]

    removed = inbox.prune(NOW, 90)

    assert removed == len(doomed)
    assert [p for p in doomed if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []


def test_prune_with_zero_days_keeps_everything(inbox: Inbox) -> None:
    ancient = put(inbox.processed / "20000101T000000Z_kunden.csv", age=30 * 365 * 86400)

    assert inbox.prune(NOW, 0) == 0
    assert ancient.exists()


def test_prune_without_folders_does_nothing(tmp_path: Path) -> None:
    assert Inbox(tmp_path / "empty").prune(NOW, 1) == 0


def test_prune_survives_an_impossible_timestamp_in_a_name(inbox: Inbox) -> None:
    odd = put(inbox.processed / "20261399T999999Z_kunden.csv", age=400 * 86400)

    assert inbox.prune(NOW, 90) == 1
    assert not odd.exists()


# -- reports -------------------------------------------------------------------------------
def test_write_private_creates_owner_only_files(tmp_path: Path) -> None:
    report = tmp_path / "kunden.csv.errors.csv"
    old_umask = os.umask(0)  # even a permissive umask must not widen the mode
    try:
        write_private(report, b"\xef\xbb\xbfa;b\r\n")
    finally:
        os.umask(old_umask)

    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert report.read_bytes() == b"\xef\xbb\xbfa;b\r\n"


def test_write_private_never_overwrites(tmp_path: Path) -> None:
    report = tmp_path / "kunden.csv.errors.txt"
    report.write_bytes(b"earlier report")

    with pytest.raises(FileExistsError):
        write_private(report, b"new")
    assert report.read_bytes() == b"earlier report"


def test_prune_horizon_is_measured_from_now(inbox: Inbox) -> None:
    edge = NOW - timedelta(days=90, seconds=1)
    just_old = put(inbox.processed / f"{edge.strftime('%Y%m%dT%H%M%SZ')}_a.csv", age=0)
    young = NOW - timedelta(days=89)
    just_young = put(inbox.processed / f"{young.strftime('%Y%m%dT%H%M%SZ')}_b.csv", age=0)

    assert inbox.prune(NOW, 90) == 1
    assert not just_old.exists()
    assert just_young.exists()


def test_moved_exports_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path)
    inbox.ensure()
    source = inbox.inbox / "kunden.csv"
    source.write_text("E-Mail\n")
    source.chmod(0o644)
    target = inbox.move(source, inbox.processed / "20261128T000000Z_kunden.csv", NOW)
    assert target.stat().st_mode & 0o777 == 0o600
