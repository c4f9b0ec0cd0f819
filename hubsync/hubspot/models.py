"""Values of the HubSpot client: options, objects, write results, schema and call counters."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class ClientOptions:
    """How to reach HubSpot and how hard to try; the token never shows in `repr`."""

    base_url: str = "https://api.hubapi.com"
    api_version: str = "2026-09"
    token: str = field(repr=False, default="")
    rate_limit: int = 100  # requests per rolling 10 s, shared by all threads of the client
    timeout: tuple[float, float] = (5.0, 30.0)  # (connect, read) on every call
    max_retries: int = 6  # per call, for calls safe to repeat
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    concurrency: int = 3  # batch chunks of one logical call run on this many threads


@dataclass(frozen=True)
class HubSpotObject:
    """One CRM record as HubSpot returned it; `new` is True when an upsert created it."""

    id: str
    properties: dict[str, str | None]
    new: bool = False

    @classmethod
    def from_api(cls, result: dict[str, Any]) -> HubSpotObject:
        """From one entry of HubSpot's `results[]` (ids and values as strings)."""
        props = result.get("properties")
        pairs = props.items() if isinstance(props, dict) else ()
        properties = {str(k): (None if v is None else str(v)) for k, v in pairs}
        return cls(str(result.get("id", "")), properties, bool(result.get("new", False)))


@dataclass(frozen=True)
class SearchPage:
    """One page of a search and the number of records matching in all."""

    objects: tuple[HubSpotObject, ...]
    total: int

    @property
    def complete(self) -> bool:
        return self.total <= len(self.objects)


@dataclass(frozen=True)
class RecordFailure:
    """One input HubSpot rejected; `key` is the input's id value as sent (email, unique value,
    record id, or `"<from>-><to>"` for an association)."""

    key: str
    status: int
    category: str
    message: str
    code: str = ""


@dataclass(frozen=True)
class WriteResult:
    """What a batch write did: the records written and the inputs rejected."""

    objects: tuple[HubSpotObject, ...]
    failures: tuple[RecordFailure, ...]


@dataclass(frozen=True)
class TypedAssociation:
    """One associated record as an associations `batch/read` lists it: its id and the
    HUBSPOT_DEFINED type ids of the association in the direction read (other categories
    left out), e.g. {279, 1} for a contact's primary company."""

    to_id: str
    type_ids: frozenset[int]


@dataclass(frozen=True)
class PropertyDef:
    """A property definition as far as hubsync's schema checks need it."""

    name: str
    type: str
    field_type: str
    options: tuple[str, ...]
    unique: bool
    read_only: bool
    group: str
    # The options exactly as HubSpot returned them (label, description, displayOrder,
    # hidden, ...): a PATCH replaces the whole list, so an added option sends these back.
    option_defs: tuple[dict[str, Any], ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def from_api(cls, p: dict[str, Any]) -> PropertyDef:
        """From one entry of `GET .../properties/{type}`."""
        meta = p.get("modificationMetadata") or {}
        options = p.get("options") or ()
        return cls(
            name=str(p.get("name", "")),
            type=str(p.get("type", "")),
            field_type=str(p.get("fieldType", "")),
            options=tuple(str(o.get("value")) for o in options if isinstance(o, dict)),
            unique=bool(p.get("hasUniqueValue", False)),
            read_only=bool(meta.get("readOnlyValue", False) or p.get("calculated", False)),
            group=str(p.get("groupName", "")),
            option_defs=tuple(dict(o) for o in options if isinstance(o, dict)),
        )


@dataclass(frozen=True)
class Stage:
    """A deal stage: internal id, label and the two metadata values that say whether it is
    closed won or closed lost (strings as HubSpot sends them; "" when absent)."""

    id: str
    label: str
    probability: str = ""  # "1.0" = closed won, "0.0" = closed lost (pipelines guide)
    is_closed: str = ""  # "true" / "false"

    @classmethod
    def from_api(cls, s: dict[str, Any]) -> Stage:
        """From one entry of a pipeline's `stages[]` (or a stage create's answer)."""
        found = s.get("metadata")
        meta: dict[str, Any] = found if isinstance(found, dict) else {}
        return cls(
            str(s.get("id", "")),
            str(s.get("label", "")),
            str(meta.get("probability", "")),
            str(meta.get("isClosed", "")).lower(),
        )


@dataclass(frozen=True)
class Pipeline:
    """A deal pipeline with its stages in display order."""

    id: str
    label: str
    stages: tuple[Stage, ...]

    @classmethod
    def from_api(cls, p: dict[str, Any]) -> Pipeline:
        """From one entry of `GET .../pipelines/{type}`."""
        stages = [s for s in p.get("stages") or () if isinstance(s, dict)]
        return cls(
            str(p.get("id", "")),
            str(p.get("label", "")),
            tuple(Stage.from_api(s) for s in stages),
        )


@dataclass(frozen=True)
class StatsSnapshot:
    """Call counters at one moment: HTTP requests sent (`calls`, retries included), of them
    `reads` and `writes`, `retries` made and `rate_limited` (429 answers seen)."""

    calls: int = 0
    reads: int = 0
    writes: int = 0
    retries: int = 0
    rate_limited: int = 0


class CallStats:
    """Thread-safe call counters of one client; `snapshot()` returns a frozen copy."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = dict.fromkeys((f.name for f in fields(StatsSnapshot)), 0)

    def add(self, **increments: int) -> None:
        """Add to the named counters (unknown names raise KeyError)."""
        with self._lock:
            for name, amount in increments.items():
                if name not in self._counts:
                    raise KeyError(name)
                self._counts[name] += amount

    def snapshot(self) -> StatsSnapshot:
        """The counters now, as a frozen value."""
        with self._lock:
            return StatsSnapshot(**self._counts)

    def _get(self, name: str) -> int:
        with self._lock:
            return self._counts[name]

    @property
    def calls(self) -> int:
        return self._get("calls")

    @property
    def reads(self) -> int:
        return self._get("reads")

    @property
    def writes(self) -> int:
        return self._get("writes")

    @property
    def retries(self) -> int:
        return self._get("retries")

    @property
    def rate_limited(self) -> int:
        return self._get("rate_limited")

    def __repr__(self) -> str:
        return f"CallStats({self.snapshot()})"
