"""Phone numbers → E.164: libphonenumber, with a fast path for the common German formats.

`normalize_phone` asks `phonenumbers` for every number, except a valid German number written
in one of the formats exports use nearly always ("030 23125123", "+49 (0) 30 231 25 123",
"(030) 23125123", "0049 30/23125123"): for those the national number is read off the digits
and checked against the same patterns of libphonenumber's own metadata that its
`is_valid_number` applies. Everything else (other countries, letters, extensions, any number
the fast path does not find valid) takes the library's path, so the fast path can only ever
return what the library returns; tests/test_phones.py checks that for random input and
bench/phones.py over the benchmark's million rows.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberDesc

from hubsync.intake.formats import FormatError

_TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")
_WORDS_IN_PARENS = re.compile(r"\([^)]*[^\W\d_][^)]*\)")
_LETTERS = re.compile(r"[^\W\d_]+\.?:?")

# Digit groups, separated by one blank, "/" or "-" (each optionally between blanks).
_GROUPS = r"[1-9]\d*(?:(?: ?[/-] ?| )\d+)*"
# Group 1: the national number (without trunk zero) after 0 or (0…) or +49 / 0049 [(0)].
_GERMAN = re.compile(
    rf"(?:(?:\+|00)49 ?(?:\(0\) ?)?|0)({_GROUPS})"
    rf"|\(0([1-9]\d*)\) ?((?:\d+(?:(?: ?[/-] ?| )\d+)*)?)"
)
_SEPARATORS = str.maketrans("", "", " /-")


def _matcher(desc: PhoneNumberDesc | None) -> tuple[frozenset[int], re.Pattern[str]] | None:
    """libphonenumber's `_is_number_matching_desc` for one description, precompiled."""
    if desc is None or not desc.national_number_pattern:
        return None
    return frozenset(desc.possible_length), re.compile(desc.national_number_pattern)


def _german_checks() -> tuple[
    tuple[frozenset[int], re.Pattern[str]], tuple[tuple[frozenset[int], re.Pattern[str]], ...]
]:
    """The general description and the number types `is_valid_number` tries, for DE."""
    meta = PhoneMetadata.metadata_for_region("DE")
    assert meta is not None and meta.country_code == 49
    assert not meta.same_mobile_and_fixed_line_pattern  # else mobile is never tried
    general = _matcher(meta.general_desc)
    assert general is not None
    # _number_type_helper: a number is valid when it fits the general description and one of
    # these (its type); which one does not matter here, so the common ones come first.
    types = [
        meta.fixed_line,
        meta.mobile,
        meta.premium_rate,
        meta.toll_free,
        meta.shared_cost,
        meta.voip,
        meta.personal_number,
        meta.pager,
        meta.uan,
        meta.voicemail,
    ]
    checks = tuple(m for m in map(_matcher, types) if m is not None)
    return general, checks


_GENERAL, _TYPES = _german_checks()
# +49 is Germany's alone: libphonenumber validates such a number with DE's metadata.
assert phonenumbers.COUNTRY_CODE_TO_REGION_CODE[49] == ("DE",)


def _valid_german(national: str) -> bool:
    size = len(national)
    lengths, pattern = _GENERAL
    if (lengths and size not in lengths) or not pattern.fullmatch(national):
        return False
    for type_lengths, type_pattern in _TYPES:
        if (not type_lengths or size in type_lengths) and type_pattern.fullmatch(national):
            return True
    return False


def fast_german(value: str) -> str | None:
    """E.164 of a valid German number in a common format, else None (ask the library)."""
    match = _GERMAN.fullmatch(value)
    if match is None:
        return None
    if match[1] is not None:
        national = match[1].translate(_SEPARATORS)
    else:
        national = match[2] + match[3].translate(_SEPARATORS)
    return "+49" + national if _valid_german(national) else None


def normalize_phone(text: str, region: str = "DE") -> str:
    """Return the E.164 form of a phone number ("+49 (0) 69 90009102" → "+496990009102").

    A German extension ("030 23125109 - 22") stays part of the number. Raises FormatError
    (a ValueError) when libphonenumber does not consider the result a valid number.
    """
    value = text.strip()
    if not value:
        raise FormatError("phone_empty")
    if region == "DE" and (fast := fast_german(value)) is not None:
        return fast
    return library_phone(value, region)


def library_phone(value: str, region: str) -> str:
    """`normalize_phone` by libphonenumber alone, for a stripped, non-empty `value`."""
    # "(0)" is the trunk zero, dialled only nationally; words would become keypad digits.
    cleaned = _TRUNK_ZERO.sub(" ", _WORDS_IN_PARENS.sub(" ", value))
    cleaned = _LETTERS.sub(" ", cleaned)
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        raise FormatError("phone_format", value=value) from None
    if not phonenumbers.is_valid_number(number):
        raise FormatError("phone_invalid", value=value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
