"""Tests for hubsync.bookings.figures: booking figures per contact, recomputed from deal facts."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from hubsync.bookings.figures import DealFacts, Figures, compute_figures, deal_facts_from_properties

TODAY = date(2026, 11, 27)


def facts(
    number: str,
    day: date,
    amount: str,
    hours: str | None = "1",
    *,
    cancelled: bool = False,
) -> DealFacts:
    return DealFacts(
        number, day, Decimal(amount), None if hours is None else Decimal(hours), cancelled
    )


def test_no_deals() -> None:
    figures = compute_figures([], today=TODAY, window_days=90)
    assert figures == Figures(None, None, 0, 0, Decimal(0), Decimal(0))
    assert figures.as_properties() == {
        "letzte_buchung": "",
        "erste_buchung": "",
        "anzahl_buchungen": "0",
        "anzahl_buchungen_zeitraum": "0",
        "buchungsumsatz_eur": "0",
        "buchungsstunden": "0",
    }


def test_bookings_credit_notes_and_cancellations() -> None:
    deals = [
        facts("RE-1", date(2026, 1, 10), "72.00", "1.0"),
        facts("RE-2", date(2026, 11, 1), "1162.50", "1.5"),
        facts("RE-3", date(2026, 11, 20), "72.00", "1.0", cancelled=True),  # ignored entirely
        facts("GS-1", date(2026, 11, 25), "-34.50", "-0.5"),  # credit note: nets out, no booking
        facts("RE-4", date(2026, 12, 5), "50.00", None),  # booked for next month
    ]
    figures = compute_figures(deals, today=TODAY, window_days=30)
    assert figures == Figures(
        letzte_buchung=date(2026, 12, 5),
        erste_buchung=date(2026, 1, 10),
        anzahl_buchungen=3,
        anzahl_buchungen_zeitraum=2,  # RE-2 and the future RE-4
        buchungsumsatz_eur=Decimal("1250.00"),
        buchungsstunden=Decimal("2.0"),
    )
    assert figures.as_properties() == {
        "letzte_buchung": "2026-12-05",
        "erste_buchung": "2026-01-10",
        "anzahl_buchungen": "3",
        "anzahl_buchungen_zeitraum": "2",
        "buchungsumsatz_eur": "1250",
        "buchungsstunden": "2",
    }


def test_window_edges() -> None:
    deals = [
        facts("RE-1", TODAY - timedelta(days=30), "1"),  # just outside (today − 30, today]
        facts("RE-2", TODAY - timedelta(days=29), "1"),
        facts("RE-3", TODAY, "1"),
    ]
    assert compute_figures(deals, today=TODAY, window_days=30).anzahl_buchungen_zeitraum == 2


def test_duplicates_count_once_and_cancellation_wins() -> None:
    deal = facts("RE-1", TODAY, "72")
    assert compute_figures([deal, deal], today=TODAY, window_days=30).anzahl_buchungen == 1
    cancelled = facts("RE-1", TODAY, "72", cancelled=True)
    for order in ([deal, cancelled], [cancelled, deal]):
        assert compute_figures(order, today=TODAY, window_days=30).anzahl_buchungen == 0


def test_fractional_amounts_as_properties() -> None:
    deals = [facts("RE-1", TODAY, "1234.50", "1.25"), facts("RE-2", TODAY, "0.10", None)]
    props = compute_figures(deals, today=TODAY, window_days=7).as_properties()
    assert (props["buchungsumsatz_eur"], props["buchungsstunden"]) == ("1234.6", "1.25")


# --- reading deals back from HubSpot ----------------------------------------------------------


def test_deal_facts_from_properties() -> None:
    props: dict[str, str | None] = {
        "rechnungsnummer": "RE-2026-0412",
        "closedate": "2026-09-03T12:00:00Z",
        "amount": "72",
        "buchungsstunden": "1.5",
        "dealstage": "closedwon",
    }
    assert deal_facts_from_properties(props, cancelled_stage="closedlost") == facts(
        "RE-2026-0412", date(2026, 9, 3), "72", "1.5"
    )
    lost = {**props, "dealstage": "closedlost", "closedate": "2026-09-03T12:00:00.000Z"}
    assert deal_facts_from_properties(lost, cancelled_stage="closedlost") == facts(
        "RE-2026-0412", date(2026, 9, 3), "72", "1.5", cancelled=True
    )


def test_deal_facts_epoch_and_gaps() -> None:
    props: dict[str, str | None] = {
        "rechnungsnummer": "RE-1",
        "closedate": "1788436800000",  # 2026-09-03T12:00:00Z
        "amount": None,
        "buchungsstunden": "",
        "dealstage": "closedwon",
        "storniert_durch": "ST-1",
    }
    assert deal_facts_from_properties(props, cancelled_stage="closedlost") == facts(
        "RE-1", date(2026, 9, 3), "0", None, cancelled=True
    )


def test_not_a_booking_deal() -> None:
    assert deal_facts_from_properties({"dealname": "Sponsoring"}, cancelled_stage="x") is None
    no_date = {"rechnungsnummer": "RE-1", "closedate": "soon"}
    assert deal_facts_from_properties(no_date, cancelled_stage="x") is None
    assert deal_facts_from_properties({"rechnungsnummer": " "}, cancelled_stage="x") is None


# --- property: figures equal a reference computation, whatever the order -------------------


def reference(deals: list[DealFacts], today: date, window_days: int) -> Figures:
    """The rules written out naively over distinct deals."""
    live = [d for d in deals if not d.cancelled]
    days = sorted(d.close_date for d in live if d.amount >= 0)
    revenue = Decimal(0)
    hours = Decimal(0)
    for d in live:
        revenue += d.amount
        if d.hours is not None:
            hours += d.hours
    return Figures(
        letzte_buchung=days[-1] if days else None,
        erste_buchung=days[0] if days else None,
        anzahl_buchungen=len(days),
        anzahl_buchungen_zeitraum=len([d for d in days if (today - d).days < window_days]),
        buchungsumsatz_eur=revenue,
        buchungsstunden=hours,
    )


money = st.decimals(min_value=-500, max_value=5000, places=2)
deal_facts = st.builds(
    DealFacts,
    number=st.just(""),
    close_date=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    amount=money,
    hours=st.one_of(st.none(), st.decimals(min_value=-12, max_value=12, places=1)),
    cancelled=st.booleans(),
)


@given(
    deals=st.lists(deal_facts, max_size=25),
    repeats=st.lists(st.integers(min_value=0, max_value=24), max_size=10),
    seed=st.integers(),
    window_days=st.integers(min_value=0, max_value=400),
)
def test_figures_are_order_and_duplicate_independent(
    deals: list[DealFacts], repeats: list[int], seed: int, window_days: int
) -> None:
    distinct = [
        DealFacts(f"RE-{i}", d.close_date, d.amount, d.hours, d.cancelled)
        for i, d in enumerate(deals)
    ]
    # The same deals imported again (overlapping exports), in any order.
    seen = distinct + [distinct[i] for i in repeats if i < len(distinct)]
    random.Random(seed).shuffle(seen)
    expected = reference(distinct, TODAY, window_days)
    assert compute_figures(seen, today=TODAY, window_days=window_days) == expected
    assert compute_figures(reversed(seen), today=TODAY, window_days=window_days) == expected


@given(
    deals=st.lists(
        st.builds(
            DealFacts,
            number=st.sampled_from(["RE-1", "RE-2", "RE-3"]),
            close_date=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
            amount=money,
            hours=st.one_of(st.none(), st.decimals(min_value=-3, max_value=3, places=1)),
            cancelled=st.booleans(),
        ),
        max_size=10,
    ),
    seed=st.integers(),
)
def test_conflicting_duplicates_do_not_depend_on_order(deals: list[DealFacts], seed: int) -> None:
    shuffled = list(deals)
    random.Random(seed).shuffle(shuffled)
    first = compute_figures(deals, today=TODAY, window_days=90)
    assert compute_figures(shuffled, today=TODAY, window_days=90) == first
    assert first.anzahl_buchungen <= len({d.number for d in deals})
