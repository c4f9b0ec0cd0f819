"""`hubsync undo RUN` against the emulator: a whole import, a changed phone, later edits."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from clocks import NOW, fixed
from history_helpers import LATER, contact, first_customer, ledger, portal, undo
from snapshots import differences

from hubsync.cli import main
from hubsync.emulator import Emulator
from hubsync.history.render import undo_lines

EMAIL = "jonas.kuebler@example.com"  # customer 10001


def _env(emulator: Emulator, data_dir: Path) -> dict[str, str]:
    return {
        "HUBSPOT_ACCESS_TOKEN": emulator.token,
        "HUBSPOT_BASE_URL": emulator.url,
        "HUBSYNC_DATA_DIR": str(data_dir),
        "HUBSYNC_LANGUAGE": "en",
    }


def test_undo_of_an_import_into_an_empty_portal_leaves_it_as_before(
    emulator: Emulator, tmp_path: Path
) -> None:
    p = portal(emulator, tmp_path)
    before = p.snapshot()
    p.drop_samples()
    p.run()
    [run] = ledger(p)
    after_run = p.snapshot()
    env = _env(emulator, tmp_path)

    emulator.reset_log()
    preview = CliRunner().invoke(main, ["undo", run.run_id, "--dry-run"], env=env)
    assert preview.exit_code == 0, preview.output
    assert emulator.write_calls() == 0 and p.snapshot() == after_run
    assert preview.output.splitlines()[:2] == [
        f"[dry run] Undo of {run.run_id}: nothing was written.",
        f"  records would be archived: {run.created_count}; properties would be restored: 0; "
        "associations would be removed: 0; figures would be recomputed: 0; already as before: 0",
    ]

    emulator.reset_log()
    done = CliRunner().invoke(main, ["undo", run.run_id], env=env)
    assert done.exit_code == 0, done.output
    assert differences(p.snapshot(), before) == []
    assert p.snapshot() == before
    calls, writes = emulator.calls(), emulator.write_calls()
    assert (calls, writes) == (12, 4)  # schema 4, reads 4 (≤ 100 each), archives 4
    assert "  Everything undone." in done.output

    again = CliRunner().invoke(main, ["undo", run.run_id], env=env)
    assert again.exit_code == 0
    undo_id = ledger(p)[-1].run_id
    assert again.output.endswith(f"already ({undo_id}): nothing to do.\n")
    assert [r.kind for r in ledger(p)] == ["run", "undo"]


def test_undo_of_a_second_run_restores_the_old_phone(emulator: Emulator, tmp_path: Path) -> None:
    p = portal(emulator, tmp_path)
    p.drop_samples()
    p.run()
    oid, props = contact(p, EMAIL)
    old_phone = props["phone"]
    p.clock = fixed(LATER)
    p.write("kunden_2026-11-28.csv", first_customer("030 99999999"))
    p.run()
    assert emulator.store.contacts[oid]["phone"] == "+493099999999"
    before_undo = p.snapshot()
    second = ledger(p)[-1]

    report = undo(p, second.run_id, at=LATER + timedelta(hours=1))

    assert emulator.store.contacts[oid]["phone"] == old_phone
    assert [(r.name, r.value) for r in report.plan.restore] == [("phone", old_phone)]
    assert report.problems == () and report.exit_code == 0
    changed = differences(p.snapshot(), before_undo)
    assert changed == [("contacts", EMAIL, "phone", old_phone, "+493099999999")]


def test_a_property_edited_after_the_run_is_left_alone_and_reported(
    emulator: Emulator, tmp_path: Path
) -> None:
    p = portal(emulator, tmp_path)
    p.drop_samples()
    p.run()
    p.clock = fixed(LATER)
    p.write("kunden_2026-11-28.csv", first_customer("030 99999999"))
    p.run()
    oid, _ = contact(p, EMAIL)
    emulator.store.write("contacts", oid, {"phone": "+4971819999"})  # a person, in HubSpot
    second = ledger(p)[-1]

    report = undo(p, second.run_id, at=LATER + timedelta(hours=1))

    assert emulator.store.contacts[oid]["phone"] == "+4971819999"
    assert report.exit_code == 1 and report.plan.restore == ()
    assert undo_lines(report, "en")[2:] == [
        "Not undone (1):",
        f"  contacts {oid} phone: changed since the run (now +4971819999, the run wrote "
        "+493099999999); left alone",
        f"Recorded as {ledger(p)[-1].run_id}; `hubsync undo {ledger(p)[-1].run_id}` puts the "
        "properties back to the run's values.",
    ]


def test_a_created_record_edited_since_stays_and_is_reported(
    emulator: Emulator, tmp_path: Path
) -> None:
    p = portal(emulator, tmp_path)
    p.drop_samples()
    p.run()
    oid, _ = contact(p, EMAIL)
    emulator.store.write("contacts", oid, {"firstname": "Jonah"})
    [run] = ledger(p)

    report = undo(p, run.run_id)

    assert set(emulator.store.contacts) == {oid}
    assert emulator.store.deals == {}  # its deals were the run's, unchanged: archived
    [problem] = report.problems
    assert (problem.what, problem.record_id, problem.name, problem.now) == (
        "record",
        oid,
        "firstname",
        "Jonah",
    )
    figures = emulator.store.contacts[oid]
    assert figures.get("anzahl_buchungen") in (None, "0")  # recomputed: its deals are gone


def test_an_undo_can_be_undone_for_properties(emulator: Emulator, tmp_path: Path) -> None:
    p = portal(emulator, tmp_path)
    p.drop_samples()
    p.run()
    p.clock = fixed(LATER)
    p.write("kunden_2026-11-28.csv", first_customer("030 99999999"))
    p.run()
    oid, _ = contact(p, EMAIL)
    first_undo = undo(p, ledger(p)[-1].run_id, at=LATER + timedelta(hours=1))
    assert first_undo.record is not None
    assert [(c.name, c.new) for c in first_undo.record.changed] == [("phone", "+493023125101")]

    again = undo(p, first_undo.record.run_id, at=LATER + timedelta(hours=2))

    assert emulator.store.contacts[oid]["phone"] == "+493099999999"
    assert again.problems == ()
    assert [r.kind for r in ledger(p)] == ["run", "run", "undo", "undo"]
    assert ledger(p)[-1].undoes == first_undo.record.run_id
    assert ledger(p)[-1].started > NOW
