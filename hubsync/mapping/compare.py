"""Is a value HubSpot holds the same as the one we would write? (Then we write nothing.)

HubSpot hands values back in its own spelling: numbers as "72" or "72.0", datetimes
with milliseconds, multi-checkbox values in any order. Comparing the raw strings would
turn every re-run into a full write, so values are compared by meaning.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def from_epoch_ms(text: str) -> datetime | None:
    """The UTC datetime HubSpot spells as epoch milliseconds ("1764201600000"), exact to the
    millisecond; None when `text` is not a run of ASCII digits or lies beyond year 9999."""
    if not (text.isascii() and text.isdigit()):
        return None
    try:
        return _EPOCH + timedelta(milliseconds=int(text))
    except OverflowError:
        return None


def _as_datetime(value: str) -> datetime | None:
    """The moment `value` spells: epoch ms, ISO-8601, or a date (its midnight UTC, which is
    how HubSpot stores a date property); None for anything else, impossible dates too."""
    if value.isdigit() and len(value) >= 12:  # epoch milliseconds, not a small number
        return from_epoch_ms(value)
    if not (_DATETIME.match(value) or _DATE.match(value)):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:  # shaped like one, but no date ("2026-02-30T10:00")
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def same_value(current: str | None, new: str | None, *, multi: bool = False) -> bool:
    """True when writing `new` over `current` would change nothing HubSpot shows."""
    a = (current or "").strip()
    b = (new or "").strip()
    if a == b:
        return True
    if not a or not b:
        return False
    if multi or ";" in a or ";" in b:
        return {p.strip() for p in a.split(";") if p.strip()} == {
            p.strip() for p in b.split(";") if p.strip()
        }
    if _NUMBER.match(a) and _NUMBER.match(b):
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:
            return False
    if a.lower() == b.lower() and "@" in a:
        return True
    da, db = _as_datetime(a), _as_datetime(b)
    if da is not None and db is not None:
        return da == db
    return False
