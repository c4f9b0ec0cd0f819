"""One line of the run ledger: what a run (or an undo) wrote, as a value and as JSON.

A `LedgerRecord` holds the run id and times, the files and their outcomes, the counts,
and the journal of the run's writes: records created, property values changed (old and
new), associations added, subscription statuses set. An undo's record says which run it
undid, what it archived and unlinked, and what it could not undo (`Problem`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from hubsync.hubspot.journal import Changed, Created, JournalEntries, Linked, StatusSet

RUN = "run"
UNDO = "undo"


@dataclass(frozen=True)
class FileEntry:
    """One file of a run: its name, kind, outcome and where it went (relative to the data dir)."""

    name: str
    kind: str
    status: str
    destination: str | None = None
    rows: int = 0
    rejected: int = 0


@dataclass(frozen=True)
class Problem:
    """Something an undo left as it is, and why (`reason` is a catalogue key)."""

    what: str  # record, property, association, subscription, figures
    object_type: str
    record_id: str
    name: str = ""  # the property, the other record, the subscription
    reason: str = ""
    now: str | None = None  # what HubSpot holds now
    wrote: str | None = None  # what the run wrote


@dataclass(frozen=True)
class LedgerRecord:
    """One run (or undo) that wrote to HubSpot."""

    run_id: str
    seq: int
    started: datetime
    finished: datetime
    exit_code: int
    kind: str = RUN
    dry_run: bool = False
    files: tuple[FileEntry, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    created: tuple[Created, ...] = ()
    changed: tuple[Changed, ...] = ()
    linked: tuple[Linked, ...] = ()
    statuses: tuple[StatusSet, ...] = ()
    undoes: str | None = None  # the run an undo undid
    archived: tuple[Created, ...] = ()  # records an undo archived
    unlinked: tuple[Linked, ...] = ()  # associations an undo removed
    not_undone: tuple[Problem, ...] = ()

    @property
    def journal(self) -> JournalEntries:
        return JournalEntries(self.created, self.changed, self.linked, self.statuses)

    @property
    def created_count(self) -> int:
        return len(self.created)

    @property
    def updated_count(self) -> int:
        """Records that existed before and had a value changed."""
        made = {(c.object_type, c.record_id) for c in self.created}
        return len({(c.object_type, c.record_id) for c in self.changed} - made)

    @property
    def rejected_count(self) -> int:
        return sum(f.rejected for f in self.files)

    def to_json(self) -> dict[str, Any]:
        """The record as a JSON object (times in ISO 8601). Compact where a first import
        makes it large: created ids by object type, changed values by record
        (`{"object_type", "record_id", "values": {name: [old, new]}}`)."""
        data = asdict(self)
        data["started"] = self.started.isoformat()
        data["finished"] = self.finished.isoformat()
        for name in ("linked", "unlinked"):
            for entry in data[name]:
                entry["type_ids"] = list(entry["type_ids"])
        data["created"] = _ids_by_type(self.created)
        data["changed"] = _values_by_record(self.changed)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LedgerRecord:
        """A record from `to_json`'s object; raises KeyError, TypeError or ValueError for
        anything else."""

        def many(kind: type[Any], name: str) -> tuple[Any, ...]:
            return tuple(kind(**entry) for entry in data.get(name) or ())

        def links(name: str) -> tuple[Linked, ...]:
            return tuple(
                Linked(**{**entry, "type_ids": tuple(entry.get("type_ids") or ())})
                for entry in data.get(name) or ()
            )

        return cls(
            run_id=str(data["run_id"]),
            seq=int(data["seq"]),
            started=datetime.fromisoformat(data["started"]),
            finished=datetime.fromisoformat(data["finished"]),
            exit_code=int(data["exit_code"]),
            kind=str(data.get("kind", RUN)),
            dry_run=bool(data.get("dry_run", False)),
            files=many(FileEntry, "files"),
            counts={str(k): int(v) for k, v in (data.get("counts") or {}).items()},
            created=_created(data.get("created")),
            changed=_changed(data.get("changed")),
            linked=links("linked"),
            statuses=many(StatusSet, "statuses"),
            undoes=data.get("undoes"),
            archived=many(Created, "archived"),
            unlinked=links("unlinked"),
            not_undone=many(Problem, "not_undone"),
        )


def _ids_by_type(created: tuple[Created, ...]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for entry in created:
        grouped.setdefault(entry.object_type, []).append(entry.record_id)
    return grouped


def _values_by_record(changed: tuple[Changed, ...]) -> list[dict[str, Any]]:
    grouped: dict[tuple[str, str], list[Changed]] = {}
    for entry in changed:
        grouped.setdefault((entry.object_type, entry.record_id), []).append(entry)
    out: list[dict[str, Any]] = []
    for (object_type, record_id), entries in grouped.items():
        # A property written twice in one run keeps both entries (first old, last new).
        values: dict[str, list[str | None]] = {}
        rest = []
        for entry in entries:
            if entry.name in values:
                rest.append(entry)
            else:
                values[entry.name] = [entry.old, entry.new]
        out.append({"object_type": object_type, "record_id": record_id, "values": values})
        out += [asdict(entry) for entry in rest]
    return out


def _created(data: Any) -> tuple[Created, ...]:
    """`created` as `to_json` writes it ({type: [ids]}), or as a list of entries."""
    if isinstance(data, dict):
        return tuple(Created(str(t), str(i)) for t, ids in data.items() for i in ids)
    return tuple(Created(**entry) for entry in data or ())


def _changed(data: Any) -> tuple[Changed, ...]:
    """`changed` as `to_json` writes it (values by record), or as single entries."""
    found: list[Changed] = []
    for entry in data or ():
        if "values" in entry:
            for name, (old, new) in entry["values"].items():
                found.append(Changed(entry["object_type"], entry["record_id"], name, old, new))
        else:
            found.append(Changed(**entry))
    return tuple(found)
