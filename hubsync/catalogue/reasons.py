"""Why formats refused a value or the CSV reader a whole file, in German and English.

Keyed by `FormatError.code` and `InputError.reason`; their English `str()` is rendered
from here, and a row message's `{reason}` renders the same entry in the run's language.
"""

from __future__ import annotations

from collections.abc import Iterable

from hubsync.catalogue.text import Text, render

# Why a value (formats.FormatError) or a file (errors.InputError) was refused.
REASONS: dict[str, Text] = {
    "date_empty": Text("leeres Datum", "empty date"),
    "date_format": Text(
        "kein Datum (erwartet TT.MM.JJJJ): {value!r}", "not a date (expected dd.mm.yyyy): {value!r}"
    ),
    "time_impossible": Text("unmögliche Uhrzeit: {value!r}", "impossible time: {value!r}"),
    "date_impossible": Text("unmögliches Datum: {value!r}", "impossible date: {value!r}"),
    "number_empty": Text("leere Zahl", "empty number"),
    "number_format": Text("keine Zahl: {value!r}", "not a number: {value!r}"),
    "number_infinite": Text("keine endliche Zahl: {value}", "not a finite number: {value}"),
    "duration_empty": Text("leere Dauer", "empty duration"),
    "duration_format": Text("keine Dauer: {value!r}", "not a duration: {value!r}"),
    "phone_empty": Text("leere Telefonnummer", "empty phone number"),
    "phone_format": Text("keine Telefonnummer: {value!r}", "not a phone number: {value!r}"),
    "phone_invalid": Text("ungültige Telefonnummer: {value!r}", "invalid phone number: {value!r}"),
    "zip_empty": Text("leere Postleitzahl", "empty postal code"),
    "zip_german": Text(
        "deutsche Postleitzahl braucht 5 Ziffern: {value!r}",
        "German postal code needs 5 digits: {value!r}",
    ),
    "zip_four": Text(
        "Postleitzahl braucht 4 Ziffern: {value!r}", "postal code needs 4 digits: {value!r}"
    ),
    "bool_format": Text("weder Ja noch Nein: {value!r}", "not yes/no: {value!r}"),
    "email_placeholder": Text(
        "{value!r}: Platzhalter, keine E-Mail-Adresse",
        "{value!r}: placeholder, not an e-mail address",
    ),
    "email_not_address": Text(
        "{value!r}: keine E-Mail-Adresse", "{value!r}: not an e-mail address"
    ),
    # email-validator explains in English only: the German text leaves its detail out.
    "email_invalid": Text(
        "{value!r}: ungültige E-Mail-Adresse", "{value!r}: invalid e-mail address ({detail})"
    ),
    "email_no_tld": Text(
        "{value!r}: ungültige E-Mail-Adresse (keine Top-Level-Domain aus Buchstaben)",
        "{value!r}: invalid e-mail address (no top-level domain of letters)",
    ),
    "email_unusable": Text(
        "ungültige E-Mail-Adresse {value!r}", "invalid e-mail address {value!r}"
    ),
    "binary_file": Text(
        "Binärdatei, keine Textdatei: Exportieren Sie die Daten als CSV",
        "binary file (not text): export the data as CSV",
    ),
    "file_empty": Text("Die Datei ist leer", "file is empty"),
    "csv_error": Text("CSV-Fehler: {detail}", "CSV error: {detail}"),
    "undecodable": Text(
        "nicht lesbare Zeichen ({detail}): Exportieren Sie als UTF-8 oder Windows-1252",
        "undecodable bytes ({detail})",
    ),
    "no_header": Text(
        "keine bekannten Spaltennamen in den ersten {lines} Zeilen; erwartet z. B. {examples}",
        "no known column names in the first {lines} lines; expected e.g. {examples}",
    ),
    "unknown_kind": Text(
        "weder ein Kundenexport (braucht eine E-Mail-Spalte) noch ein Buchungsexport (braucht "
        "Spalten für Belegnummer, Datum und Betrag); die Kopfzeile war: {header}",
        "neither a customer export (needs an e-mail column) nor a booking export (needs "
        "document number, date and amount columns); header was: {header}",
    ),
    "no_email_column": Text(
        "keine E-Mail-Spalte (erwartet z. B. „E-Mail“ oder „Email“)",
        "no e-mail column (expected e.g. E-Mail or Email)",
    ),
    "unreadable": Text("Die Datei ist nicht lesbar", "unreadable"),
}

# Where in a refused file: after its name.
_AT_LINE = Text(", Zeile {line}", ", line {line}")
_AT_COLUMN = Text(", Spalte „{column}“", ", column {column!r}")
_PREFIX = "reason_"


def reason_text(code: str, values: Iterable[tuple[str, str]], language: str = "en") -> str:
    """The reason `code` rendered with `values` in `language`.

    `values` are named as the template names them (`value`, `detail`) or with a `reason_`
    prefix, as row messages and `InputError.params` carry them. Raises KeyError for an
    unknown code or a missing value.
    """
    return render(REASONS[code].get(language), {k.removeprefix(_PREFIX): v for k, v in values})


def file_place(name: str, line: int | None, column: str | None, language: str = "en") -> str:
    """A file's name, with the line and column of a problem when known ("a.csv, line 3")."""
    where = name
    if line is not None:
        where += render(_AT_LINE.get(language), {"line": line})
    if column is not None:
        where += render(_AT_COLUMN.get(language), {"column": column})
    return where
