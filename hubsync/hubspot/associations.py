"""Association calls: default-type links written in batches, and linked ids read back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hubsync.hubspot.batching import BatchWriter, chunked, run_parallel
from hubsync.hubspot.models import RecordFailure
from hubsync.hubspot.paths import ApiPaths
from hubsync.hubspot.transport import Transport

ASSOC_READ_BATCH = 1000
ASSOC_WRITE_BATCH = 2000


def _nested_id(result: dict[str, Any], side: str) -> str | None:
    value = result.get(side)
    return str(value["id"]) if isinstance(value, dict) and "id" in value else None


class Associations:
    """Association requests of one client: its transport, paths and concurrency."""

    def __init__(self, transport: Transport, paths: ApiPaths, concurrency: int) -> None:
        self._http = transport
        self._paths = paths
        self._concurrency = concurrency

    def associate(
        self, from_type: str, to_type: str, pairs: Iterable[tuple[str, str]]
    ) -> tuple[RecordFailure, ...]:
        """Default-type associations from → to; returns the pairs HubSpot rejected, keyed
        `"<from>-><to>"`."""
        unique = list(dict.fromkeys((str(a), str(b)) for a, b in pairs))
        inputs = [{"from": {"id": a}, "to": {"id": b}} for a, b in unique]

        def key(item: dict[str, Any]) -> str | None:
            a, b = _nested_id(item, "from"), _nested_id(item, "to")
            return None if a is None or b is None else f"{a}->{b}"

        writer = BatchWriter(
            self._http,
            self._paths.associations(from_type, to_type, "batch/associate/default"),
            from_type,
            input_key=lambda i: str(key(i)),
            result_key=key,
        )
        parts = run_parallel(writer.write, chunked(inputs, ASSOC_WRITE_BATCH), self._concurrency)
        return tuple(f for _, failures in parts for f in failures)

    def read(self, from_type: str, to_type: str, ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """Associated `to_type` ids per `from_type` id; ids without associations are absent."""
        path = self._paths.associations(from_type, to_type, "batch/read")

        def one(chunk: list[str]) -> dict[str, list[str]]:
            found: dict[str, list[str]] = {}
            pending: list[dict[str, str]] = [{"id": i} for i in chunk]
            while pending:
                reply = self._http.call("POST", path, {"inputs": pending}, safe=True, accept=(404,))
                pending = []
                for result in reply.results():
                    source = _nested_id(result, "from")
                    if source is None:
                        continue
                    targets = found.setdefault(source, [])
                    for to in result.get("to") or ():
                        if isinstance(to, dict) and str(to.get("toObjectId")) not in targets:
                            targets.append(str(to.get("toObjectId")))
                    after = (result.get("paging") or {}).get("next", {}).get("after")
                    if after:
                        pending.append({"id": source, "after": str(after)})
            return found

        unique = list(dict.fromkeys(str(i) for i in ids))
        merged: dict[str, tuple[str, ...]] = {}
        for part in run_parallel(one, chunked(unique, ASSOC_READ_BATCH), self._concurrency):
            merged.update((k, tuple(v)) for k, v in part.items())
        return merged
