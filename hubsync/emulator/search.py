"""The CRM search endpoint: filter groups, sorting and cursor paging."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fnmatch import fnmatchcase
from typing import Any

from hubsync.emulator.objects import render, requested
from hubsync.emulator.store import Store
from hubsync.emulator.validation import JSON, ApiError

MAX_LIMIT = 200
MAX_RESULTS = 10_000
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


def search(store: Store, object_type: str, body: JSON) -> JSON:
    """POST .../{type}/search: matching objects, one page of at most `limit`."""
    groups = body.get("filterGroups") or []
    if not isinstance(groups, list) or len(groups) > 5:
        raise ApiError(400, "At most 5 filterGroups are allowed")
    for group in groups:
        filters = group.get("filters") if isinstance(group, dict) else None
        if not isinstance(filters, list) or len(filters) > 6:
            raise ApiError(400, "Each filterGroup needs a list of at most 6 filters")
        for flt in filters:
            _check_filter(store, object_type, flt)
    limit = int(body.get("limit", 10))
    if not 0 < limit <= MAX_LIMIT:
        raise ApiError(400, f"limit must be between 1 and {MAX_LIMIT}")
    try:
        offset = int(body.get("after") or 0)
    except (TypeError, ValueError):
        raise ApiError(400, "after must be a paging cursor from a previous answer") from None
    if offset + limit > MAX_RESULTS:
        raise ApiError(400, f"Search can page through at most {MAX_RESULTS} results")
    objects = store.objects(object_type)
    matches = [
        oid
        for oid, props in objects.items()
        if not groups
        or any(all(_matches(store, object_type, props, f) for f in g["filters"]) for g in groups)
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
    if flt["operator"] in ("IN", "NOT_IN") and not isinstance(flt.get("values"), list):
        raise ApiError(400, f"Operator {flt['operator']} needs 'values'")


def _matches(store: Store, object_type: str, props: dict[str, str], flt: JSON) -> bool:
    name = str(flt["propertyName"])
    stored = props.get(name)
    operator = flt["operator"]
    if operator == "HAS_PROPERTY":
        return bool(stored)
    if operator == "NOT_HAS_PROPERTY":
        return not stored
    if operator in ("IN", "NOT_IN"):
        values: list[Any] = flt["values"]
        hit = stored is not None and any(_equal(stored, str(v)) for v in values)
        return hit is (operator == "IN")
    value = str(flt.get("value", ""))
    if operator == "NEQ":
        return stored is None or not _equal(stored, value)
    if stored is None:
        return False
    if operator == "EQ":
        return _equal(stored, value)
    if operator == "CONTAINS_TOKEN":
        pattern = value.casefold()
        return any(fnmatchcase(t, pattern) for t in _TOKEN_SPLIT.split(stored.casefold()) if t)
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
