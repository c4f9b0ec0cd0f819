"""Tests for hubsync.intake.phones: the German fast path says only what libphonenumber says."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hubsync.intake.formats import FormatError
from hubsync.intake.phones import fast_german, library_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("030 23125101", "+493023125101"),
        ("040-66969104", "+494066969104"),
        ("069/90009103", "+496990009103"),
        ("(0221) 4710105", "+492214710105"),
        ("089/99998117", "+498999998117"),
        ("+49 (0) 69 90009102", "+496990009102"),
        ("0049 (0)69 90009116", "+496990009116"),
        ("+49 (0)40 66969140", "+494066969140"),
        ("0049 89 99998106", "+498999998106"),
        ("+49 30 231 25 107", "+493023125107"),
        ("+49 40 66969115", "+494066969115"),
        ("030 / 231 25 - 108", "+493023125108"),
        ("040 669 69 120", "+494066969120"),
        ("030 23125109 - 22", "+49302312510922"),
        ("0152 28817386", "+4915228817386"),
        ("0172/9980752", "+491729980752"),
        ("Tel.: 030 23125101", "+493023125101"),
        ("030 23125101 (privat)", "+493023125101"),
    ],
)
def test_normalize_phone(raw: str, e164: str) -> None:
    assert normalize_phone(raw) == e164


def test_normalize_phone_other_region() -> None:
    assert normalize_phone("+43 5574 12345", "AT").startswith("+43")


@pytest.mark.parametrize("raw", ["07181/", "", "   ", "abc", "0", "+497181", "12"])
def test_normalize_phone_rejects(raw: str) -> None:
    with pytest.raises(ValueError):
        normalize_phone(raw)


def _library(value: str) -> str | None:
    try:
        return library_phone(value, "DE")
    except FormatError:
        return None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("030 23125123", "+493023125123"),
        ("+49 (0) 69 90009102", "+496990009102"),
        ("030/23125123", "+493023125123"),
        ("030-23125123", "+493023125123"),
        ("(030) 23125123", "+493023125123"),
        ("(030)23125123", "+493023125123"),
        ("0049 30 23125123", "+493023125123"),
        ("+49 30 231 25 123", "+493023125123"),
        ("030 / 231 25 - 123", "+493023125123"),
        ("0152 28817386", "+4915228817386"),
        ("+4915228817386", "+4915228817386"),
        ("030 23125109 - 22", "+49302312510922"),
    ],
)
def test_common_german_formats_take_the_fast_path(text: str, expected: str) -> None:
    assert fast_german(text) == expected
    assert _library(text) == expected
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    ["07181/", "030 /", "0-0", "12", "+43 1 2345678", "0049 030 23125123", "030 2312 5123 x12"]
    + ["(0)30 23125123", "030  23125123", "+49 0 30 23125123", "00 49 30 23125123", "0"],
)
def test_other_formats_are_left_to_the_library(text: str) -> None:
    assert fast_german(text) is None


# Shapes near the fast path's: digits of random length between its separators and prefixes.
_digits = st.text("0123456789", min_size=1, max_size=9)
_separator = st.sampled_from([" ", "/", "-", " / ", " - ", "/ ", " -", "", "  ", "(", ")"])
_prefix = st.sampled_from(["0", "(0", "+49", "+49 ", "0049", "0049 ", "+49 (0) ", "+49(0)"])
_near = st.builds(
    lambda prefix, parts: prefix + "".join(s + d for s, d in parts),
    _prefix,
    st.lists(st.tuples(_separator, _digits), min_size=1, max_size=5),
)
_german_numbers = st.builds(
    lambda area, rest: f"0{area} {rest}",
    st.sampled_from(["30", "69", "40", "221", "89", "7181", "152", "172", "800", "900", "32"]),
    st.text("0123456789", min_size=3, max_size=11),
)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(_near, _german_numbers, st.text("0123456789 +-/()", max_size=24)))
@example("0301234")
@example("+49 30 12")
def test_fast_path_agrees_with_libphonenumber(text: str) -> None:
    fast = fast_german(text)
    if fast is not None:
        assert fast == _library(text)
