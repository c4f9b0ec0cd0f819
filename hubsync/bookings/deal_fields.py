"""Booking document → HubSpot deal properties: deal name template, stage, storno targets."""

from __future__ import annotations

import string
from collections.abc import Iterable
from datetime import date

from hubsync.intake.formats import format_decimal
from hubsync.records import BookingDocument

TEMPLATE_FIELDS = ("anlage", "rechnungsnummer", "leistung", "kunde", "datum")


def cancellation_targets(documents: Iterable[BookingDocument]) -> dict[str, str]:
    """Original document number → number of the storno that cancels it (first one wins).

    Stornos are not deals: the planner applies each entry to the original's deal (cancelled
    stage, `storniert_durch`), whether or not the original is among `documents`.
    """
    targets: dict[str, str] = {}
    for doc in documents:
        if doc.cancels:
            targets.setdefault(doc.cancels, doc.number)
    return targets


def check_name_template(template: str) -> None:
    """Raise ValueError when the deal-name template uses a field other than TEMPLATE_FIELDS."""
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as exc:
        raise ValueError(f"invalid deal name template {template!r}: {exc}") from None
    unknown = sorted(names - set(TEMPLATE_FIELDS))
    if unknown:
        allowed = ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
        raise ValueError(f"unknown field(s) {unknown} in deal name template; use {allowed}")


def deal_properties(
    doc: BookingDocument,
    *,
    name_template: str = "{anlage} – {rechnungsnummer}",
    pipeline: str,
    stage: str,
    cancelled_stage: str,
    cancelled_by: str | None = None,
    key: str = "rechnungsnummer",
) -> dict[str, str]:
    """HubSpot deal properties (all strings) for a document that is a deal.

    `key` is the unique deal property the document number goes to. `cancelled_by` (a
    storno number) sets `storniert_durch` and the cancelled stage. Raises ValueError for
    a storno (`doc.cancels` set: see `cancellation_targets`) or a bad template.
    """
    if doc.cancels:
        raise ValueError(f"{doc.number} cancels {doc.cancels}: a storno is not a deal")
    check_name_template(name_template)
    label = doc.facility or doc.description.split(" | ")[0].split(" (")[0].strip()
    day = date.fromisoformat(doc.service_date)
    fields = {
        "anlage": label,
        "rechnungsnummer": doc.number,
        "leistung": doc.description,
        "kunde": doc.customer_name or "",
        "datum": day.strftime("%d.%m.%Y"),
    }
    name = " ".join(name_template.format_map(fields).split()).strip(" –-:|,")
    props = {
        "dealname": name or doc.number,
        "amount": format_decimal(doc.amount),
        # Noon UTC is the same calendar day from UTC−11 to UTC+11, Europe/Berlin included.
        "closedate": f"{doc.service_date}T12:00:00Z",
        "pipeline": pipeline,
        "dealstage": cancelled_stage if doc.cancelled or cancelled_by else stage,
        key: doc.number,
    }
    optional = {
        "description": doc.description,
        "anlage": doc.facility,
        "kundennummer": doc.customer_number,
        "buchungsstunden": None if doc.hours is None else format_decimal(doc.hours),
        "storniert_durch": cancelled_by,
    }
    props |= {key: value for key, value in optional.items() if value}
    return props
