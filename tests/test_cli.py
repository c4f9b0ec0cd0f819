"""The command line over the file lifecycle, against the HubSpot emulator over real HTTP."""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import stat
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner, Result

from hubsync.cli import main
from hubsync.config import load_settings
from hubsync.emulator import Emulator, FaultPlan
from hubsync.hubspot import HubSpotClient
from hubsync.inbox.folders import Inbox
from hubsync.mapping.load import load_mapping
from hubsync.report.console import render_console
from hubsync.run.demo import drop_samples, sample_files
from hubsync.run.job import JobServices, run_job
from hubsync.run.pipeline import Collaborators, RunOptions
from hubsync.run.services import client_options
from hubsync.summary import ExitCode

DATA = Path(__file__).parent / "data"
CLEAN = DATA / "cli_clean_customers.csv"
FACILITY = "McArena Schorndorf"
CUSTOMERS, JOURNAL = (p.name for p in sample_files())
# Lines of the customer sample that are rejected (5 errors + 1 shared mailbox set aside).
REJECTED_LINES = [13, 20, 24, 28, 34, 45]
ENGLISH = {"HUBSYNC_LANGUAGE": "en"}  # for the tests that read the console's English texts
DRY_RUN_NO_TOKEN = (
    "DRY RUN: nothing was written, moved or mailed. No HubSpot token: the files were only "
    "validated.\n"
)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(with_hubsync_schema=True) as emu:
        yield emu


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def env_for(
    data_dir: Path, emulator: Emulator | None = None, *, language: str | None = "en", **extra: str
) -> dict[str, str]:
    """The environment of a run; `language` is HUBSYNC_LANGUAGE (None: the default, German).

    English by default here: most tests read the console's English texts.
    """
    env = {"HUBSYNC_DATA_DIR": str(data_dir), "HUBSYNC_CONTACT_CATEGORY": FACILITY}
    if language is not None:
        env["HUBSYNC_LANGUAGE"] = language
    if emulator is not None:
        env |= {"HUBSPOT_ACCESS_TOKEN": emulator.token, "HUBSPOT_BASE_URL": emulator.url}
    return env | extra


def hubsync(data_dir: Path, *args: str, env: Mapping[str, str]) -> Result:
    """Invoke the CLI; `--env-file` points at a file that does not exist (no .env leaks in)."""
    no_env = data_dir.parent / "no-such.env"
    return CliRunner().invoke(main, [*args, "--env-file", str(no_env)], env=dict(env))


def drop(data_dir: Path, source: Path | bytes, name: str, *, age: int = 3600) -> Path:
    """Put a file into the inbox, dated back so it counts as fully uploaded."""
    inbox = data_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    target = inbox / name
    if isinstance(source, Path):
        shutil.copyfile(source, target)
    else:
        target.write_bytes(source)
    stamp = time.time() - age
    os.utime(target, (stamp, stamp))
    return target


def fingerprint(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and mtime: proof that a folder was left untouched."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def stripped(name: str) -> str:
    """`20261127T120000Z_kunden.csv` → `kunden.csv` (also with a counter)."""
    parts = name.split("_", 1)[1]
    head, _, rest = parts.partition("_")
    return rest if head.isdigit() else parts


# -- run: configuration --------------------------------------------------------------------
def test_run_without_token_exits_2_naming_the_token(data_dir: Path) -> None:
    drop_samples(data_dir / "inbox")
    before = fingerprint(data_dir / "inbox")

    result = hubsync(data_dir, "run", env=env_for(data_dir))

    assert result.exit_code == 2
    assert result.output == (
        "hubsync: configuration problem:\n"
        "  - HUBSPOT_ACCESS_TOKEN is not set: create a Service Key (or use a private-app "
        "token) with the scopes listed in the README and put it in .env.\n"
    )
    assert fingerprint(data_dir / "inbox") == before


def test_run_without_category_exits_2_naming_it(data_dir: Path, emulator: Emulator) -> None:
    env = env_for(data_dir, emulator)
    del env["HUBSYNC_CONTACT_CATEGORY"]

    result = hubsync(data_dir, "run", env=env)

    assert result.exit_code == 2
    assert result.output == (
        "hubsync: configuration problem:\n"
        "  - HUBSYNC_CONTACT_CATEGORY is not set: name the facility every contact is "
        "assigned to, e.g. HUBSYNC_CONTACT_CATEGORY=McArena Schorndorf\n"
    )
    assert emulator.calls() == 0


def test_data_dir_option_wins_over_environment(tmp_path: Path) -> None:
    chosen, ignored = tmp_path / "chosen", tmp_path / "ignored"
    drop(chosen, CLEAN, "chosen_customers.csv")
    drop(ignored, CLEAN, "ignored_customers.csv")

    result = hubsync(
        tmp_path / "x", "run", "--dry-run", "--data-dir", str(chosen), env=env_for(ignored)
    )

    assert result.exit_code == 0, result.output
    assert "chosen_customers.csv [customers] → preview" in result.output
    assert "ignored_customers.csv" not in result.output


# -- run: dry run --------------------------------------------------------------------------
def test_dry_run_without_token_validates_only_and_moves_nothing(data_dir: Path) -> None:
    drop_samples(data_dir / "inbox")
    before = fingerprint(data_dir / "inbox")

    result = hubsync(data_dir, "run", "--dry-run", env=env_for(data_dir))

    assert result.exit_code == 1
    assert result.output.startswith(DRY_RUN_NO_TOKEN)
    assert f"{CUSTOMERS} [customers] → preview\n" in result.output
    assert f"{JOURNAL} [bookings] → preview\n" in result.output
    assert (
        "  rejected rows: 6 (placeholder instead of an e-mail address 2, invalid e-mail "
        "address 2, no e-mail address 1, "
    ) in result.output
    assert fingerprint(data_dir / "inbox") == before
    assert names(data_dir / "processed") == names(data_dir / "errorprocessed") == []


def test_dry_run_without_token_on_a_clean_file_exits_0(data_dir: Path) -> None:
    drop(data_dir, CLEAN, "kunden.csv")

    result = hubsync(data_dir, "run", "--dry-run", env=env_for(data_dir))

    assert result.exit_code == 0
    assert result.output == (
        DRY_RUN_NO_TOKEN + "kunden.csv [customers] → preview\n"
        "  3 rows; contacts would be created 3, would be updated 0, unchanged 0\n"
    )
    assert names(data_dir / "inbox") == ["kunden.csv"]


CHANGED_PHONE = CLEAN.read_bytes().replace(b"07181 654321", b"07181 999999")
NEW_ROW = b"20004;Frau;Petra;Neu;Bahnhofstr.;1;73614;Schorndorf;DE;;petra.neu@example.com\r\n"


def imported_once(data_dir: Path, emulator: Emulator) -> dict[str, str]:
    """Import the clean file; returns the env for the next run."""
    env = env_for(data_dir, emulator)
    drop(data_dir, CLEAN, "kunden.csv")
    assert hubsync(data_dir, "run", env=env).exit_code == 0
    return env


def test_dry_run_against_hubspot_shows_the_plan_and_writes_nothing(
    data_dir: Path, emulator: Emulator
) -> None:
    env = imported_once(data_dir, emulator)
    drop(data_dir, CHANGED_PHONE + NEW_ROW, "kunden.csv")
    before = fingerprint(data_dir / "inbox")
    writes, snapshot = emulator.write_calls(), emulator.store.snapshot()

    result = hubsync(data_dir, "run", "--dry-run", env=env)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [
        "DRY RUN: nothing was written, moved or mailed.",
        "kunden.csv [customers] → preview",
        "  4 rows; contacts would be created 1, would be updated 1, unchanged 2",
    ]
    assert "  properties would be updated: phone" in result.output
    assert emulator.write_calls() == writes
    assert emulator.store.snapshot() == snapshot
    assert fingerprint(data_dir / "inbox") == before
    assert len(names(data_dir / "processed")) == 1


def test_dry_run_counts_the_contacts_per_updated_property(
    data_dir: Path, emulator: Emulator
) -> None:
    env = imported_once(data_dir, emulator)
    drop(data_dir, CHANGED_PHONE, "kunden.csv")

    result = hubsync(data_dir, "run", "--dry-run", env=env)

    assert "  properties would be updated: phone (1)\n" in result.output
    assert "+497181999999" not in result.output


def test_run_updates_contacts_whose_changes_differ(data_dir: Path, emulator: Emulator) -> None:
    env = imported_once(data_dir, emulator)
    drop(data_dir, CHANGED_PHONE.replace(b"Waiblingen", b"Fellbach"), "kunden.csv")

    result = hubsync(data_dir, "run", "-v", env=env)

    assert result.exit_code == 0, result.output
    assert "  3 rows; contacts created 0, updated 2, unchanged 1\n" in result.stdout
    assert "  properties updated: city (1), phone (1)\n" in result.stdout
    cities = {c["email"]: c.get("city") for c in emulator.store.contacts.values()}
    assert cities["m.probe@example.org"] == "Fellbach"
    assert names(data_dir / "inbox") == []


def test_dry_run_predicts_the_real_runs_counts(data_dir: Path, emulator: Emulator) -> None:
    env = env_for(data_dir, emulator)
    drop_samples(data_dir / "inbox")

    preview = hubsync(data_dir, "run", "--dry-run", env=env)
    real = hubsync(data_dir, "run", env=env)

    def counts(output: str) -> list[str]:
        return [line.replace("would be ", "") for line in output.splitlines() if "rows;" in line]

    assert counts(preview.output) == counts(real.output)


# -- run: outcomes -------------------------------------------------------------------------
def read_errors_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    return rows[0], rows[1:]


def original_rows(path: Path, encoding: str) -> tuple[list[str], dict[int, list[str]]]:
    """The header and each record by its first physical line, as the export wrote them."""
    reader = csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline=""), delimiter=";")
    header = next(reader)
    rows, line = {}, reader.line_num
    for row in reader:
        rows[line + 1] = row
        line = reader.line_num
    return header, rows


def test_run_with_the_customer_sample_rejects_rows_into_errorprocessed(
    data_dir: Path, emulator: Emulator
) -> None:
    source = sample_files()[0]
    drop(data_dir, source, CUSTOMERS)

    result = hubsync(data_dir, "run", env=env_for(data_dir, emulator, language=None))

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert names(data_dir / "inbox") == names(data_dir / "processed") == []
    moved, report = names(data_dir / "errorprocessed")
    assert stripped(moved) == CUSTOMERS
    assert report == moved + ".errors.csv"
    assert (data_dir / "errorprocessed" / moved).read_bytes() == source.read_bytes()
    assert f"{CUSTOMERS} [Kunden] → errorprocessed (errorprocessed/{moved})" in result.output
    assert f"  Bericht: errorprocessed/{report}" in result.output
    assert len(emulator.store.contacts) == 34  # the good rows are imported all the same

    report_path = data_dir / "errorprocessed" / report
    assert stat.S_IMODE(report_path.stat().st_mode) == 0o600
    header, rows = read_errors_csv(report_path)
    original_header, records = original_rows(source, "cp1252")
    width = len(original_header) - 1  # the export ends every line with a stray ';'
    assert original_header[-1] == ""
    assert header == [*original_header[:width], "hubsync_zeile", "hubsync_fehler"]
    assert [int(r[-2]) for r in rows] == REJECTED_LINES
    for row in rows:
        assert row[:width] == records[int(row[-2])][:width]
        assert row[-1]  # a reason for every rejected row
    assert rows[2][-1] == (  # HUBSYNC_LANGUAGE defaults to German
        "E-Mail: ungültige E-Mail-Adresse 'markus.weber@example': Tragen Sie im "
        "Buchungssystem die richtige E-Mail-Adresse des Kunden ein"
    )


def fixed_report(report: Path) -> bytes:
    """What a person does with an .errors.csv: give every rejected row a real e-mail."""
    header, rows = read_errors_csv(report)
    column = header.index("E-Mail")
    for number, row in enumerate(rows):
        row[column] = f"fixed{number}@example.com"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows([header, *rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def test_a_fixed_errors_csv_dropped_back_imports_the_rows(
    data_dir: Path, emulator: Emulator
) -> None:
    env = env_for(data_dir, emulator)
    drop(data_dir, sample_files()[0], CUSTOMERS)
    assert hubsync(data_dir, "run", env=env).exit_code == 1
    (report,) = (data_dir / "errorprocessed").glob("*.errors.csv")
    drop(data_dir, fixed_report(report), report.name)

    result = hubsync(data_dir, "run", "-v", env=env)

    assert result.exit_code == 0, result.output
    assert "  6 rows; contacts created 6, updated 0, unchanged 0\n" in result.stdout
    assert len(emulator.store.contacts) == 34 + 6
    assert [stripped(n) for n in names(data_dir / "processed")] == [report.name]


def test_a_fixed_errors_csv_does_not_report_hubsyncs_own_columns(
    data_dir: Path, emulator: Emulator
) -> None:
    env = env_for(data_dir, emulator)
    drop(data_dir, sample_files()[0], CUSTOMERS)
    hubsync(data_dir, "run", env=env)
    (report,) = (data_dir / "errorprocessed").glob("*.errors.csv")
    drop(data_dir, fixed_report(report), report.name)

    result = hubsync(data_dir, "run", "-v", env=env)

    assert "hubsync_zeile" not in result.stdout


def test_run_with_a_clean_file_goes_to_processed_quietly(
    data_dir: Path, emulator: Emulator
) -> None:
    drop(data_dir, CLEAN, "KUNDEN.CSV")  # upper-case extension from a Windows export

    result = hubsync(data_dir, "run", env=env_for(data_dir, emulator))

    assert result.exit_code == 0
    assert result.output == ""  # cron mails stdout: nothing to say when all went well
    assert names(data_dir / "inbox") == names(data_dir / "errorprocessed") == []
    (moved,) = names(data_dir / "processed")
    assert stripped(moved) == "KUNDEN.CSV"
    assert (data_dir / "processed" / moved).read_bytes() == CLEAN.read_bytes()
    emails = sorted(c["email"] for c in emulator.store.contacts.values())
    assert emails == [
        "jonas.beispiel@example.com",
        "m.probe@example.org",
        "sabine.muster@example.net",
    ]


def test_run_verbose_prints_the_summary(data_dir: Path, emulator: Emulator) -> None:
    drop(data_dir, CLEAN, "kunden.csv")

    result = hubsync(data_dir, "run", "-v", env=env_for(data_dir, emulator))

    assert result.exit_code == 0
    (moved,) = names(data_dir / "processed")
    assert result.stdout.startswith(
        f"kunden.csv [customers] → processed (processed/{moved})\n"
        "  3 rows; contacts created 3, updated 0, unchanged 0\n"
    )


@pytest.mark.parametrize(
    "files",
    [pytest.param([(CLEAN, "kunden.csv")], id="clean"), pytest.param(None, id="samples")],
)
def test_importing_the_same_file_again_makes_zero_write_calls(
    data_dir: Path, emulator: Emulator, files: list[tuple[Path, str]] | None
) -> None:
    """Acceptance: importing the same file a second time makes zero write calls."""
    env = env_for(data_dir, emulator)
    sources = files or [(p, p.name) for p in sample_files()]
    for source, name in sources:
        drop(data_dir, source, name)
    first = hubsync(data_dir, "run", env=env)
    assert emulator.write_calls() > 0
    snapshot = emulator.store.snapshot()
    emulator.reset_log()

    for source, name in sources:
        drop(data_dir, source, name)
    second = hubsync(data_dir, "run", env=env)

    assert second.exit_code == first.exit_code
    assert [r.path for r in emulator.log if r.kind == "write"] == []
    assert emulator.write_calls() == 0
    assert emulator.store.snapshot() == snapshot
    finished = names(data_dir / "processed") + names(data_dir / "errorprocessed")
    assert sum(1 for n in finished if not n.endswith((".errors.csv", ".errors.txt"))) == 2 * len(
        sources
    )


def test_empty_inbox_is_nothing_to_do(data_dir: Path, emulator: Emulator) -> None:
    quiet = hubsync(data_dir, "run", env=env_for(data_dir, emulator))
    verbose = hubsync(data_dir, "run", "-v", env=env_for(data_dir, emulator))
    dry = hubsync(data_dir, "run", "--dry-run", env=env_for(data_dir, emulator))

    assert (quiet.exit_code, quiet.output) == (0, "")
    assert (verbose.exit_code, verbose.stdout) == (0, "inbox: nothing to do\n")
    assert (dry.exit_code, dry.stdout) == (
        0,
        "DRY RUN: nothing was written, moved or mailed.\ninbox: nothing to do\n",
    )
    assert emulator.calls() == 0


def test_file_still_uploading_is_left_for_the_next_run(data_dir: Path, emulator: Emulator) -> None:
    drop(data_dir, CLEAN, "kunden.csv", age=5)  # younger than the default 60 s
    before = fingerprint(data_dir / "inbox")

    result = hubsync(data_dir, "run", env=env_for(data_dir, emulator))

    assert result.exit_code == 0
    assert fingerprint(data_dir / "inbox") == before
    assert emulator.calls() == 0


def test_unusable_files_go_to_errorprocessed_with_the_reason(
    data_dir: Path, emulator: Emulator
) -> None:
    drop(data_dir, DATA / "cli_binary.csv", "cli_binary.csv", age=300)
    drop(data_dir, DATA / "cli_empty.csv", "cli_empty.csv", age=200)
    drop(data_dir, DATA / "cli_no_email.csv", "kunden_ohne_email.csv", age=100)

    result = hubsync(data_dir, "run", env=env_for(data_dir, emulator, language=None))

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert names(data_dir / "inbox") == []
    folder = data_dir / "errorprocessed"
    reports = {stripped(p.name): p for p in folder.iterdir() if p.name.endswith(".errors.txt")}
    assert sorted(reports) == [
        "cli_binary.csv.errors.txt",
        "cli_empty.csv.errors.txt",
        "kunden_ohne_email.csv.errors.txt",
    ]
    moved = {stripped(p.name) for p in folder.iterdir() if p.suffix == ".csv"}
    assert moved == {"cli_binary.csv", "cli_empty.csv", "kunden_ohne_email.csv"}
    texts = {name: path.read_text(encoding="utf-8") for name, path in reports.items()}
    assert texts == {  # in HUBSYNC_LANGUAGE, German by default
        "kunden_ohne_email.csv.errors.txt": "kunden_ohne_email.csv\n\n"
        "Zeile 1: keine E-Mail-Spalte (erwartet z. B. „E-Mail“ oder „Email“)\n",
        "cli_binary.csv.errors.txt": "cli_binary.csv\n\n"
        "Binärdatei, keine Textdatei: Exportieren Sie die Daten als CSV\n",
        "cli_empty.csv.errors.txt": "cli_empty.csv\n\nDie Datei ist leer\n",
    }
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in reports.values())
    assert "  Grund: keine E-Mail-Spalte (erwartet z. B. „E-Mail“ oder „Email“)" in result.output
    assert emulator.write_calls() == 0


def test_file_level_reasons_name_the_file_not_its_old_inbox_path(
    data_dir: Path, emulator: Emulator
) -> None:
    drop(data_dir, DATA / "cli_binary.csv", "cli_binary.csv")

    env = env_for(data_dir, emulator, HUBSYNC_LANGUAGE="en")
    result = hubsync(data_dir, "run", env=env)

    (report,) = (data_dir / "errorprocessed").glob("*.errors.txt")
    assert report.read_text(encoding="utf-8") == (
        "cli_binary.csv\n\nbinary file (not text): export the data as CSV\n"
    )
    assert str(data_dir) not in result.output


# -- run: HubSpot trouble leaves the inbox untouched ---------------------------------------
def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_unreachable_hubspot_leaves_files_in_the_inbox(data_dir: Path) -> None:
    # The job core with the real client over real HTTP; only the retry pauses are skipped
    # (the CLI version of this test waits ~70 s of backoff: see the soak test below).
    drop_samples(data_dir / "inbox")
    before = fingerprint(data_dir / "inbox")
    settings = load_settings(
        None,
        environ=env_for(
            data_dir, HUBSPOT_ACCESS_TOKEN="pat-eu1-x", HUBSPOT_BASE_URL=closed_port_url()
        ),
    )
    with requests.Session() as session:
        client = HubSpotClient(session, client_options(settings), sleep=lambda _: None)
        services = JobServices(Collaborators(client))
        summary = run_job(settings, load_mapping(None), services, RunOptions())

    assert summary.exit_code is ExitCode.TEMPFAIL
    text = render_console(summary, language="en")
    assert "The files stay in the inbox; the next run retries them." in text
    assert f"{CUSTOMERS} [customers] → left in the inbox" in text
    assert fingerprint(data_dir / "inbox") == before
    assert names(data_dir / "processed") == names(data_dir / "errorprocessed") == []


@pytest.mark.soak
def test_cli_with_unreachable_hubspot_exits_75(data_dir: Path) -> None:
    drop_samples(data_dir / "inbox")
    before = fingerprint(data_dir / "inbox")
    env = env_for(data_dir, HUBSPOT_ACCESS_TOKEN="pat-eu1-x", HUBSPOT_BASE_URL=closed_port_url())

    result = hubsync(data_dir, "run", env=env)

    assert result.exit_code == 75
    assert "STOPPED: HubSpot unreachable after 7 attempts" in result.stdout
    assert fingerprint(data_dir / "inbox") == before


def test_daily_limit_exits_75_and_leaves_the_inbox(data_dir: Path, emulator: Emulator) -> None:
    drop_samples(data_dir / "inbox")
    before = fingerprint(data_dir / "inbox")
    emulator.faults = FaultPlan(daily_limit=0)

    result = hubsync(data_dir, "run", env=env_for(data_dir, emulator))

    assert result.exit_code == 75
    assert result.stdout.endswith(
        "STOPPED: HubSpot's daily API limit for this portal is used up (429 DAILY); files "
        "stay in the inbox, run again tomorrow.\n"
        "The files stay in the inbox; the next run retries them.\n"
        "HubSpot calls: 1 (writes: 0)\n"
    )
    assert fingerprint(data_dir / "inbox") == before
    assert names(data_dir / "processed") == names(data_dir / "errorprocessed") == []


def test_wrong_token_exits_2_and_leaves_the_inbox(data_dir: Path, emulator: Emulator) -> None:
    drop_samples(data_dir / "inbox")
    before = fingerprint(data_dir / "inbox")

    result = hubsync(
        data_dir, "run", env=env_for(data_dir, emulator, HUBSPOT_ACCESS_TOKEN="pat-eu1-revoked")
    )

    assert result.exit_code == 2
    assert "STOPPED: HubSpot rejected the access token (401" in result.stdout
    assert "check HUBSPOT_ACCESS_TOKEN (a Service Key or private-app token, not an API key)" in (
        result.stdout
    )
    assert "pat-eu1-revoked" not in result.output
    assert fingerprint(data_dir / "inbox") == before
    assert emulator.write_calls() == 0


def test_run_on_a_portal_not_set_up_exits_2_naming_setup(data_dir: Path) -> None:
    drop_samples(data_dir / "inbox")
    before = fingerprint(data_dir / "inbox")
    with Emulator() as bare:
        result = hubsync(data_dir, "run", env=env_for(data_dir, bare))

        assert result.exit_code == 2
        assert "HubSpot portal is not set up for hubsync:" in result.stdout
        assert "missing contact properties: " in result.stdout
        assert "kundennummer, kundennummern" in result.stdout
        assert "Run `hubsync setup` to create what is missing (it changes nothing else)." in (
            result.stdout
        )
        assert bare.write_calls() == 0
        assert bare.store.contacts == bare.store.deals == {}
    assert fingerprint(data_dir / "inbox") == before


def test_setup_then_run_works_and_setup_again_has_nothing_to_do(data_dir: Path) -> None:
    with Emulator() as bare:
        env = env_for(data_dir, bare)
        first = hubsync(data_dir, "setup", env=env)
        assert first.exit_code == 0, first.output
        assert first.output.startswith("contacts: property group 'hubsync' created\n")
        assert "contacts: property 'kontaktkategorie' (enumeration) created\n" in first.output
        assert "deals: property 'rechnungsnummer' (string) created\n" in first.output
        writes = bare.write_calls()

        second = hubsync(data_dir, "setup", env=env)
        assert (second.exit_code, second.output) == (
            0,
            "HubSpot portal already set up: nothing to do.\n",
        )
        assert bare.write_calls() == writes

        drop(data_dir, CLEAN, "kunden.csv")
        run = hubsync(data_dir, "run", env=env)
        assert run.exit_code == 0, run.output
        categories = {c.get("kontaktkategorie") for c in bare.store.contacts.values()}
        assert categories == {FACILITY}
    assert len(names(data_dir / "processed")) == 1


def test_setup_without_token_exits_2(data_dir: Path) -> None:
    result = hubsync(data_dir, "setup", env=env_for(data_dir))

    assert result.exit_code == 2
    assert "HUBSPOT_ACCESS_TOKEN is not set" in result.output


def test_setup_at_the_daily_limit_exits_75(data_dir: Path, emulator: Emulator) -> None:
    emulator.faults = FaultPlan(daily_limit=0)

    result = hubsync(data_dir, "setup", env=env_for(data_dir, emulator))

    assert result.exit_code == 75
    assert result.output.startswith(
        "hubsync: temporary failure, try again later: HubSpot's daily API limit for this "
        "portal is used up (429 DAILY)"
    )


def test_check_passes_on_a_set_up_portal(data_dir: Path, emulator: Emulator) -> None:
    result = hubsync(data_dir, "check", env=env_for(data_dir, emulator))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "[ok  ] configuration: complete"
    assert result.output.endswith("All checks passed.\n")


def test_check_fails_on_a_wrong_token_and_on_bad_settings(
    data_dir: Path, emulator: Emulator
) -> None:
    token = hubsync(
        data_dir, "check", env=env_for(data_dir, emulator, HUBSPOT_ACCESS_TOKEN="pat-eu1-no")
    )
    settings = hubsync(data_dir, "check", env=env_for(data_dir, HUBSPOT_RATE_LIMIT="viel"))

    assert token.exit_code == 2
    assert "[FAIL] HubSpot token accepted: HubSpot rejected the access token (401" in token.output
    assert token.output.endswith("Some checks failed: fix the lines marked FAIL.\n")
    assert settings.exit_code == 2
    assert settings.output.startswith(
        "[FAIL] configuration: HUBSPOT_RATE_LIMIT='viel' is not valid: expected a whole "
        "number from 1 to 10000.\n"
    )


def test_fetch_without_a_url_exits_2(data_dir: Path) -> None:
    result = hubsync(data_dir, "fetch", env=env_for(data_dir))

    assert result.exit_code == 2
    assert result.output == (
        "hubsync: configuration problem:\n"
        "  - HUBSYNC_FETCH_URL is not set: nothing to fetch from.\n"
    )


def test_run_while_another_run_holds_the_lock_exits_75(data_dir: Path, emulator: Emulator) -> None:
    drop_samples(data_dir / "inbox")
    before = fingerprint(data_dir / "inbox")

    with Inbox(data_dir).lock():
        result = hubsync(data_dir, "run", env=env_for(data_dir, emulator))

    assert result.exit_code == 75
    assert result.output == (
        f"hubsync: another hubsync run holds {data_dir / '.hubsync.lock'}; nothing was touched\n"
    )
    assert fingerprint(data_dir / "inbox") == before
    assert names(data_dir) == [".hubsync.lock", "inbox"]
    assert emulator.calls() == 0


def test_run_prunes_finished_files_past_retention(data_dir: Path, emulator: Emulator) -> None:
    Inbox(data_dir).ensure()
    old = data_dir / "processed" / "20200101T000000Z_kunden.csv"
    old.write_bytes(b"old")

    dry = hubsync(data_dir, "run", "--dry-run", env=env_for(data_dir, emulator))
    kept = hubsync(data_dir, "run", env=env_for(data_dir, emulator, HUBSYNC_RETENTION_DAYS="0"))
    assert (dry.exit_code, kept.exit_code) == (0, 0)
    assert old.exists()

    pruned = hubsync(data_dir, "run", env=env_for(data_dir, emulator, HUBSYNC_RETENTION_DAYS="30"))
    assert pruned.exit_code == 0
    assert not old.exists()


# -- validate ------------------------------------------------------------------------------
def test_validate_the_samples_reports_format_and_rejected_rows() -> None:
    folder = sample_files()[0].parent
    paths = [folder / CUSTOMERS, folder / "kunden_2026-11-27_utf8bom_komma.csv", folder / JOURNAL]

    result = CliRunner().invoke(
        main, ["validate", *map(str, paths), "--env-file", "/nonexistent/.env"], env=ENGLISH
    )

    assert result.exit_code == 1
    lines = result.output.splitlines()
    headlines = [line for line in lines if not line.startswith(" ")]
    assert headlines == [
        f"{paths[0]}: customers export, encoding cp1252, delimiter ';', header on line 1 "
        "(21 columns)",
        f"{paths[1]}: customers export, encoding utf-8-sig, delimiter ',', header on line 1 "
        "(21 columns)",
        f"{paths[2]}: bookings export, encoding cp1252, delimiter ';', header on line 4 "
        "(18 columns)",
    ]
    assert "  41 rows → 34 contacts; rejected 5, for review 1, merged 1, warnings 5" in lines
    assert "  122 rows → 116 documents (114 deals, 2 stornos); rejected 0, warnings 0" in lines
    assert (
        "  error line 24, column 'E-Mail': invalid e-mail address 'markus.weber@example': "
        "enter the customer's real e-mail address in the booking system"
    ) in lines


def test_validate_a_clean_file_exits_0() -> None:
    result = CliRunner().invoke(
        main, ["validate", str(CLEAN), "--env-file", "/nonexistent"], env=ENGLISH
    )

    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        f"{CLEAN}: customers export, encoding utf-8, delimiter ';', header on line 1 (11 columns)"
    )
    assert "  3 rows → 3 contacts; rejected 0, for review 0, merged 0, warnings 0" in (
        result.output
    )


def test_validate_a_missing_path_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "kunden.csv"

    result = CliRunner().invoke(
        main, ["validate", str(missing), "--env-file", "/nonexistent"], env=ENGLISH
    )

    assert result.exit_code == 1
    assert result.output == f"{missing}: no such file\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_validate_an_unusable_file_says_why() -> None:
    result = CliRunner().invoke(
        main,
        ["validate", str(DATA / "cli_no_email.csv"), "--env-file", "/nonexistent"],
        env=ENGLISH,
    )

    assert result.exit_code == 1
    assert result.output.startswith(f"{DATA / 'cli_no_email.csv'}: REJECTED: cli_no_email.csv")
    assert "needs an e-mail column" in result.output


# -- help, version, demo -------------------------------------------------------------------
@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])

    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: main {command} ")
    summary = (main.commands[command].help or "").split("\n\n")[0]
    assert " ".join(summary.split()) in " ".join(result.output.split())


def test_main_help_and_version() -> None:
    assert CliRunner().invoke(main, ["--help"]).exit_code == 0
    version = CliRunner().invoke(main, ["--version"])
    assert (version.exit_code, version.output) == (0, "hubsync, version 0.1.0\n")


def test_demo_runs_and_exits_0() -> None:
    result = CliRunner().invoke(main, ["demo", "--language", "en"])

    assert result.exit_code == 0, result.output
    assert "HubSpot now holds " in result.output
    assert result.output.endswith("second run wrote nothing: unchanged rows cost no writes.\n")


def test_demo_keep_leaves_the_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--keep", str(tmp_path / "demo")], env=ENGLISH)

    assert result.exit_code == 0, result.output
    assert len(names(tmp_path / "demo" / "processed")) == 2  # the journal, twice
    assert f"files and reports kept in {tmp_path / 'demo'}" in result.output
