"""What an undo of one run would do, decided against what HubSpot holds now (reads only).

- A record the run created is archived only if every property the run wrote still holds
  the run's value (values are compared, not `lastmodifieddate`: HubSpot moves that for
  its own calculated properties and associations, and the run itself writes a record
  more than once). Otherwise it stays, reported with the first value that differs.
- A property the run overwrote is restored where HubSpot still holds the run's value; one
  that holds something else was changed since (by a person or a later run) and is
  reported, never clobbered; one that holds the old value again needs nothing.
- Booking figures are not restored but recomputed from the deals afterwards, for every
  contact and company the run touched (figures written, associations added).
- Associations the run added are removed where both records stay and the pair is linked.
- Subscription statuses are never undone (see `subscription_kept` in the README).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hubsync.history.entries import UNDO, LedgerRecord, Problem
from hubsync.hubspot import HubSpotClient
from hubsync.hubspot.journal import Created, Linked
from hubsync.mapping.compare import same_value

ARCHIVE_ORDER = ("deals", "contacts", "companies")
FIGURED = ("contacts", "companies")
Key = tuple[str, str]  # (object type, record id)


@dataclass(frozen=True)
class Restore:
    """One property to write back: `value` is what it held before the run (None: empty)."""

    object_type: str
    record_id: str
    name: str
    value: str | None
    wrote: str  # what the run wrote, and HubSpot still holds


@dataclass(frozen=True)
class UndoPlan:
    """The writes of an undo and what it leaves as it is (`settled`: already as before)."""

    archive: tuple[Created, ...] = ()
    restore: tuple[Restore, ...] = ()
    unlink: tuple[Linked, ...] = ()
    refigure: tuple[Key, ...] = ()
    problems: tuple[Problem, ...] = ()
    settled: int = 0

    def __bool__(self) -> bool:
        return bool(self.archive or self.restore or self.unlink or self.refigure)


def collapse(run: LedgerRecord) -> dict[tuple[str, str, str], tuple[str | None, str]]:
    """(type, id, property) → (value before the run, value the run left): a property the
    run wrote twice goes back to its first old value."""
    found: dict[tuple[str, str, str], tuple[str | None, str]] = {}
    for c in run.changed:
        key = (c.object_type, c.record_id, c.name)
        found[key] = (found[key][0] if key in found else c.old, c.new)
    return found


def plan_undo(
    client: HubSpotClient, run: LedgerRecord, figures: Mapping[str, Sequence[str]]
) -> UndoPlan:
    """The plan to undo `run`; `figures` names the figure properties per object type."""
    changes = collapse(run)
    created = list(run.created)
    current = _current(client, changes, created)
    archive, problems, settled = _created(created, changes, current)
    gone = {(c.object_type, c.record_id) for c in archive}
    made = {(c.object_type, c.record_id) for c in created}
    restore: list[Restore] = []
    refigure: set[Key] = set()
    for (kind, oid, name), (old, new) in changes.items():
        if (kind, oid) in made:
            continue
        props = current.get((kind, oid))
        if props is None:
            problems.append(Problem("property", kind, oid, name, "record_gone", None, new))
        elif name in figures.get(kind, ()):
            refigure.add((kind, oid))
        elif same_value(props.get(name), new):
            restore.append(Restore(kind, oid, name, old, new))
        elif same_value(props.get(name), old):
            settled += 1
        else:
            problems.append(
                Problem("property", kind, oid, name, "changed_since", props.get(name), new)
            )
    unlink, already = _links(client, run.linked, gone)
    for link in run.linked:
        refigure |= {k for k in _ends(link) if k[0] in FIGURED}
    problems += _kept(run)
    return UndoPlan(
        archive=tuple(archive),
        restore=tuple(restore),
        unlink=tuple(unlink),
        refigure=tuple(sorted(k for k in refigure - gone if figures.get(k[0]))),
        problems=tuple(problems),
        settled=settled + already,
    )


def _current(
    client: HubSpotClient,
    changes: Mapping[tuple[str, str, str], object],
    created: Sequence[Created],
) -> dict[Key, dict[str, str | None]]:
    """What HubSpot holds now of every record the run wrote (absent: archived since)."""
    ids: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    for kind, oid, name in changes:
        ids[kind].add(oid)
        names[kind].add(name)
    for c in created:
        ids[c.object_type].add(c.record_id)
    found: dict[Key, dict[str, str | None]] = {}
    for kind in sorted(ids):
        for obj in client.read(kind, sorted(ids[kind]), sorted(names[kind])).values():
            found[(kind, obj.id)] = obj.properties
    return found


def _created(
    created: Sequence[Created],
    changes: Mapping[tuple[str, str, str], tuple[str | None, str]],
    current: Mapping[Key, dict[str, str | None]],
) -> tuple[list[Created], list[Problem], int]:
    """The created records to archive (deals first), those changed since, how many are gone."""
    archive: list[Created] = []
    problems: list[Problem] = []
    gone = 0
    for record in sorted(created, key=lambda c: ARCHIVE_ORDER.index(c.object_type)):
        props = current.get((record.object_type, record.record_id))
        if props is None:
            gone += 1
            continue
        differs = [
            (name, new)
            for (kind, oid, name), (_, new) in changes.items()
            if (kind, oid) == (record.object_type, record.record_id)
            and not same_value(props.get(name), new)
        ]
        if differs:
            name, new = differs[0]
            kind, oid = record.object_type, record.record_id
            problems.append(
                Problem("record", kind, oid, name, "changed_since", props.get(name), new)
            )
        else:
            archive.append(record)
    return archive, problems, gone


def _ends(link: Linked) -> tuple[Key, Key]:
    return (link.from_type, link.from_id), (link.to_type, link.to_id)


def _links(
    client: HubSpotClient, linked: Sequence[Linked], gone: set[Key]
) -> tuple[list[Linked], int]:
    """The added associations still there between records that stay; how many are gone."""
    staying = [link for link in linked if not set(_ends(link)) & gone]
    by_types: dict[tuple[str, str], list[Linked]] = defaultdict(list)
    for link in staying:
        by_types[(link.from_type, link.to_type)].append(link)
    unlink: list[Linked] = []
    for (a, b), links in sorted(by_types.items()):
        held = client.associations(a, b, sorted({link.from_id for link in links}))
        unlink += [link for link in links if link.to_id in held.get(link.from_id, ())]
    return unlink, len(staying) - len(unlink)


def _kept(run: LedgerRecord) -> list[Problem]:
    """What an undo never puts back: subscription statuses; for an undo, its archives."""
    problems = [
        Problem(
            "subscription", "contacts", s.email, s.subscription_id, "subscription_kept", None, s.new
        )
        for s in run.statuses
    ]
    if run.kind == UNDO:
        problems += [
            Problem("record", c.object_type, c.record_id, "", "archived_by_undo")
            for c in run.archived
        ]
        problems += [
            Problem("association", link.from_type, link.from_id, link.to_id, "unlinked_by_undo")
            for link in run.unlinked
        ]
    return problems
