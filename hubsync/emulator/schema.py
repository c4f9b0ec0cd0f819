"""Schema endpoints: properties and property groups (pipelines: `pipelines.py`)."""

from __future__ import annotations

import copy
import re
from typing import Any

from hubsync.emulator.store import Store
from hubsync.emulator.validation import JSON, ApiError

TYPES = frozenset({"string", "number", "date", "datetime", "enumeration", "bool"})
FIELD_TYPES = frozenset(
    {
        "text",
        "textarea",
        "number",
        "date",
        "select",
        "radio",
        "checkbox",
        "booleancheckbox",
        "phonenumber",
        "calculation_equation",
        "file",
        "html",
    }
)
MAX_UNIQUE = 10
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PATCHABLE = ("label", "description", "groupName", "options", "displayOrder", "hidden", "fieldType")


def list_properties(store: Store, object_type: str) -> JSON:
    """GET .../properties/{type}."""
    return {"results": [copy.deepcopy(d) for d in store.properties[object_type].values()]}


def get_property(store: Store, object_type: str, name: str) -> JSON:
    """GET .../properties/{type}/{name}: the definition or 404."""
    return copy.deepcopy(_existing(store, object_type, name))


def create_property(store: Store, object_type: str, body: JSON) -> JSON:
    """POST .../properties/{type}: the stored definition; 409 when the name is taken."""
    missing = [k for k in ("name", "label", "type", "fieldType", "groupName") if not body.get(k)]
    if missing:
        raise ApiError(400, f"Missing required fields: {', '.join(missing)}")
    name = str(body["name"])
    if not _NAME.match(name):
        raise ApiError(400, f"Property name {name!r} must match ^[a-z][a-z0-9_]*$")
    if body["type"] not in TYPES:
        raise ApiError(400, f"Unknown property type {body['type']!r}")
    if body["fieldType"] not in FIELD_TYPES:
        raise ApiError(400, f"Unknown fieldType {body['fieldType']!r}")
    _check_group(store, object_type, body["groupName"])
    if store.definition(object_type, name) is not None:
        raise ApiError(409, f"A property named '{name}' already exists.", "OBJECT_ALREADY_EXISTS")
    unique = bool(body.get("hasUniqueValue", False))
    custom_unique = store.unique_properties(object_type) - {"email"}
    if unique and len(custom_unique) >= MAX_UNIQUE:
        raise ApiError(400, f"At most {MAX_UNIQUE} unique-value properties per object type")
    definition: JSON = {
        k: copy.deepcopy(v) for k, v in body.items() if k not in ("modificationMetadata",)
    }
    definition["options"] = _options(body.get("options"))
    if body["type"] == "bool" and not definition["options"]:
        definition["options"] = _options(
            [{"label": "Yes", "value": "true"}, {"label": "No", "value": "false"}]
        )
    definition["hasUniqueValue"] = unique
    return copy.deepcopy(store.put_definition(object_type, definition))


def patch_property(store: Store, object_type: str, name: str, body: JSON) -> JSON:
    """PATCH .../properties/{type}/{name}: label, description, group or options changed."""
    definition = _existing(store, object_type, name)
    if definition.get("modificationMetadata", {}).get("readOnlyDefinition"):
        raise ApiError(400, f"Property {name} is read-only and cannot be changed")
    if "groupName" in body:
        _check_group(store, object_type, body["groupName"])
    with store.lock:
        for key in _PATCHABLE:
            if key in body:
                value = body[key]
                definition[key] = _options(value) if key == "options" else copy.deepcopy(value)
    return copy.deepcopy(definition)


def list_groups(store: Store, object_type: str) -> JSON:
    """GET .../properties/{type}/groups."""
    return {"results": [dict(g) for g in store.groups[object_type].values()]}


def create_group(store: Store, object_type: str, body: JSON) -> JSON:
    """POST .../properties/{type}/groups: the new group; 409 when it exists."""
    name, label = body.get("name"), body.get("label")
    if not name or not label:
        raise ApiError(400, "A property group needs 'name' and 'label'")
    if str(name) in store.groups[object_type]:
        raise ApiError(409, f"A group named '{name}' already exists.", "OBJECT_ALREADY_EXISTS")
    return dict(store.add_group(object_type, str(name), str(label)))


def _existing(store: Store, object_type: str, name: str) -> JSON:
    definition = store.definition(object_type, name)
    if definition is None:
        raise ApiError(404, f"Property {name} does not exist", "OBJECT_NOT_FOUND")
    return definition


def _check_group(store: Store, object_type: str, group: Any) -> None:
    if str(group) not in store.groups[object_type]:
        raise ApiError(400, f"Property group {group!r} does not exist")


def _options(raw: Any) -> list[JSON]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ApiError(400, "options must be a list")
    options = []
    for order, option in enumerate(raw):
        # The published Option schema requires label, value and hidden (2026-09 also
        # displayOrder); description is optional. A PATCH's list replaces the old one.
        if not isinstance(option, dict) or not {"label", "value", "hidden"} <= option.keys():
            raise ApiError(400, "every option needs 'label', 'value' and 'hidden'")
        kept: JSON = {
            "label": str(option["label"]),
            "value": str(option["value"]),
            "displayOrder": option.get("displayOrder", order),
            "hidden": bool(option["hidden"]),
        }
        if option.get("description") is not None:
            kept["description"] = str(option["description"])
        options.append(kept)
    return options
