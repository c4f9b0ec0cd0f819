"""The words of the report mails in each language: the text tables and their lookup."""

from __future__ import annotations

from datetime import datetime

from hubsync.report.messages import LANGUAGES

# One table per language. "x|y" entries are singular|plural, chosen by the count given to `Lang`.
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


class Lang:
    """Looks up and formats the strings and numbers of one language.

    Raises ValueError for an unsupported language.
    """

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
