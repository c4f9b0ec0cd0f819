"""Maps a request (method, path) to its handler, request kind and required scopes.

Both path families are served: date-based (`/crm/objects/2026-09/...`) and
v3/v4 (`/crm/v3/objects/...`, `/crm/v4/associations/...`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from hubsync.emulator import associations, objects, pipelines, preferences, schema, search, writes
from hubsync.emulator.archive import batch_archive
from hubsync.emulator.store import Store
from hubsync.emulator.validation import JSON

Query = dict[str, list[str]]
Handler = Callable[[Store, JSON, Query], tuple[int, JSON]]

_VERSION = re.compile(r"^\d{4}-\d{2}$")
_TYPES = {"contacts": "contacts", "0-1": "contacts", "deals": "deals", "0-3": "deals"}
_TYPES |= {"companies": "companies", "0-2": "companies"}
_AREAS = ("objects", "associations", "properties", "pipelines", "limits")


@dataclass(frozen=True)
class Route:
    """What a request does: `kind` is "read", "write" or "search"; `scopes` all-of any-of."""

    kind: str
    scopes: tuple[tuple[str, ...], ...]
    handler: Handler


def resolve(method: str, path: str) -> Route | None:
    """The route for `method` `path` (no query string), or None when nothing serves it."""
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["communication-preferences"]:
        found = preferences.route(method, parts[1:])
        return None if found is None else Route(*found)
    if len(parts) < 3 or parts[0] != "crm":
        return None
    if parts[1] in ("v3", "v4") and parts[2] in _AREAS:
        area, rest = parts[2], parts[3:]
    elif parts[1] in _AREAS and _VERSION.match(parts[2]):
        area, rest = parts[1], parts[3:]
    else:
        return None
    if area == "limits":
        return _limits(method, rest)
    if not rest or rest[0] not in _TYPES:
        return None
    object_type = _TYPES[rest[0]]
    if area == "objects":
        return _objects(method, object_type, rest[1:])
    if area == "associations":
        if len(rest) < 2 or rest[1] not in _TYPES:
            return None
        return _associations(method, object_type, _TYPES[rest[1]], rest[2:])
    if area == "properties":
        return _properties(method, object_type, rest[1:])
    return _pipelines(method, object_type, rest[1:])


def _read(object_type: str) -> tuple[str, ...]:
    return (f"crm.objects.{object_type}.read",)


def _write(object_type: str) -> tuple[str, ...]:
    return (f"crm.objects.{object_type}.write",)


def _schema_read(object_type: str) -> tuple[str, ...]:
    return (f"crm.objects.{object_type}.read", f"crm.schemas.{object_type}.read")


def _objects(method: str, object_type: str, rest: list[str]) -> Route | None:
    if method == "POST" and rest == ["batch", "read"]:
        return Route(
            "read", (_read(object_type),), lambda s, b, q: objects.batch_read(s, object_type, b)
        )
    if method == "POST" and rest == ["batch", "archive"]:
        # 204 No Content (objects.json, 2026-09, BatchInputSimplePublicObjectId)
        return Route(
            "write", (_write(object_type),), lambda s, b, q: batch_archive(s, object_type, b)
        )
    if method == "POST" and len(rest) == 2 and rest[0] == "batch":
        mode = rest[1]
        if mode not in ("upsert", "update", "create"):
            return None
        return Route(
            "write",
            (_write(object_type),),
            lambda s, b, q: writes.batch_write(s, object_type, mode, b),
        )
    if method == "POST" and rest == ["search"]:
        return Route(
            "search",
            (_read(object_type),),
            lambda s, b, q: (200, search.search(s, object_type, b)),
        )
    if method == "GET" and len(rest) == 1:
        oid = rest[0]
        return Route(
            "read",
            (_read(object_type),),
            lambda s, b, q: (200, objects.get_one(s, object_type, oid, q)),
        )
    return None


def _associations(method: str, source: str, target: str, rest: list[str]) -> Route | None:
    if method != "POST":
        return None
    actions = {
        ("batch", "associate", "default"): associations.associate,
        ("batch", "create"): associations.create,
        ("batch", "archive"): associations.archive,
    }
    action = actions.get(tuple(rest))
    if action is not None:
        return Route(
            "write",
            (_write(source), _write(target)),
            lambda s, b, q: action(s, source, target, b),
        )
    if rest == ["batch", "read"]:
        return Route(
            "read",
            (_read(source), _read(target)),
            lambda s, b, q: associations.read(s, source, target, b),
        )
    return None


def _properties(method: str, object_type: str, rest: list[str]) -> Route | None:
    write = ((f"crm.schemas.{object_type}.write",),)
    read = (_schema_read(object_type),)
    if rest == []:
        if method == "GET":
            return Route(
                "read", read, lambda s, b, q: (200, schema.list_properties(s, object_type))
            )
        if method == "POST":
            return Route(
                "write", write, lambda s, b, q: (201, schema.create_property(s, object_type, b))
            )
    elif rest == ["groups"]:
        if method == "GET":
            return Route("read", read, lambda s, b, q: (200, schema.list_groups(s, object_type)))
        if method == "POST":
            return Route(
                "write", write, lambda s, b, q: (201, schema.create_group(s, object_type, b))
            )
    elif len(rest) == 1:
        name = rest[0]
        if method == "GET":
            return Route(
                "read", read, lambda s, b, q: (200, schema.get_property(s, object_type, name))
            )
        if method == "PATCH":
            return Route(
                "write",
                write,
                lambda s, b, q: (200, schema.patch_property(s, object_type, name, b)),
            )
    return None


def _pipelines(method: str, object_type: str, rest: list[str]) -> Route | None:
    if object_type != "deals":
        return None
    read = (_schema_read(object_type),)
    write = (("crm.schemas.deals.write",),)  # the spec's only deals scope for creates
    if method == "GET" and not rest:
        return Route("read", read, lambda s, b, q: (200, pipelines.list_pipelines(s, "deals")))
    if method == "GET" and len(rest) == 1:
        pid = rest[0]
        return Route("read", read, lambda s, b, q: (200, pipelines.get_pipeline(s, "deals", pid)))
    if method == "POST" and not rest:
        return Route("write", write, lambda s, b, q: (201, pipelines.create_pipeline(s, b)))
    if method == "POST" and len(rest) == 2 and rest[1] == "stages":
        pid = rest[0]
        return Route("write", write, lambda s, b, q: (201, pipelines.create_stage(s, pid, b)))
    return None


def _limits(method: str, rest: list[str]) -> Route | None:
    # limitsTracking.json: any of many read scopes; deals read is one of them.
    if method != "GET" or rest != ["pipelines"]:
        return None
    read = (("crm.objects.deals.read", "crm.objects.contacts.read", "crm.schemas.deals.read"),)
    return Route("read", read, lambda s, b, q: (200, pipelines.pipeline_limits(s)))
