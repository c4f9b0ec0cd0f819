"""E-mail cells: split, lower-cased, placeholders and invalid addresses told apart.

`check_emails` is the one judge of an e-mail cell, for customer and booking files alike.
Plain ASCII addresses (nearly all) skip email-validator: its verdict on them is known (a
property test in tests/test_emails.py checks that it agrees).
"""

from __future__ import annotations

import re
import unicodedata

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from hubsync.intake.formats import FormatError

_PLACEHOLDER_VALUES = frozenset(
    {"-", "--", "---", "k.a.", "ka", "k.a", "keine", "kein", "n/a", "n.a.", "na", "none", "x"}
    | {"?", "0", "nichtvorhanden", "keineangabe", "unbekannt", "nomail", "keinemail"}
)
_PLACEHOLDER_LOCALS = frozenset(
    {"keine", "kein", "nomail", "noemail", "no-email", "no.email", "no_email", "dummy", "test"}
    | {"x", "xx", "xxx", "keinemail", "keine.email", "keine-email", "none", "null", "na"}
)
_PLACEHOLDER_ADDRESSES = frozenset(
    {"info@info.de", "x@x.de", "keine@email.de", "test@test.de", "mail@mail.de", "a@a.de"}
    | {"email@email.de", "e@mail.de", "no@mail.de", "abc@abc.de"}
)
_SPACES = re.compile(r"[\s\u200b\u2060\ufeff]+")
_EMAIL_SPLIT = re.compile(r"[;,/\s]+")
_TLD = re.compile(r"[a-z]{2,}|xn--[a-z0-9-]+")
# The plain ASCII shape nearly every real address has. email-validator accepts each such
# address (bar its special-use domains), so these skip it: a quarter of `validate`'s time.
# A label with "--" in its 3rd and 4th place is reserved for Punycode (IDNA, RFC 5891): left
# to email-validator, which refuses it unless it is valid Punycode.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@"
    r"(?:(?![a-z0-9-]{2}--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
_SPECIAL_USE = frozenset(SPECIAL_USE_DOMAIN_NAMES)
_SPECIAL_USE_SUFFIXES = tuple("." + name for name in SPECIAL_USE_DOMAIN_NAMES)


def _check_email(address: str) -> FormatError | None:
    """Return why `address` is not usable, or None."""
    local, _, domain = address.rpartition("@")
    if (
        address in _PLACEHOLDER_VALUES
        or address in _PLACEHOLDER_ADDRESSES
        or local in _PLACEHOLDER_LOCALS
        or (local and not local.strip("x-."))  # only x, - and .
    ):
        return FormatError("email_placeholder", value=address)
    if "@" not in address:
        return FormatError("email_not_address", value=address)
    if (
        len(address) <= 254
        and len(local) <= 64
        and _PLAIN_EMAIL.fullmatch(address)
        and domain not in _SPECIAL_USE
        and not domain.endswith(_SPECIAL_USE_SUFFIXES)
    ):
        return None
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return FormatError("email_invalid", value=address, detail=str(exc))
    if not _TLD.fullmatch(domain.rsplit(".", 1)[-1]):
        return FormatError("email_no_tld", value=address)
    return None


def check_emails(text: str) -> tuple[list[str], list[FormatError]]:
    """Split a cell into usable lower-case addresses and the reasons for the unusable parts.

    Splits on ; , / and whitespace only when every part contains an "@"; placeholders such as
    "-", "k.A." or "keine@…" are reported (code `email_placeholder`), never returned as valid.
    """
    if text.isascii():  # NFKC leaves ASCII as it is
        value = text.lower()
        if not _EMAIL_SPLIT.search(value):  # one part, no blanks: the common case, shortcut
            if not value:
                return [], []
            reason = _check_email(value)
            return ([], [reason]) if reason is not None else ([value], [])
    else:
        value = unicodedata.normalize("NFKC", text).lower()
    parts = [p for p in _EMAIL_SPLIT.split(value) if p]
    if not parts:
        return [], []
    if len(parts) == 1 or not all("@" in p for p in parts):
        parts = [_SPACES.sub("", value)]
    valid: list[str] = []
    problems: list[FormatError] = []
    for part in parts:
        reason = _check_email(part)
        if reason is not None:
            problems.append(reason)
        elif part not in valid:
            valid.append(part)
    return valid, problems
