"""The invoice journal's columns: header alias → role, and what makes a header a journal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# Normalized header alias → role. Order matters: when a file has several columns of one
# role, the alias listed first wins and the others are reported as unmapped.
BOOKING_COLUMNS: Mapping[str, str] = {
    **dict.fromkeys(
        ("rechnungsnr", "rechnungsnummer", "belegnr", "belegnummer", "buchungsnr")
        + ("buchungsnummer", "dokumentnr", "dokumentnummer"),
        "number",
    ),
    **dict.fromkeys(("rechnungsdatum", "belegdatum"), "invoice_date"),
    # "Buchungsdatum" is last: in some systems it is the day the booking was made.
    **dict.fromkeys(("leistungsdatum", "spieldatum", "datum", "buchungsdatum"), "service_date"),
    "gebuchtam": "booked_at",
    **dict.fromkeys(("kdnr", "kundennummer", "kundennr"), "customer_number"),
    **dict.fromkeys(("kunde", "kundenname"), "customer_name"),
    **dict.fromkeys(("email", "mail"), "email"),
    **dict.fromkeys(("anlage", "platz", "court", "standort"), "facility"),
    **dict.fromkeys(("leistung", "artikel", "beschreibung", "text"), "description"),
    "beginn": "start",
    "ende": "end",
    **dict.fromkeys(("dauerstd", "dauer", "stunden", "std"), "hours"),
    "netto": "net",
    **dict.fromkeys(("ustsatz", "mwstsatz", "steuersatz"), "vat_rate"),
    **dict.fromkeys(("ust", "mwst"), "vat"),
    **dict.fromkeys(("brutto", "betrag", "gesamt", "summebrutto"), "gross"),
    **dict.fromkeys(("zahlart", "zahlungsart"), "payment"),
    "status": "status",
}

BOOKING_ROLES = frozenset(BOOKING_COLUMNS.values())
DATE_ROLES = ("service_date", "invoice_date")


def is_booking_header(
    normalized: Sequence[str], columns: Mapping[str, str] = BOOKING_COLUMNS
) -> bool:
    """True when the normalized header has a document number, a gross amount and a date."""
    roles = {columns.get(name) for name in normalized}
    return {"number", "gross"} <= roles and any(role in roles for role in DATE_ROLES)
