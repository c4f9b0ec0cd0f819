"""Association calls: links written in batches (default or typed), and linked ids read back.

Both writes are safe to repeat after a lost answer: `batch/associate/default` as before,
and `batch/create` because an association's types are a set. HubSpot documents no
idempotency for it, but it answers with the pair's labels (`LabelsBetweenObjectPair`,
2026-09 spec), the single-pair form is a PUT, and the emulator plays it so; unlike an
objects `batch/create` it makes no new record. A primary type sent again for the company
that already is primary changes nothing; sent for another company it may move the primary
(see `hubsync.emulator.links.PrimaryRule`), so callers read types before they send one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from hubsync.hubspot.assoc_types import CATEGORY
from hubsync.hubspot.batching import BatchWriter, chunked, run_parallel
from hubsync.hubspot.journal import WriteJournal
from hubsync.hubspot.journaling import record_links
from hubsync.hubspot.models import RecordFailure, TypedAssociation
from hubsync.hubspot.paths import ApiPaths
from hubsync.hubspot.transport import Transport

ASSOC_READ_BATCH = 1000
ASSOC_WRITE_BATCH = 2000


def _nested_id(result: dict[str, Any], side: str) -> str | None:
    value = result.get(side)
    return str(value["id"]) if isinstance(value, dict) and "id" in value else None


def _pair_key(result: dict[str, Any]) -> str | None:
    """`"<from>-><to>"` of an input or a result: `{from: {id}, to: {id}}` (inputs, default
    results) or `{fromObjectId, toObjectId}` (typed results)."""
    a = _nested_id(result, "from") or result.get("fromObjectId")
    b = _nested_id(result, "to") or result.get("toObjectId")
    return None if a is None or b is None else f"{a}->{b}"


def _type_ids(entry: dict[str, Any]) -> set[int]:
    found: set[int] = set()
    for spec in entry.get("associationTypes") or ():
        if isinstance(spec, dict) and spec.get("category") == CATEGORY:
            try:
                found.add(int(spec["typeId"]))
            except (KeyError, TypeError, ValueError):
                continue
    return found


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
        return self._write(from_type, to_type, "batch/associate/default", pairs, lambda i: i)

    def create(
        self, from_type: str, to_type: str, pairs: Iterable[tuple[str, str]], *type_ids: int
    ) -> tuple[RecordFailure, ...]:
        """Associations of the HUBSPOT_DEFINED types `type_ids` (see `assoc_types`) from →
        to, all types of a pair in one input; rejected pairs as for `associate`."""
        spec = [{"associationCategory": CATEGORY, "associationTypeId": t} for t in type_ids]
        return self._write(
            from_type, to_type, "batch/create", pairs, lambda i: {**i, "types": spec}
        )

    def _write(
        self,
        from_type: str,
        to_type: str,
        action: str,
        pairs: Iterable[tuple[str, str]],
        shape: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> tuple[RecordFailure, ...]:
        unique = list(dict.fromkeys((str(a), str(b)) for a, b in pairs))
        inputs = [shape({"from": {"id": a}, "to": {"id": b}}) for a, b in unique]
        writer = BatchWriter(
            self._http,
            self._paths.associations(from_type, to_type, action),
            from_type,
            input_key=lambda i: str(_pair_key(i)),
            result_key=_pair_key,
        )
        parts = run_parallel(writer.write, chunked(inputs, ASSOC_WRITE_BATCH), self._concurrency)
        return tuple(f for _, failures in parts for f in failures)

    def read(self, from_type: str, to_type: str, ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """Associated `to_type` ids per `from_type` id; ids without associations are absent."""
        typed = self.read_typed(from_type, to_type, ids)
        return {k: tuple(a.to_id for a in v) for k, v in typed.items()}

    def read_typed(
        self, from_type: str, to_type: str, ids: Iterable[str]
    ) -> dict[str, tuple[TypedAssociation, ...]]:
        """Associated records with their type ids per `from_type` id (pages followed);
        ids without associations are absent."""
        unique = list(dict.fromkeys(str(i) for i in ids))
        merged: dict[str, tuple[TypedAssociation, ...]] = {}
        chunks = chunked(unique, ASSOC_READ_BATCH)
        for part in run_parallel(
            lambda c: self._read_chunk(from_type, to_type, c), chunks, self._concurrency
        ):
            for source, targets in part.items():
                merged[source] = tuple(
                    TypedAssociation(t, frozenset(s)) for t, s in targets.items()
                )
        return merged

    def _read_chunk(
        self, from_type: str, to_type: str, chunk: list[str]
    ) -> dict[str, dict[str, set[int]]]:
        path = self._paths.associations(from_type, to_type, "batch/read")
        found: dict[str, dict[str, set[int]]] = {}
        pending: list[dict[str, str]] = [{"id": i} for i in chunk]
        while pending:
            reply = self._http.call("POST", path, {"inputs": pending}, safe=True, accept=(404,))
            pending = []
            for result in reply.results():
                source = _nested_id(result, "from")
                if source is None:
                    continue
                targets = found.setdefault(source, {})
                for to in result.get("to") or ():
                    if isinstance(to, dict):
                        targets.setdefault(str(to.get("toObjectId")), set()).update(_type_ids(to))
                after = (result.get("paging") or {}).get("next", {}).get("after")
                if after:
                    pending.append({"id": source, "after": str(after)})
        return found


class AssociationMethods:
    """HubSpotClient's association calls (a base of the client, which sets `_associations`)."""

    _associations: Associations
    journal: WriteJournal | None  # told of the pairs added (hubspot/journaling.py)

    def associate(
        self, from_type: str, to_type: str, pairs: Iterable[tuple[str, str]]
    ) -> tuple[RecordFailure, ...]:
        """Default-type associations; see `Associations.associate`."""
        sent = list(pairs)
        failures = self._associations.associate(from_type, to_type, sent)
        return record_links(self.journal, from_type, to_type, sent, failures)

    def associate_typed(
        self, from_type: str, to_type: str, pairs: Iterable[tuple[str, str]], *type_ids: int
    ) -> tuple[RecordFailure, ...]:
        """Associations of HUBSPOT_DEFINED types (one input per pair carrying all of
        them, e.g. unlabeled and primary); see `Associations.create`."""
        if not type_ids:
            raise ValueError("associate_typed needs at least one type id")
        sent = list(pairs)
        failures = self._associations.create(from_type, to_type, sent, *type_ids)
        return record_links(self.journal, from_type, to_type, sent, failures, type_ids)

    def associations(
        self, from_type: str, to_type: str, ids: Iterable[str]
    ) -> dict[str, tuple[str, ...]]:
        """Associated `to_type` ids per `from_type` id; see `Associations.read`."""
        return self._associations.read(from_type, to_type, ids)

    def associations_typed(
        self, from_type: str, to_type: str, ids: Iterable[str]
    ) -> dict[str, tuple[TypedAssociation, ...]]:
        """Associated records with their type ids; see `Associations.read_typed`."""
        return self._associations.read_typed(from_type, to_type, ids)
