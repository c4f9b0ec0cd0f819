"""Write a company plan: new companies by an upsert on hubsync's key (safe to repeat after
a lost answer, where a create is not), adopted and changed ones by a batch update."""

from __future__ import annotations

from dataclasses import dataclass

from hubsync.companies.directory import CompanyDirectory
from hubsync.companies.plan import CompanyOptions, CompanyPlan, CompanyWrite
from hubsync.hubspot import HubSpotClient, RecordFailure
from hubsync.records import RowError


@dataclass(frozen=True)
class CompanyResult:
    created: tuple[str, ...]  # names
    adopted: tuple[str, ...]
    updated: int
    errors: tuple[RowError, ...]


def _rejected(write: CompanyWrite, failure: RecordFailure) -> RowError:
    return RowError.of(
        write.record.line, None, "company_rejected", name=write.record.name, hubspot=failure.message
    )


def apply_companies(
    plan: CompanyPlan, client: HubSpotClient, directory: CompanyDirectory, options: CompanyOptions
) -> CompanyResult:
    """Write the planned companies; companies HubSpot rejects become row errors."""
    errors: list[RowError] = []
    created: list[str] = []
    if plan.creates:
        by_key = {w.record.key: w for w in plan.creates}
        result = client.upsert("companies", options.key, {k: w.changes for k, w in by_key.items()})
        for obj in result.objects:
            write = by_key.get(obj.properties.get(options.key) or "")
            directory.remember(obj.id, {**(write.changes if write else {}), **obj.properties})
            if write is not None:
                created.append(write.record.name)
        errors += [_rejected(by_key[f.key], f) for f in result.failures if f.key in by_key]
    changed = [w for w in (*plan.adopts, *plan.updates) if w.company_id]
    failed: set[str] = set()
    if changed:
        by_id = {str(w.company_id): w for w in changed}
        result = client.update("companies", {i: w.changes for i, w in by_id.items()})
        failed = {f.key for f in result.failures}
        for company_id, write in by_id.items():
            if company_id not in failed:
                directory.remember(company_id, write.changes)
        errors += [_rejected(by_id[f.key], f) for f in result.failures if f.key in by_id]
    adopted = tuple(w.record.name for w in plan.adopts if w.company_id not in failed)
    updated = sum(1 for w in plan.updates if w.company_id not in failed)
    return CompanyResult(tuple(created), adopted, updated, tuple(errors))
