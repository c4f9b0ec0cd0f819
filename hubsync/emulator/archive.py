"""Object batch archive: `POST /crm/objects/2026-09/{type}/batch/archive`, inputs `[{id}]`.

The 2026-09 spec (objects.json, BatchInputSimplePublicObjectId) answers 204 No Content.
An archived record leaves the store with its unique values and all its associations;
an id that does not exist (already archived) is no error, so the call is safe to repeat.
"""

from __future__ import annotations

from typing import Any

from hubsync.emulator.objects import BATCH_LIMIT, input_id, inputs_of
from hubsync.emulator.store import OBJECT_TYPES, Store
from hubsync.emulator.validation import JSON


def batch_archive(store: Store, object_type: str, body: JSON) -> tuple[int, Any]:
    """Archive the records named in `inputs` (at most 100); 204 without a body."""
    ids = [input_id(item) for item in inputs_of(body, BATCH_LIMIT)]
    with store.lock:
        objects = store.objects(object_type)
        for oid in ids:
            if oid not in objects:
                continue
            unique = store.unique_properties(object_type)
            held = {name: "" for name in unique if objects[oid].get(name)}
            store.write(object_type, oid, held)  # frees the unique values for new records
            for other in OBJECT_TYPES:
                if other == object_type or not store.links.supports(object_type, other):
                    continue
                for linked in store.links.linked(object_type, oid, other):
                    store.links.drop(object_type, oid, other, linked)
            del objects[oid]
    return 204, None
