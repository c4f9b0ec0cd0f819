"""Render a run summary (or a missing-export alert) as a mail: subject, text, HTML, attachments.

Pure functions: nothing here reads files or the clock, so every mail can be tested as a value.
Every value that ends up in the HTML is escaped, because cell contents come from untrusted CSV.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hubsync import __version__
from hubsync.messages import LANGUAGES, describe, label
from hubsync.records import RowError
from hubsync.summary import ExitCode, FileKind, FileOutcome, FileStatus, RunSummary

_ATTACHED_SUFFIXES = (".errors.csv", ".errors.txt")

# One table per language. "x|y" entries are singular|plural, chosen by `_n()`.
_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "dry": "[Probelauf] ",
        "config": "Konfigurationsfehler",
        "waiting": "HubSpot nicht erreichbar – {n} Datei wartet|"
        "HubSpot nicht erreichbar – {n} Dateien warten",
        "transient": "vorübergehender Fehler",
        "fetch_failed": "Abruf fehlgeschlagen",
        "files_bad": "{n} Datei mit Fehlern|{n} Dateien mit Fehlern",
        "files_ok": "{n} Datei OK|{n} Dateien OK",
        "ok": "{n} OK",
        "to_review": "{n} Zeile zur Prüfung|{n} Zeilen zur Prüfung",
        "alerts": "{n} Warnhinweis|{n} Warnhinweise",
        "nothing": "nichts zu tun",
        "intro_dry": "Probelauf: Nichts wurde nach HubSpot geschrieben, keine Datei verschoben.",
        "intro_config": "Konfigurationsfehler – es wurde nichts geschrieben: {e}",
        "intro_transient": "Vorübergehender Fehler – Lauf angehalten: {e}",
        "files": "Dateien",
        "col_file": "Datei",
        "col_outcome": "Ergebnis",
        "col_rows": "Zeilen",
        "processed": "importiert",
        "with_errors": "mit Fehlern importiert",
        "rejected_file": "abgelehnt",
        "left": "wartet im Eingang",
        "previewed": "geprüft (Probelauf)",
        "previewed_errors": "geprüft (Probelauf), mit Fehlern",
        "rows": "{n} Zeile|{n} Zeilen",
        "contacts": "Kontakte",
        "deals": "Deals",
        "created": "neu",
        "updated": "aktualisiert",
        "unchanged": "unverändert",
        "cancelled": "storniert",
        "unassigned": "ohne Kontakt",
        "rejected": "abgelehnt",
        "sec_rejected": "Abgelehnte Zeilen",
        "sec_reviews": "Zur Prüfung (gemeinsames Postfach)",
        "report": "{name} – Bericht im Anhang: {report}",
        "col_line": "Zeile",
        "col_column": "Spalte",
        "col_reason": "Grund",
        "row_column": "Zeile {line}, Spalte „{column}“: {reason}",
        "row_whole": "Zeile {line}: {reason}",
        "whole_row": "ganze Zeile",
        "more": "… und {n} weitere",
        "sec_warnings": "Warnungen (Zeilen trotzdem importiert)",
        "warnings": "{n} Warnung|{n} Warnungen",
        "sec_unmapped": "Nicht zugeordnete Spalten (ignoriert)",
        "sec_events": "Weitere Ereignisse",
        "fetched": "{n} Datei vom Server abgeholt|{n} Dateien vom Server abgeholt",
        "fetch_error": "Abruf vom Server fehlgeschlagen: {e}",
        "retention": "{n} alte Datei gelöscht (Aufbewahrungsfrist)|"
        "{n} alte Dateien gelöscht (Aufbewahrungsfrist)",
        "mail_error": "Mailversand fehlgeschlagen: {e}",
        "sec_todo": "Was ist zu tun?",
        "todo_rows": "Abgelehnte Zeilen: Korrigieren Sie sie in der angehängten .errors.csv-Datei "
        "und legen Sie die korrigierte Datei in den Eingangsordner (inbox); der nächste Lauf "
        "importiert sie. Oder korrigieren Sie die Daten im Buchungssystem – der nächste Export "
        "bringt sie mit.",
        "todo_file": "Abgelehnte Datei: Prüfen Sie den Export (Dateiformat, Spaltennamen; Grund "
        "oben und in der angehängten .errors.txt) und legen Sie eine korrigierte Datei in den "
        "Eingangsordner.",
        "todo_transient": "Vorübergehende Störung (HubSpot nicht erreichbar oder ausgelastet): "
        "Sie müssen nichts tun. Die Dateien bleiben im Eingangsordner, der nächste Lauf versucht "
        "es erneut. Hält das länger als einen Tag an, prüfen Sie status.hubspot.com und wenden "
        "Sie sich an die Person, die hubsync betreut.",
        "todo_config": "Konfigurationsfehler: Führen Sie `hubsync check` aus – es nennt jedes "
        "Problem und wie es zu beheben ist. Bis dahin wird nichts importiert; die Dateien "
        "bleiben im Eingangsordner.",
        "todo_fetch": "Abruf fehlgeschlagen: Dateien, die schon im Eingang lagen, wurden "
        "verarbeitet; der nächste Lauf versucht den Abruf erneut. Tritt der Fehler wiederholt "
        "auf, prüfen Sie den Zugang zum Server mit `hubsync check`.",
        "todo_mail": "Mailversand fehlgeschlagen: Prüfen Sie die SMTP-Einstellungen mit "
        "`hubsync check`.",
        "todo_reviews": "Zur Prüfung: Mehrere Kunden teilen sich eine E-Mail-Adresse. Entscheiden "
        "Sie in HubSpot, wem sie gehört, oder tragen Sie im Buchungssystem eigene Adressen ein.",
        "todo_unassigned": "Buchungen ohne Kontakt wurden als Deals importiert; sie werden "
        "zugeordnet, sobald ihr Kunde mit E-Mail-Adresse importiert ist.",
        "todo_alerts": "Warnhinweise: Prüfen Sie, ob der automatische Export im Buchungssystem "
        "noch läuft und die Dateien ankommen.",
        "todo_dry": "Probelauf: Ein normaler Lauf (ohne Probelauf) schreibt die Änderungen nach "
        "HubSpot und verschiebt die Dateien.",
        "todo_none": "Nichts zu tun.",
        "footer": "Lauf {start} – {end} ({duration}) · {calls} HubSpot-Aufrufe ({writes} "
        "schreibend) · hubsync {version}",
        "missing_subject": "seit {n} Stunde kein neuer Export|seit {n} Stunden kein neuer Export",
        "missing_seen": "Seit {n} Stunde ist keine neue Exportdatei angekommen; die letzte kam "
        "am {when}.|Seit {n} Stunden ist keine neue Exportdatei angekommen; die letzte kam am "
        "{when}.",
        "missing_never": "Es ist noch nie eine Exportdatei angekommen.",
        "todo_missing": "Prüfen Sie, ob der automatische Export im Buchungssystem läuft und die "
        "Dateien im Eingangsordner (oder auf dem FTP/SFTP-Server) ankommen; `hubsync check` "
        "prüft den Abruf.",
        "datetime": "%d.%m.%Y %H:%M",
    },
    "en": {
        "dry": "[Dry run] ",
        "config": "configuration error",
        "waiting": "HubSpot unreachable – {n} file waiting|HubSpot unreachable – {n} files waiting",
        "transient": "temporary failure",
        "fetch_failed": "fetch failed",
        "files_bad": "{n} file with errors|{n} files with errors",
        "files_ok": "{n} file OK|{n} files OK",
        "ok": "{n} OK",
        "to_review": "{n} row to review|{n} rows to review",
        "alerts": "{n} alert|{n} alerts",
        "nothing": "nothing to do",
        "intro_dry": "Dry run: nothing was written to HubSpot, no file was moved.",
        "intro_config": "Configuration error – nothing was written: {e}",
        "intro_transient": "Temporary failure – run stopped: {e}",
        "files": "Files",
        "col_file": "File",
        "col_outcome": "Outcome",
        "col_rows": "Rows",
        "processed": "imported",
        "with_errors": "imported with errors",
        "rejected_file": "rejected",
        "left": "waiting in the inbox",
        "previewed": "checked (dry run)",
        "previewed_errors": "checked (dry run), with errors",
        "rows": "{n} row|{n} rows",
        "contacts": "Contacts",
        "deals": "Deals",
        "created": "created",
        "updated": "updated",
        "unchanged": "unchanged",
        "cancelled": "cancelled",
        "unassigned": "without contact",
        "rejected": "rejected",
        "sec_rejected": "Rejected rows",
        "sec_reviews": "To review (shared mailbox)",
        "report": "{name} – report attached: {report}",
        "col_line": "Line",
        "col_column": "Column",
        "col_reason": "Reason",
        "row_column": 'line {line}, column "{column}": {reason}',
        "row_whole": "line {line}: {reason}",
        "whole_row": "whole row",
        "more": "… and {n} more",
        "sec_warnings": "Warnings (rows imported anyway)",
        "warnings": "{n} warning|{n} warnings",
        "sec_unmapped": "Unmapped columns (ignored)",
        "sec_events": "Other events",
        "fetched": "{n} file fetched from the server|{n} files fetched from the server",
        "fetch_error": "Fetching from the server failed: {e}",
        "retention": "{n} old file deleted (retention)|{n} old files deleted (retention)",
        "mail_error": "Sending mail failed: {e}",
        "sec_todo": "What to do",
        "todo_rows": "Rejected rows: fix them in the attached .errors.csv file and drop the "
        "corrected file into the inbox folder; the next run imports it. Or fix the data in the "
        "booking system – the next export brings it along.",
        "todo_file": "Rejected file: check the export (file format, column names; reason above "
        "and in the attached .errors.txt) and drop a corrected file into the inbox folder.",
        "todo_transient": "Temporary trouble (HubSpot unreachable or busy): nothing to do. The "
        "files stay in the inbox folder and the next run retries. If this lasts longer than a "
        "day, check status.hubspot.com and call whoever looks after hubsync.",
        "todo_config": "Configuration error: run `hubsync check` – it names every problem and "
        "how to fix it. Until then nothing is imported; the files stay in the inbox folder.",
        "todo_fetch": "Fetch failed: files already in the inbox were processed; the next run "
        "fetches again. If it keeps failing, check the server access with `hubsync check`.",
        "todo_mail": "Sending mail failed: check the SMTP settings with `hubsync check`.",
        "todo_reviews": "To review: several customers share one email address. Decide in "
        "HubSpot whom it belongs to, or enter separate addresses in the booking system.",
        "todo_unassigned": "Bookings without contact were imported as deals; they are "
        "associated as soon as their customer is imported with an email address.",
        "todo_alerts": "Alerts: check that the automatic export in the booking system still "
        "runs and its files arrive.",
        "todo_dry": "Dry run: a normal run (without dry run) writes the changes to HubSpot and "
        "moves the files.",
        "todo_none": "Nothing to do.",
        "footer": "Run {start} – {end} ({duration}) · {calls} HubSpot calls ({writes} writes) "
        "· hubsync {version}",
        "missing_subject": "no new export for {n} hour|no new export for {n} hours",
        "missing_seen": "No new export file has arrived for {n} hour; the last one came on "
        "{when}.|No new export file has arrived for {n} hours; the last one came on {when}.",
        "missing_never": "No export file has ever arrived.",
        "todo_missing": "Check that the automatic export in the booking system runs and its "
        "files arrive in the inbox folder (or on the FTP/SFTP server); `hubsync check` tests "
        "the fetch.",
        "datetime": "%Y-%m-%d %H:%M",
    },
}


@dataclass(frozen=True)
class Mail:
    """A rendered mail; `attachments` are absolute paths the mailer reads when sending."""

    subject: str
    text: str
    html: str
    attachments: tuple[Path, ...] = ()


@dataclass(frozen=True)
class _Block:
    """A small table of rows (line, column, reason) under a title, cut after `max_rows`."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # table cells for the HTML part
    lines: tuple[str, ...]  # the same rows as sentences for the text part
    more: str


@dataclass(frozen=True)
class _Section:
    title: str
    lines: tuple[str, ...] = ()
    blocks: tuple[_Block, ...] = ()


@dataclass(frozen=True)
class _Report:
    """The content shared by the text and the HTML part."""

    intro: tuple[str, ...]
    files_title: str
    header: tuple[str, ...]  # file table column titles
    files: tuple[tuple[str, ...], ...]  # one tuple of cells per file
    sections: tuple[_Section, ...]
    footer: str


class _Lang:
    """Looks up and formats the strings and numbers of one language."""

    def __init__(self, language: str) -> None:
        if language not in _TEXTS:
            raise ValueError(f"unsupported language {language!r}; use one of {LANGUAGES}")
        self.code = language
        self._texts = _TEXTS[language]

    def __call__(self, key: str, n: int | None = None, **values: object) -> str:
        text = self._texts[key]
        if n is not None:
            one, _, other = text.partition("|")
            text = one if n == 1 or not other else other
            values["n"] = self.num(n)
        return text.format(**values) if values else text

    def num(self, value: int) -> str:
        grouped = f"{value:,}"
        return grouped.replace(",", ".") if self.code == "de" else grouped

    def when(self, moment: datetime) -> str:
        return moment.strftime(self._texts["datetime"])

    def seconds(self, seconds: float) -> str:
        if seconds >= 60:
            return f"{int(seconds // 60)} min {int(seconds % 60)} s"
        shown = f"{seconds:.1f}"
        return (shown.replace(".", ",") if self.code == "de" else shown) + " s"


def render_summary(
    summary: RunSummary, *, language: str = "de", data_dir: Path, max_rows: int = 20
) -> Mail:
    """Render the mail for one run; attach every `.errors.csv`/`.errors.txt` report.

    Raises ValueError for an unsupported language.
    """
    t = _Lang(language)
    report = _Report(
        intro=_intro(summary, t),
        files_title=t("files"),
        header=(t("col_file"), t("col_outcome"), t("col_rows"), t("contacts"), t("deals"))
        + (t("unassigned"), t("rejected")),
        files=tuple(_file_cells(f, t) for f in summary.files),
        sections=_sections(summary, t, max_rows),
        footer=t(
            "footer",
            start=t.when(summary.started_at),
            end=summary.finished_at.strftime("%H:%M")
            if summary.finished_at.date() == summary.started_at.date()
            else t.when(summary.finished_at),
            duration=t.seconds((summary.finished_at - summary.started_at).total_seconds()),
            calls=t.num(summary.hubspot_calls),
            writes=t.num(summary.hubspot_writes),
            version=__version__,
        ),
    )
    attachments = tuple(
        data_dir / f.report
        for f in summary.files
        if f.report is not None and f.report.endswith(_ATTACHED_SUFFIXES)
    )
    subject = _subject(summary, t)
    return Mail(subject, _text(report), _html(subject, report, t.code), attachments)


def render_missing_export(hours: int, last_seen: datetime | None, *, language: str = "de") -> Mail:
    """Render the alert sent when no new export arrived for `hours` (`last_seen`: last file)."""
    t = _Lang(language)
    seen = t("missing_seen", hours, when=t.when(last_seen)) if last_seen else t("missing_never")
    report = _Report(
        intro=(seen,),
        files_title="",
        header=(),
        files=(),
        sections=(_Section(t("sec_todo"), (t("todo_missing"),)),),
        footer=f"hubsync {__version__}",
    )
    subject = "hubsync: " + t("missing_subject", hours)
    return Mail(subject, _text(report), _html(subject, report, t.code))


def _subject(summary: RunSummary, t: _Lang) -> str:
    left = sum(f.status is FileStatus.LEFT for f in summary.files)
    ok = sum(f.ok for f in summary.files)
    bad = len(summary.files) - left - ok
    reviews = sum(len(f.reviews) for f in summary.files)
    parts: list[str] = []
    if summary.fatal_kind is ExitCode.CONFIG:
        parts.append(t("config"))
    else:
        if left:
            parts.append(t("waiting", left))
        elif summary.fatal_kind is ExitCode.TEMPFAIL:
            parts.append(t("transient"))
        if summary.fetch_error is not None:
            parts.append(t("fetch_failed"))
        if bad:
            parts.append(t("files_bad", bad))
        if ok:
            parts.append(t("ok", ok) if parts else t("files_ok", ok))
        if reviews:
            parts.append(t("to_review", reviews))
        if len(summary.alerts) == 1:
            parts.append(summary.alerts[0])
        elif summary.alerts:
            parts.append(t("alerts", len(summary.alerts)))
    prefix = t("dry") if summary.dry_run else ""
    return f"{prefix}hubsync: {', '.join(parts) or t('nothing')}"


def _intro(summary: RunSummary, t: _Lang) -> tuple[str, ...]:
    lines = [t("intro_dry")] if summary.dry_run else []
    if summary.fatal is not None:
        key = "intro_config" if summary.fatal_kind is ExitCode.CONFIG else "intro_transient"
        lines.append(t(key, e=summary.fatal))
    return tuple(lines)


def _file_cells(f: FileOutcome, t: _Lang) -> tuple[str, ...]:
    outcome = {
        FileStatus.PROCESSED: t("with_errors") if f.errors else t("processed"),
        FileStatus.ERRORPROCESSED: t("with_errors") if f.errors else t("rejected_file"),
        FileStatus.LEFT: t("left"),
        FileStatus.PREVIEWED: t("previewed_errors") if f.errors else t("previewed"),
    }[f.status]
    reason = next((describe(e, t.code) for e in f.errors if e.code == "file_rejected"), f.reason)
    if reason:
        outcome += f": {reason}"
    contacts = deals = ""
    if f.kind is FileKind.CUSTOMERS or f.contacts_created or f.contacts_updated:
        contacts = _counts(
            t,
            created=f.contacts_created,
            updated=f.contacts_updated,
            unchanged=f.contacts_unchanged,
        )
    if f.kind is FileKind.BOOKINGS or f.deals_created or f.deals_updated or f.deals_cancelled:
        deals = _counts(
            t,
            created=f.deals_created,
            updated=f.deals_updated,
            unchanged=f.deals_unchanged,
            cancelled=f.deals_cancelled,
        )
    rejected = ""
    if f.errors:
        by_reason = _by_reason(f.errors_by_reason(), t)
        rejected = f"{t.num(len(f.errors))} ({by_reason})"
    unassigned = t.num(f.unassigned) if f.unassigned else ""
    rows = t.num(f.rows) if f.rows else ""
    return (f.name, outcome, rows, contacts, deals, unassigned, rejected)


def _counts(t: _Lang, **counts: int) -> str:
    return ", ".join(f"{t.num(n)} {t(key)}" for key, n in counts.items())


def _sections(summary: RunSummary, t: _Lang, max_rows: int) -> tuple[_Section, ...]:
    files = summary.files
    rejected = tuple(_block(_block_title(f, t), f.errors, t, max_rows) for f in files if f.errors)
    reviews = tuple(_block(f.name, f.reviews, t, max_rows) for f in files if f.reviews)
    warnings = tuple(
        f"{f.name}: {t('warnings', len(f.warnings))} ({_by_code(f, t)})"
        for f in files
        if f.warnings
    )
    unmapped = tuple(
        f"{f.name}: {', '.join(f.unmapped_columns)}" for f in files if f.unmapped_columns
    )
    events = [t("fetched", len(summary.fetched))] if summary.fetched else []
    if summary.fetch_error is not None:
        events.append(t("fetch_error", e=summary.fetch_error))
    if summary.retention_deleted:
        events.append(t("retention", summary.retention_deleted))
    events.extend(summary.alerts)
    if summary.mail_error is not None:
        events.append(t("mail_error", e=summary.mail_error))
    candidates = (
        _Section(t("sec_rejected"), blocks=rejected),
        _Section(t("sec_reviews"), blocks=reviews),
        _Section(t("sec_warnings"), warnings),
        _Section(t("sec_unmapped"), unmapped),
        _Section(t("sec_events"), tuple(events)),
    )
    shown = tuple(s for s in candidates if s.lines or s.blocks)
    return (*shown, _Section(t("sec_todo"), _todo(summary, t)))


def _block_title(f: FileOutcome, t: _Lang) -> str:
    if f.report is not None and f.report.endswith(_ATTACHED_SUFFIXES):
        return t("report", name=f.name, report=f.report)
    return f.name


def _by_reason(counts: Counter[str], t: _Lang) -> str:
    """ "keine E-Mail-Adresse 1, …": how many rows each reason affected, in words."""
    return ", ".join(f"{label(code, t.code)} {t.num(n)}" for code, n in counts.items())


def _by_code(f: FileOutcome, t: _Lang) -> str:
    return _by_reason(Counter(w.code for w in f.warnings), t)


def _block(title: str, errors: tuple[RowError, ...], t: _Lang, max_rows: int) -> _Block:
    shown = [(e, describe(e, t.code)) for e in errors[:max_rows]]
    rows = tuple(
        (t.num(e.line), e.column if e.column is not None else t("whole_row"), reason)
        for e, reason in shown
    )
    lines = tuple(
        t("row_whole", line=t.num(e.line), reason=reason)
        if e.column is None
        else t("row_column", line=t.num(e.line), column=e.column, reason=reason)
        for e, reason in shown
    )
    more = t("more", len(errors) - max_rows) if len(errors) > max_rows else ""
    header = (t("col_line"), t("col_column"), t("col_reason"))
    return _Block(title, header, rows, lines, more)


def _todo(summary: RunSummary, t: _Lang) -> tuple[str, ...]:
    files = summary.files
    wanted = {
        "todo_config": summary.fatal_kind is ExitCode.CONFIG,
        "todo_transient": summary.fatal_kind is ExitCode.TEMPFAIL
        or any(f.status is FileStatus.LEFT for f in files),
        "todo_rows": any(f.errors for f in files),
        "todo_file": any(f.status is FileStatus.ERRORPROCESSED and not f.errors for f in files),
        "todo_fetch": summary.fetch_error is not None,
        "todo_reviews": any(f.reviews for f in files),
        "todo_unassigned": any(f.unassigned for f in files),
        "todo_alerts": bool(summary.alerts),
        "todo_mail": summary.mail_error is not None,
        "todo_dry": summary.dry_run,
    }
    return tuple(t(key) for key, on in wanted.items() if on) or (t("todo_none"),)


def _text(report: _Report) -> str:
    out = [*report.intro, ""] if report.intro else []
    if report.files:
        head = report.header
        out.extend([report.files_title, "-" * len(report.files_title)])
        for cells in report.files:
            extra = [f"{h}: {c}" for h, c in zip(head[2:], cells[2:], strict=True) if c]
            out.append(" · ".join([f"- {cells[0]}: {cells[1]}", *extra]))
        out.append("")
    for section in report.sections:
        out.extend([section.title, "-" * len(section.title)])
        out.extend(f"- {line}" for line in section.lines)
        for block in section.blocks:
            out.append(f"{block.title}:")
            out.extend(f"  {line}" for line in block.lines)
            if block.more:
                out.append(f"  {block.more}")
        out.append("")
    out.extend(["--", report.footer])
    return "\n".join(out) + "\n"


def _html(subject: str, report: _Report, language: str) -> str:
    e = html.escape
    out = [
        f'<!DOCTYPE html>\n<html lang="{e(language)}"><head><meta charset="utf-8">',
        f"<title>{e(subject)}</title></head>",
        '<body style="font-family: sans-serif; font-size: 14px;">',
    ]
    out.extend(f"<p><strong>{e(line)}</strong></p>" for line in report.intro)
    if report.files:
        out.append(f"<h3>{e(report.files_title)}</h3>")
        out.append(_table(report.header, report.files))
    for section in report.sections:
        out.append(f"<h3>{e(section.title)}</h3>")
        if section.lines:
            out.append("<ul>" + "".join(f"<li>{e(line)}</li>" for line in section.lines) + "</ul>")
        for block in section.blocks:
            out.append(f"<p>{e(block.title)}</p>")
            out.append(_table(block.header, block.rows))
            if block.more:
                out.append(f"<p>{e(block.more)}</p>")
    out.append(f'<hr><p style="color: #666; font-size: 12px;">{e(report.footer)}</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _table(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> str:
    e = html.escape
    cell = 'style="border: 1px solid #ccc; padding: 2px 6px; text-align: left;"'
    out = ['<table style="border-collapse: collapse;">']
    out.append("<tr>" + "".join(f"<th {cell}>{e(h)}</th>" for h in header) + "</tr>")
    out.extend("<tr>" + "".join(f"<td {cell}>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    out.append("</table>")
    return "\n".join(out)
