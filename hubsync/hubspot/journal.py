"""What a run wrote to HubSpot, as the client saw it: the raw material of the run ledger.

A `WriteJournal` attached to a `HubSpotClient` is told of every record the run created,
every property value it changed (with the value HubSpot held before), every association
it added and every subscription status it set. The client fills it; `hubsync.history`
turns it into a ledger record and `hubsync undo` reads it back. Thread-safe: batch calls
run a few at a time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Created:
    object_type: str  # contacts, deals, companies
    record_id: str


@dataclass(frozen=True)
class Changed:
    """One property value the run changed: `old` is what HubSpot held before (None: empty)."""

    object_type: str
    record_id: str
    name: str
    old: str | None
    new: str


@dataclass(frozen=True)
class Linked:
    """One association the run added, with the HUBSPOT_DEFINED type ids it sent."""

    from_type: str
    from_id: str
    to_type: str
    to_id: str
    type_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class StatusSet:
    """One subscription status the run set for an e-mail address."""

    email: str
    subscription_id: str
    old: str
    new: str


@dataclass(frozen=True)
class JournalEntries:
    created: tuple[Created, ...] = ()
    changed: tuple[Changed, ...] = ()
    linked: tuple[Linked, ...] = ()
    statuses: tuple[StatusSet, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.created or self.changed or self.linked or self.statuses)


Seen = dict[str, str | None]  # a record's properties as the run last read or wrote them


class WriteJournal:
    """Collects a run's writes in the order the client made them.

    It also remembers what the run read (by record id and by key), so the old values of a
    write are known without reading them again: the stages read every record before they
    write it. A record written twice in a run gets the first write's values as old values
    of the second.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str, str], Seen] = {}
        self._absent: set[tuple[str, str, str]] = set()  # asked by key, not in HubSpot
        self._fresh: set[tuple[str, str]] = set()  # created by this run: the rest is empty
        self._created: list[Created] = []
        self._changed: list[Changed] = []
        self._linked: list[Linked] = []
        self._statuses: list[StatusSet] = []

    def created(self, entry: Created) -> None:
        with self._lock:
            self._created.append(entry)
            self._fresh.add((entry.object_type, entry.record_id))

    def changed(self, entry: Changed) -> None:
        with self._lock:
            self._changed.append(entry)

    def linked(self, entry: Linked) -> None:
        with self._lock:
            self._linked.append(entry)

    def status(self, entry: StatusSet) -> None:
        with self._lock:
            self._statuses.append(entry)

    def saw(self, object_type: str, by: str, key: str, properties: Seen) -> None:
        """The run read (or wrote) `properties` of the record `by`=`key` ("id" or a key
        property)."""
        with self._lock:
            self._absent.discard((object_type, by, key))
            self._seen.setdefault((object_type, by, key), {}).update(properties)

    def missed(self, object_type: str, by: str, key: str) -> None:
        """The run asked for the key and HubSpot has no such record."""
        with self._lock:
            if (object_type, by, key) not in self._seen:
                self._absent.add((object_type, by, key))

    def seen(self, object_type: str, by: str, key: str, names: set[str]) -> Seen | None:
        """What the run knows of these properties of a record: {} for a key HubSpot did
        not have, None when the run does not know all of them."""
        with self._lock:
            if (object_type, by, key) in self._absent:
                return {}
            held = self._seen.get((object_type, by, key))
            if held is not None and by == "id" and (object_type, key) in self._fresh:
                return {n: held.get(n) for n in names}  # what it did not write is empty
            if held is None or not names <= held.keys():
                return None
            return {n: held[n] for n in names}

    def entries(self) -> JournalEntries:
        with self._lock:
            return JournalEntries(
                tuple(self._created),
                tuple(self._changed),
                tuple(self._linked),
                tuple(self._statuses),
            )
