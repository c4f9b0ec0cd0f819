"""Value parsers for German export data: dates, amounts, hours, PLZ, yes/no.

Each function is pure and either returns the normalized value or raises `FormatError` (a
ValueError) with a stable `code`; the catalogue says that reason in English (`str()`) and
in German.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from hubsync.catalogue.reasons import reason_text


class FormatError(ValueError):
    """A value that cannot be used: `code` names the reason, `str()` is its English text.

    `value` is the text the reason quotes, `detail` a library's own explanation, if any;
    the texts are the catalogue's (`hubsync.catalogue.reasons`), rendered when asked for.
    """

    def __init__(self, code: str, *, value: str = "", detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.value = value
        self.detail = detail

    def __str__(self) -> str:
        return reason_text(self.code, (("value", self.value), ("detail", self.detail)))

    def params(self) -> tuple[tuple[str, str], ...]:
        """The reason as row-message params: `reason` (the code), `reason_value`/`_detail`."""
        return (("reason", self.code), ("reason_value", self.value), ("reason_detail", self.detail))


_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def parse_date(text: str, today: date, *, years_ahead: int = 0) -> date:
    """Parse dd.mm.yyyy, d.m.yyyy, dd.mm.yy, yyyy-mm-dd, each optionally followed by hh:mm[:ss].

    Two-digit years up to today's two-digit year + `years_ahead` are 20yy, later ones
    19yy: for birth dates (`years_ahead=0`) 49 → 1949 in 2026; booking dates pass a few
    years ahead, so a booking for January 2027 exported in December 2026 is 2027.
    """
    value = text.strip()
    if not value:
        raise FormatError("date_empty")
    if match := _DMY.fullmatch(value):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        if len(match[3]) == 2:
            pivot = today.year % 100 + years_ahead
            year += 1900 if year > pivot else 2000
    elif match := _ISO.fullmatch(value):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        raise FormatError("date_format", value=value)
    if match[4] is not None and (
        int(match[4]) > 23 or int(match[5]) > 59 or int(match[6] or 0) > 59
    ):
        raise FormatError("time_impossible", value=value)
    try:
        return date(year, month, day)
    except ValueError:
        raise FormatError("date_impossible", value=value) from None


def format_date(value: date) -> str:
    """Return the date as HubSpot wants it: "YYYY-MM-DD"."""
    return value.isoformat()


def normalize_date(text: str, today: date) -> str:
    """`format_date(parse_date(text, today))`, read off the digits for a plain "dd.mm.yyyy"."""
    if len(text) == 10 and text[2] == text[5] == "." and text.isascii():
        day, month, year = text[:2], text[3:5], text[6:]
        if day.isdigit() and month.isdigit() and year.isdigit():
            try:
                date(int(year), int(month), int(day))
            except ValueError:
                pass  # parse_date says why
            else:
                return f"{year}-{month}-{day}"
    return format_date(parse_date(text, today))


_SPACES = re.compile(r"[\s\u200b\u2060\ufeff]+")
_CURRENCY = re.compile(r"€|eur", re.IGNORECASE)
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED_DOT = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")


def _grouped(integer: str, sep: str) -> bool:
    return re.fullmatch(rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})*", integer) is not None


def parse_decimal(text: str) -> Decimal:
    """Parse a German or plain amount ("1.234,56", "-72,00", "12,50 €", "1234.56") to a Decimal.

    A lone dot followed by exactly three digits ("1.234") is a thousands separator.
    """
    value = _SPACES.sub("", _CURRENCY.sub("", text)).replace("\u2212", "-")
    if not value:
        raise FormatError("number_empty")
    sign = ""
    if value[0] in "+-":
        sign, value = value[0], value[1:]
    elif value[-1] == "-":  # trailing minus, as some accounting exports write it
        sign, value = "-", value[:-1]
    if "," in value and "." in value:
        decimal_sep = "," if value.rfind(",") > value.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        integer, _, fraction = value.rpartition(decimal_sep)
        if value.count(decimal_sep) > 1 or not _grouped(integer, group_sep):
            raise _not_a_number(text)
        value = integer.replace(group_sep, "") + "." + fraction
    elif "," in value:
        if value.count(",") > 1:
            raise _not_a_number(text)
        value = value.replace(",", ".")
    elif _GROUPED_DOT.fullmatch(value):
        value = value.replace(".", "")
    if not _PLAIN.fullmatch(value):
        raise _not_a_number(text)
    try:
        return Decimal(sign + value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise _not_a_number(text) from None


def _not_a_number(text: str) -> FormatError:
    return FormatError("number_format", value=text.strip())


def format_decimal(value: Decimal) -> str:
    """Return a plain decimal string without exponent or trailing zeros ("72", "1234.56")."""
    if not value.is_finite():
        raise FormatError("number_infinite", value=str(value))
    if value == 0:
        return "0"
    # Not normalize(): it rounds to the context precision of 28 digits.
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    kept = list(digits)
    while exponent < 0 and kept[-1] == 0:
        kept.pop()
        exponent += 1
    return format(Decimal((sign, tuple(kept), exponent)), "f")


# Amounts as nearly every export writes them: "1.234,56", "-72,00", "0,5", "1234".
_PLAIN_AMOUNT = re.compile(r"(-?)([1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,(\d+))?")


def normalize_decimal(text: str) -> str:
    """`format_decimal(parse_decimal(text))`: an amount as HubSpot wants it ("1.234,50" →
    "1234.5"), read off the digits when it has the plain shape (tests/test_formats.py)."""
    match = _PLAIN_AMOUNT.fullmatch(text)
    if match is None:
        return format_decimal(parse_decimal(text))
    integer = match[2].replace(".", "").lstrip("0")
    fraction = (match[3] or "").rstrip("0")
    if not integer and not fraction:
        return "0"
    return match[1] + (integer or "0") + ("." + fraction if fraction else "")


_HOURS_SUFFIX = re.compile(r"\s*(?:h|hrs?|std\.?|stunden?)\s*$", re.IGNORECASE)
_MINUTES_SUFFIX = re.compile(r"\s*(?:min\.?|minuten|m)\s*$", re.IGNORECASE)
_CLOCK = re.compile(r"([+-]?)(\d{1,3}):([0-5]\d)")
_FOUR_PLACES = Decimal("0.0001")


def _trimmed(value: Decimal) -> Decimal:
    value = value.quantize(_FOUR_PLACES)
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def parse_hours(text: str) -> Decimal:
    """Parse a duration to hours: "1,5", "1.5", "90 min", "01:30", "1:30 h", "2 Std.", "-1,0".

    Minutes are converted to hours rounded to four decimals.
    """
    value = text.strip()
    if not value:
        raise FormatError("duration_empty")
    if minutes := _MINUTES_SUFFIX.search(value):
        return _trimmed(parse_decimal(value[: minutes.start()]) / 60)
    value = _HOURS_SUFFIX.sub("", value)
    if clock := _CLOCK.fullmatch(value):
        hours = Decimal(clock[2]) + Decimal(clock[3]) / 60
        return _trimmed(-hours if clock[1] == "-" else hours)
    try:
        return parse_decimal(value)
    except ValueError:
        raise FormatError("duration_format", value=text.strip()) from None


_GERMANY = frozenset({"", "de", "d", "deu", "ger", "deutschland", "germany"})
_FOUR_DIGIT_COUNTRIES = frozenset(
    {"at", "a", "aut", "österreich", "oesterreich", "austria", "ch", "che", "schweiz"}
    | {"switzerland", "suisse", "svizzera"}
)
_ZIP_PREFIX = re.compile(r"(?:d|de|a|at|ch)\s*-\s*(?=\d)|(?:d|de|a|at|ch)\s+(?=\d)", re.IGNORECASE)


def normalize_zip(text: str, country: str) -> tuple[str, bool]:
    """Return (postal code, padded): strips "D-", pads 4-digit German codes with a leading 0.

    Only German codes (country empty, "DE", "Deutschland" …) are padded; AT/CH keep 4 digits.
    Raises ValueError for a German code that is not 5 digits.
    """
    value = _ZIP_PREFIX.sub("", text.strip(), count=1)
    if re.fullmatch(r"\d+\.0", value):  # Excel turned the column into numbers
        value = value[:-2]
    if not value:
        raise FormatError("zip_empty")
    land = country.strip().lower()
    if land in _GERMANY:
        if re.fullmatch(r"\d{4}", value):
            return "0" + value, True
        if not re.fullmatch(r"\d{5}", value):
            raise FormatError("zip_german", value=text.strip())
    elif land in _FOUR_DIGIT_COUNTRIES and not re.fullmatch(r"\d{4}", value):
        raise FormatError("zip_four", value=text.strip())
    return value, False


_TRUE = frozenset({"ja", "j", "yes", "y", "true", "wahr", "1", "x"})
_FALSE = frozenset({"nein", "n", "no", "false", "falsch", "0"})


def parse_bool(text: str) -> bool | None:
    """Parse Ja/Nein, J/N, yes/no, true/false, 1/0 and "x" (ticked); empty gives None."""
    value = text.strip().lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise FormatError("bool_format", value=text.strip())
