"""Object endpoints: batch read/upsert/update/create and single read.

Writes validate the whole batch first and apply it only when every input is valid,
HubSpot's documented behaviour for batches without `objectWriteTraceId`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hubsync.emulator.store import Store, now_text
from hubsync.emulator.validation import (
    JSON,
    ApiError,
    ValueIssue,
    is_read_only,
    issue,
    normalize_value,
    rule_issues,
    same_value,
)

BATCH_LIMIT = 100
DEFAULT_PROPERTIES = {
    "contacts": ("email", "firstname", "lastname"),
    "deals": ("dealname", "amount", "closedate", "pipeline", "dealstage"),
}
SINGULAR = {"contacts": "contact", "deals": "deal"}
TYPE_IDS = {"contacts": "0-1", "deals": "0-3"}
PORTAL_ID = "14620000"


@dataclass
class _Plan:
    key: str
    target: str | None
    changes: dict[str, str]
    shown: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


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


def _input_id(item: Any) -> str:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str | int):
        raise ApiError(400, "Invalid input JSON: every input needs an 'id'")
    return str(item["id"])


def _reject_duplicates(keys: list[str]) -> None:
    dups = sorted(k for k, n in Counter(keys).items() if n > 1)
    if dups:
        raise ApiError(400, f"Duplicate IDs found in batch input: [{', '.join(dups)}]")


def _id_property(store: Store, object_type: str, name: Any, *, required: bool) -> str | None:
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


def _complete(results: list[JSON], started: str) -> JSON:
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
    keys = [_input_id(i) for i in inputs_of(body, BATCH_LIMIT)]
    id_prop = _id_property(store, object_type, body.get("idProperty"), required=False)
    if id_prop == "email":
        keys = [k.strip().lower() for k in keys]
    _reject_duplicates(keys)
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
    answer = _complete(results, started)
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
    id_prop = _id_property(
        store, object_type, next(iter(query.get("idProperty", [])), None), required=False
    )
    found = store.find(object_type, id_prop, oid) if id_prop else oid
    if found is None or found not in store.objects(object_type):
        raise ApiError(404, f"Object {oid} not found", "OBJECT_NOT_FOUND")
    return render(store, object_type, found, names or list(DEFAULT_PROPERTIES[object_type]))


def batch_write(store: Store, object_type: str, mode: str, body: JSON) -> tuple[int, JSON]:
    """POST .../batch/{upsert,update,create}: all inputs applied, or none (400/409)."""
    started = now_text()
    inputs = inputs_of(body, BATCH_LIMIT)
    plans = [_plan(store, object_type, mode, i, item) for i, item in enumerate(inputs)]
    if mode != "create":
        _reject_duplicates([p.key for p in plans])
    errors = [e for p in plans for e in _check(store, object_type, mode, p)]
    if errors:
        first = errors[0]["message"]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ApiError(400, f"Property values were not valid: {first}{more}", errors=errors)
    _check_unique(store, object_type, plans)
    results = []
    for plan in plans:
        oid = plan.target
        new = oid is None
        if oid is None:
            oid = store.create(object_type)
        store.write(object_type, oid, plan.changes)
        for other in plan.links:
            if object_type == "deals":
                store.link(oid, other)
            else:
                store.link(other, oid)
        result = render(store, object_type, oid, plan.shown)
        if mode == "upsert":
            result["new"] = new
        results.append(result)
    return (201 if mode == "create" else 200), _complete(results, started)


def _plan(store: Store, object_type: str, mode: str, index: int, item: Any) -> _Plan:
    if not isinstance(item, dict):
        raise ApiError(400, "Invalid input JSON: every input must be an object")
    props = item.get("properties", {})
    if not isinstance(props, dict):
        raise ApiError(400, "Invalid input JSON: 'properties' must be an object")
    if mode == "create":
        key = str(item.get("objectWriteTraceId", index))
        plan = _Plan(key, None, dict(props))
        plan.links = [str(a.get("to", {}).get("id")) for a in item.get("associations") or []]
    elif mode == "update":
        key = _input_id(item)
        _id_property(store, object_type, item.get("idProperty"), required=False)
        plan = _Plan(key, key, dict(props))
    else:
        key = _input_id(item)
        id_prop = _id_property(store, object_type, item.get("idProperty"), required=True)
        assert id_prop is not None
        if id_prop == "email":
            key = key.strip().lower()
        plan = _Plan(key, store.find(object_type, id_prop, key), dict(props))
        plan.changes.setdefault(id_prop, key)
        # Results list the properties the input sent; whether HubSpot echoes the idProperty
        # is not documented (echo_id_property off: never).
        plan.shown = [n for n in props if n != id_prop or store.echo_id_property]
        return plan
    plan.shown = list(plan.changes)
    return plan


def _check(store: Store, object_type: str, mode: str, plan: _Plan) -> list[JSON]:
    """Validate and normalise `plan.changes` in place; returns errors naming `plan.key`."""
    errors: list[JSON] = []
    objects = store.objects(object_type)
    if plan.target is not None and plan.target not in objects:
        msg = f"Object {plan.target} does not exist"
        return [issue("OBJECT_NOT_FOUND", msg, None, plan.key)]
    current = objects[plan.target] if plan.target is not None else {}
    changes: dict[str, str] = {}
    for name, raw in plan.changes.items():
        definition = store.definition(object_type, name)
        if definition is None:
            msg = f'Property "{name}" does not exist'
            errors.append(issue("PROPERTY_DOESNT_EXIST", msg, name, plan.key))
            continue
        if is_read_only(definition) or (object_type, name) in store.refused:
            msg = f'"{name}" is a read only property; its value cannot be set.'
            quirk = not is_read_only(definition) and not store.portal_errors_name_inputs
            errors.append(issue("READ_ONLY_VALUE", msg, name, None if quirk else plan.key))
            continue
        try:
            value = normalize_value(definition, raw, current.get(name))
        except ValueIssue as problem:
            errors.append(issue(problem.code, problem.message, name, plan.key))
            continue
        if not same_value(definition, current.get(name), value):
            changes[name] = value
    for other in plan.links:
        other_type = "contacts" if object_type == "deals" else "deals"
        if other not in store.objects(other_type):
            errors.append(
                issue("OBJECT_NOT_FOUND", f"Object {other} does not exist", None, plan.key)
            )
    plan.changes = changes
    if object_type == "deals" and not errors:
        errors.extend(_check_deal(store, plan, current))
    if not errors:
        named = plan.key if store.portal_errors_name_inputs else None
        final = {**current, **changes}
        label = SINGULAR[object_type].upper()
        creating = plan.target is None
        errors.extend(rule_issues(store.rules[object_type], final, creating, label, named))
    return errors


def _check_deal(store: Store, plan: _Plan, current: dict[str, str]) -> list[JSON]:
    final = {**current, **plan.changes}
    if plan.target is None:
        missing = [n for n in ("dealname", "pipeline", "dealstage") if not final.get(n)]
        if missing:
            msg = f"Missing required properties for a new deal: {', '.join(missing)}"
            return [issue("REQUIRED_PROPERTY", msg, missing[0], plan.key)]
    if "pipeline" in plan.changes or "dealstage" in plan.changes:
        stages = store.stage_ids(final.get("pipeline", ""))
        if stages is None:
            msg = f"{final.get('pipeline')} is not a valid pipeline"
            return [issue("INVALID_OPTION", msg, "pipeline", plan.key)]
        if final.get("dealstage") not in stages:
            msg = f"{final.get('dealstage')} is not a valid stage of pipeline {final['pipeline']}"
            return [issue("INVALID_OPTION", msg, "dealstage", plan.key)]
    return []


def _check_unique(store: Store, object_type: str, plans: list[_Plan]) -> None:
    unique = store.unique_properties(object_type)
    claimed: dict[tuple[str, str], _Plan] = {}
    errors: list[JSON] = []
    for plan in plans:
        for name, value in plan.changes.items():
            if name not in unique or value == "":
                continue
            holder = store.holder(object_type, name, value)
            rival = claimed.setdefault((name, value), plan)
            if holder is not None and holder != plan.target:
                msg = (
                    f"{SINGULAR[object_type].capitalize()} with {name} {value!r}: another"
                    f" object already has that value. Existing ID: {holder}"
                )
                errors.append(issue("CONFLICT", msg, name, plan.key))
            elif rival is not plan:
                msg = f"{name} {value!r} is set by two inputs of this batch"
                errors.append(issue("CONFLICT", msg, name, plan.key))
    if errors:
        raise ApiError(409, errors[0]["message"], "CONFLICT", errors=errors)
