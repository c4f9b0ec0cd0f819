"""Row errors and warnings in the run's language: a German and an English text per code.

Every `RowError`/`RowWarning` carries an English `message` (logs, tests) plus a `code` and
`params`; `describe()` renders the catalog's template for the code with those params. A
template names its params (`{value!r}`); a segment in brackets, `[, Kundennummer {number}]`,
is shown only when all its params are non-empty, else its alternative after `|`, if any.
A `reason` param names an entry of `REASONS` (why formats.py or the CSV reader refused a
value or a file, see reasons.py); its params are the item's `reason_*` params, without
the prefix.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from hubsync.records import RowError, RowWarning
from hubsync.report.reasons import REASONS, Text

LANGUAGES = ("de", "en")


@dataclass(frozen=True)
class Entry:
    """A code's short label (per-reason counts) and its full template."""

    label: Text
    text: Text


def _entry(label_de: str, label_en: str, de: str, en: str) -> Entry:
    return Entry(Text(label_de, label_en), Text(de, en))


_DROPPED = Text(
    "{reason}; weggelassen, der Rest des Kontakts wird importiert",
    "{reason}; left out, the rest of the contact is imported",
)
_REAL_EMAIL = "Tragen Sie im Buchungssystem die richtige E-Mail-Adresse des Kunden ein"

MESSAGES: dict[str, Entry] = {
    # customer rows (customers.py)
    "email_missing": _entry(
        "keine E-Mail-Adresse",
        "no e-mail address",
        "keine E-Mail-Adresse: Tragen Sie im Buchungssystem die E-Mail-Adresse des Kunden ein",
        "no e-mail address: enter the customer's e-mail in the booking system",
    ),
    "email_placeholder": _entry(
        "Platzhalter statt E-Mail-Adresse",
        "placeholder instead of an e-mail address",
        "{value!r} ist ein Platzhalter, keine E-Mail-Adresse: " + _REAL_EMAIL,
        "{value!r} is a placeholder, not an e-mail address: enter the customer's real e-mail "
        "address in the booking system",
    ),
    "email_invalid": _entry(
        "ungültige E-Mail-Adresse",
        "invalid e-mail address",
        "ungültige E-Mail-Adresse {value!r}: " + _REAL_EMAIL,
        "invalid e-mail address {value!r}: enter the customer's real e-mail address in the "
        "booking system",
    ),
    "shared_mailbox": _entry(
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
    "email_additional": _entry(
        "mehrere E-Mail-Adressen",
        "several e-mail addresses",
        "mehrere E-Mail-Adressen: {key} ist der Schlüssel des Kontakts, {others} als weitere "
        "E-Mail-Adresse übernommen",
        "several e-mail addresses: {key} is the contact's key, {others} kept as additional e-mail",
    ),
    "email_part_ignored": _entry(
        "Teil der E-Mail-Zelle ignoriert",
        "part of the e-mail cell ignored",
        "Teil der E-Mail-Zelle ignoriert: {reason}",
        "ignored part of the e-mail cell: {reason}",
    ),
    "phone_invalid": Entry(Text("ungültige Telefonnummer", "invalid phone number"), _DROPPED),
    "zip_invalid": Entry(Text("ungültige Postleitzahl", "invalid postal code"), _DROPPED),
    "date_ignored": Entry(Text("ungültiges Datum", "invalid date"), _DROPPED),
    "value_invalid": Entry(Text("ungültiger Wert", "invalid value"), _DROPPED),
    "zip_padded": _entry(
        "Postleitzahl ergänzt",
        "postal code padded",
        "Postleitzahl {value!r} hatte ihre führende Null verloren: als {zip} importiert",
        "postal code {value!r} had lost its leading zero: imported as {zip}",
    ),
    "extra_cells": _entry(
        "zusätzliche Zellen",
        "extra cells",
        "mehr Zellen, als die Kopfzeile Spalten hat; ignoriert: {cells}",
        "more cells than the header has columns; ignored: {cells}",
    ),
    "mojibake_repaired": _entry(
        "Umlaute repariert",
        "umlauts repaired",
        "verstümmelte Umlaute repariert ({values}); bitte prüfen Sie die Schreibweise",
        "garbled umlauts repaired ({values}); please check the spelling",
    ),
    "lossy_export": _entry(
        "Buchstaben beim Export verloren",
        "letters lost in the export",
        "Buchstaben beim Export verloren ({values}): Die Zeichenkodierung der Datei kann sie "
        "nicht darstellen. Unverändert importiert; exportieren Sie als UTF-8 oder korrigieren "
        "Sie den Namen in HubSpot",
        "letters lost in the export ({values}): the file's code page cannot write them. "
        "Imported as is; export as UTF-8 or correct the name in HubSpot",
    ),
    # journal rows (bookings.py, bookings_sync.py)
    "number_missing": _entry(
        "Belegnummer fehlt",
        "document number missing",
        "Belegnummer fehlt",
        "document number missing",
    ),
    "number_invalid": _entry(
        "ungültige Belegnummer",
        "invalid document number",
        "keine gültige Belegnummer: {value!r}",
        "not a document number: {value!r}",
    ),
    "skipped": _entry(
        "Zeile übersprungen",
        "line skipped",
        "Zeile ohne Belegnummer, Datum, Betrag und Kunde übersprungen",
        "line without document number, date, amount or customer skipped",
    ),
    "subtotal_skipped": _entry(
        "Zwischenzeile übersprungen",
        "subtotal line skipped",
        "Zeile ohne Belegnummer übersprungen: {value!r}",
        "line without a document number skipped: {value!r}",
    ),
    "date_invalid": _entry(
        "ungültiges Datum", "invalid date", "{reason}", "invalid date {value!r}: {reason}"
    ),
    "date_missing": _entry(
        "Datum fehlt",
        "date missing",
        "Leistungs- und Rechnungsdatum fehlen",
        "service and invoice date missing",
    ),
    "amount_missing": _entry(
        "Betrag fehlt", "amount missing", "Bruttobetrag fehlt", "gross amount missing"
    ),
    "amount_invalid": _entry(
        "ungültiger Betrag", "invalid amount", "{reason}", "invalid amount {value!r}: {reason}"
    ),
    "hours_invalid": _entry(
        "ungültige Dauer", "invalid hours", "{reason}", "invalid hours {value!r}: {reason}"
    ),
    "time_invalid": _entry(
        "ungültige Uhrzeit",
        "invalid time",
        "ungültige Uhrzeit {start!r} – {end!r}",
        "invalid time {start!r} – {end!r}",
    ),
    "email_ignored": _entry(
        "E-Mail-Adresse ignoriert",
        "e-mail address ignored",
        "E-Mail-Adresse ignoriert: {reason}",
        "e-mail {value!r} ignored: {reason}",
    ),
    "document_rejected": _entry(
        "Beleg nicht importiert",
        "document not imported",
        "Beleg {number} nicht importiert: Zeile {other_line} ist abgelehnt",
        "document {number} not imported: line {other_line} is rejected",
    ),
    "document_conflict": _entry(
        "widersprüchliche Kundennummer",
        "conflicting customer number",
        "Beleg {number}: Kundennummer {value!r} weicht von {expected!r} in Zeile {other_line} ab",
        "document {number}: customer number {value!r} differs from {expected!r} on line "
        "{other_line}",
    ),
    "storno_unreferenced": _entry(
        "Storno ohne Originalbeleg",
        "storno without original",
        "Storno {number} nennt keinen Originalbeleg; als Gutschrift importiert",
        "storno {number} names no original document; imported as a credit note",
    ),
    "checksum": _entry(
        "Summenzeile weicht ab",
        "footer totals differ",
        "Summenzeile weicht von den Zeilen ab (Summenzeile ≠ Zeilen): {details}"
        "[; unlesbare Zellen: {unreadable}]",
        "footer totals differ from the rows (footer ≠ rows): {details}"
        "[; unreadable cells: {unreadable}]",
    ),
    "unassigned": _entry(
        "ohne Kontakt",
        "without contact",
        "{number}: kein HubSpot-Kontakt [für {customer}|(weder Kundennummer noch "
        "E-Mail-Adresse)]; als Deal ohne Kontakt importiert",
        "{number}: no HubSpot contact for [{customer}|no customer number or e-mail]; imported "
        "as a deal without contact",
    ),
    # HubSpot's answers (contacts_sync.py, deals_sync.py, figures_sync.py)
    "contact_conflict": _entry(
        "gleicher HubSpot-Kontakt",
        "same HubSpot contact",
        "gehört zum selben HubSpot-Kontakt ({contact}) wie Zeile {other_line} ({other_email}); "
        "prüfen Sie Kundennummern und E-Mail-Adressen",
        "resolves to the same HubSpot contact ({contact}) as line {other_line} ({other_email}); "
        "check the customer numbers and e-mails",
    ),
    "hubspot_rejected": _entry(
        "Kontakt von HubSpot abgelehnt",
        "contact rejected by HubSpot",
        "HubSpot hat den Kontakt {email} abgelehnt: {hubspot}",
        "HubSpot rejected the contact {email}: {hubspot}",
    ),
    "contact_partly_written": _entry(
        "Kontakt ohne einen Wert geschrieben",
        "contact written without a value",
        "Kontakt {email} geschrieben, aber HubSpot hat einen Teil abgelehnt: {hubspot}",
        "contact {email} written without part of it: {hubspot}",
    ),
    "deal_rejected": _entry(
        "Deal von HubSpot abgelehnt",
        "deal rejected by HubSpot",
        "HubSpot hat den Deal {number} abgelehnt: {hubspot}",
        "HubSpot rejected the deal {number}: {hubspot}",
    ),
    "association_failed": _entry(
        "Verknüpfung fehlgeschlagen",
        "association failed",
        "Deal {deal} konnte nicht mit Kontakt {contact} verknüpft werden",
        "deal {deal} could not be associated with contact {contact}",
    ),
    "figures_rejected": _entry(
        "Buchungszahlen nicht geschrieben",
        "figures not written",
        "Buchungszahlen des Kontakts {contact} nicht geschrieben: {hubspot}",
        "figures of contact {contact} not written: {hubspot}",
    ),
    # a whole file (pipeline.py, from an InputError)
    "file_rejected": _entry("Datei abgelehnt", "file rejected", "{reason}", "{reason}"),
}

# (whole row, one column), as the mail writes them
_PLACE = {
    "de": ("Zeile {line}: {text}", "Zeile {line}, Spalte „{column}“: {text}"),
    "en": ("line {line}: {text}", 'line {line}, column "{column}": {text}'),
}
_OPTIONAL = re.compile(r"\[([^\[\]|]*)(?:\|([^\[\]]*))?\]")
_REASON = "reason_"


def describe(item: RowError | RowWarning, language: str) -> str:
    """The item's message in `language` ("de" or "en").

    Falls back to the English `item.message` for an unknown code or language, or when a
    param the template needs is missing; never raises.
    """
    entry = MESSAGES.get(item.code)
    if entry is None or language not in LANGUAGES:
        return item.message
    values = dict(item.params)
    try:
        if "reason" in values:
            inner = {k[len(_REASON) :]: v for k, v in values.items() if k.startswith(_REASON)}
            values["reason"] = _render(REASONS[values["reason"]].get(language), inner)
        return _render(entry.text.get(language), values)
    except (KeyError, IndexError, ValueError):
        return item.message


def label(code: str, language: str) -> str:
    """The short name of a reason code for per-reason counts; the code itself if unknown."""
    entry = MESSAGES.get(code)
    return entry.label.get(language) if entry and language in LANGUAGES else code


def locate(item: RowError | RowWarning, language: str) -> str:
    """`describe()` prefixed with the item's line and column ("Zeile 3, Spalte „PLZ“: …")."""
    text = describe(item, language)
    if not item.line:
        return text
    whole, one = _PLACE.get(language, _PLACE["en"])
    if item.column:
        return one.format(line=item.line, column=item.column, text=text)
    return whole.format(line=item.line, text=text)


def _render(template: str, values: dict[str, str]) -> str:
    def pick(match: re.Match[str]) -> str:
        fields = [f for _, f, _, _ in string.Formatter().parse(match[1]) if f]
        return match[1] if all(values.get(f) for f in fields) else match[2] or ""

    return _OPTIONAL.sub(pick, template).format_map(values)
