"""Object endpoints that write: batch upsert, update and create.

Writes validate the whole batch first and apply it only when every input is valid,
HubSpot's documented behaviour for batches without `objectWriteTraceId`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubsync.emulator import autolink
from hubsync.emulator.objects import (
    BATCH_LIMIT,
    SINGULAR,
    complete,
    id_property,
    input_id,
    inputs_of,
    reject_duplicates,
    render,
)
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
from hubsync.hubspot.assoc_types import PRIMARY, UNLABELED


@dataclass
class _Plan:
    key: str
    target: str | None
    changes: dict[str, str]
    shown: list[str] = field(default_factory=list)
    links: list[tuple[str, str, bool]] = field(default_factory=list)  # (type, id, primary)


def batch_write(store: Store, object_type: str, mode: str, body: JSON) -> tuple[int, JSON]:
    """POST .../batch/{upsert,update,create}: all inputs applied, or none (400/409)."""
    started = now_text()
    inputs = inputs_of(body, BATCH_LIMIT)
    plans = [_plan(store, object_type, mode, i, item) for i, item in enumerate(inputs)]
    if mode != "create":
        reject_duplicates([p.key for p in plans])
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
        for other_type, other, primary in plan.links:
            store.links.add(object_type, oid, other_type, other, primary=primary)
        if store.auto_companies:
            autolink.after_write(store, object_type, oid)
        result = render(store, object_type, oid, plan.shown)
        if mode == "upsert":
            result["new"] = new
        results.append(result)
    return (201 if mode == "create" else 200), complete(results, started)


def _plan(store: Store, object_type: str, mode: str, index: int, item: Any) -> _Plan:
    if not isinstance(item, dict):
        raise ApiError(400, "Invalid input JSON: every input must be an object")
    props = item.get("properties", {})
    if not isinstance(props, dict):
        raise ApiError(400, "Invalid input JSON: 'properties' must be an object")
    if mode == "create":
        key = str(item.get("objectWriteTraceId", index))
        plan = _Plan(key, None, dict(props))
        plan.links = [_link(object_type, a) for a in item.get("associations") or []]
    elif mode == "update":
        key = input_id(item)
        id_property(store, object_type, item.get("idProperty"), required=False)
        plan = _Plan(key, key, dict(props))
    else:
        key = input_id(item)
        id_prop = id_property(store, object_type, item.get("idProperty"), required=True)
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


def _link(object_type: str, association: Any) -> tuple[str, str, bool]:
    """(type, id, primary) of one `associations` entry of a create; the target's type is the
    one the HubSpot-defined type id leads to (without types: deal↔contact, as before)."""
    to = association.get("to") if isinstance(association, dict) else None
    target = str(to.get("id")) if isinstance(to, dict) else "None"
    types = association.get("types") if isinstance(association, dict) else None
    ids = {t.get("associationTypeId") for t in types or () if isinstance(t, dict)}
    for (source, other), type_id in [*PRIMARY.items(), *UNLABELED.items()]:
        if source == object_type and type_id in ids:
            return other, target, (source, other) in PRIMARY and PRIMARY[(source, other)] in ids
    return ("contacts" if object_type == "deals" else "deals"), target, False


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
    for other_type, other, _ in plan.links:
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
