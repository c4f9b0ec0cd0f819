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


class WriteJournal:
    """Collects a run's writes in the order the client made them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._created: list[Created] = []
        self._changed: list[Changed] = []
        self._linked: list[Linked] = []
        self._statuses: list[StatusSet] = []

    def created(self, entry: Created) -> None:
        with self._lock:
            self._created.append(entry)

    def changed(self, entry: Changed) -> None:
        with self._lock:
            self._changed.append(entry)

    def linked(self, entry: Linked) -> None:
        with self._lock:
            self._linked.append(entry)

    def status(self, entry: StatusSet) -> None:
        with self._lock:
            self._statuses.append(entry)

    def entries(self) -> JournalEntries:
        with self._lock:
            return JournalEntries(
                tuple(self._created),
                tuple(self._changed),
                tuple(self._linked),
                tuple(self._statuses),
            )
