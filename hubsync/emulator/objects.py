"""Object endpoints that read: batch read and single read, and the helpers writes share."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hubsync.emulator.store import Store, now_text
from hubsync.emulator.validation import JSON, ApiError, issue

BATCH_LIMIT = 100
DEFAULT_PROPERTIES = {
    "contacts": ("email", "firstname", "lastname"),
    "deals": ("dealname", "amount", "closedate", "pipeline", "dealstage"),
    "companies": ("name", "domain"),
}
SINGULAR = {"contacts": "contact", "deals": "deal", "companies": "company"}
TYPE_IDS = {"contacts": "0-1", "deals": "0-3", "companies": "0-2"}
PORTAL_ID = "14620000"


def inputs_of(body: JSON, limit: int) -> list[Any]:
    """The `inputs` list of a batch body, or ApiError for a missing/over-long list."""
    inputs = body.get("inputs")
    if not isinstance(inputs, list):
        raise ApiError(400, "Invalid input JSON: 'inputs' must be a list")
    if len(inputs) > limit:
        raise ApiError(
            400,
            f"Batch input of {len(inputs)} exceeds the limit of {limit} inputs per request",
        )
    return inputs


def input_id(item: Any) -> str:
    """The `id` of one batch input, or ApiError when it has none."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str | int):
        raise ApiError(400, "Invalid input JSON: every input needs an 'id'")
    return str(item["id"])


def reject_duplicates(keys: list[str]) -> None:
    """ApiError when a batch names one id twice."""
    dups = sorted(k for k, n in Counter(keys).items() if n > 1)
    if dups:
        raise ApiError(400, f"Duplicate IDs found in batch input: [{', '.join(dups)}]")


def id_property(store: Store, object_type: str, name: Any, *, required: bool) -> str | None:
    """The idProperty of a request (None: the record id); ApiError when it is unusable."""
    if name is None or name == "hs_object_id":
        if required:
            raise ApiError(400, "idProperty is required for upsert")
        return None
    prop = str(name)
    if store.definition(object_type, prop) is None:
        raise ApiError(
            400,
            f"Property {prop} does not exist",
            errors=[issue("PROPERTY_DOESNT_EXIST", f"Property {prop} does not exist", prop)],
        )
    if prop not in store.unique_properties(object_type):
        # HubSpot's wording, as quoted in segmentio/action-destinations#3957 and
        # HubSpot/hubspot-api-nodejs#548 (no errors[], category VALIDATION_ERROR).
        raise ApiError(
            400,
            f"Unable to perform update/upsert by non-unique {TYPE_IDS[object_type]} property"
            f" {prop} in portal ID {PORTAL_ID}",
        )
    return prop


def render(store: Store, object_type: str, oid: str, names: list[str] | tuple[str, ...]) -> JSON:
    """One result object with the given properties (value or null) plus the system ones."""
    props = store.objects(object_type)[oid]
    shown: dict[str, str | None] = {name: props.get(name) for name in names}
    shown["hs_object_id"] = oid
    shown["createdate"] = props["createdate"]
    shown["lastmodifieddate"] = props["lastmodifieddate"]
    return {
        "id": oid,
        "properties": shown,
        "createdAt": props["createdate"],
        "updatedAt": props["lastmodifieddate"],
        "archived": False,
    }


def complete(results: list[JSON], started: str) -> JSON:
    """A batch answer listing `results`."""
    return {
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": now_text(),
    }


def requested(object_type: str, body: JSON) -> list[str]:
    """The property names a read asked for (HubSpot's defaults when none)."""
    names = body.get("properties")
    if not names:
        return list(DEFAULT_PROPERTIES[object_type])
    return [str(n) for n in names]


def batch_read(store: Store, object_type: str, body: JSON) -> tuple[int, JSON]:
    """POST .../batch/read: found objects; 207 with OBJECT_NOT_FOUND for missing ids."""
    started = now_text()
    keys = [input_id(i) for i in inputs_of(body, BATCH_LIMIT)]
    id_prop = id_property(store, object_type, body.get("idProperty"), required=False)
    if id_prop == "email":
        keys = [k.strip().lower() for k in keys]
    reject_duplicates(keys)
    names = requested(object_type, body)
    if id_prop is not None and id_prop not in names:
        names.append(id_prop)
    objects = store.objects(object_type)
    results, missing = [], []
    for key in keys:
        oid = store.find(object_type, id_prop, key) if id_prop else key
        if oid is None and id_prop == "email" and object_type == "contacts":
            oid = store.by_secondary_email(key)
        if oid is None or oid not in objects:
            missing.append(key)
        else:
            results.append(render(store, object_type, oid, names))
    answer = complete(results, started)
    if not missing:
        return 200, answer
    answer["numErrors"] = 1
    answer["errors"] = [
        {
            "status": "error",
            "category": "OBJECT_NOT_FOUND",
            "message": f"Could not get some {SINGULAR[object_type].upper()} objects, they may be"
            " deleted or not exist. Check that ids are valid.",
            "context": {"ids": missing},
        }
    ]
    return 207, answer


def get_one(store: Store, object_type: str, oid: str, query: dict[str, list[str]]) -> JSON:
    """GET .../{type}/{id}?properties=a,b[&idProperty=email]: one object or 404."""
    names = [n for v in query.get("properties", []) for n in v.split(",") if n]
    id_prop = id_property(
        store, object_type, next(iter(query.get("idProperty", [])), None), required=False
    )
    found = store.find(object_type, id_prop, oid) if id_prop else oid
    if found is None or found not in store.objects(object_type):
        raise ApiError(404, f"Object {oid} not found", "OBJECT_NOT_FOUND")
    return render(store, object_type, found, names or list(DEFAULT_PROPERTIES[object_type]))
