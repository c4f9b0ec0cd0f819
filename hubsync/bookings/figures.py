"""Booking figures of one contact, recomputed from its deals (never incremented).

Pure: the planner reads the contact's deals from HubSpot (plus the ones this run wrote),
turns each into `DealFacts` and calls `compute_figures`. Rules:

- a cancelled deal (cancelled stage) is ignored entirely;
- a booking is a non-cancelled deal with an amount ≥ 0 (a credit note is no booking);
- revenue and hours sum every non-cancelled deal, so credit notes net out;
- the window counts bookings with `close_date > today − window_days`, future service dates
  included: a court booked for next week is a booking made now;
- deals are de-duplicated by number, so overlapping or repeated exports never count twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from hubsync.intake.formats import format_date, format_decimal
from hubsync.mapping.compare import from_epoch_ms


@dataclass(frozen=True)
class DealFacts:
    """What the figures need of one booking deal."""

    number: str
    close_date: date
    amount: Decimal
    hours: Decimal | None
    cancelled: bool


@dataclass(frozen=True)
class Figures:
    """A contact's booking figures; `as_properties()` gives the HubSpot contact properties."""

    letzte_buchung: date | None
    erste_buchung: date | None
    anzahl_buchungen: int
    anzahl_buchungen_zeitraum: int
    buchungsumsatz_eur: Decimal
    buchungsstunden: Decimal

    def as_properties(self) -> dict[str, str]:
        """Property name → value: dates `YYYY-MM-DD` ("" when none), plain decimal numbers."""
        return {
            "letzte_buchung": _date(self.letzte_buchung),
            "erste_buchung": _date(self.erste_buchung),
            "anzahl_buchungen": str(self.anzahl_buchungen),
            "anzahl_buchungen_zeitraum": str(self.anzahl_buchungen_zeitraum),
            "buchungsumsatz_eur": format_decimal(self.buchungsumsatz_eur),
            "buchungsstunden": format_decimal(self.buchungsstunden),
        }


def _date(value: date | None) -> str:
    return "" if value is None else format_date(value)


def _preferred(a: DealFacts, b: DealFacts) -> DealFacts:
    """Of two facts with one number, the one to count: cancelled wins, then the greater facts.

    Callers should pass the freshest facts only; this tie-break just keeps the result
    independent of the order of conflicting duplicates.
    """
    if a.cancelled != b.cancelled:
        return a if a.cancelled else b

    def key(f: DealFacts) -> tuple[date, Decimal, bool, Decimal]:
        return (f.close_date, f.amount, f.hours is not None, f.hours or Decimal(0))

    return a if key(a) >= key(b) else b


def compute_figures(deals: Iterable[DealFacts], *, today: date, window_days: int) -> Figures:
    """Figures of the given deals (see the module docstring for the rules)."""
    unique: dict[str, DealFacts] = {}
    for facts in deals:
        known = unique.get(facts.number)
        unique[facts.number] = facts if known is None else _preferred(known, facts)
    counted = [f for f in unique.values() if not f.cancelled]
    bookings = [f.close_date for f in counted if f.amount >= 0]
    start = today - timedelta(days=window_days)
    return Figures(
        letzte_buchung=max(bookings, default=None),
        erste_buchung=min(bookings, default=None),
        anzahl_buchungen=len(bookings),
        anzahl_buchungen_zeitraum=sum(1 for day in bookings if day > start),
        buchungsumsatz_eur=sum((f.amount for f in counted), Decimal(0)),
        buchungsstunden=sum((f.hours for f in counted if f.hours is not None), Decimal(0)),
    )


def _close_date(value: str) -> date | None:
    """Date of a HubSpot datetime: the date part of ISO-8601, or UTC day of epoch ms."""
    text = value.strip()
    if text.isdigit():
        moment = from_epoch_ms(text)
        return moment.date() if moment else None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _decimal(value: str | None) -> Decimal | None:
    if value is None or not value.strip():
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def deal_facts_from_properties(
    props: Mapping[str, str | None], *, cancelled_stage: str, key: str = "rechnungsnummer"
) -> DealFacts | None:
    """DealFacts of a HubSpot deal (rechnungsnummer, closedate, amount, buchungsstunden, dealstage).

    None when it is not a hubsync booking deal (no number in `key`) or has no readable
    `closedate`; a missing amount counts as 0. A deal carrying `storniert_durch` is cancelled.
    """
    number = (props.get(key) or "").strip()
    close = _close_date(props.get("closedate") or "")
    if not number or close is None:
        return None
    return DealFacts(
        number=number,
        close_date=close,
        amount=_decimal(props.get("amount")) or Decimal(0),
        hours=_decimal(props.get("buchungsstunden")),
        cancelled=props.get("dealstage") == cancelled_stage
        or bool((props.get("storniert_durch") or "").strip()),
    )
