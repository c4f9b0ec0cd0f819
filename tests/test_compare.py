"""`same_value`: HubSpot's spelling of a value we would write counts as that value.

These rules are what makes a re-run write nothing: HubSpot answers numbers as "72.0",
datetimes with milliseconds or as epoch milliseconds, multi-checkbox values in its own
order, e-mail addresses in any case. Where a difference is real (a name's case, another
number, another day), the value must be written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hubsync.mapping.compare import same_value


def epoch_ms(year: int, month: int, day: int, hour: int = 0) -> str:
    """HubSpot's epoch-milliseconds spelling of a UTC moment."""
    return millis(datetime(year, month, day, hour, tzinfo=UTC))


def millis(moment: datetime) -> str:
    """Epoch milliseconds of `moment`, exactly (no float rounding)."""
    return str(int(moment.timestamp()) * 1000 + moment.microsecond // 1000)


@pytest.mark.parametrize(
    ("held", "new"),
    [
        ("Schorndorf", " Schorndorf "),  # surrounding whitespace is not a value
        ("Schorndorf\t", "Schorndorf"),
        (None, ""),  # no value and an empty value are the same
        (None, "   "),
        ("", None),
    ],
)
def test_whitespace_and_empty_are_no_difference(held: str | None, new: str | None) -> None:
    assert same_value(held, new)


@pytest.mark.parametrize(("held", "new"), [(None, "x"), ("", "x"), ("x", ""), ("x", None)])
def test_a_value_against_none_is_a_difference(held: str | None, new: str | None) -> None:
    assert not same_value(held, new)


@pytest.mark.parametrize(
    ("held", "new"),
    [
        ("1234.50", "1234.5"),
        ("72.0", "72"),
        ("0", "0.0"),
        ("0.00", "0"),
        ("-0", "0"),
        ("-72.00", "-72"),
        ("007", "7"),
        ("12345678901234", "12345678901234.0"),  # long numbers are numbers, not timestamps
    ],
)
def test_numbers_compare_by_value(held: str, new: str) -> None:
    assert same_value(held, new)


@pytest.mark.parametrize(
    ("held", "new"),
    [("72", "72.01"), ("-72", "72"), ("0", "0.001"), ("1,5", "1.5"), ("1e3", "1000")],
)
def test_other_numbers_and_non_numbers_differ(held: str, new: str) -> None:
    assert not same_value(held, new)


@pytest.mark.parametrize(
    ("held", "new"),
    [
        ("Soccerhalle Waiblingen;McArena Schorndorf", "McArena Schorndorf;Soccerhalle Waiblingen"),
        ("a; b ;c", "c;b;a"),
        ("a;b;", "b;a"),
        ("a;a;b", "b;a"),
    ],
)
def test_multi_checkbox_values_compare_as_sets(held: str, new: str) -> None:
    assert same_value(held, new, multi=True)
    assert same_value(held, new)  # a ';' makes a value a list even without `multi`


@pytest.mark.parametrize(
    ("held", "new"),
    [("a;b", "a"), ("a;b", "a;b;c"), ("McArena Schorndorf", "mcarena schorndorf")],
)
def test_multi_checkbox_values_differ_by_members_and_case(held: str, new: str) -> None:
    assert not same_value(held, new, multi=True)


@pytest.mark.parametrize(
    ("held", "new"),
    [
        ("2026-11-27T10:00:00.000Z", "2026-11-27T10:00:00Z"),
        ("2026-11-27T10:00:00Z", "2026-11-27T10:00"),  # without a zone: UTC
        ("2026-11-27T10:00:00.500Z", "2026-11-27T10:00:00.5Z"),
        ("2026-11-27T11:00:00+01:00", "2026-11-27T10:00:00.000Z"),
        ("2026-11-27T11:00:00+0100", "2026-11-27T10:00:00Z"),
        (epoch_ms(2026, 11, 27, 10), "2026-11-27T10:00:00Z"),
        ("2026-11-27T10:00:00.000Z", epoch_ms(2026, 11, 27, 10)),
        (epoch_ms(2026, 11, 27), "2026-11-27T00:00:00Z"),  # a date property's midnight
    ],
)
def test_datetimes_compare_by_the_moment(held: str, new: str) -> None:
    assert same_value(held, new)


@pytest.mark.parametrize(
    ("held", "new"),
    [
        ("2026-11-27T10:00:00Z", "2026-11-27T10:00:01Z"),
        ("2026-11-27T10:00:00Z", "2026-11-27T10:00:00+01:00"),
        (epoch_ms(2026, 11, 27), "2026-11-28T00:00:00Z"),
        ("2026-11-27", "2026-11-28"),
    ],
)
def test_other_moments_and_days_differ(held: str, new: str) -> None:
    assert not same_value(held, new)


def test_dates_compare_as_written() -> None:
    assert same_value("2026-11-27", "2026-11-27")


def test_a_date_and_the_epoch_ms_of_its_midnight_are_the_same() -> None:
    assert same_value("2026-11-27", epoch_ms(2026, 11, 27))


@pytest.mark.parametrize(
    ("held", "new"),
    [("Lea.Sommer@Example.net", "lea.sommer@example.net"), ("A@B.DE", "a@b.de")],
)
def test_email_addresses_ignore_case(held: str, new: str) -> None:
    assert same_value(held, new)


@pytest.mark.parametrize(
    ("held", "new"),
    [("Sommer", "sommer"), ("McArena", "MCARENA"), ("Straße", "STRASSE")],
)
def test_case_matters_everywhere_else(held: str, new: str) -> None:
    assert not same_value(held, new)


# -- for all values ------------------------------------------------------------------------

# Values of the shapes HubSpot and the formatters produce, plus arbitrary text.
_numbers = st.decimals(-10_000, 10_000, places=2, allow_nan=False).map(str)
_moments = st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC))
_spellings = _moments.flatmap(
    lambda m: st.sampled_from(
        [
            m.isoformat(),
            m.isoformat().replace("+00:00", "Z"),
            millis(m),
            m.date().isoformat(),
        ]
    )
)
_lists = st.lists(st.sampled_from(["A", "B", "C d", "é"]), max_size=4).map(";".join)
_emails = st.sampled_from(["lea@example.net", "Lea@Example.NET", "jonas@example.com"])
# Text from the letters exports hold, short enough that digits are a possible epoch ms
# (test_same_value_never_raises takes any text at all).
_text = st.text(
    st.characters(min_codepoint=32, max_codepoint=126) | st.sampled_from("äöüßÉ"), max_size=14
)
values = st.one_of(st.none(), _text, _numbers, _spellings, _lists, _emails, st.just(""))


@given(values, st.booleans())
def test_every_value_is_the_same_as_itself(value: str | None, multi: bool) -> None:
    assert same_value(value, value, multi=multi)


@given(values, st.booleans())
def test_padding_never_makes_a_difference(value: str | None, multi: bool) -> None:
    assert same_value(value, f"  {value or ''}\t", multi=multi)


@given(values, values, st.booleans())
def test_same_value_is_symmetric(a: str | None, b: str | None, multi: bool) -> None:
    assert same_value(a, b, multi=multi) == same_value(b, a, multi=multi)


@given(_numbers, _numbers)
def test_numbers_are_the_same_exactly_when_they_are_equal(a: str, b: str) -> None:
    assert same_value(a, b) == (Decimal(a) == Decimal(b))


@given(_moments)
def test_a_moment_in_all_of_hubspots_datetime_spellings_is_one_value(moment: datetime) -> None:
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)  # ms precision
    spellings = [
        moment.isoformat(),
        moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        millis(moment),
    ]
    for a in spellings:
        for b in spellings:
            assert same_value(a, b), (a, b)


@given(st.text(max_size=25), st.text(max_size=25))
@example("2026-02-30T10:00", "hello")
@example("99999999999999999999", "x")
@example("²" * 12, "x")
def test_same_value_never_raises(a: str, b: str) -> None:
    same_value(a, b)
