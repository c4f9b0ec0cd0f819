"""Row errors and warnings, German and English, by code: a short label and a full template.

Every `RowError`/`RowWarning` names a code and its params; its English `message` and its
text in the run's language are both rendered from here. A `reason` param names an entry
of `REASONS` (why formats or the CSV reader refused a value or a file); its params are
the item's `reason_*` params, without the prefix.
"""

from __future__ import annotations

from collections.abc import Iterable

from hubsync.catalogue.entries import Entry, entry
from hubsync.catalogue.hubspot_rows import HUBSPOT_MESSAGES
from hubsync.catalogue.reasons import REASONS
from hubsync.catalogue.text import LANGUAGES, Text, render

_DROPPED = Text(
    "{reason}; weggelassen, der Rest des Kontakts wird importiert",
    "{reason}; left out, the rest of the contact is imported",
)
_REAL_EMAIL = "Tragen Sie im Buchungssystem die richtige E-Mail-Adresse des Kunden ein"

MESSAGES: dict[str, Entry] = {
    # customer rows (customers.py)
    "email_missing": entry(
        "keine E-Mail-Adresse",
        "no e-mail address",
        "keine E-Mail-Adresse: Tragen Sie im Buchungssystem die E-Mail-Adresse des Kunden ein",
        "no e-mail address: enter the customer's e-mail in the booking system",
    ),
    "email_placeholder": entry(
        "Platzhalter statt E-Mail-Adresse",
        "placeholder instead of an e-mail address",
        "{value!r} ist ein Platzhalter, keine E-Mail-Adresse: " + _REAL_EMAIL,
        "{value!r} is a placeholder, not an e-mail address: enter the customer's real e-mail "
        "address in the booking system",
    ),
    "email_invalid": entry(
        "ungültige E-Mail-Adresse",
        "invalid e-mail address",
        "ungültige E-Mail-Adresse {value!r}: " + _REAL_EMAIL,
        "invalid e-mail address {value!r}: enter the customer's real e-mail address in the "
        "booking system",
    ),
    "shared_mailbox": entry(
        "gemeinsames Postfach",
        "shared mailbox",
        "gleiche E-Mail-Adresse {email} wie Zeile {other_line} ([{other_name}|ohne Namen]"
        "[, Kundennummer {other_number}]), aber ein anderer Vorname: vermutlich ein gemeinsames "
        "(Familien-)Postfach. Nicht importiert; tragen Sie für diese Person im Buchungssystem "
        "eine eigene E-Mail-Adresse ein oder legen Sie den Kontakt in HubSpot von Hand an.",
        "same e-mail {email} as line {other_line} ([{other_name}|no name]"
        "[, customer number {other_number}]) but a different first name: probably a shared "
        "(family) mailbox. Not imported; give this person an own e-mail address in the booking "
        "system or enter the contact by hand.",
    ),
    "email_additional": entry(
        "mehrere E-Mail-Adressen",
        "several e-mail addresses",
        "mehrere E-Mail-Adressen: {key} ist der Schlüssel des Kontakts, {others} als weitere "
        "E-Mail-Adresse übernommen",
        "several e-mail addresses: {key} is the contact's key, {others} kept as additional e-mail",
    ),
    "email_part_ignored": entry(
        "Teil der E-Mail-Zelle ignoriert",
        "part of the e-mail cell ignored",
        "Teil der E-Mail-Zelle ignoriert: {reason}",
        "ignored part of the e-mail cell: {reason}",
    ),
    "phone_invalid": Entry(Text("ungültige Telefonnummer", "invalid phone number"), _DROPPED),
    "zip_invalid": Entry(Text("ungültige Postleitzahl", "invalid postal code"), _DROPPED),
    "date_ignored": Entry(Text("ungültiges Datum", "invalid date"), _DROPPED),
    "value_invalid": Entry(Text("ungültiger Wert", "invalid value"), _DROPPED),
    "zip_padded": entry(
        "Postleitzahl ergänzt",
        "postal code padded",
        "Postleitzahl {value!r} hatte ihre führende Null verloren: als {zip} importiert",
        "postal code {value!r} had lost its leading zero: imported as {zip}",
    ),
    "extra_cells": entry(
        "zusätzliche Zellen",
        "extra cells",
        "mehr Zellen, als die Kopfzeile Spalten hat; ignoriert: {cells}",
        "more cells than the header has columns; ignored: {cells}",
    ),
    "mojibake_repaired": entry(
        "Umlaute repariert",
        "umlauts repaired",
        "verstümmelte Umlaute repariert ({values}); bitte prüfen Sie die Schreibweise",
        "garbled umlauts repaired ({values}); please check the spelling",
    ),
    "lossy_export": entry(
        "Buchstaben beim Export verloren",
        "letters lost in the export",
        "Buchstaben beim Export verloren ({values}): Die Zeichenkodierung der Datei kann sie "
        "nicht darstellen. Unverändert importiert; exportieren Sie als UTF-8 oder korrigieren "
        "Sie den Namen in HubSpot",
        "letters lost in the export ({values}): the file's code page cannot write them. "
        "Imported as is; export as UTF-8 or correct the name in HubSpot",
    ),
    # journal rows (bookings.py, bookings_sync.py)
    "number_missing": entry(
        "Belegnummer fehlt",
        "document number missing",
        "Belegnummer fehlt",
        "document number missing",
    ),
    "number_invalid": entry(
        "ungültige Belegnummer",
        "invalid document number",
        "keine gültige Belegnummer: {value!r}",
        "not a document number: {value!r}",
    ),
    "skipped": entry(
        "Zeile übersprungen",
        "line skipped",
        "Zeile ohne Belegnummer, Datum, Betrag und Kunde übersprungen",
        "line without document number, date, amount or customer skipped",
    ),
    "subtotal_skipped": entry(
        "Zwischenzeile übersprungen",
        "subtotal line skipped",
        "Zeile ohne Belegnummer übersprungen: {value!r}",
        "line without a document number skipped: {value!r}",
    ),
    "date_invalid": entry(
        "ungültiges Datum", "invalid date", "{reason}", "invalid date {value!r}: {reason}"
    ),
    "date_missing": entry(
        "Datum fehlt",
        "date missing",
        "Leistungs- und Rechnungsdatum fehlen",
        "service and invoice date missing",
    ),
    "amount_missing": entry(
        "Betrag fehlt", "amount missing", "Bruttobetrag fehlt", "gross amount missing"
    ),
    "amount_invalid": entry(
        "ungültiger Betrag", "invalid amount", "{reason}", "invalid amount {value!r}: {reason}"
    ),
    "hours_invalid": entry(
        "ungültige Dauer", "invalid hours", "{reason}", "invalid hours {value!r}: {reason}"
    ),
    "time_invalid": entry(
        "ungültige Uhrzeit",
        "invalid time",
        "ungültige Uhrzeit {start!r} – {end!r}",
        "invalid time {start!r} – {end!r}",
    ),
    "email_ignored": entry(
        "E-Mail-Adresse ignoriert",
        "e-mail address ignored",
        "E-Mail-Adresse ignoriert: {reason}",
        "e-mail {value!r} ignored: {reason}",
    ),
    "document_rejected": entry(
        "Beleg nicht importiert",
        "document not imported",
        "Beleg {number} nicht importiert: Zeile {other_line} ist abgelehnt",
        "document {number} not imported: line {other_line} is rejected",
    ),
    "document_conflict": entry(
        "widersprüchliche Kundennummer",
        "conflicting customer number",
        "Beleg {number}: Kundennummer {value!r} weicht von {expected!r} in Zeile {other_line} ab",
        "document {number}: customer number {value!r} differs from {expected!r} on line "
        "{other_line}",
    ),
    "storno_unreferenced": entry(
        "Storno ohne Originalbeleg",
        "storno without original",
        "Storno {number} nennt keinen Originalbeleg; als Gutschrift importiert",
        "storno {number} names no original document; imported as a credit note",
    ),
    "checksum": entry(
        "Summenzeile weicht ab",
        "footer totals differ",
        "Summenzeile weicht von den Zeilen ab (Summenzeile ≠ Zeilen): {details}"
        "[; unlesbare Zellen: {unreadable}]",
        "footer totals differ from the rows (footer ≠ rows): {details}"
        "[; unreadable cells: {unreadable}]",
    ),
    "unassigned": entry(
        "ohne Kontakt",
        "without contact",
        "{number}: kein HubSpot-Kontakt [für {customer}|(weder Kundennummer noch "
        "E-Mail-Adresse)]; als Deal ohne Kontakt importiert",
        "{number}: no HubSpot contact for [{customer}|no customer number or e-mail]; imported "
        "as a deal without contact",
    ),
    # HubSpot's answers (contacts_sync.py, deals_sync.py, figures_sync.py)
    "contact_conflict": entry(
        "gleicher HubSpot-Kontakt",
        "same HubSpot contact",
        "gehört zum selben HubSpot-Kontakt ({contact}) wie Zeile {other_line} ({other_email}); "
        "prüfen Sie Kundennummern und E-Mail-Adressen",
        "resolves to the same HubSpot contact ({contact}) as line {other_line} ({other_email}); "
        "check the customer numbers and e-mails",
    ),
    # a whole file (pipeline.py, from an InputError)
    "file_rejected": entry("Datei abgelehnt", "file rejected", "{reason}", "{reason}"),
    **HUBSPOT_MESSAGES,
}

# Where an item is: (whole row, one column).
WHOLE_ROW = Text("Zeile {line}: {text}", "line {line}: {text}")
ONE_COLUMN = Text(
    "Zeile {line}, Spalte „{column}“: {text}", 'line {line}, column "{column}": {text}'
)
_REASON = "reason_"


def row_text(code: str, params: Iterable[tuple[str, str]], language: str) -> str:
    """The message `code` with `params` in `language` ("de" or "en").

    Raises KeyError for an unknown code, language or reason, or a missing param (also
    IndexError or ValueError for a broken template).
    """
    if language not in LANGUAGES:
        raise KeyError(language)
    entry = MESSAGES[code]
    values = dict(params)
    if "reason" in values:
        inner = {k[len(_REASON) :]: v for k, v in values.items() if k.startswith(_REASON)}
        values["reason"] = render(REASONS[values["reason"]].get(language), inner)
    return render(entry.text.get(language), values)


def english(code: str, params: Iterable[tuple[str, str]]) -> str:
    """The English message of `code` (logs, tests); the bare code if it cannot be rendered."""
    try:
        return row_text(code, params, "en")
    except (KeyError, IndexError, ValueError):
        return code
