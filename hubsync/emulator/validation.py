"""Property value checks and the HubSpot-shaped error the emulator answers with."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

JSON = dict[str, Any]

_EMAIL = re.compile(r"^[^@\s]+@(?:[^@\s.]+\.)+[^\W\d_]{2,}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DIGITS = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?(?:\d+(?:\.\d+)?|\.\d+)$")
_DAY_MS = 86_400_000


class ApiError(Exception):
    """An answer other than 2xx: status, category, message and HubSpot's `errors[]` list."""

    def __init__(
        self,
        status: int,
        message: str,
        category: str = "VALIDATION_ERROR",
        errors: list[JSON] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.category = category
        self.errors = errors or []
        self.extra = extra

    def body(self) -> JSON:
        """The JSON error body HubSpot sends for this failure."""
        body: JSON = {
            "status": "error",
            "message": self.message,
            "correlationId": str(uuid.uuid4()),
            "category": self.category,
        }
        body.update(self.extra)
        if self.errors:
            body["errors"] = self.errors
        return body


class ValueIssue(Exception):
    """One rejected property value: an error `code` such as INVALID_EMAIL and a message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def issue(code: str, message: str, prop: str | None = None, key: str | None = None) -> JSON:
    """One entry of an error body's `errors[]`, naming the property and the input key."""
    context: dict[str, list[str]] = {}
    if prop is not None:
        context["propertyName"] = [prop]
    if key is not None:
        context["id"] = [key]
    return {"message": message, "code": code, "context": context}


@dataclass(frozen=True)
class Rule:
    """An admin's validation rule, enforced on API writes from version 2026-09 on.

    `prop` must have a value when a record is created (`when` None: "required on the Create
    Record form"), or on every write leaving the record with `when[0]` == `when[1]`
    (a conditional requirement such as "closedate required when dealstage is closedwon").
    """

    prop: str
    when: tuple[str, str] | None = None


def rule_issues(
    rules: list[Rule], final: dict[str, str], creating: bool, label: str, key: str | None
) -> list[JSON]:
    """Entries of `errors[]` for the `rules` the record `final` breaks; `label` is "DEAL"...

    HubSpot's changelog ("CRM API Write Validation Enforcement Starting with the 2026-09 API
    Version") shows only `{"category": "VALIDATION_ERROR", "message": ...}`; the codes and
    the wording (borrowed from the Imports API's "Some required properties for CONTACT
    creates are missing") are this emulator's guess. `key` None leaves the input unnamed.
    """
    found: list[JSON] = []
    for rule in rules:
        if final.get(rule.prop):
            continue
        if rule.when is None and creating:
            msg = f"Some required properties for {label} creates are missing: [{rule.prop}]"
            found.append(issue("REQUIRED_PROPERTY", msg, rule.prop, key))
        elif rule.when is not None and final.get(rule.when[0]) == rule.when[1]:
            msg = f"{rule.prop} is required when {rule.when[0]} is {rule.when[1]}"
            found.append(issue("CONDITIONALLY_REQUIRED_PROPERTY", msg, rule.prop, key))
    return found


def is_read_only(definition: JSON) -> bool:
    """True for calculated and system properties that API writes may not set."""
    return bool(definition.get("modificationMetadata", {}).get("readOnlyValue", False))


def option_values(definition: JSON) -> list[str]:
    """The internal option values of an enumeration property, in order."""
    return [str(o["value"]) for o in definition.get("options", [])]


def as_text(raw: Any) -> str:
    """A JSON property value as HubSpot stores it (strings, numbers and bools accepted)."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int | float | str):
        return str(raw)
    raise ValueIssue("INVALID_VALUE", f"{raw!r} is not a valid property value")


def normalize_value(definition: JSON, raw: Any, current: str | None) -> str:
    """The value to store for `raw` (""= clear), or raise ValueIssue; `current` serves appends."""
    text = as_text(raw)
    if text == "":
        return ""
    name = str(definition["name"])
    kind = definition.get("type", "string")
    if name == "email":
        text = text.strip().lower()
        if not _EMAIL.match(text):
            raise ValueIssue("INVALID_EMAIL", f"Email address {text} is invalid")
        return text
    if kind == "number":
        if not _NUMBER.match(text):
            raise ValueIssue("INVALID_INTEGER", f"{text} was not a valid number.")
        return text
    if kind == "date":
        return _date_value(text)
    if kind == "datetime":
        return _datetime_value(text)
    if kind == "bool":
        if text not in ("true", "false"):
            raise ValueIssue(
                "INVALID_OPTION", f"{text} was not one of the allowed options: [true, false]"
            )
        return text
    if kind == "enumeration":
        return _enum_value(definition, text, current)
    return text


def _date_value(text: str) -> str:
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    elif _DIGITS.match(text):
        ms = int(text)
        if ms % _DAY_MS == 0:
            return datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()
        rest = ms % _DAY_MS
        hours, rest = divmod(rest, 3_600_000)
        minutes, rest = divmod(rest, 60_000)
        seconds, millis = divmod(rest, 1000)
        raise ValueIssue(
            "INVALID_DATE",
            f"{text} is at {hours}:{minutes}:{seconds}.{millis} UTC, not midnight!",
        )
    raise ValueIssue("INVALID_DATE", f"{text} is not a valid date (expected YYYY-MM-DD)")


def _datetime_value(text: str) -> str:
    try:
        if _DIGITS.match(text):
            moment = datetime.fromtimestamp(int(text) / 1000, UTC)
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        raise ValueIssue("INVALID_DATE", f"{text} is not a valid datetime") from None
    return format_instant(moment)


def format_instant(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds, the way HubSpot returns datetimes."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _enum_value(definition: JSON, text: str, current: str | None) -> str:
    allowed = option_values(definition)
    if definition.get("fieldType") != "checkbox":
        if text not in allowed:
            raise ValueIssue(
                "INVALID_OPTION",
                f"{text} was not one of the allowed options: [{', '.join(allowed)}]",
            )
        return text
    # Multi-select: ";"-separated; a leading ";" appends to what is stored already.
    append = text.startswith(";")
    parts = [p for p in text.split(";") if p != ""]
    bad = [p for p in parts if p not in allowed]
    if bad:
        raise ValueIssue(
            "INVALID_OPTION",
            f"{';'.join(bad)} was not one of the allowed options: [{', '.join(allowed)}]",
        )
    merged = [p for p in current.split(";") if p] if append and current else []
    for part in parts:
        if part not in merged:
            merged.append(part)
    return ";".join(merged)


def same_value(definition: JSON, old: str | None, new: str) -> bool:
    """True when writing `new` would not change the stored value (numbers compare by value)."""
    if new == "":
        return old is None or old == ""
    if old is None:
        return False
    if old == new:
        return True
    if definition.get("type") == "number":
        try:
            return Decimal(old) == Decimal(new)
        except InvalidOperation:
            return False
    return False
