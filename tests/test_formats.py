"""Tests for hubsync.intake.formats, including every value case of the sample README tables."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubsync.intake.emails import check_emails
from hubsync.intake.formats import (
    format_date,
    format_decimal,
    normalize_date,
    normalize_decimal,
    normalize_zip,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_hours,
)
from hubsync.intake.phones import normalize_phone

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14.03.1988", date(1988, 3, 14)),
        ("4.3.1988", date(1988, 3, 4)),
        ("17.01.84", date(1984, 1, 17)),
        ("20.09.49", date(1949, 9, 20)),
        ("03.07.19", date(2019, 7, 3)),
        ("03.09.26", date(2026, 9, 3)),
        ("01.01.27", date(1927, 1, 1)),
        ("2026-11-27", date(2026, 11, 27)),
        ("24.11.2026 20:00", date(2026, 11, 24)),
        ("22.08.2026 12:17:59", date(2026, 8, 22)),
        (" 29.02.2024 ", date(2024, 2, 29)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


def test_parse_date_pivot_follows_today() -> None:
    assert parse_date("20.09.49", today=date(2050, 1, 1)) == date(2049, 9, 20)
    assert parse_date("17.01.84", today=TODAY) == date(1984, 1, 17)


@pytest.mark.parametrize(
    "text",
    ["", "31.02.2026", "29.02.2025", "2026-13-01", "00.01.2026", "24.11.2026 25:00", "morgen"]
    + ["24/11/2026", "1.1.1", "24.11.2026 20:61", "12.2026"],
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text, today=TODAY)


def test_format_date() -> None:
    assert format_date(date(2019, 7, 3)) == "2019-07-03"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("-72,00", "-72.00"),
        ("12,50 €", "12.50"),
        ("€ 12,50", "12.50"),
        ("12,50 EUR", "12.50"),
        ("1234.56", "1234.56"),
        ("1,0", "1.0"),
        ("1 234,56", "1234.56"),
        ("1\xa0234,56", "1234.56"),
        ("6.480,00", "6480.00"),
        ("-1.050,42", "-1050.42"),
        ("1.234", "1234"),
        ("1.234.567", "1234567"),
        ("0.500", "0.500"),
        ("12.5", "12.5"),
        ("215,0", "215.0"),
        ("12.515,48", "12515.48"),
        ("72,00-", "-72.00"),
        ("+5", "5"),
        (",5", "0.5"),
    ],
)
def test_parse_decimal(text: str, expected: str) -> None:
    result = parse_decimal(text)
    assert isinstance(result, Decimal)
    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    "text", ["", "€", "abc", "1,2,3", "1.23.4", "12.34,5.6", "NaN", "Infinity", "1e5", "19 %", "-"]
)
def test_parse_decimal_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("72.00", "72"),
        ("1234.56", "1234.56"),
        ("-72", "-72"),
        ("1234.50", "1234.5"),
        ("7.2E+3", "7200"),
        ("-0.00", "0"),
        ("0.0001", "0.0001"),
    ],
)
def test_format_decimal(value: str, expected: str) -> None:
    assert format_decimal(Decimal(value)) == expected


def test_format_decimal_rejects_nan() -> None:
    with pytest.raises(ValueError):
        format_decimal(Decimal("NaN"))


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**9))
def test_format_decimal_round_trips(value: Decimal) -> None:
    text = format_decimal(value)
    assert "E" not in text
    assert Decimal(text) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,5", "1.5"),
        ("1.5", "1.5"),
        ("90 min", "1.5"),
        ("90min", "1.5"),
        ("45 Min.", "0.75"),
        ("20 min", "0.3333"),
        ("01:30", "1.5"),
        ("1:30 h", "1.5"),
        ("2 Std.", "2"),
        ("2 Stunden", "2"),
        ("2h", "2"),
        ("-1,0", "-1.0"),
        ("-1:30", "-1.5"),
        ("10,0", "10.0"),
    ],
)
def test_parse_hours(text: str, expected: str) -> None:
    assert parse_hours(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "lang", "1:75", "min", "h"])
def test_parse_hours_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_hours(text)


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("73614", "DE", ("73614", False)),
        ("4109", "DE", ("04109", True)),
        ("4109", "", ("04109", True)),
        ("4109", "Deutschland", ("04109", True)),
        ("D-73614", "DE", ("73614", False)),
        ("D-4109", "", ("04109", True)),
        (" 73614 ", "de", ("73614", False)),
        ("73614.0", "DE", ("73614", False)),
        ("6900", "AT", ("6900", False)),
        ("8000", "CH", ("8000", False)),
        ("A-6900", "AT", ("6900", False)),
        ("1011 AB", "NL", ("1011 AB", False)),
    ],
)
def test_normalize_zip(text: str, country: str, expected: tuple[str, bool]) -> None:
    assert normalize_zip(text, country) == expected


@pytest.mark.parametrize(
    ("text", "country"),
    [("", "DE"), ("123", "DE"), ("736145", "DE"), ("ABCDE", "DE"), ("69", "AT")],
)
def test_normalize_zip_rejects(text: str, country: str) -> None:
    with pytest.raises(ValueError):
        normalize_zip(text, country)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ja", True),
        ("Nein", False),
        ("J", True),
        ("N", False),
        ("yes", True),
        ("no", False),
        ("y", True),
        ("n", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("0", False),
        ("x", True),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_bool(text: str, expected: bool | None) -> None:
    assert parse_bool(text) is expected


def test_parse_bool_rejects() -> None:
    with pytest.raises(ValueError):
        parse_bool("vielleicht")


@given(st.text(max_size=40))
def test_parsers_raise_only_value_error(text: str) -> None:
    for parse in (parse_decimal, parse_hours, normalize_phone, parse_bool):
        with contextlib.suppress(ValueError):
            parse(text)
    with contextlib.suppress(ValueError):
        parse_date(text, today=TODAY)
    check_emails(text)
    with contextlib.suppress(ValueError):
        normalize_zip(text, "DE")


def test_two_digit_years_of_bookings_may_lie_in_the_next_years() -> None:
    december = date(2026, 12, 15)
    assert parse_date("02.01.27", december) == date(1927, 1, 2)  # a birth date
    assert parse_date("02.01.27", december, years_ahead=10) == date(2027, 1, 2)  # a booking
    assert parse_date("03.09.26", december, years_ahead=10) == date(2026, 9, 3)


def _slow_decimal(text: str) -> str | None:
    try:
        return format_decimal(parse_decimal(text))
    except ValueError:
        return None


_AMOUNTS = st.builds(
    lambda sign, amount, places: sign + german(amount, places),
    st.sampled_from(["", "-", "+"]),
    st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False),
    st.integers(0, 4),
)


def german(amount: Decimal, places: int) -> str:
    text = f"{amount:,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


@given(st.one_of(_AMOUNTS, st.text("0123456789.,-+ ", max_size=14)))
def test_plain_amount_fast_path_agrees_with_parse_and_format(text: str) -> None:
    try:
        fast: str | None = normalize_decimal(text)
    except ValueError:
        fast = None
    assert fast == _slow_decimal(text)


_DATES = st.builds(
    lambda d, m, y, sep: f"{d:02d}{sep}{m:02d}{sep}{y:04d}",
    st.integers(0, 39),
    st.integers(0, 14),
    st.integers(0, 2999),
    st.sampled_from([".", ".", "-", "/"]),
)


@given(st.one_of(_DATES, st.text("0123456789. :-١", max_size=12)))
def test_plain_date_fast_path_agrees_with_parse_and_format(text: str) -> None:
    try:
        expected: str | None = format_date(parse_date(text, TODAY))
    except ValueError:
        expected = None
    try:
        fast: str | None = normalize_date(text, TODAY)
    except ValueError:
        fast = None
    assert fast == expected
