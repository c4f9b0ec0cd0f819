"""Rendering the run summary mail: subjects, body, HTML escaping, row limits, attachments."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hubsync import __version__
from hubsync.records import RowError, RowWarning
from hubsync.report.mail import Mail, render_summary
from hubsync.summary import (
    CompanyCounts,
    ExitCode,
    FileKind,
    FileOutcome,
    FileStatus,
    RunSummary,
)

DATA = Path("/srv/hubsync")
START = datetime(2026, 11, 27, 6, 0, 3)


def _ok(name: str = "kunden.csv", **kwargs: Any) -> FileOutcome:
    return FileOutcome(name, FileKind.CUSTOMERS, FileStatus.PROCESSED, rows=3, **kwargs)


def _bad(name: str = "kunden_fehler.csv", errors: int = 1, **kwargs: Any) -> FileOutcome:
    return FileOutcome(
        name,
        FileKind.CUSTOMERS,
        FileStatus.ERRORPROCESSED,
        rows=errors + 1,
        report=f"errorprocessed/2026-11-27T060003_{name}.errors.csv",
        errors=tuple(
            RowError(line, "E-Mail", f"ungültig in Zeile {line}", "email_invalid")
            for line in range(2, 2 + errors)
        ),
        **kwargs,
    )


def _left(name: str) -> FileOutcome:
    return FileOutcome(name, FileKind.BOOKINGS, FileStatus.LEFT, reason="HubSpot 503")


def _summary(*files: FileOutcome, **kwargs: Any) -> RunSummary:
    finished = datetime(2026, 11, 27, 6, 1, 26)
    return RunSummary(started_at=START, finished_at=finished, files=files, **kwargs)


def _render(summary: RunSummary, language: str = "de", **kwargs: Any) -> Mail:
    return render_summary(summary, language=language, data_dir=DATA, **kwargs)


SUBJECTS = [
    ("all-ok", _summary(_ok("a.csv"), _ok("b.csv"), _ok("c.csv")), "3 Dateien OK", "3 files OK"),
    ("one-ok", _summary(_ok()), "1 Datei OK", "1 file OK"),
    (
        "errors",
        _summary(_bad(), _ok("a.csv"), _ok("b.csv")),
        "1 Datei mit Fehlern, 2 OK",
        "1 file with errors, 2 OK",
    ),
    (
        "transient",
        _summary(_left("a.csv"), _left("b.csv"), fatal="HubSpot 503", fatal_kind=ExitCode.TEMPFAIL),
        "HubSpot nicht erreichbar – 2 Dateien warten",
        "HubSpot unreachable – 2 files waiting",
    ),
    (
        "config",
        _summary(fatal="HUBSPOT_ACCESS_TOKEN fehlt", fatal_kind=ExitCode.CONFIG),
        "Konfigurationsfehler",
        "configuration error",
    ),
    ("nothing", _summary(), "nichts zu tun", "nothing to do"),
]


@pytest.mark.parametrize(
    ("summary", "de", "en"), [s[1:] for s in SUBJECTS], ids=[s[0] for s in SUBJECTS]
)
def test_subject_says_what_happened(summary: RunSummary, de: str, en: str) -> None:
    assert _render(summary, "de").subject == f"hubsync: {de}"
    assert _render(summary, "en").subject == f"hubsync: {en}"


def test_dry_run_is_marked() -> None:
    summary = _summary(
        FileOutcome("kunden.csv", FileKind.CUSTOMERS, FileStatus.PREVIEWED, rows=3), dry_run=True
    )
    de, en = _render(summary, "de"), _render(summary, "en")
    assert de.subject == "[Probelauf] hubsync: 1 Datei OK"
    assert en.subject == "[Dry run] hubsync: 1 file OK"
    assert "Probelauf: Nichts wurde nach HubSpot geschrieben" in de.text
    assert "Dry run: nothing was written to HubSpot" in en.text


def test_reviews_and_alerts_show_in_the_subject() -> None:
    review = RowError(5, "E-Mail", "familie@example.org teilen sich 2 Kunden", "shared_mailbox")
    summary = _summary(_ok(reviews=(review,)), alerts=("kein neuer Export seit 30 Stunden",))
    mail = _render(summary)
    assert mail.subject == (
        "hubsync: 1 Datei OK, 1 Zeile zur Prüfung, kein neuer Export seit 30 Stunden"
    )
    assert "Zur Prüfung (gemeinsames Postfach)" in mail.text
    assert "familie@example.org teilen sich 2 Kunden" in mail.text


def test_file_line_has_counts_in_german_number_format() -> None:
    journal = FileOutcome(
        "journal.csv",
        FileKind.BOOKINGS,
        FileStatus.PROCESSED,
        rows=12345,
        deals_created=1234,
        deals_updated=5,
        deals_cancelled=2,
        unassigned=3,
    )
    customers = _bad(errors=2, contacts_created=1000, contacts_updated=7, contacts_unchanged=1)
    de = _render(_summary(journal, customers)).text
    assert (
        "- journal.csv: importiert · Zeilen: 12.345 · Deals: 1.234 neu, 5 aktualisiert, "
        "0 unverändert, 2 storniert · ohne Kontakt: 3"
    ) in de
    assert (
        "- kunden_fehler.csv: mit Fehlern importiert · Zeilen: 3 · Kontakte: 1.000 neu, "
        "7 aktualisiert, 1 unverändert · abgelehnt: 2 (ungültige E-Mail-Adresse 2)"
    ) in de
    en = _render(_summary(journal, customers), "en").text
    assert "Rows: 12,345 · Deals: 1,234 created, 5 updated, 0 unchanged, 2 cancelled" in en
    assert "rejected: 2 (invalid e-mail address 2)" in en


COMPANIES = CompanyCounts(
    created=("TSV Urbach e.V.", "Bäckerei Lang"),
    adopted=("Ziegler Haustechnik GmbH",),
    updated=1,
    unchanged=3,
)


@pytest.mark.parametrize("dry_run", [False, True], ids=["run", "dry-run"])
def test_the_companies_of_a_customer_file_are_counted_and_named(dry_run: bool) -> None:
    status = FileStatus.PREVIEWED if dry_run else FileStatus.PROCESSED
    customers = FileOutcome(
        "kunden.csv", FileKind.CUSTOMERS, status, rows=7, contacts_unchanged=7, companies=COMPANIES
    )
    journal = FileOutcome("journal.csv", FileKind.BOOKINGS, status, rows=2, deals_created=2)
    summary = _summary(customers, journal, dry_run=dry_run)
    de, en = _render(summary), _render(summary, "en")

    assert (
        "Kontakte: 0 neu, 0 aktualisiert, 7 unverändert · Firmen: 2 neu, 1 übernommen, "
        "1 aktualisiert, 3 unverändert\n"
    ) in de.text
    assert "· Deals: 2 neu, 0 aktualisiert, 0 unverändert, 0 storniert\n" in de.text
    assert (
        "Firmen\n------\n- kunden.csv – neu: TSV Urbach e.V., Bäckerei Lang\n"
        "- kunden.csv – übernommen (in HubSpot gefunden): Ziegler Haustechnik GmbH\n"
    ) in de.text
    assert "Companies: 2 created, 1 adopted, 1 updated, 3 unchanged\n" in en.text
    assert "- kunden.csv – created: TSV Urbach e.V., Bäckerei Lang\n" in en.text
    assert "- kunden.csv – adopted (found in HubSpot): Ziegler Haustechnik GmbH\n" in en.text
    assert ">Firmen</th>" in de.html and "<h3>Firmen</h3>" in de.html
    assert ">2 neu, 1 übernommen, 1 aktualisiert, 3 unverändert</td>" in de.html
    assert "<li>kunden.csv – neu: TSV Urbach e.V., Bäckerei Lang</li>" in de.html
    assert "<li>kunden.csv – adopted (found in HubSpot): Ziegler Haustechnik GmbH</li>" in en.html
    assert de.html.count("<th ") == 8  # one column more than without companies


def test_no_companies_no_company_column_or_section() -> None:
    mail = _render(_summary(_ok(), _ok("b.csv", companies=CompanyCounts())))
    assert "Firmen" not in mail.text and "Firmen" not in mail.html
    assert mail.html.count("<th ") == 7
    assert "Companies" not in _render(_summary(_ok()), "en").text


def test_many_company_names_are_cut_after_ten_and_escaped() -> None:
    names = ("<b>Club</b>", *(f"Verein {i}" for i in range(2, 15)))
    summary = _summary(_ok(companies=CompanyCounts(created=names)))
    de, en = _render(summary), _render(summary, "en")

    shown = ", ".join(names[:10])
    assert f"- kunden.csv – neu: {shown} … und 4 weitere\n" in de.text
    assert f"- kunden.csv – created: {shown} … and 4 more\n" in en.text
    assert "Verein 11" not in de.text
    assert "&lt;b&gt;Club&lt;/b&gt;, Verein 2" in de.html and "<b>Club" not in de.html


def test_rejected_rows_are_listed_with_line_column_reason_then_cut() -> None:
    summary = _summary(_bad(errors=25))
    de = _render(summary, max_rows=20).text
    assert "Zeile 2, Spalte „E-Mail“: ungültig in Zeile 2" in de
    assert "Zeile 21, Spalte „E-Mail“: ungültig in Zeile 21" in de
    assert "ungültig in Zeile 22" not in de
    assert "… und 5 weitere" in de
    en = _render(summary, "en", max_rows=3)
    assert 'line 4, column "E-Mail": ungültig in Zeile 4' in en.text
    assert "ungültig in Zeile 5" not in en.text
    assert "… and 22 more" in en.text
    assert "… and 22 more" in en.html
    assert en.html.count("ungültig in Zeile") == 3


def test_whole_row_errors_have_no_column() -> None:
    outcome = FileOutcome(
        "kunden.csv",
        FileKind.CUSTOMERS,
        FileStatus.ERRORPROCESSED,
        errors=(RowError(9, None, "Zeile hat zu viele Zellen", "ragged"),),
    )
    assert "Zeile 9: Zeile hat zu viele Zellen" in _render(_summary(outcome)).text


def test_html_escapes_untrusted_cells() -> None:
    evil = "<script>alert('x')</script>"
    outcome = FileOutcome(
        f"{evil}.csv",
        FileKind.CUSTOMERS,
        FileStatus.ERRORPROCESSED,
        errors=(RowError(3, f"<b>{evil}", f"ungültig: {evil} & mehr", "email_invalid"),),
        warnings=(RowWarning(4, "Telefon", evil, "phone_invalid"),),
        unmapped_columns=(evil,),
    )
    mail = _render(_summary(outcome, fatal=evil, fatal_kind=ExitCode.TEMPFAIL))
    assert "<script>" not in mail.html
    assert "<b>" not in mail.html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in mail.html
    assert "ungültig: &lt;script&gt;" in mail.html and "&amp; mehr" in mail.html
    assert evil in mail.text  # the text part is plain text: nothing to escape


def test_html_has_no_external_resources() -> None:
    mail = _render(_summary(_bad(), _ok()))
    for marker in ("http://", "https://", "src=", "<link", "url("):
        assert marker not in mail.html
    assert mail.html.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in mail.html


def test_attaches_error_reports_relative_to_the_data_dir() -> None:
    rejected_file = FileOutcome(
        "binär.csv",
        FileKind.UNKNOWN,
        FileStatus.ERRORPROCESSED,
        report="errorprocessed/binär.csv.errors.txt",
        reason="Datei ist binär",
    )
    other_report = _ok(report="processed/kunden.csv.log")
    mail = _render(_summary(_bad(), rejected_file, other_report))
    assert mail.attachments == (
        DATA / "errorprocessed/2026-11-27T060003_kunden_fehler.csv.errors.csv",
        DATA / "errorprocessed/binär.csv.errors.txt",
    )
    assert "- binär.csv: abgelehnt: Datei ist binär" in mail.text
    assert "Abgelehnte Datei: Prüfen Sie den Export" in mail.text


@pytest.mark.parametrize(
    ("summary", "de", "en"),
    [
        (_summary(_ok()), "Nichts zu tun.", "Nothing to do."),
        (
            _summary(_bad()),
            "Korrigieren Sie sie in der angehängten .errors.csv-Datei und legen Sie die "
            "korrigierte Datei in den Eingangsordner",
            "fix them in the attached .errors.csv file and drop the corrected file into the inbox",
        ),
        (
            _summary(_left("a.csv"), fatal="503", fatal_kind=ExitCode.TEMPFAIL),
            "Sie müssen nichts tun. Die Dateien bleiben im Eingangsordner, der nächste Lauf "
            "versucht es erneut",
            "nothing to do. The files stay in the inbox folder and the next run retries",
        ),
        (
            _summary(fatal="Token fehlt", fatal_kind=ExitCode.CONFIG),
            "Führen Sie `hubsync check` aus",
            "run `hubsync check`",
        ),
        (
            _summary(_ok(), fetch_error="sftp: timeout"),
            "der nächste Lauf versucht den Abruf erneut",
            "the next run fetches again",
        ),
        (
            _summary(mail_error="SMTP mail:587: login rejected"),
            "Prüfen Sie die SMTP-Einstellungen",
            "check the SMTP settings",
        ),
    ],
    ids=["ok", "rows", "transient", "config", "fetch", "mail"],
)
def test_what_to_do_fits_what_happened(summary: RunSummary, de: str, en: str) -> None:
    assert de in _render(summary, "de").text
    assert en in _render(summary, "en").text
    assert en in _render(summary, "en").html.replace("\n", " ")


def test_warnings_unmapped_events_and_footer() -> None:
    outcome = _ok(
        warnings=(RowWarning(3, "Telefon", "verworfen", "phone_invalid"),) * 2,
        unmapped_columns=("Fax", "Bemerkung 2"),
    )
    summary = _summary(
        outcome,
        hubspot_calls=1234,
        hubspot_writes=56,
        fetched=("a.csv", "b.csv"),
        retention_deleted=1,
    )
    text = _render(summary).text
    assert "- kunden.csv: 2 Warnungen (ungültige Telefonnummer 2)" in text
    assert "- kunden.csv: Fax, Bemerkung 2" in text
    assert "- 2 Dateien vom Server abgeholt" in text
    assert "- 1 alte Datei gelöscht (Aufbewahrungsfrist)" in text
    footer = text.rstrip().splitlines()[-1]
    assert footer == (
        f"Lauf 27.11.2026 06:00 – 06:01 (1 min 23 s) · 1.234 HubSpot-Aufrufe (56 schreibend) "
        f"· hubsync {__version__}"
    )
    en_footer = _render(summary, "en").text.rstrip().splitlines()[-1]
    assert en_footer.startswith("Run 2026-11-27 06:00 – 06:01 (1 min 23 s) · 1,234 HubSpot calls")


def test_short_runs_show_decimal_seconds() -> None:
    summary = RunSummary(started_at=START, finished_at=START.replace(microsecond=500000))
    assert "(0,5 s)" in _render(summary).text
    assert "(0.5 s)" in _render(summary, "en").text


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="'fr'"):
        _render(_summary(), "fr")
