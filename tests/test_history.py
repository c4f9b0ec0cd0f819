"""The run ledger and `hubsync history`: journaling, records, mode 0600, retention, torn lines."""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from clocks import NOW, fixed
from history_helpers import first_customer, ledger, portal
from portal import Portal

from hubsync.catalogue.history import HISTORY
from hubsync.catalogue.text import render
from hubsync.cli import main
from hubsync.emulator import Emulator
from hubsync.history.ledger import Ledger
from hubsync.run.demo import run_demo

ENGLISH = {"HUBSYNC_LANGUAGE": "en"}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_history_lists_the_demos_runs(tmp_path: Path) -> None:
    run_demo(tmp_path / "demo", language="en", echo=lambda text: None)

    result = CliRunner().invoke(
        main, ["history", "--data-dir", str(tmp_path / "demo")], env=ENGLISH
    )

    assert result.exit_code == 0, result.output
    head, *rows = result.output.splitlines()
    assert head.split()[:2] == ["run", "when"]
    # The demo runs twice; the second writes nothing, so only the first is in the ledger.
    assert len(rows) == 1
    assert "kunden_2026-11-27.csv, rechnungsausgangsjournal_2026-11.csv" in rows[0]
    record = Ledger(tmp_path / "demo" / ".hubsync").records()[0]
    assert rows[0].startswith(record.run_id)
    assert record.created_count > 100 and record.exit_code == 1  # the samples reject rows
    assert rows[0].split()[3:7] == [
        str(record.created_count),
        str(record.updated_count),
        str(record.rejected_count),
        "1",
    ]


def test_a_run_records_files_counts_created_ids_and_changes(
    emulator: Emulator, tmp_path: Path
) -> None:
    p = portal(emulator, tmp_path)
    p.drop_samples()
    summary = p.run()

    [record] = ledger(p)
    assert record.run_id == "20261128-120000-0001"
    assert (record.started, record.finished, record.exit_code) == (NOW, NOW, 1)
    assert [(f.name, f.kind, f.status) for f in record.files] == [
        ("kunden_2026-11-27.csv", "customers", "errorprocessed"),
        ("rechnungsausgangsjournal_2026-11.csv", "bookings", "processed"),
    ]
    assert record.files[0].destination == summary.files[0].destination
    store = emulator.store
    made = {(c.object_type, c.record_id) for c in record.created}
    everything = {(t, i) for t in ("contacts", "deals", "companies") for i in store.objects(t)}
    assert made == everything  # an empty portal: every record is the run's
    assert record.counts["contacts_created"] + record.counts["deals_created"] <= len(made)
    oid = next(iter(store.contacts))
    written = {c.name: c.new for c in record.changed if c.record_id == oid}
    assert written["email"] == store.contacts[oid]["email"]
    assert all(c.old is None for c in record.changed)  # nothing was there before
    pairs = {(link.from_id, link.to_id) for link in record.linked if link.to_type == "contacts"}
    assert pairs == store.associations
    assert _mode(Ledger(tmp_path / ".hubsync").path) == 0o600


def test_journaling_costs_no_read_for_records_the_run_read_or_created(
    emulator: Emulator, tmp_path: Path
) -> None:
    plain = Portal(emulator, tmp_path / "a")
    plain.drop_samples()
    without = plain.run()
    with Emulator(with_hubsync_schema=True) as other:
        p = portal(other, tmp_path / "b")
        p.drop_samples()
        with_journal = p.run()
        writes = [e for e in other.log if e.kind == "write" and "/objects/" in e.path]
        p.drop_samples()
        again = p.run()
    assert with_journal.hubspot_writes == without.hubspot_writes == 10
    # The old values of all 7 object batch writes are what the run read or created itself.
    assert len(writes) == 7
    assert with_journal.hubspot_calls == without.hubspot_calls
    assert again.hubspot_writes == 0
    assert len(ledger(p)) == 1  # a run that writes nothing keeps no record


def test_a_second_run_journals_only_what_really_changed(emulator: Emulator, tmp_path: Path) -> None:
    p = portal(emulator, tmp_path)
    p.drop_samples()
    p.run()
    p.clock = fixed(NOW + timedelta(hours=1))
    p.write("kunden_2026-11-28.csv", first_customer("030 99999999"))
    p.run()

    first, second = ledger(p)
    assert second.run_id == "20261128-130000-0002"
    assert second.created == () and second.linked == ()
    assert [(c.name, c.old, c.new) for c in second.changed] == [
        ("phone", "+493023125101", "+493099999999")
    ]
    assert (second.created_count, second.updated_count, second.rejected_count) == (0, 1, 0)

    detail = CliRunner().invoke(
        main, ["history", second.run_id, "--data-dir", str(tmp_path)], env=ENGLISH
    )
    assert detail.exit_code == 0, detail.output
    oid = second.changed[0].record_id
    assert detail.output.splitlines() == [
        "Run 20261128-130000-0002: 2026-11-28 13:00 to 2026-11-28 13:00, exit code 0",
        "Files:",
        "  kunden_2026-11-28.csv (customers): processed → processed/20261128T130000Z_"
        "kunden_2026-11-28.csv, 1 rows, 0 rejected",
        "Properties changed (1):",
        f"  contacts {oid} phone: +493023125101 → +493099999999",
    ]
    listed = CliRunner().invoke(main, ["history", "--json", "--data-dir", str(tmp_path)])
    lines = [json.loads(line) for line in listed.output.splitlines()]
    assert [line["run_id"] for line in lines] == [first.run_id, second.run_id]


def test_the_ledger_stays_0600_and_a_torn_last_line_is_ignored(
    emulator: Emulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    p = portal(emulator, tmp_path)
    p.drop_samples()
    p.run()
    path = Ledger(tmp_path / ".hubsync").path
    os.chmod(path, 0o644)
    with path.open("ab") as handle:
        handle.write(b'{"run_id": "20261128-1')  # a crash in the middle of an append
    caplog.set_level(logging.WARNING)

    assert len(ledger(p)) == 1
    assert "line 2: torn by an interrupted write, ignored" in caplog.text
    p.clock = fixed(NOW + timedelta(hours=1))
    p.write("kunden_2026-11-28.csv", first_customer("030 99999999"))
    p.run()

    assert [r.seq for r in ledger(p)] == [1, 2]
    assert _mode(path) == 0o600
    listed = CliRunner().invoke(main, ["history", "--data-dir", str(tmp_path)], env=ENGLISH)
    assert listed.exit_code == 0 and "Traceback" not in listed.output
    assert [line.split()[0] for line in listed.stdout.splitlines()[1:]] == [
        "20261128-120000-0001",
        "20261128-130000-0002",
    ]


def test_the_ledger_is_pruned_by_retention(emulator: Emulator, tmp_path: Path) -> None:
    p = portal(emulator, tmp_path, retention_days=30)
    p.drop_samples()
    p.run()
    p.clock = fixed(NOW + timedelta(days=31))
    p.write("kunden_2026-12-29.csv", first_customer("030 99999999"))
    p.run()

    [kept] = ledger(p)
    assert kept.started == NOW + timedelta(days=31) and kept.seq == 2
    assert _mode(Ledger(tmp_path / ".hubsync").path) == 0o600


def test_retention_0_keeps_everything_and_a_dry_run_keeps_no_record(
    emulator: Emulator, tmp_path: Path
) -> None:
    p = portal(emulator, tmp_path)
    p.drop_samples()
    p.run(dry_run=True)
    assert ledger(p) == []
    p.run()
    p.clock = fixed(NOW + timedelta(days=4000))
    p.write("kunden_2037-11-28.csv", first_customer("030 99999999"))
    p.run()
    assert len(ledger(p)) == 2


def test_history_of_an_empty_ledger_and_an_unknown_run(tmp_path: Path) -> None:
    empty = CliRunner().invoke(main, ["history", "--data-dir", str(tmp_path)], env=ENGLISH)
    assert (empty.exit_code, empty.output) == (
        0,
        "The ledger is empty: no run has written anything to HubSpot yet.\n",
    )
    unknown = CliRunner().invoke(
        main, ["history", "2026", "--data-dir", str(tmp_path)], env=ENGLISH
    )
    path = tmp_path / ".hubsync" / "ledger.jsonl"
    assert unknown.exit_code == 2
    assert unknown.output == (
        f"No run '2026' in the ledger ({path}); `hubsync history` lists the runs.\n"
    )


@pytest.mark.parametrize("key", sorted(HISTORY))
def test_every_history_text_has_both_languages(key: str) -> None:
    text = HISTORY[key]
    for template in (text.de, text.en):
        assert template.strip()
        fields = [f for f in __import__("string").Formatter().parse(template) if f[1]]
        assert render(template, {f[1]: "x" for f in fields}, 2)


def test_a_record_the_run_did_not_read_is_read_before_it_is_written(
    emulator: Emulator, tmp_path: Path
) -> None:
    from hubsync.hubspot.journal import WriteJournal
    from hubsync.run.services import connect

    made = emulator.store.create("contacts")
    emulator.store.write("contacts", made, {"email": "a@b.de", "phone": "+491"})
    p = Portal(emulator, tmp_path)
    with connect(p.settings) as client:
        client.journal = WriteJournal()
        before = emulator.calls()
        client.update("contacts", {made: {"phone": "+492"}})
        assert emulator.calls() - before == 2  # the read of the old value, the write
        client.update("contacts", {made: {"phone": "+493"}})
        assert emulator.calls() - before == 3  # now known: the write only
        changes = [(c.old, c.new) for c in client.journal.entries().changed]
    assert changes == [("+491", "+492"), ("+492", "+493")]


def test_a_ledger_record_survives_json_compactly_and_in_order() -> None:
    from datetime import datetime

    from hubsync.history.entries import LedgerRecord
    from hubsync.hubspot.journal import Changed, Created

    at = datetime(2026, 11, 28, 12, tzinfo=UTC)
    record = LedgerRecord(
        run_id="20261128-120000-0001",
        seq=1,
        started=at,
        finished=at,
        exit_code=0,
        created=(Created("contacts", "1"), Created("deals", "7"), Created("contacts", "2")),
        changed=(
            Changed("contacts", "1", "phone", None, "+491"),
            Changed("contacts", "1", "city", None, "Urbach"),
            Changed("contacts", "1", "phone", "+491", "+492"),  # written twice in one run
            Changed("deals", "7", "amount", None, "36"),
        ),
    )
    data = record.to_json()
    assert data["created"] == {"contacts": ["1", "2"], "deals": ["7"]}
    assert data["changed"][0] == {
        "object_type": "contacts",
        "record_id": "1",
        "values": {"phone": [None, "+491"], "city": [None, "Urbach"]},
    }
    back = LedgerRecord.from_json(json.loads(json.dumps(data)))
    assert sorted(back.created, key=str) == sorted(record.created, key=str)
    phone = [c for c in back.changed if c.name == "phone"]
    assert [(c.old, c.new) for c in phone] == [(None, "+491"), ("+491", "+492")]
    assert set(back.changed) == set(record.changed)
