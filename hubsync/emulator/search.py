"""The CRM search endpoint: filter groups, sorting and cursor paging, within HubSpot's caps.

Caps as "Search the CRM" states them (developers.hubspot.com/docs/api-reference/2026-03/
crm/search-the-crm, "Limitations"): 5 filterGroups of at most 6 filters, 18 filters in
all, 100 values per IN/NOT_IN, `limit` ≤ 200, and no page ending past result 10,000. The
per-second search limit lives in the server (`Emulator(search_per_second=...)`).

How HubSpot tokenises a value such as `10050;10061` for CONTAINS_TOKEN is not documented,
so both readings are emulated (`set_token_reading`): split at separators, or the whole
value as one token. Wildcards (`*`) are documented for CONTAINS_TOKEN and work in both.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from fnmatch import fnmatchcase
from typing import Any
from weakref import WeakKeyDictionary

from hubsync.emulator.objects import render, requested
from hubsync.emulator.store import Store
from hubsync.emulator.validation import JSON, ApiError

MAX_LIMIT = 200
MAX_RESULTS = 10_000
MAX_GROUPS = 5
MAX_GROUP_FILTERS = 6
MAX_FILTERS = 18
MAX_VALUES = 100
_TOKEN_SPLIT = re.compile(r"[;,\s]+")
_OPERATORS = frozenset(
    {
        "EQ",
        "NEQ",
        "IN",
        "NOT_IN",
        "CONTAINS_TOKEN",
        "HAS_PROPERTY",
        "NOT_HAS_PROPERTY",
        "GT",
        "GTE",
        "LT",
        "LTE",
    }
)


class TokenReading(Enum):
    """How CONTAINS_TOKEN splits a stored value into tokens."""

    SPLIT = "split"  # `10050;10061` holds the tokens 10050 and 10061
    WHOLE = "whole"  # `10050;10061` is one token


_READINGS: WeakKeyDictionary[Store, TokenReading] = WeakKeyDictionary()


def set_token_reading(store: Store, reading: TokenReading) -> None:
    """Make CONTAINS_TOKEN searches on `store` tokenise by `reading` (default: SPLIT)."""
    _READINGS[store] = reading


def _invalid(message: str) -> ApiError:
    return ApiError(400, message, "VALIDATION_ERROR")


def search(store: Store, object_type: str, body: JSON) -> JSON:
    """POST .../{type}/search: matching objects, one page of at most `limit`."""
    groups = body.get("filterGroups") or []
    if not isinstance(groups, list):
        raise _invalid("filterGroups must be a list")
    if len(groups) > MAX_GROUPS:
        raise _invalid(f"Too many filter groups ({len(groups)}); the maximum is {MAX_GROUPS}")
    total_filters = 0
    for group in groups:
        filters = group.get("filters") if isinstance(group, dict) else None
        if not isinstance(filters, list):
            raise _invalid("Each filterGroup needs a list of filters")
        if len(filters) > MAX_GROUP_FILTERS:
            raise _invalid(
                f"Too many filters in a filter group ({len(filters)}); the maximum is "
                f"{MAX_GROUP_FILTERS}"
            )
        total_filters += len(filters)
        for flt in filters:
            _check_filter(store, object_type, flt)
    if total_filters > MAX_FILTERS:
        raise _invalid(
            f"Too many filters across all filter groups ({total_filters}); the maximum is "
            f"{MAX_FILTERS}"
        )
    try:
        limit = int(body.get("limit", 10))
    except (TypeError, ValueError):
        raise _invalid("limit must be a whole number") from None
    if not 0 < limit <= MAX_LIMIT:
        raise _invalid(f"limit must be between 1 and {MAX_LIMIT}")
    try:
        offset = int(body.get("after") or 0)
    except (TypeError, ValueError):
        raise _invalid("after must be a paging cursor from a previous answer") from None
    if offset < 0 or offset + limit > MAX_RESULTS:
        raise _invalid(
            f"Search results are limited to {MAX_RESULTS} records; after={offset} with "
            f"limit={limit} pages past that"
        )
    reading = _READINGS.get(store, TokenReading.SPLIT)
    objects = store.objects(object_type)
    matches = [
        oid
        for oid, props in objects.items()
        if not groups or any(all(_matches(props, f, reading) for f in g["filters"]) for g in groups)
    ]
    _sort(matches, objects, body.get("sorts") or [])
    names = requested(object_type, body)
    page = matches[offset : offset + limit]
    answer: JSON = {
        "total": len(matches),
        "results": [render(store, object_type, oid, names) for oid in page],
    }
    if offset + limit < len(matches):
        answer["paging"] = {"next": {"after": str(offset + limit)}}
    return answer


def _check_filter(store: Store, object_type: str, flt: Any) -> None:
    if not isinstance(flt, dict):
        raise ApiError(400, "Each filter must be an object")
    if flt.get("operator") not in _OPERATORS:
        raise ApiError(400, f"Unsupported filter operator {flt.get('operator')!r}")
    name = str(flt.get("propertyName"))
    if store.definition(object_type, name) is None:
        raise ApiError(400, f"Property {name} does not exist", "VALIDATION_ERROR")
    if flt["operator"] in ("IN", "NOT_IN"):
        values = flt.get("values")
        if not isinstance(values, list):
            raise _invalid(f"Operator {flt['operator']} needs 'values'")
        if len(values) > MAX_VALUES:
            raise _invalid(
                f"Too many values for {flt['operator']} on {name} ({len(values)}); the "
                f"maximum is {MAX_VALUES}"
            )


def _matches(props: dict[str, str], flt: JSON, reading: TokenReading) -> bool:
    name = str(flt["propertyName"])
    stored = props.get(name)
    operator = flt["operator"]
    if operator == "HAS_PROPERTY":
        return bool(stored)
    if operator == "NOT_HAS_PROPERTY":
        return not stored
    if operator in ("IN", "NOT_IN"):
        values: list[Any] = flt["values"]
        # "When using the IN/NOT_IN operator with string properties, the searched values
        # must be lowercase" (search guide): the stored text is compared lower-cased with
        # the value as sent, so a value with capitals matches nothing.
        hit = stored is not None and any(
            _equal(stored, str(v)) and str(v) == str(v).lower() for v in values
        )
        return hit is (operator == "IN")
    value = str(flt.get("value", ""))
    if operator == "NEQ":
        return stored is None or not _equal(stored, value)
    if stored is None:
        return False
    if operator == "EQ":
        return _equal(stored, value)
    if operator == "CONTAINS_TOKEN":
        pattern, text = value.casefold(), stored.casefold()
        tokens = _TOKEN_SPLIT.split(text) if reading is TokenReading.SPLIT else [text]
        return any(fnmatchcase(t, pattern) for t in tokens if t)
    return _compare(stored, value, operator)


def _equal(stored: str, value: str) -> bool:
    if stored.casefold() == value.casefold():
        return True
    try:
        return Decimal(stored) == Decimal(value)
    except InvalidOperation:
        return False


def _compare(stored: str, value: str, operator: str) -> bool:
    left: Any
    right: Any
    try:
        left, right = Decimal(stored), Decimal(value)
    except InvalidOperation:
        left, right = stored, value
    if operator == "GT":
        return bool(left > right)
    if operator == "GTE":
        return bool(left >= right)
    if operator == "LT":
        return bool(left < right)
    return bool(left <= right)


def _sort(ids: list[str], objects: dict[str, dict[str, str]], sorts: list[Any]) -> None:
    ids.sort(key=int)
    for spec in reversed(sorts):
        if isinstance(spec, str):
            name, descending = spec.lstrip("-"), spec.startswith("-")
        else:
            name = str(spec.get("propertyName"))
            descending = spec.get("direction") == "DESCENDING"
        if name == "hs_object_id":
            ids.sort(key=int, reverse=descending)
        else:
            ids.sort(key=lambda oid: objects[oid].get(name) or "", reverse=descending)
