"""Association endpoints between deals and contacts (default type, both directions)."""

from __future__ import annotations

from typing import Any

from hubsync.emulator.objects import inputs_of
from hubsync.emulator.store import Store, now_text
from hubsync.emulator.validation import JSON, ApiError

ASSOCIATE_LIMIT = 2000
READ_LIMIT = 1000
# HubSpot's default association type ids: deal→contact 3, contact→deal 4
TYPE_IDS = {("deals", "contacts"): 3, ("contacts", "deals"): 4}


def _pair(from_type: str, to_type: str) -> None:
    if (from_type, to_type) not in TYPE_IDS:
        raise ApiError(400, f"Associations from {from_type} to {to_type} are not supported")


def _id(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("id"), str | int):
        return str(value["id"])
    return None


def associate(store: Store, from_type: str, to_type: str, body: JSON) -> tuple[int, JSON]:
    """POST .../batch/associate/default: link every valid pair; 207 lists pairs not found."""
    _pair(from_type, to_type)
    started = now_text()
    type_id = TYPE_IDS[(from_type, to_type)]
    results, errors = [], []
    sources, targets = store.objects(from_type), store.objects(to_type)
    for item in inputs_of(body, ASSOCIATE_LIMIT):
        source = _id(item.get("from")) if isinstance(item, dict) else None
        target = _id(item.get("to")) if isinstance(item, dict) else None
        if source is None or target is None:
            raise ApiError(400, "Invalid input JSON: every input needs 'from' and 'to' ids")
        if source not in sources or target not in targets:
            errors.append(
                {
                    "status": "error",
                    "category": "OBJECT_NOT_FOUND",
                    "message": f"Could not associate {from_type} {source} with {to_type}"
                    f" {target}: object not found",
                    "context": {"fromObjectId": [source], "toObjectId": [target]},
                }
            )
            continue
        if from_type == "deals":
            store.link(source, target)
        else:
            store.link(target, source)
        results.append(
            {
                "from": {"id": source},
                "to": {"id": target},
                "associationSpec": {
                    "associationCategory": "HUBSPOT_DEFINED",
                    "associationTypeId": type_id,
                },
            }
        )
    return _answer(results, errors, started)


def read(store: Store, from_type: str, to_type: str, body: JSON) -> tuple[int, JSON]:
    """POST .../batch/read: associated ids per input; ids without any go to `errors` (207)."""
    _pair(from_type, to_type)
    started = now_text()
    type_id = TYPE_IDS[(from_type, to_type)]
    results, errors = [], []
    for item in inputs_of(body, READ_LIMIT):
        source = _id(item)
        if source is None:
            raise ApiError(400, "Invalid input JSON: every input needs an 'id'")
        linked = store.linked(from_type, source)
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
                            {"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": None}
                        ],
                    }
                    for other in linked
                ],
            }
        )
    return _answer(results, errors, started)


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
