"""What `hubsync history` and `hubsync undo` print, German and English, by key.

Problem lines are keyed `p_<what>_<reason>` after `hubsync.history.entries.Problem`.
"""

from __future__ import annotations

from hubsync.catalogue.text import Text

HISTORY: dict[str, Text] = {
    # hubsync history
    "empty": Text(
        "Das Protokoll ist leer: noch kein Lauf hat etwas in HubSpot geschrieben.",
        "The ledger is empty: no run has written anything to HubSpot yet.",
    ),
    "col_run": Text("Lauf", "run"),
    "col_when": Text("Zeit", "when"),
    "col_files": Text("Dateien", "files"),
    "col_created": Text("angelegt", "created"),
    "col_updated": Text("aktualisiert", "updated"),
    "col_rejected": Text("abgelehnt", "rejected"),
    "col_exit": Text("Exit", "exit"),
    "undo_of": Text("Rückgängig: {run}", "undo of {run}"),
    "undone_by": Text("  (rückgängig gemacht durch {by})", "  (undone by {by})"),
    # hubsync history RUN
    "run": Text(
        "Lauf {run}: {started} bis {finished}, Exit-Code {code}",
        "Run {run}: {started} to {finished}, exit code {code}",
    ),
    "undo_run": Text(
        "Rückgängig-Aktion {run} für Lauf {of}: {started} bis {finished}, Exit-Code {code}",
        "Undo {run} of run {of}: {started} to {finished}, exit code {code}",
    ),
    "files": Text("Dateien:", "Files:"),
    "file": Text(
        "  {name} ({kind}): {status}[ → {destination}], {rows} Zeilen, {rejected} abgelehnt",
        "  {name} ({kind}): {status}[ → {destination}], {rows} rows, {rejected} rejected",
    ),
    "created": Text("Angelegt ({n}):", "Created ({n}):"),
    "changed": Text("Geänderte Eigenschaften ({n}):", "Properties changed ({n}):"),
    "linked": Text("Verknüpfungen hinzugefügt ({n}):", "Associations added ({n}):"),
    "statuses": Text("Abo-Status gesetzt ({n}):", "Subscription statuses set ({n}):"),
    "archived": Text("Archiviert ({n}):", "Archived ({n}):"),
    "unlinked": Text("Verknüpfungen entfernt ({n}):", "Associations removed ({n}):"),
    "record_line": Text("  {type} {id}", "  {type} {id}"),
    "change_line": Text(
        "  {type} {id} {name}: {old} → {new}", "  {type} {id} {name}: {old} → {new}"
    ),
    "link_line": Text("  {a_type} {a} → {b_type} {b}", "  {a_type} {a} → {b_type} {b}"),
    "status_line": Text(
        "  {email} {subscription}: {old} → {new}", "  {email} {subscription}: {old} → {new}"
    ),
    "blank": Text("(leer)", "(empty)"),
    "nothing_written": Text("  (nichts)", "  (nothing)"),
    # hubsync undo
    "unknown_run": Text(
        "Kein Lauf {run!r} im Protokoll ({path}); `hubsync history` listet die Läufe.",
        "No run {run!r} in the ledger ({path}); `hubsync history` lists the runs.",
    ),
    "already": Text(
        "Lauf {run} wurde am {when} schon rückgängig gemacht ({by}): nichts zu tun.",
        "Run {run} was undone on {when} already ({by}): nothing to do.",
    ),
    "dry_run": Text(
        "[Probelauf] Rückgängig von {run}: nichts wurde geschrieben.",
        "[dry run] Undo of {run}: nothing was written.",
    ),
    "undo_done": Text("Rückgängig von {run}:", "Undo of {run}:"),
    "would": Text("würden ", "would be "),
    "undo_counts": Text(
        "  Datensätze {would}archiviert: {archived}; Eigenschaften {would}zurückgesetzt: "
        "{restored}; Verknüpfungen {would}entfernt: {unlinked}; Kennzahlen {would}neu "
        "berechnet: {refigured}; schon wie vorher: {settled}",
        "  records {would}archived: {archived}; properties {would}restored: {restored}; "
        "associations {would}removed: {unlinked}; figures {would}recomputed: {refigured}; "
        "already as before: {settled}",
    ),
    "undo_all": Text("  Alles rückgängig gemacht.", "  Everything undone."),
    "not_undone": Text("Nicht rückgängig gemacht ({n}):", "Not undone ({n}):"),
    "undo_record": Text(
        "Protokolliert als {run}; `hubsync undo {run}` setzt die Eigenschaften wieder auf "
        "die Werte des Laufs.",
        "Recorded as {run}; `hubsync undo {run}` puts the properties back to the run's values.",
    ),
    "p_record_changed_since": Text(
        "  {type} {id}: seit dem Lauf geändert ({name}: jetzt {now}, der Lauf schrieb "
        "{wrote}); nicht archiviert",
        "  {type} {id}: changed since the run ({name}: now {now}, the run wrote {wrote}); "
        "not archived",
    ),
    "p_property_changed_since": Text(
        "  {type} {id} {name}: seit dem Lauf geändert (jetzt {now}, der Lauf schrieb "
        "{wrote}); belassen",
        "  {type} {id} {name}: changed since the run (now {now}, the run wrote {wrote}); "
        "left alone",
    ),
    "p_property_record_gone": Text(
        "  {type} {id} {name}: der Datensatz ist nicht mehr in HubSpot (archiviert oder "
        "zusammengeführt)",
        "  {type} {id} {name}: the record is no longer in HubSpot (archived or merged)",
    ),
    "p_property_refused": Text(
        "  {type} {id} {name}: HubSpot lehnte das Zurücksetzen ab: {now}",
        "  {type} {id} {name}: HubSpot refused the restore: {now}",
    ),
    "p_figures_refused": Text(
        "  {type} {id}: HubSpot lehnte die neu berechneten Kennzahlen ab: {now}",
        "  {type} {id}: HubSpot refused the recomputed figures: {now}",
    ),
    "p_subscription_subscription_kept": Text(
        "  Abo {name} von {id}: vom Lauf auf {wrote} gesetzt, bleibt so (hubsync meldet "
        "niemanden ab oder wieder an)",
        "  subscription {name} of {id}: set to {wrote} by the run, kept (hubsync never "
        "unsubscribes or resubscribes anyone)",
    ),
    "p_record_archived_by_undo": Text(
        "  {type} {id}: von der Rückgängig-Aktion archiviert; nur in HubSpot wiederherstellbar "
        "(Papierkorb, 90 Tage)",
        "  {type} {id}: archived by the undo; restorable only in HubSpot (recycle bin, 90 days)",
    ),
    "p_association_unlinked_by_undo": Text(
        "  {type} {id} → {name}: von der Rückgängig-Aktion entfernt, wird nicht neu angelegt",
        "  {type} {id} → {name}: removed by the undo, not added again",
    ),
}
