"""The emulated portal's associations: which records are linked, with which HubSpot types.

A link joins two records of different types and always carries the unlabeled type; a link
between a contact (or deal) and a company may also be "primary": that company is the
record's primary company, at most one per record. Type ids per direction come from
`hubsync.hubspot.assoc_types`. The store's lock guards a `Links` like the rest of the store.
"""

from __future__ import annotations

from enum import Enum

from hubsync.hubspot.assoc_types import PRIMARY, UNLABELED

# Directions links are stored in (the company, if any, is the second record).
_STORED = (("contacts", "companies"), ("deals", "companies"), ("deals", "contacts"))
Key = tuple[str, str, str, str]  # (type, id, other type, other id) in a _STORED direction


class PrimaryRule(Enum):
    """What a second primary company for one record does. HubSpot's v4 guide: "For records
    with multiple associated companies, this API supports changing which company is
    considered the primary" and an SDK issue (HubSpot/hubspot-api-nodejs#176) reports that
    a new primary association replaces the old one; neither says what becomes of the old
    primary, so both readings of a second primary are played."""

    MOVE = "move"  # the new company becomes primary, the old one stays associated, unlabeled
    REFUSE = "refuse"  # the input is rejected, the existing primary stays


class Links:
    """Typed associations between contacts, companies and deals."""

    def __init__(self) -> None:
        self._primary: dict[Key, bool] = {}  # every link → is it primary
        self._index: dict[tuple[str, str, str], set[str]] = {}  # (type, id, other) → ids
        self.primary_rule = PrimaryRule.MOVE

    @staticmethod
    def supports(from_type: str, to_type: str) -> bool:
        """True for the pairs of object types the emulator associates."""
        return (from_type, to_type) in UNLABELED

    @staticmethod
    def _key(a_type: str, a_id: str, b_type: str, b_id: str) -> Key:
        if (a_type, b_type) in _STORED:
            return (a_type, a_id, b_type, b_id)
        return (b_type, b_id, a_type, a_id)

    def add(
        self, from_type: str, from_id: str, to_type: str, to_id: str, *, primary: bool = False
    ) -> str | None:
        """Link two records (idempotent), primary if asked; returns why a primary was
        refused (PrimaryRule.REFUSE), else None."""
        key = self._key(from_type, from_id, to_type, to_id)
        if primary:
            current = self.primary_of(key[0], key[1])
            if current not in (None, key[3]):
                if self.primary_rule is PrimaryRule.REFUSE:
                    return (
                        f"{key[0]} {key[1]} has primary company {current} already;"
                        f" company {key[3]} cannot be primary too"
                    )
                self._primary[(key[0], key[1], "companies", str(current))] = False
        self._primary[key] = primary or self._primary.get(key, False)
        self._index.setdefault((key[0], key[1], key[2]), set()).add(key[3])
        self._index.setdefault((key[2], key[3], key[0]), set()).add(key[1])
        return None

    def drop(self, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        """Remove the link with all its types (nothing happens if there is none)."""
        key = self._key(from_type, from_id, to_type, to_id)
        if self._primary.pop(key, None) is not None:
            self._index[(key[0], key[1], key[2])].discard(key[3])
            self._index[(key[2], key[3], key[0])].discard(key[1])

    def drop_primary(self, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        """Keep the link, unlabeled only."""
        key = self._key(from_type, from_id, to_type, to_id)
        if key in self._primary:
            self._primary[key] = False

    def linked(self, from_type: str, from_id: str, to_type: str) -> list[str]:
        """Ids of the `to_type` records linked with `from_type` `from_id`, in numeric order."""
        return sorted(self._index.get((from_type, from_id, to_type), ()), key=int)

    def type_ids(self, from_type: str, from_id: str, to_type: str, to_id: str) -> list[int]:
        """The type ids of the link in the direction from → to ([] when not linked)."""
        primary = self._primary.get(self._key(from_type, from_id, to_type, to_id))
        if primary is None:
            return []
        ids = [UNLABELED[(from_type, to_type)]]
        return sorted([*ids, PRIMARY[(from_type, to_type)]]) if primary else ids

    def primary_of(self, record_type: str, record_id: str) -> str | None:
        """The primary company of a contact or deal, if it has one."""
        for company in self._index.get((record_type, record_id, "companies"), ()):
            if self._primary.get((record_type, record_id, "companies", company)):
                return company
        return None

    def pairs(self, a_type: str, b_type: str) -> list[tuple[str, str, bool]]:
        """(a id, b id, primary) of every link between the two types (a stored direction)."""
        return [
            (k[1], k[3], p) for k, p in self._primary.items() if (k[0], k[2]) == (a_type, b_type)
        ]
