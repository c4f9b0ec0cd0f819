"""What a run knows of HubSpot's companies: id → properties, and hubsync's key → id.

Owned by the run (like the contact directory) so a company read or written for one
file is not read again for the next.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hubsync.hubspot.models import TypedAssociation


@dataclass
class CompanyDirectory:
    """Companies seen this run; `key` is the unique property they are keyed by."""

    key: str
    by_id: dict[str, dict[str, str | None]] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    missing_keys: set[str] = field(default_factory=set)  # read by key, not in HubSpot
    # contact id → its companies with their type ids, as read (and linked) this run
    links_of: dict[str, tuple[TypedAssociation, ...]] = field(default_factory=dict)

    def remember(self, company_id: str, properties: Mapping[str, str | None]) -> None:
        held = self.by_id.setdefault(company_id, {})
        held.update(properties)
        key = held.get(self.key)
        if key:
            self.by_key[key] = company_id
            self.missing_keys.discard(key)

    def get(self, company_id: str) -> dict[str, str | None]:
        return self.by_id.get(company_id, {})

    def linked(self, contact: str, company: str, type_ids: Iterable[int]) -> None:
        """The run associated `contact` with `company` (with these type ids)."""
        self.links_of[contact] = (
            *self.links_of.get(contact, ()),
            TypedAssociation(company, frozenset(type_ids)),
        )

    def keyed(self, company_id: str) -> bool:
        """Whether hubsync keys this company (it created or adopted it)."""
        return bool(self.get(company_id).get(self.key))
