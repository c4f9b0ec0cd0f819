"""The words of the summary mail, German and English, by key (rendered with `text.Lang`).

"one|other" entries are singular|plural, picked by the count the caller gives.
"""

from __future__ import annotations

from hubsync.catalogue.consent import CONSENT_TEXTS
from hubsync.catalogue.text import Text

MAIL: dict[str, Text] = {
    "dry": Text("[Probelauf] ", "[Dry run] "),
    "config": Text("Konfigurationsfehler", "configuration error"),
    "waiting": Text(
        "HubSpot nicht erreichbar – {n} Datei wartet|HubSpot nicht erreichbar – {n} Dateien warten",
        "HubSpot unreachable – {n} file waiting|HubSpot unreachable – {n} files waiting",
    ),
    "transient": Text("vorübergehender Fehler", "temporary failure"),
    "fetch_failed": Text("Abruf fehlgeschlagen", "fetch failed"),
    "files_bad": Text(
        "{n} Datei mit Fehlern|{n} Dateien mit Fehlern",
        "{n} file with errors|{n} files with errors",
    ),
    "files_ok": Text("{n} Datei OK|{n} Dateien OK", "{n} file OK|{n} files OK"),
    "ok": Text("{n} OK", "{n} OK"),
    "to_review": Text(
        "{n} Zeile zur Prüfung|{n} Zeilen zur Prüfung", "{n} row to review|{n} rows to review"
    ),
    "alerts": Text("{n} Warnhinweis|{n} Warnhinweise", "{n} alert|{n} alerts"),
    "nothing": Text("nichts zu tun", "nothing to do"),
    "intro_dry": Text(
        "Probelauf: Nichts wurde nach HubSpot geschrieben, keine Datei verschoben.",
        "Dry run: nothing was written to HubSpot, no file was moved.",
    ),
    "intro_config": Text(
        "Konfigurationsfehler – es wurde nichts geschrieben: {e}",
        "Configuration error – nothing was written: {e}",
    ),
    "intro_transient": Text(
        "Vorübergehender Fehler – Lauf angehalten: {e}", "Temporary failure – run stopped: {e}"
    ),
    "files": Text("Dateien", "Files"),
    "col_file": Text("Datei", "File"),
    "col_outcome": Text("Ergebnis", "Outcome"),
    "col_rows": Text("Zeilen", "Rows"),
    "processed": Text("importiert", "imported"),
    "with_errors": Text("mit Fehlern importiert", "imported with errors"),
    "rejected_file": Text("abgelehnt", "rejected"),
    "left": Text("wartet im Eingang", "waiting in the inbox"),
    "previewed": Text("geprüft (Probelauf)", "checked (dry run)"),
    "previewed_errors": Text("geprüft (Probelauf), mit Fehlern", "checked (dry run), with errors"),
    "rows": Text("{n} Zeile|{n} Zeilen", "{n} row|{n} rows"),
    "contacts": Text("Kontakte", "Contacts"),
    "deals": Text("Deals", "Deals"),
    "created": Text("neu", "created"),
    "updated": Text("aktualisiert", "updated"),
    "unchanged": Text("unverändert", "unchanged"),
    "cancelled": Text("storniert", "cancelled"),
    "adopted": Text("übernommen", "adopted"),
    "companies": Text("Firmen", "Companies"),
    "companies_created": Text("{name} – neu: {names}", "{name} – created: {names}"),
    "companies_adopted": Text(
        "{name} – übernommen (in HubSpot gefunden): {names}",
        "{name} – adopted (found in HubSpot): {names}",
    ),
    "unassigned": Text("ohne Kontakt", "without contact"),
    # newsletter consent of a customer file (report/consent_lines.py)
    "sec_newsletter": Text("Newsletter", "Newsletter"),
    "newsletter_line": Text(
        "{name} – Abo „{subscription}“: {counts}",
        "{name} – subscription {subscription!r}: {counts}",
    ),
    **CONSENT_TEXTS,
    "rejected": Text("abgelehnt", "rejected"),
    "sec_rejected": Text("Abgelehnte Zeilen", "Rejected rows"),
    "sec_reviews": Text("Zur Prüfung (gemeinsames Postfach)", "To review (shared mailbox)"),
    "report": Text("{name} – Bericht im Anhang: {report}", "{name} – report attached: {report}"),
    "col_line": Text("Zeile", "Line"),
    "col_column": Text("Spalte", "Column"),
    "col_reason": Text("Grund", "Reason"),
    "whole_row": Text("ganze Zeile", "whole row"),
    "more": Text("… und {n} weitere", "… and {n} more"),
    "sec_warnings": Text(
        "Warnungen (Zeilen trotzdem importiert)", "Warnings (rows imported anyway)"
    ),
    "warnings": Text("{n} Warnung|{n} Warnungen", "{n} warning|{n} warnings"),
    "sec_unmapped": Text("Nicht zugeordnete Spalten (ignoriert)", "Unmapped columns (ignored)"),
    "sec_events": Text("Weitere Ereignisse", "Other events"),
    "fetched": Text(
        "{n} Datei vom Server abgeholt|{n} Dateien vom Server abgeholt",
        "{n} file fetched from the server|{n} files fetched from the server",
    ),
    "fetch_error": Text(
        "Abruf vom Server fehlgeschlagen: {e}", "Fetching from the server failed: {e}"
    ),
    "retention": Text(
        "{n} alte Datei gelöscht (Aufbewahrungsfrist)|{n} alte Dateien gelöscht "
        "(Aufbewahrungsfrist)",
        "{n} old file deleted (retention)|{n} old files deleted (retention)",
    ),
    "mail_error": Text("Mailversand fehlgeschlagen: {e}", "Sending mail failed: {e}"),
    "sec_todo": Text("Was ist zu tun?", "What to do"),
    "todo_rows": Text(
        "Abgelehnte Zeilen: Korrigieren Sie sie in der angehängten .errors.csv-Datei und legen "
        "Sie die korrigierte Datei in den Eingangsordner (inbox); der nächste Lauf importiert "
        "sie. Oder korrigieren Sie die Daten im Buchungssystem – der nächste Export bringt sie "
        "mit.",
        "Rejected rows: fix them in the attached .errors.csv file and drop the corrected file "
        "into the inbox folder; the next run imports it. Or fix the data in the booking system "
        "– the next export brings it along.",
    ),
    "todo_file": Text(
        "Abgelehnte Datei: Prüfen Sie den Export (Dateiformat, Spaltennamen; Grund oben und in "
        "der angehängten .errors.txt) und legen Sie eine korrigierte Datei in den "
        "Eingangsordner.",
        "Rejected file: check the export (file format, column names; reason above and in the "
        "attached .errors.txt) and drop a corrected file into the inbox folder.",
    ),
    "todo_transient": Text(
        "Vorübergehende Störung (HubSpot nicht erreichbar oder ausgelastet): Sie müssen nichts "
        "tun. Die Dateien bleiben im Eingangsordner, der nächste Lauf versucht es erneut. Hält "
        "das länger als einen Tag an, prüfen Sie status.hubspot.com und wenden Sie sich an die "
        "Person, die hubsync betreut.",
        "Temporary trouble (HubSpot unreachable or busy): nothing to do. The files stay in the "
        "inbox folder and the next run retries. If this lasts longer than a day, check "
        "status.hubspot.com and call whoever looks after hubsync.",
    ),
    "todo_config": Text(
        "Konfigurationsfehler: Führen Sie `hubsync check` aus – es nennt jedes Problem und wie "
        "es zu beheben ist. Bis dahin wird nichts importiert; die Dateien bleiben im "
        "Eingangsordner.",
        "Configuration error: run `hubsync check` – it names every problem and how to fix it. "
        "Until then nothing is imported; the files stay in the inbox folder.",
    ),
    "todo_fetch": Text(
        "Abruf fehlgeschlagen: Dateien, die schon im Eingang lagen, wurden verarbeitet; der "
        "nächste Lauf versucht den Abruf erneut. Tritt der Fehler wiederholt auf, prüfen Sie "
        "den Zugang zum Server mit `hubsync check`.",
        "Fetch failed: files already in the inbox were processed; the next run fetches again. "
        "If it keeps failing, check the server access with `hubsync check`.",
    ),
    "todo_mail": Text(
        "Mailversand fehlgeschlagen: Prüfen Sie die SMTP-Einstellungen mit `hubsync check`.",
        "Sending mail failed: check the SMTP settings with `hubsync check`.",
    ),
    "todo_reviews": Text(
        "Zur Prüfung: Mehrere Kunden teilen sich eine E-Mail-Adresse. Entscheiden Sie in "
        "HubSpot, wem sie gehört, oder tragen Sie im Buchungssystem eigene Adressen ein.",
        "To review: several customers share one email address. Decide in HubSpot whom it "
        "belongs to, or enter separate addresses in the booking system.",
    ),
    "todo_unassigned": Text(
        "Buchungen ohne Kontakt wurden als Deals importiert; sie werden zugeordnet, sobald ihr "
        "Kunde mit E-Mail-Adresse importiert ist.",
        "Bookings without contact were imported as deals; they are associated as soon as their "
        "customer is imported with an email address.",
    ),
    "todo_alerts": Text(
        "Warnhinweise: Prüfen Sie, ob der automatische Export im Buchungssystem noch läuft und "
        "die Dateien ankommen.",
        "Alerts: check that the automatic export in the booking system still runs and its "
        "files arrive.",
    ),
    "todo_dry": Text(
        "Probelauf: Ein normaler Lauf (ohne Probelauf) schreibt die Änderungen nach HubSpot "
        "und verschiebt die Dateien.",
        "Dry run: a normal run (without dry run) writes the changes to HubSpot and moves the "
        "files.",
    ),
    "todo_none": Text("Nichts zu tun.", "Nothing to do."),
    "footer": Text(
        "Lauf {start} – {end} ({duration}) · {calls} HubSpot-Aufrufe ({writes} schreibend) · "
        "hubsync {version}",
        "Run {start} – {end} ({duration}) · {calls} HubSpot calls ({writes} writes) · hubsync "
        "{version}",
    ),
    "alert_missing": Text(
        "seit mehr als {n} Stunde kein neuer Export (zuletzt: {since})|"
        "seit mehr als {n} Stunden kein neuer Export (zuletzt: {since})",
        "no new export for more than {n} hour (newest: {since})|"
        "no new export for more than {n} hours (newest: {since})",
    ),
    "never": Text("nie", "never"),
}
