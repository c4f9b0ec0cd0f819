"""Archiving records and removing associations: what `hubsync undo` writes besides values.

`POST .../objects/{type}/batch/archive` takes `inputs: [{id}]`, at most 100, and answers
204 No Content (2026-09 spec, BatchInputSimplePublicObjectId); an id that no longer exists
is no error, so the call is safe to repeat. `POST .../associations/{from}/{to}/batch/archive`
takes `inputs: [{from: {id}, to: [{id}]}]` (PublicAssociationMultiArchive) and removes the
pairs with all their types. Archived records go to HubSpot's recycle bin (restorable in
HubSpot for 90 days; the API has no restore).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from hubsync.hubspot.batching import chunked, run_parallel
from hubsync.hubspot.paths import ApiPaths
from hubsync.hubspot.transport import Transport

ARCHIVE_BATCH = 100


class Archiving:
    """The archive calls of one client: its transport, paths and concurrency."""

    def __init__(self, transport: Transport, paths: ApiPaths, concurrency: int) -> None:
        self._http = transport
        self._paths = paths
        self._concurrency = concurrency

    def records(self, object_type: str, ids: Iterable[str]) -> int:
        """Archive the records `ids` of `object_type`; returns the number of calls made."""
        unique = list(dict.fromkeys(str(i) for i in ids))
        path = self._paths.objects(object_type, "batch/archive")

        def one(chunk: list[str]) -> None:
            body = {"inputs": [{"id": i} for i in chunk]}
            self._http.call("POST", path, body, safe=True, write=True)

        chunks = chunked(unique, ARCHIVE_BATCH)
        run_parallel(one, chunks, self._concurrency)
        return len(chunks)

    def links(self, from_type: str, to_type: str, pairs: Iterable[tuple[str, str]]) -> int:
        """Remove the associations `pairs` (from id, to id) with all their types; returns the
        number of calls made. Pairs that are not linked are no error."""
        targets: dict[str, list[str]] = defaultdict(list)
        for a, b in dict.fromkeys((str(a), str(b)) for a, b in pairs):
            targets[a].append(b)
        inputs: list[dict[str, Any]] = [
            {"from": {"id": a}, "to": [{"id": b} for b in bs]} for a, bs in targets.items()
        ]
        path = self._paths.associations(from_type, to_type, "batch/archive")

        def one(chunk: list[dict[str, Any]]) -> None:
            self._http.call("POST", path, {"inputs": chunk}, safe=True, write=True)

        chunks = chunked(inputs, ARCHIVE_BATCH)
        run_parallel(one, chunks, self._concurrency)
        return len(chunks)
