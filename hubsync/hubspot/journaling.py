"""Journaling of the client's writes: the old values, then what really changed.

With `client.journal` set (a run that keeps a ledger), the journal remembers what the run
read (`read` by id or key, hits and misses) and wrote. `upsert` and `update` take the old
values of the properties they are about to write from there: the stages read every record
before they write it, so that costs nothing. Only what the run has not read (a record a
search found, say) is read first, one batch read per 100 records and only those
properties (a read is safe to repeat). Then the journal gets `Created` for every record
the write made (`HubSpotObject.new`) and `Changed(type, id, name, old, new)` for every value
that really changed. `new` is the value as HubSpot answered it, so it compares with later
reads. Without a journal nothing is read or kept: the call budgets stay as they are.

Associations are journaled as the pairs sent minus the pairs HubSpot refused. Every caller
reads the associations first and sends only pairs that are not linked yet
(`bookings.figures_stage`, `companies.links`), so these are the pairs the run added,
without a read of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import wraps
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from hubsync.errors import ConfigError, HubSpotError
from hubsync.hubspot.journal import Changed, Created, Linked, WriteJournal
from hubsync.hubspot.models import HubSpotObject, RecordFailure, WriteResult

log = logging.getLogger(__name__)

Items = Mapping[str, Mapping[str, str]]


class Journaled(Protocol):
    """What journaling needs of the client: its journal and its batch read."""

    journal: WriteJournal | None

    def read(
        self,
        object_type: str,
        ids: Iterable[str],
        properties: Sequence[str],
        *,
        id_property: str | None = None,
    ) -> dict[str, HubSpotObject]: ...


C = TypeVar("C", bound=Journaled)
P = ParamSpec("P")
Upsert = Callable[[C, str, str, Items], WriteResult]
Update = Callable[[C, str, Items], WriteResult]


def _key(id_property: str | None, value: str) -> str:
    # As the client keys them: HubSpot stores emails lower-cased.
    return value.strip().lower() if id_property == "email" else value


def journaled_read(
    read: Callable[Concatenate[C, P], dict[str, HubSpotObject]],
) -> Callable[Concatenate[C, P], dict[str, HubSpotObject]]:
    """Wrap `HubSpotClient.read(object_type, ids, properties, *, id_property=None)`: with a
    journal, remember what was found and what was missed."""

    @wraps(read)
    def wrapper(client: C, /, *args: P.args, **kwargs: P.kwargs) -> dict[str, HubSpotObject]:
        object_type, ids = str(args[0]), [str(i) for i in args[1]]  # type: ignore[attr-defined]
        id_property = kwargs.get("id_property")
        found = read(client, object_type, ids, *args[2:], **kwargs)  # type: ignore[arg-type]
        journal = client.journal
        if journal is not None:
            key_property = str(id_property) if id_property else None
            by = key_property or "id"
            for key in dict.fromkeys(_key(key_property, k) for k in ids):
                obj = found.get(key)
                if obj is None:
                    if key_property:
                        journal.missed(object_type, by, key)
                    continue
                journal.saw(object_type, by, key, obj.properties)
                journal.saw(object_type, "id", obj.id, obj.properties)
        return found

    return wrapper


def journaled_upsert(write: Upsert[C]) -> Upsert[C]:
    """Wrap `HubSpotClient.upsert`: old values read by the key first when journaling."""

    @wraps(write)
    def upsert(client: C, object_type: str, id_property: str, items: Items) -> WriteResult:
        journal = client.journal
        if journal is None or not items:
            return write(client, object_type, id_property, items)
        sent: dict[str, dict[str, str]] = {}
        for key, props in items.items():
            sent.setdefault(_key(id_property, key), {}).update(props)
        before = _before(client, object_type, sent, id_property)
        result = write(client, object_type, id_property, items)

        def key_of(obj: HubSpotObject) -> str:
            return _key(id_property, obj.properties.get(id_property) or "")

        _record(journal, object_type, sent, before, result, key_of, id_property)
        return result

    return upsert


def journaled_update(write: Update[C]) -> Update[C]:
    """Wrap `HubSpotClient.update`: old values read by record id first when journaling."""

    @wraps(write)
    def update(client: C, object_type: str, items: Items) -> WriteResult:
        journal = client.journal
        if journal is None or not items:
            return write(client, object_type, items)
        sent = {str(k): dict(v) for k, v in items.items()}
        before = _before(client, object_type, sent, None)
        result = write(client, object_type, items)
        _record(journal, object_type, sent, before, result, lambda obj: obj.id, "id")
        return result

    return update


def _before(
    client: Journaled, object_type: str, sent: Mapping[str, Mapping[str, str]], key: str | None
) -> dict[str, Mapping[str, str | None]] | None:
    """Key → the old values of the properties about to be written ({} for a record the run
    knows to be new), from what the run saw, else read (None: the read failed in a way that
    does not stop the run; the write goes on unjournaled)."""
    journal = client.journal
    assert journal is not None  # only called when journaling
    known: dict[str, Mapping[str, str | None]] = {}
    unknown: list[str] = []
    for k, props in sent.items():
        seen = journal.seen(object_type, key or "id", k, set(props))
        if seen is None:
            unknown.append(k)
        else:
            known[k] = seen
    if not unknown:
        return known
    names = sorted({name for k in unknown for name in sent[k]})
    try:
        found = client.read(object_type, unknown, names, id_property=key)
        return {**known, **{k: obj.properties for k, obj in found.items()}}
    except ConfigError:
        raise
    except HubSpotError as exc:
        if exc.status is None or exc.status >= 500:
            raise
        log.warning(
            "ledger: old values of %d %s not readable (%s); their changes are not journaled",
            len(sent),
            object_type,
            exc,
        )
        return None


def _record(
    journal: WriteJournal,
    object_type: str,
    sent: Mapping[str, Mapping[str, str]],
    before: Mapping[str, Mapping[str, str | None]] | None,
    result: WriteResult,
    key_of: Callable[[HubSpotObject], str],
    by: str,
) -> None:
    """Tell the journal what `result` created and changed, compared with `before`."""
    for obj in result.objects:
        key = key_of(obj)
        props = sent.get(key)
        if props is None:
            continue
        written = {name: obj.properties.get(name, value) for name, value in props.items()}
        if obj.new:
            journal.created(Created(object_type, obj.id))
            held: Mapping[str, str | None] | None = {}
        else:
            held = None if before is None else before.get(key)
        journal.saw(object_type, "id", obj.id, written)
        journal.saw(object_type, by, key, written)
        if held is None:
            continue  # the old values are unknown: nothing to restore later
        for name, new in written.items():
            old = held.get(name)
            if (old or "") != (new or ""):
                journal.changed(Changed(object_type, obj.id, name, old or None, new or ""))


def record_links(
    journal: WriteJournal | None,
    from_type: str,
    to_type: str,
    pairs: Sequence[tuple[str, str]],
    failures: tuple[RecordFailure, ...],
    type_ids: tuple[int, ...] = (),
) -> tuple[RecordFailure, ...]:
    """Journal the `pairs` HubSpot did not refuse as `Linked`; returns `failures`."""
    if journal is None:
        return failures
    refused = {f.key for f in failures}
    for a, b in dict.fromkeys((str(a), str(b)) for a, b in pairs):
        if f"{a}->{b}" not in refused:
            journal.linked(Linked(from_type, a, to_type, b, type_ids))
    return failures
