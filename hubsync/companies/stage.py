"""The company stage of a run: organisations as HubSpot companies, with their deals and figures.

After a customer file's contacts are written, `sync_companies` finds, adopts or creates the
companies its rows name, associates each contact person and every booking deal of theirs,
and recomputes the companies' figures. After a journal file, `sync_company_deals`
associates the new deals with their contact's company and recomputes its figures. Both
receive the run's directories and deal cache and return what they did as values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from hubsync.bookings.figures_stage import DealCache, FigureOptions, read_deals
from hubsync.companies.apply import apply_companies
from hubsync.companies.directory import CompanyDirectory
from hubsync.companies.figures import refresh_company_figures
from hubsync.companies.links import add_deal_links, company_deals, contact_links, link_contacts
from hubsync.companies.names import organisation
from hubsync.companies.plan import CompanyOptions, plan_companies
from hubsync.companies.records import CompanyRecord, company_records
from hubsync.customers.directory import ContactDirectory
from hubsync.hubspot import HubSpotClient
from hubsync.hubspot.assoc_types import CONTACT_TO_PRIMARY_COMPANY
from hubsync.records import CustomerRecord, RowError
from hubsync.summary import CompanyCounts


@dataclass(frozen=True)
class CompaniesDone:
    counts: CompanyCounts
    errors: tuple[RowError, ...] = ()
    linked: int = 0  # contact ↔ company associations made


@dataclass(frozen=True)
class CompanyStage:
    """What both company steps need: options, figure options and the run's state."""

    client: HubSpotClient
    options: CompanyOptions
    figures: FigureOptions
    contacts: ContactDirectory
    companies: CompanyDirectory
    deals: DealCache = field(default_factory=dict)


def sync_companies(
    stage: CompanyStage, records: Sequence[CustomerRecord], *, dry_run: bool
) -> CompaniesDone:
    """The companies a customer file names: planned, and unless a dry run written, linked
    with their contact persons and those contacts' deals, and their figures refreshed."""
    companies = company_records(records, stage.options.rules)
    if not companies:
        return CompaniesDone(CompanyCounts())
    plan = plan_companies(companies, stage.client, stage.companies, stage.options)
    if dry_run:
        counts = CompanyCounts(
            created=tuple(w.record.name for w in plan.creates),
            adopted=tuple(w.record.name for w in plan.adopts),
            updated=len(plan.updates),
            unchanged=len(plan.unchanged),
        )
        for write in plan.creates:  # later files of this dry run see them as if written
            stage.companies.remember(f"planned:{write.record.key}", write.changes)
        return CompaniesDone(counts)
    result = apply_companies(plan, stage.client, stage.companies, stage.options)
    counts = CompanyCounts(result.created, result.adopted, result.updated, len(plan.unchanged))
    members = _members(companies, stage)
    linked, errors = link_contacts(stage.client, stage.companies, members)
    errors += _link_member_deals(stage, members)
    return CompaniesDone(counts, (*result.errors, *errors), linked)


def _members(companies: Sequence[CompanyRecord], stage: CompanyStage) -> list[tuple[str, str, int]]:
    """(contact id, company id, line) for every contact person whose contact and company
    exist now."""
    found = []
    for company in companies:
        company_id = stage.companies.by_key.get(company.key)
        for member in company.members if company_id else ():
            contact = stage.contacts.find(member.numbers, member.email)
            if contact is not None and not contact.startswith("planned:"):
                found.append((contact, str(company_id), member.line))
    return found


def _link_member_deals(stage: CompanyStage, members: list[tuple[str, str, int]]) -> list[RowError]:
    """Every booking deal of the members ↔ their company, and the figures of the companies
    that gain deals (or never had figures): an unchanged re-run reads associations only.

    The figures are written before the links: a run killed in between finds the links
    missing next time and recomputes (the same figures, so no write), never the reverse.
    """
    if not members:
        return []
    of_contact = stage.client.associations("contacts", "deals", sorted({c for c, _, _ in members}))
    held = company_deals(stage.client, {company for _, company, _ in members})
    candidates: dict[str, set[str]] = defaultdict(set)
    for contact, company, _ in members:
        candidates[company].update(set(of_contact.get(contact, ())) - held[company])
    every = {d for ids in candidates.values() for d in ids}
    read_deals(stage.client, every, stage.figures.key, stage.deals)
    missing = {c: {d for d in ids if _booking(stage, d)} for c, ids in candidates.items()}
    stale = {
        company: deals | missing.get(company, set())
        for company, deals in held.items()
        if missing.get(company) or (deals and not _has_figures(stage, company))
    }
    return _settle(stage, stale, missing)


def _has_figures(stage: CompanyStage, company: str) -> bool:
    held = stage.companies.get(company)
    return any(held.get(n) for n in stage.figures.names)


def _booking(stage: CompanyStage, deal: str) -> bool:
    """Whether hubsync made this deal (it carries an invoice number): a sales deal of the
    contact person is not the club's booking."""
    return bool((stage.deals.get(deal, {}).get(stage.figures.key) or "").strip())


def _settle(
    stage: CompanyStage, deals_of: dict[str, set[str]], missing: dict[str, set[str]]
) -> list[RowError]:
    """Figures of `deals_of` (company → all its deals, linked or to be), then the links."""
    errors = refresh_company_figures(
        stage.client, deals_of, stage.figures, stage.companies, stage.deals
    )
    pairs = [(deal, company) for company, deals in missing.items() for deal in deals]
    return errors + add_deal_links(stage.client, pairs)


def sync_company_deals(stage: CompanyStage, pairs: set[tuple[str, str]]) -> list[RowError]:
    """A journal's (deal id, contact id) pairs: each deal ↔ its contact's company, then the
    figures of those companies.

    Only contacts whose `company` is filled are looked at. A contact's company is the one
    hubsync keys by the name in its `company` (what the latest customer export says),
    else its primary company when hubsync keys it, else the first company (by id)
    hubsync keys: a contact person's bookings belong to the organisation the export
    names, never to one a person associated by hand.
    """
    contacts = sorted({c for _, c in pairs if _names_a_company(stage, c)})
    if not contacts:
        return []
    held = contact_links(stage.client, stage.companies, contacts)
    unknown = sorted(
        {a.to_id for links in held.values() for a in links} - set(stage.companies.by_id)
    )
    if unknown:
        found = stage.client.read("companies", unknown, stage.options.read())
        for obj in found.values():
            stage.companies.remember(obj.id, obj.properties)
    company_of: dict[str, str] = {}
    for contact, links in held.items():
        written = stage.contacts.get(contact).get("company") or ""
        named = organisation(written, departments=stage.options.rules.departments)[1]
        keyed = [a for a in links if stage.companies.keyed(a.to_id)]
        keyed.sort(
            key=lambda a: (
                stage.companies.get(a.to_id).get(stage.companies.key) != named,
                CONTACT_TO_PRIMARY_COMPANY not in a.type_ids,
                _order(a.to_id),
            )
        )
        if keyed:
            company_of[contact] = keyed[0].to_id
    wanted: dict[str, set[str]] = defaultdict(set)
    for deal, contact in pairs:
        if contact in company_of:
            wanted[company_of[contact]].add(deal)
    linked = company_deals(stage.client, wanted)
    missing = {company: deals - linked[company] for company, deals in wanted.items()}
    # A journal's companies are recomputed every time: their deals are what changes.
    return _settle(stage, {c: linked[c] | wanted[c] for c in wanted}, missing)


def _names_a_company(stage: CompanyStage, contact: str) -> bool:
    """Whether the contact may book for a company: its `company` is filled, or unknown
    (not read this run). A private customer's bookings cost no company lookup."""
    held = stage.contacts.get(contact)
    return "company" not in held or bool((held["company"] or "").strip())


def _order(company_id: str) -> tuple[int, str]:
    return (int(company_id), "") if company_id.isdigit() else (0, company_id)
