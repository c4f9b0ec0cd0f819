"""What the commands print, German and English, by key (rendered with `text.Lang`).

The console of `run` and `--dry-run` (`report.console`), `validate`, `check`, `demo` and the
CLI's error frames. Log lines stay English and are not here. "one|other" entries are
singular|plural, picked by the count the caller gives.
"""

from __future__ import annotations

from hubsync.catalogue.consent import CONSENT_TEXTS
from hubsync.catalogue.text import Text

CONSOLE: dict[str, Text] = {
    # run and --dry-run (report/console.py)
    "kind_customers": Text("Kunden", "customers"),
    "kind_bookings": Text("Buchungen", "bookings"),
    "kind_unknown": Text("unbekannt", "unknown"),
    "status_processed": Text("processed", "processed"),
    "status_errorprocessed": Text("errorprocessed", "errorprocessed"),
    "status_left": Text("bleibt im Eingang", "left in the inbox"),
    "status_previewed": Text("Vorschau", "preview"),
    "would": Text("würden ", "would be "),
    "reason": Text("  Grund: {reason}", "  reason: {reason}"),
    "customers": Text(
        "  {rows} Zeilen; Kontakte {would}angelegt {created}, {would}aktualisiert {updated}, "
        "unverändert {unchanged}",
        "  {rows} rows; contacts {would}created {created}, {would}updated {updated}, "
        "unchanged {unchanged}",
    ),
    "properties": Text(
        "  Eigenschaften {would}aktualisiert: {props}", "  properties {would}updated: {props}"
    ),
    "bookings": Text(
        "  {rows} Zeilen; Deals {would}angelegt {created}, {would}aktualisiert {updated}, "
        "unverändert {unchanged}, storniert {cancelled}; ohne Kontakt {unassigned}",
        "  {rows} rows; deals {would}created {created}, {would}updated {updated}, "
        "unchanged {unchanged}, cancelled {cancelled}; without contact {unassigned}",
    ),
    "guests": Text("  Gastkontakte {would}angelegt: {n}", "  guest contacts {would}created: {n}"),
    # the companies of a customer file (report/company_lines.py); "would_n" agrees with its count
    "companies": Text(
        "  Firmen: {created}, {adopted}, {updated}, {unchanged}",
        "  companies: {created}, {adopted}, {updated}, {unchanged}",
    ),
    "would_n": Text("würde |würden ", "would be "),
    "co_created": Text("{n} {would}angelegt", "{n} {would}created"),
    "co_adopted": Text("{n} {would}übernommen", "{n} {would}adopted"),
    "co_updated": Text("{n} {would}aktualisiert", "{n} {would}updated"),
    "co_unchanged": Text("{n} unverändert", "{n} unchanged"),
    "co_new_names": Text("    neu: {names}", "    new: {names}"),
    "co_adopted_names": Text(
        "    übernommen (in HubSpot gefunden): {names}", "    adopted (found in HubSpot): {names}"
    ),
    "more_names": Text("… und {n} weitere", "… and {n} more"),
    # newsletter consent of a customer file (report/consent_lines.py)
    "newsletter": Text(
        "  Newsletter „{name}“: {subscribed}, {unsubscribed}, {opted_out}, {unchanged}",
        "  newsletter {name!r}: {subscribed}, {unsubscribed}, {opted_out}, {unchanged}",
    ),
    **CONSENT_TEXTS,
    "rejected_rows": Text(
        "  abgelehnte Zeilen: {n} ({reasons})", "  rejected rows: {n} ({reasons})"
    ),
    "at_line": Text("Zeile {line}", "line {line}"),
    "at_file": Text("Datei", "file"),
    "at_column": Text(", Spalte „{column}“", ", column {column!r}"),
    "more_rows": Text(
        "    … und {n} weitere (siehe Bericht)", "    … and {n} more (see the report)"
    ),
    "warnings": Text("  Warnungen: {n}", "  warnings: {n}"),
    "unmapped": Text("  nicht zugeordnete Spalten: {columns}", "  columns not mapped: {columns}"),
    "report": Text("  Bericht: {report}", "  report: {report}"),
    "dry_run": Text(
        "PROBELAUF: nichts wurde geschrieben, verschoben oder gemailt.",
        "DRY RUN: nothing was written, moved or mailed.",
    ),
    "validated_only": Text(
        " Kein HubSpot-Token: Die Dateien wurden nur geprüft.",
        " No HubSpot token: the files were only validated.",
    ),
    "fetched": Text("abgeholt: {name}", "fetched {name}"),
    "fetch_failed": Text("Abruf fehlgeschlagen: {e}", "fetch failed: {e}"),
    "settling": Text(
        "{name}: gerade eben geändert (wird noch hochgeladen?), bleibt für den nächsten Lauf",
        "{name}: modified moments ago (still uploading?), left for the next run",
    ),
    "nothing": Text("Eingang: nichts zu tun", "inbox: nothing to do"),
    "alert": Text("WARNUNG: {alert}", "ALERT: {alert}"),
    "stopped": Text("ABGEBROCHEN: {e}", "STOPPED: {e}"),
    "retry": Text(
        "Die Dateien bleiben im Eingang; der nächste Lauf versucht sie erneut.",
        "The files stay in the inbox; the next run retries them.",
    ),
    "mail_error": Text("Mail nicht gesendet: {e}", "mail not sent: {e}"),
    "calls": Text(
        "HubSpot-Aufrufe: {calls} (schreibend: {writes})",
        "HubSpot calls: {calls} (writes: {writes})",
    ),
    # validate (run/validate.py)
    "v_file": Text(
        "{path}: {kind}, Kodierung {encoding}, Trennzeichen {delimiter!r}, Kopfzeile in Zeile "
        "{line} ({columns} Spalten)",
        "{path}: {kind}, encoding {encoding}, delimiter {delimiter!r}, header on line {line} "
        "({columns} columns)",
    ),
    "v_kind_customers": Text("Kundenexport", "customers export"),
    "v_kind_bookings": Text("Buchungsexport", "bookings export"),
    "v_columns": Text("  Spalten: {columns}", "  columns: {columns}"),
    "v_customers": Text(
        "  {rows} Zeilen → {contacts} Kontakte; abgelehnt {errors}, zur Prüfung {reviews}, "
        "zusammengeführt {merges}, Warnungen {warnings}",
        "  {rows} rows → {contacts} contacts; rejected {errors}, for review {reviews}, "
        "merged {merges}, warnings {warnings}",
    ),
    "v_bookings": Text(
        "  {rows} Zeilen → {documents} Belege ({deals} Deals, {stornos} Stornos); abgelehnt "
        "{errors}, Warnungen {warnings}",
        "  {rows} rows → {documents} documents ({deals} deals, {stornos} stornos); rejected "
        "{errors}, warnings {warnings}",
    ),
    "v_checksum": Text("  Summenprüfung: {text}", "  checksum: {text}"),
    "v_unmapped": Text(
        "  nicht zugeordnete Spalten (nicht importiert): {columns}",
        "  columns not mapped (not imported): {columns}",
    ),
    "v_error": Text("  Fehler {where}: {text}", "  error {where}: {text}"),
    "v_warning": Text("  Warnung {where}: {text}", "  warning {where}: {text}"),
    "v_more_errors": Text("  … und {n} weitere Fehler", "  … and {n} more errors"),
    "v_more_warnings": Text("  … und {n} weitere Warnungen", "  … and {n} more warnings"),
    "v_rejected": Text("{path}: ABGELEHNT: {reason}", "{path}: REJECTED: {reason}"),
    "v_missing": Text("{path}: keine solche Datei", "{path}: no such file"),
    # check (run/checks.py): the verdicts [ok  ] [FAIL] [skip] stay as they are
    "c_configuration": Text("Konfiguration", "configuration"),
    "c_complete": Text("vollständig", "complete"),
    "c_no_category": Text(
        "HUBSYNC_CONTACT_CATEGORY ist nicht gesetzt (die Einrichtung jedes Kontakts)",
        "HUBSYNC_CONTACT_CATEGORY is not set (the facility of every contact)",
    ),
    "c_folder": Text("Ordner {name}/ beschreibbar", "folder {name}/ writable"),
    "c_token": Text("HubSpot-Token", "HubSpot token"),
    "c_no_token": Text("HUBSPOT_ACCESS_TOKEN ist nicht gesetzt", "HUBSPOT_ACCESS_TOKEN is not set"),
    "c_token_ok": Text("HubSpot-Token akzeptiert", "HubSpot token accepted"),
    "c_readable": Text("{n} Kontakteigenschaften lesbar", "{n} contact properties readable"),
    "c_companies": Text("Firmen (HUBSYNC_COMPANIES=on)", "companies (HUBSYNC_COMPANIES=on)"),
    "c_company_readable": Text("{n} Firmeneigenschaften lesbar", "{n} company properties readable"),
    "c_newsletter": Text(
        "Newsletter-Abo (HUBSYNC_NEWSLETTER_SUBSCRIPTION={wanted})",
        "newsletter subscription (HUBSYNC_NEWSLETTER_SUBSCRIPTION={wanted})",
    ),
    "c_newsletter_ok": Text(
        "„{name}“ ({id}) im Portal; {mode}", "{name!r} ({id}) in the portal; {mode}"
    ),
    "c_newsletter_batch": Text(
        "Batch-Modus mit den Scopes {scopes} (die Batch-Scopes erfordern Marketing Hub "
        "Enterprise): 100 Adressen je Aufruf",
        "batch mode with the scopes {scopes} (the batch scopes require Marketing Hub "
        "Enterprise): 100 addresses a call",
    ),
    "c_newsletter_single": Text(
        "Einzelmodus: dem Token fehlen {batch} (nur mit Marketing Hub Enterprise); mit "
        "{scopes} (oder communication_preferences.read + .write) kostet jede Adresse eigene "
        "Aufrufe: bis zu 3 für eine neue Anmeldung (Status lesen, Abmeldung von allem lesen, "
        "setzen), 1 für eine unveränderte",
        "single mode: the token lacks {batch} (Marketing Hub Enterprise only); with {scopes} "
        "(or communication_preferences.read + .write) each address costs its own calls: up "
        "to 3 for a new subscription (read status, read opt-out of all, set), 1 for an "
        "unchanged one",
    ),
    "c_company_scopes": Text(
        "nötige Scopes: {scopes}; für `hubsync setup` auch {setup}",
        "scopes needed: {scopes}; for `hubsync setup` also {setup}",
    ),
    "c_schema": Text("HubSpot-Eigenschaften und Pipeline", "HubSpot properties and pipeline"),
    "c_schema_ok": Text(
        "Eigenschaften vorhanden, Schlüssel {contact_key!r} und {deal_key!r} eindeutig, "
        "Pipeline {pipeline!r} ({pipeline_id}) mit den Phasen {stage!r} ({stage_id}) / "
        "{cancelled!r} ({cancelled_id})",
        "properties present, keys {contact_key!r} and {deal_key!r} unique, pipeline "
        "{pipeline!r} ({pipeline_id}) with stages {stage!r} ({stage_id}) / {cancelled!r} "
        "({cancelled_id})",
    ),
    "c_scopes": Text(" (fehlende Scopes: {scopes})", " (missing scopes: {scopes})"),
    "c_no_mail": Text(
        "SMTP_HOST/MAIL_TO nicht gesetzt: keine Zusammenfassungs-Mails",
        "SMTP_HOST/MAIL_TO not set: no summary mails",
    ),
    "c_smtp": Text("SMTP-Anmeldung {host}:{port}", "SMTP login {host}:{port}"),
    "c_pickup": Text("FTP/SFTP-Abruf", "FTP/SFTP pickup"),
    "c_no_fetch": Text("HUBSYNC_FETCH_URL nicht gesetzt", "HUBSYNC_FETCH_URL not set"),
    "c_fetch": Text("FTP/SFTP-Anmeldung", "FTP/SFTP login"),
    "c_all_ok": Text("Alle Prüfungen bestanden.", "All checks passed."),
    "c_some_failed": Text(
        "Einige Prüfungen sind fehlgeschlagen: Beheben Sie die mit FAIL markierten Zeilen.",
        "Some checks failed: fix the lines marked FAIL.",
    ),
    # demo (run/demo.py)
    "d_emulator": Text(
        "HubSpot-Emulator unter {url}; Datenordner {data_dir}",
        "HubSpot emulator at {url}; data dir {data_dir}",
    ),
    "d_setup": Text(
        "setup: {n} Änderungen (Eigenschaftsgruppe, eigene Eigenschaften, Einrichtung als Option)",
        "setup: {n} changes (property group, custom properties, facility option)",
    ),
    "d_first": Text("erster Import", "first import"),
    "d_again": Text("dieselben Dateien noch einmal", "same files again"),
    "d_run": Text("\n=== hubsync run: {attempt} ===", "\n=== hubsync run: {attempt} ==="),
    "d_exit": Text("Exit-Code wäre {code}", "exit code would be {code}"),
    "d_exit_rejected": Text(
        "Exit-Code wäre {code} ({name}: Zeilen wurden abgelehnt, wie die Beispiele es wollen)",
        "exit code would be {code} ({name}: rows were rejected as the samples intend)",
    ),
    "d_holds": Text(
        "HubSpot enthält jetzt {contacts} Kontakte, {deals} Deals, {associations} "
        "Deal–Kontakt-Verknüpfungen.",
        "HubSpot now holds {contacts} contacts, {deals} deals, {associations} deal–contact "
        "associations.",
    ),
    "d_top": Text("Kontakte mit dem größten Buchungsumsatz:", "Top contacts by booking volume:"),
    "d_companies": Text(
        "Firmen (Kontaktpersonen; Buchungszahlen aus allen Deals der Firma):",
        "Companies (contact persons; booking figures from all the company's deals):",
    ),
    "d_head_company": Text("Firma", "company"),
    "d_head_people": Text("Personen", "people"),
    "d_head_bookings": Text("Buchungen", "bookings"),
    "d_head_hours": Text("Stunden", "hours"),
    "d_head_last": Text("zuletzt", "last"),
    "d_cancelled": Text(
        "Stornierte Deals (Storno): {numbers}", "Cancelled deals (storno): {numbers}"
    ),
    "d_kept": Text(
        "Dateien und Berichte liegen in {data_dir}", "files and reports kept in {data_dir}"
    ),
    "d_ok": Text(
        "\nDer zweite Lauf hat nichts geschrieben: unveränderte Zeilen kosten keine "
        "Schreibzugriffe.",
        "\nsecond run wrote nothing: unchanged rows cost no writes.",
    ),
    "d_unexpected": Text("\nUNERWARTET: siehe oben.", "\nUNEXPECTED: see above."),
    # the CLI's frames (cli.py)
    "configuration_problem": Text(
        "hubsync: Konfigurationsproblem:\n{problems}", "hubsync: configuration problem:\n{problems}"
    ),
    "temporary_failure": Text(
        "hubsync: vorübergehender Fehler, versuchen Sie es später erneut: {e}",
        "hubsync: temporary failure, try again later: {e}",
    ),
    "interrupted": Text(
        "hubsync: unterbrochen; nicht fertige Dateien bleiben im Eingang",
        "hubsync: interrupted; files not finished stay in the inbox",
    ),
    "fetch_error": Text("hubsync: Abruf: {e}", "hubsync: fetch: {e}"),
    "nothing_new": Text("nichts Neues auf dem Server", "nothing new on the server"),
}
