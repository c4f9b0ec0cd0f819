"""Association endpoints between contacts, companies and deals (v4 / date-versioned).

- `batch/associate/default` links records with "the default (most generic) association type"
  (the 2026-09 spec's summary): unlabeled, e.g. 279 contact→company. Whether HubSpot also
  makes the company primary when the record has none is not documented:
  `Store.default_primary` plays that reading.
- `batch/create` links with the types given (`HUBSPOT_DEFINED` ids of `assoc_types`); a
  pair's types are a set, so sending the same input again changes nothing. A primary type
  for a record that has another primary company follows `Links.primary_rule`.
- `batch/read` lists every linked record with its `associationTypes` (unlabeled first, label
  null; primary with its label); `batch/archive` removes links with all their types.
"""

from __future__ import annotations

from typing import Any

from hubsync.emulator.objects import TYPE_IDS, inputs_of
from hubsync.emulator.store import Store, now_text
from hubsync.emulator.validation import JSON, ApiError
from hubsync.hubspot.assoc_types import CATEGORY, PRIMARY, UNLABELED

ASSOCIATE_LIMIT = 2000
READ_LIMIT = 1000
# Labels changed in 2024 to "<ObjectType> with Primary Company" (HubSpot changelog "Changes
# to primary labels for HubSpot-defined association labels"); unlabeled types have none.
LABELS = {1: "Contact with Primary Company", 2: "Contact with Primary Company"}
LABELS |= {5: "Deal with Primary Company", 6: "Deal with Primary Company"}


def _pair(store: Store, from_type: str, to_type: str) -> None:
    if not store.links.supports(from_type, to_type):
        raise ApiError(400, f"Associations from {from_type} to {to_type} are not supported")


def _id(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("id"), str | int):
        return str(value["id"])
    return None


def _ends(item: Any) -> tuple[str, str]:
    source = _id(item.get("from")) if isinstance(item, dict) else None
    target = _id(item.get("to")) if isinstance(item, dict) else None
    if source is None or target is None:
        raise ApiError(400, "Invalid input JSON: every input needs 'from' and 'to' ids")
    return source, target


def _error(category: str, message: str, source: str, target: str) -> JSON:
    context = {"fromObjectId": [source], "toObjectId": [target]}
    return {"status": "error", "category": category, "message": message, "context": context}


def _missing(store: Store, from_type: str, to_type: str, source: str, target: str) -> JSON | None:
    if source in store.objects(from_type) and target in store.objects(to_type):
        return None
    message = f"Could not associate {from_type} {source} with {to_type} {target}: object not found"
    return _error("OBJECT_NOT_FOUND", message, source, target)


def _spec(type_id: int) -> JSON:
    return {"associationCategory": CATEGORY, "associationTypeId": type_id}


def associate(store: Store, from_type: str, to_type: str, body: JSON) -> tuple[int, JSON]:
    """POST .../batch/associate/default: link every valid pair; 207 lists pairs not found."""
    _pair(store, from_type, to_type)
    started = now_text()
    results, errors = [], []
    for item in inputs_of(body, ASSOCIATE_LIMIT):
        source, target = _ends(item)
        problem = _missing(store, from_type, to_type, source, target)
        if problem is not None:
            errors.append(problem)
            continue
        owner = (from_type, source) if to_type == "companies" else (to_type, target)
        primary = (
            store.default_primary
            and (from_type, to_type) in PRIMARY
            and store.links.primary_of(*owner) is None
        )
        store.links.add(from_type, source, to_type, target, primary=primary)
        ids = [UNLABELED[(from_type, to_type)]] + (
            [PRIMARY[(from_type, to_type)]] if primary else []
        )
        results += [
            {"from": {"id": source}, "to": {"id": target}, "associationSpec": _spec(i)} for i in ids
        ]
    return _answer(results, errors, started)


def create(store: Store, from_type: str, to_type: str, body: JSON) -> tuple[int, JSON]:
    """POST .../batch/create: link with the given types; 207 lists inputs refused (not
    found, a type that is not HubSpot's for this pair, a second primary under REFUSE)."""
    _pair(store, from_type, to_type)
    started = now_text()
    allowed = {UNLABELED[(from_type, to_type)]} | (
        {PRIMARY[(from_type, to_type)]} if (from_type, to_type) in PRIMARY else set()
    )
    results, errors = [], []
    for item in inputs_of(body, ASSOCIATE_LIMIT):
        source, target = _ends(item)
        types = item.get("types")
        if not isinstance(types, list) or not types:
            raise ApiError(400, "Invalid input JSON: every input needs a list of 'types'")
        problem = _missing(store, from_type, to_type, source, target)
        wrong = [t for t in types if not isinstance(t, dict) or _type_of(t) not in allowed]
        if problem is None and wrong:
            message = f"{wrong[0]} is not a valid association type from {from_type} to {to_type}"
            problem = _error("VALIDATION_ERROR", message, source, target)
        primary = PRIMARY.get((from_type, to_type)) in {_type_of(t) for t in types}
        refused = (
            None
            if problem
            else store.links.add(from_type, source, to_type, target, primary=primary)
        )
        if refused is not None:
            problem = _error("VALIDATION_ERROR", refused, source, target)
        if problem is not None:
            errors.append(problem)
            continue
        labels = [
            LABELS[i]
            for i in store.links.type_ids(from_type, source, to_type, target)
            if i in LABELS
        ]
        results.append(
            {
                "fromObjectTypeId": TYPE_IDS[from_type],
                "fromObjectId": source,
                "toObjectTypeId": TYPE_IDS[to_type],
                "toObjectId": target,
                "labels": labels,
            }
        )
    return _answer(results, errors, started)


def _type_of(spec: JSON) -> int | None:
    if spec.get("associationCategory") != CATEGORY:
        return None
    value = spec.get("associationTypeId")
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


def read(store: Store, from_type: str, to_type: str, body: JSON) -> tuple[int, JSON]:
    """POST .../batch/read: linked ids with their types per input; ids without any go to
    `errors` (207)."""
    _pair(store, from_type, to_type)
    started = now_text()
    results, errors = [], []
    for item in inputs_of(body, READ_LIMIT):
        source = _id(item)
        if source is None:
            raise ApiError(400, "Invalid input JSON: every input needs an 'id'")
        linked = store.links.linked(from_type, source, to_type)
        if not linked:
            errors.append(
                {
                    "status": "error",
                    "category": "OBJECT_NOT_FOUND",
                    "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                    "message": f"No {to_type} is associated with {from_type} {source}.",
                    "context": {"fromObjectId": [source], "toObjectType": [to_type]},
                }
            )
            continue
        results.append(
            {
                "from": {"id": source},
                "to": [
                    {
                        "toObjectId": int(other),
                        "associationTypes": [
                            {"category": CATEGORY, "typeId": i, "label": LABELS.get(i)}
                            for i in store.links.type_ids(from_type, source, to_type, other)
                        ],
                    }
                    for other in linked
                ],
            }
        )
    return _answer(results, errors, started)


def archive(store: Store, from_type: str, to_type: str, body: JSON) -> tuple[int, JSON]:
    """POST .../batch/archive: remove the links `from` → each of `to` (BatchResponseVoid,
    200 in the 2026-09 spec); links that do not exist are no error."""
    _pair(store, from_type, to_type)
    started = now_text()
    for item in inputs_of(body, ASSOCIATE_LIMIT):
        source = _id(item.get("from")) if isinstance(item, dict) else None
        targets = item.get("to") if isinstance(item, dict) else None
        if source is None or not isinstance(targets, list):
            raise ApiError(400, "Invalid input JSON: every input needs 'from' and a list 'to'")
        for target in targets:
            other = _id(target)
            if other is not None:
                store.links.drop(from_type, source, to_type, other)
    return _answer([], [], started)


def _answer(results: list[JSON], errors: list[JSON], started: str) -> tuple[int, JSON]:
    answer: JSON = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": now_text(),
    }
    if not errors:
        return 200, answer
    answer["numErrors"] = len(errors)
    answer["errors"] = errors
    return 207, answer
