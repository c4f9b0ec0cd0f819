"""Customer records → the companies they name (offline, pure).

A customer record whose company column is filled names an organisation; every record
naming the same organisation (by `company_key`) is one of its contact persons. The
company's name is the latest row's spelling (the last in the file: exports list customers
in the order the booking system holds them, and a later row is the newer entry). Its
domain is the business domain of the contacts' e-mail (never a free-mail one). A row at
that domain is the company's own row: its address, phone and city are the company's;
a contact person writing from a private mailbox gives a private address, which stays on
the contact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hubsync.companies.names import business_domain, organisation
from hubsync.mapping.company_rules import CompanyRules
from hubsync.records import CustomerRecord

# Contact properties that are the company's too when the row is the company's own.
OWN_PROPERTIES = ("address", "zip", "city", "country", "phone")


@dataclass(frozen=True)
class Member:
    """One contact person of a company, as the customer file names it."""

    email: str
    numbers: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class CompanyRecord:
    """One company to be, from the customer records that name it."""

    key: str
    name: str
    domain: str | None
    own: dict[str, str]  # address, zip, city, country, phone of the company's own row
    members: tuple[Member, ...]

    @property
    def line(self) -> int:
        """The line reports point to: the row the company's name comes from."""
        return self.members[-1].line

    def properties(self) -> dict[str, str]:
        """Every property hubsync would write, non-empty ones only."""
        values = {"name": self.name, **({"domain": self.domain} if self.domain else {})}
        return {**values, **self.own}


def company_records(
    records: Sequence[CustomerRecord], rules: CompanyRules
) -> tuple[CompanyRecord, ...]:
    """The companies `records` name, in the order of their first row."""
    grouped: dict[str, list[tuple[CustomerRecord, str]]] = {}
    for record in records:
        written = record.properties.get("company", "")
        name, key = organisation(written, departments=rules.departments) if written else ("", "")
        if key:
            grouped.setdefault(key, []).append((record, name))
    return tuple(_company(key, rows, rules) for key, rows in grouped.items())


def _company(
    key: str, rows: list[tuple[CustomerRecord, str]], rules: CompanyRules
) -> CompanyRecord:
    ordered = sorted(rows, key=lambda pair: pair[0].lines[0])
    domains = [business_domain(r.email, rules.freemail) for r, _ in ordered]
    domain = next((d for d in reversed(domains) if d), None)
    own: dict[str, str] = {}
    for (record, _), at in zip(reversed(ordered), reversed(domains), strict=True):
        if domain is not None and at == domain:
            own = {p: record.properties[p] for p in OWN_PROPERTIES if record.properties.get(p)}
            break
    members = tuple(Member(r.email, r.customer_numbers, r.lines[0]) for r, _ in ordered)
    return CompanyRecord(key, ordered[-1][1], domain, own, members)
