"""`compare.from_epoch_ms`: HubSpot's epoch-milliseconds spelling, read one way by every user."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubsync.bookings.figures import DealFacts, deal_facts_from_properties
from hubsync.mapping.compare import from_epoch_ms, same_value

MOMENTS = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
).map(lambda m: m.replace(microsecond=m.microsecond // 1000 * 1000))


def deal(closedate: str) -> DealFacts | None:
    return deal_facts_from_properties(
        {"rechnungsnummer": "R1", "closedate": closedate}, cancelled_stage="closedlost"
    )


def millis(moment: datetime) -> str:
    return str((moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1))


@given(MOMENTS)
def test_reads_every_moment_back_exactly(moment: datetime) -> None:
    assert from_epoch_ms(millis(moment)) == moment


@pytest.mark.parametrize("text", ["", "-1", "1.5", "1e3", "٣", " 1", "99999999999999999999"])
def test_anything_else_is_none(text: str) -> None:
    assert from_epoch_ms(text) is None


@given(MOMENTS)
def test_the_comparison_and_the_figures_read_it_alike(moment: datetime) -> None:
    text = millis(moment)
    facts = deal(text)

    assert facts is not None and facts.close_date == moment.date()
    if len(text) >= 12:  # shorter digit runs are numbers to the comparison
        assert same_value(text, moment.isoformat().replace("+00:00", "Z"))


def test_a_date_far_beyond_9999_is_no_close_date() -> None:
    assert deal("9" * 20) is None
    facts = deal("2026-11-27T00:00:00Z")
    assert facts is not None and facts.close_date == date(2026, 11, 27)
