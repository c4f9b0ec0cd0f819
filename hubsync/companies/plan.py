"""Company records → HubSpot companies: find, adopt or create; decide every write.

A company is found by hubsync's key (a unique property holding the normalised name, read
in batches). A company HubSpot already holds without that key (created by hand, by an
import or by HubSpot's automatic company creation) is adopted, not duplicated: found by
its name (sent lower-cased, compared by key) or by its business domain, in one search
per 500 names. Adopting writes the key on it. The name follows the latest export's
spelling where HubSpot holds another spelling of it (same key); a different name, on a
company adopted by its domain, was chosen by a person and survives. Only properties
whose value would change are written, under the policies of `[companies.policies]`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hubsync.companies.directory import CompanyDirectory
from hubsync.companies.names import organisation
from hubsync.companies.records import OWN_PROPERTIES, CompanyRecord
from hubsync.hubspot import HubSpotClient, HubSpotObject
from hubsync.mapping.company_rules import CompanyRules
from hubsync.mapping.compare import same_value
from hubsync.mapping.policies import merge_value

IN_VALUES = 100  # values per IN filter (HubSpot's search limit)


@dataclass(frozen=True)
class CompanyOptions:
    """How companies are written in this portal, decided once per run."""

    rules: CompanyRules
    key: str
    figures: tuple[str, ...] = ()  # the figure properties the portal's companies have

    def read(self) -> list[str]:
        return sorted({"name", "domain", self.key, *OWN_PROPERTIES, *self.figures})


@dataclass(frozen=True)
class CompanyWrite:
    """One planned company write (a no-op when `changes` is empty)."""

    record: CompanyRecord
    company_id: str | None  # None: to be created
    changes: dict[str, str]
    adopted: bool = False


@dataclass(frozen=True)
class CompanyPlan:
    creates: tuple[CompanyWrite, ...]
    adopts: tuple[CompanyWrite, ...]
    updates: tuple[CompanyWrite, ...]
    unchanged: tuple[CompanyWrite, ...]

    @property
    def writes(self) -> tuple[CompanyWrite, ...]:
        return (*self.creates, *self.adopts, *self.updates)


def plan_companies(
    records: Sequence[CompanyRecord],
    client: HubSpotClient,
    directory: CompanyDirectory,
    options: CompanyOptions,
) -> CompanyPlan:
    """Read what HubSpot holds for these companies and decide every write (read-only)."""
    wanted = sorted({r.key for r in records} - set(directory.by_key) - directory.missing_keys)
    if wanted:
        found = client.read("companies", wanted, options.read(), id_property=options.key)
        for obj in found.values():
            directory.remember(obj.id, obj.properties)
        directory.missing_keys.update(k for k in wanted if k not in found)
    unknown = [r for r in records if r.key not in directory.by_key]
    adoptable = _adoptable(client, unknown, directory, options)
    creates: list[CompanyWrite] = []
    adopts: list[CompanyWrite] = []
    updates: list[CompanyWrite] = []
    unchanged: list[CompanyWrite] = []
    for record in records:
        company_id = directory.by_key.get(record.key)
        if company_id is not None:
            changes = _changes(record, directory.get(company_id), options.rules)
            (updates if changes else unchanged).append(CompanyWrite(record, company_id, changes))
        elif record.key in adoptable:
            found_id = adoptable[record.key]
            changes = _changes(record, directory.get(found_id), options.rules)
            adopts.append(
                CompanyWrite(record, found_id, {options.key: record.key, **changes}, True)
            )
        else:
            changes = {options.key: record.key, **record.properties()}
            creates.append(CompanyWrite(record, None, changes))
    return CompanyPlan(tuple(creates), tuple(adopts), tuple(updates), tuple(unchanged))


def _changes(
    record: CompanyRecord, held: dict[str, str | None], rules: CompanyRules
) -> dict[str, str]:
    """What to write over `held`, under each property's policy."""
    changes: dict[str, str] = {}
    for name, value in record.properties().items():
        policy = rules.policy(name)
        current = held.get(name)
        new = merge_value(policy, current, value, clear_blanks=False)
        if new is None or same_value(current, new):
            continue
        if name == "domain" and (current or "").strip().lower() == new:
            continue  # HubSpot may keep a domain as typed; the same domain is no change
        if name == "name" and current and not _respelling(current, held, record, rules):
            continue
        changes[name] = new
    return changes


def _respelling(
    current: str, held: dict[str, str | None], record: CompanyRecord, rules: CompanyRules
) -> bool:
    """Whether the name HubSpot holds is only another spelling of the export's (same key),
    or HubSpot's placeholder (the domain, for a company it created by itself). Any other
    name was chosen by a person for a company adopted by its domain: it survives."""
    if organisation(current, departments=rules.departments)[1] == record.key:
        return True
    return current.strip().lower() == (held.get("domain") or "").strip().lower()


def _in_groups(name: str, values: Iterable[str]) -> list[dict[str, object]]:
    unique = sorted(set(values))
    return [
        {"filters": [{"propertyName": name, "operator": "IN", "values": unique[i : i + IN_VALUES]}]}
        for i in range(0, len(unique), IN_VALUES)
    ]


def _adoptable(
    client: HubSpotClient,
    records: Sequence[CompanyRecord],
    directory: CompanyDirectory,
    options: CompanyOptions,
) -> dict[str, str]:
    """Key → id of an existing company without hubsync's key that each record adopts.

    "When using IN/NOT_IN with string properties, the searched values must be lowercase"
    (HubSpot's search guide), so names go lower-cased; matches are then compared by key
    (the case of the stored name does not matter, search is case-insensitive). A name
    match wins over a domain match, the oldest company over a newer one, and no company
    is adopted twice.
    """
    if not records:
        return {}
    names = {r.name.lower() for r in records}
    domains = {r.domain for r in records if r.domain}
    groups = _in_groups("name", names) + _in_groups("domain", domains)
    candidates = [
        obj
        for obj in client.search("companies", groups, options.read())
        if not (obj.properties.get(options.key) or "").strip()
    ]
    candidates.sort(key=lambda o: int(o.id) if o.id.isdigit() else 0)
    for obj in candidates:
        directory.by_id.setdefault(obj.id, {}).update(obj.properties)
    return _choose(records, candidates, options.rules)


def _choose(
    records: Sequence[CompanyRecord], candidates: list[HubSpotObject], rules: CompanyRules
) -> dict[str, str]:
    def name_key(obj: HubSpotObject) -> str:
        return organisation(obj.properties.get("name") or "", departments=rules.departments)[1]

    def same_name(record: CompanyRecord, obj: HubSpotObject) -> bool:
        return name_key(obj) == record.key

    def same_domain(record: CompanyRecord, obj: HubSpotObject) -> bool:
        return bool(record.domain) and (obj.properties.get("domain") or "").lower() == record.domain

    taken: set[str] = set()
    chosen: dict[str, str] = {}
    for match in (same_name, same_domain):
        for record in records:
            if record.key in chosen:
                continue
            hit = next((o for o in candidates if o.id not in taken and match(record, o)), None)
            if hit is not None:
                chosen[record.key] = hit.id
                taken.add(hit.id)
    return chosen
