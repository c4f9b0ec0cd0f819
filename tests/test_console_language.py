"""What a person reads follows HUBSYNC_LANGUAGE (German by default): console, validate, check,
the CLI's frames, the missing-export alert and the demo."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

from click.testing import CliRunner

from hubsync.cli import main
from hubsync.config import Settings, load_settings
from hubsync.emulator import Emulator
from hubsync.mapping.load import load_mapping
from hubsync.records import RowError, RowWarning
from hubsync.report.console import render_console
from hubsync.run.checks import run_checks
from hubsync.run.job import JobServices, run_job
from hubsync.run.pipeline import Collaborators, RunOptions
from hubsync.run.services import open_client
from hubsync.run.validate import validate_files
from hubsync.summary import (
    CompanyCounts,
    ExitCode,
    FileKind,
    FileOutcome,
    FileStatus,
    RunSummary,
)

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 28)
START = datetime(2026, 11, 28, 6)


def _summary(**extra: object) -> RunSummary:
    outcome = FileOutcome(
        "kunden.csv",
        FileKind.CUSTOMERS,
        FileStatus.PREVIEWED,
        rows=3,
        contacts_created=1,
        contacts_updated=1,
        contacts_unchanged=1,
        errors=(RowError.of(4, "E-Mail", "email_missing"),),
        warnings=(RowWarning.of(5, None, "skipped"),),
    )
    return RunSummary(START, START, (outcome,), dry_run=True, **extra)  # type: ignore[arg-type]


def test_the_console_is_german_by_default_frame_and_rows_alike() -> None:
    summary = _summary(alerts=("seit mehr als 30 Stunden kein neuer Export",))

    text = render_console(summary, validated_only=True)

    assert text.splitlines() == [
        "PROBELAUF: nichts wurde geschrieben, verschoben oder gemailt. Kein HubSpot-Token: "
        "Die Dateien wurden nur geprüft.",
        "kunden.csv [Kunden] → Vorschau",
        "  3 Zeilen; Kontakte würden angelegt 1, würden aktualisiert 1, unverändert 1",
        "  abgelehnte Zeilen: 1 (keine E-Mail-Adresse 1)",
        "    Zeile 4, Spalte „E-Mail“: keine E-Mail-Adresse: Tragen Sie im Buchungssystem die "
        "E-Mail-Adresse des Kunden ein",
        "  Warnungen: 1",
        "    Zeile 5: Zeile ohne Belegnummer, Datum, Betrag und Kunde übersprungen",
        "WARNUNG: seit mehr als 30 Stunden kein neuer Export",
    ]


def test_the_console_in_english() -> None:
    text = render_console(_summary(), language="en")

    assert "kunden.csv [customers] → preview" in text
    assert "  3 rows; contacts would be created 1, would be updated 1, unchanged 1" in text
    assert (
        "    line 4, column 'E-Mail': no e-mail address: enter the customer's e-mail in the "
        "booking system"
    ) in text


COMPANIES = CompanyCounts(
    created=("TSV Urbach e.V.", "Bäckerei Lang"),
    adopted=("Ziegler Haustechnik GmbH",),
    updated=1,
    unchanged=3,
)


def _with_companies(companies: CompanyCounts, dry_run: bool) -> RunSummary:
    status = FileStatus.PREVIEWED if dry_run else FileStatus.PROCESSED
    outcome = FileOutcome(
        "kunden.csv", FileKind.CUSTOMERS, status, rows=7, contacts_unchanged=7, companies=companies
    )
    return RunSummary(START, START, (outcome,), dry_run=dry_run)


def test_a_dry_run_names_the_companies_it_would_create_or_adopt() -> None:
    german = render_console(_with_companies(COMPANIES, dry_run=True)).splitlines()
    english = render_console(_with_companies(COMPANIES, dry_run=True), language="en").splitlines()

    assert german[3:] == [
        "  Firmen: 2 würden angelegt, 1 würde übernommen, 1 würde aktualisiert, 3 unverändert",
        "    neu: TSV Urbach e.V., Bäckerei Lang",
        "    übernommen (in HubSpot gefunden): Ziegler Haustechnik GmbH",
    ]
    assert english[3:] == [
        "  companies: 2 would be created, 1 would be adopted, 1 would be updated, 3 unchanged",
        "    new: TSV Urbach e.V., Bäckerei Lang",
        "    adopted (found in HubSpot): Ziegler Haustechnik GmbH",
    ]


def test_a_run_counts_the_companies_without_names() -> None:
    german = render_console(_with_companies(COMPANIES, dry_run=False)).splitlines()
    english = render_console(_with_companies(COMPANIES, dry_run=False), language="en")

    assert german[1:] == [
        "  7 Zeilen; Kontakte angelegt 0, aktualisiert 0, unverändert 7",
        "  Firmen: 2 angelegt, 1 übernommen, 1 aktualisiert, 3 unverändert",
    ]
    assert english.splitlines()[2] == ("  companies: 2 created, 1 adopted, 1 updated, 3 unchanged")
    assert "TSV Urbach" not in english


def test_no_companies_no_company_lines() -> None:
    for dry_run in (True, False):
        for language in ("de", "en"):
            text = render_console(_with_companies(CompanyCounts(), dry_run), language=language)
            assert "Firmen" not in text and "compan" not in text
    only_adopted = render_console(
        _with_companies(CompanyCounts(adopted=("Ziegler",)), dry_run=True)
    ).splitlines()
    assert only_adopted[3:] == [
        "  Firmen: 0 würden angelegt, 1 würde übernommen, 0 würden aktualisiert, 0 unverändert",
        "    übernommen (in HubSpot gefunden): Ziegler",
    ]


def test_many_company_names_are_cut_after_ten() -> None:
    many = CompanyCounts(created=tuple(f"Verein {i}" for i in range(1, 14)))

    german = render_console(_with_companies(many, dry_run=True)).splitlines()
    english = render_console(_with_companies(many, dry_run=True), language="en").splitlines()

    names = ", ".join(f"Verein {i}" for i in range(1, 11))
    assert german[4] == f"    neu: {names} … und 3 weitere"
    assert english[4] == f"    new: {names} … and 3 more"
    assert "Verein 11" not in german[4]


def test_validate_speaks_german() -> None:
    clean = DATA / "cli_clean_customers.csv"
    settings = Settings(data_dir=Path("."))

    text, ok = validate_files([clean, DATA / "cli_no_email.csv"], None, settings, today=TODAY)

    lines = text.splitlines()
    assert lines[0] == (
        f"{clean}: Kundenexport, Kodierung utf-8, Trennzeichen ';', Kopfzeile in Zeile 1 "
        "(11 Spalten)"
    )
    assert "  3 Zeilen → 3 Kontakte; abgelehnt 0, zur Prüfung 0, zusammengeführt 0, " in text
    assert lines[-1].startswith(
        f"{DATA / 'cli_no_email.csv'}: ABGELEHNT: cli_no_email.csv, Zeile 1: weder ein "
        "Kundenexport (braucht eine E-Mail-Spalte)"
    )
    assert not ok


def test_check_speaks_german(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, contact_category="McArena Schorndorf")

    lines, ok = run_checks(settings, [])

    assert "[ok  ] Ordner inbox/ beschreibbar" in lines
    assert "[FAIL] HubSpot-Token: HUBSPOT_ACCESS_TOKEN ist nicht gesetzt" in lines
    assert "[skip] SMTP: SMTP_HOST/MAIL_TO nicht gesetzt: keine Zusammenfassungs-Mails" in lines
    assert lines[-1] == (
        "Einige Prüfungen sind fehlgeschlagen: Beheben Sie die mit FAIL markierten Zeilen."
    )
    assert not ok
    assert run_checks(None, ["kaputt"])[0] == ["[FAIL] Konfiguration: kaputt"]


def test_the_cli_frame_follows_the_language_even_when_the_settings_fail(tmp_path: Path) -> None:
    def run(env_file: Path, **env: str) -> str:
        args = ["run", "--env-file", str(env_file)]
        result = CliRunner().invoke(main, args, env={"HUBSYNC_DATA_DIR": str(tmp_path), **env})
        assert result.exit_code == 2
        return result.output

    german = run(tmp_path / "absent.env")
    english = run(tmp_path / "absent.env", HUBSYNC_LANGUAGE="en")
    (tmp_path / "en.env").write_text("HUBSYNC_LANGUAGE=en\n")
    from_file = run(tmp_path / "en.env")

    assert german.startswith("hubsync: Konfigurationsproblem:\n  - HUBSPOT_ACCESS_TOKEN ")
    assert english.startswith("hubsync: configuration problem:\n  - HUBSPOT_ACCESS_TOKEN ")
    assert from_file == english


def test_the_missing_export_alert_is_german_in_a_german_run(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "processed").mkdir(parents=True)
    old = data_dir / "processed" / "20261120T080000Z_kunden.csv"
    old.write_text("x")
    stamp = datetime(2026, 11, 20, 8, tzinfo=UTC).timestamp()
    os.utime(old, (stamp, stamp))
    now = datetime(2026, 11, 28, 9, tzinfo=UTC)
    with Emulator(with_hubsync_schema=True) as emulator:
        env = {
            "HUBSYNC_DATA_DIR": str(data_dir),
            "HUBSPOT_ACCESS_TOKEN": emulator.token,
            "HUBSPOT_BASE_URL": emulator.url,
            "HUBSYNC_CONTACT_CATEGORY": "McArena Schorndorf",
            "HUBSYNC_EXPECT_EXPORT_HOURS": "30",
        }
        settings = load_settings(None, env)
        with open_client(settings) as client:
            services = JobServices(Collaborators(client, clock=lambda: now))
            summary = run_job(settings, load_mapping(None), services, RunOptions())

    (alert,) = summary.alerts
    assert alert.startswith("seit mehr als 30 Stunden kein neuer Export (zuletzt: ")
    assert summary.exit_code is ExitCode.OK


def test_the_demo_speaks_german_by_default() -> None:
    result = CliRunner().invoke(main, ["demo"])

    assert result.exit_code == 0, result.output
    assert "=== hubsync run: erster Import ===" in result.output
    assert "[Kunden] → errorprocessed" in result.output
    assert "HubSpot enthält jetzt " in result.output
    assert result.output.endswith(
        "Der zweite Lauf hat nichts geschrieben: unveränderte Zeilen kosten keine "
        "Schreibzugriffe.\n"
    )
