"""How customer rows become HubSpot companies: the `[companies]` section of the mapping file.

    [companies]
    departments = true            # "TSV Urbach e.V. – Abt. Fußball" is a company of its own
    freemail = ["meinprovider.de"]  # more mailbox domains that are never a company's domain

    [companies.policies]
    name = "if_empty"             # a name curated in HubSpot survives the exports

By default a department belongs to its organisation (one company "TSV Urbach e.V." for
all its departments), the company's name follows the latest export's spelling, and the
other company properties (domain, address, phone, city ...) are filled where HubSpot
holds none (`if_empty`): an admin's curated company data survives, and a contact
person's row is a weaker source for them than the name column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hubsync.mapping.policies import WritePolicy

# The company properties hubsync writes, with their default write policies.
COMPANY_POLICIES: dict[str, WritePolicy] = {
    "name": WritePolicy.OVERWRITE,
    "domain": WritePolicy.IF_EMPTY,
    "address": WritePolicy.IF_EMPTY,
    "zip": WritePolicy.IF_EMPTY,
    "city": WritePolicy.IF_EMPTY,
    "country": WritePolicy.IF_EMPTY,
    "phone": WritePolicy.IF_EMPTY,
}


@dataclass(frozen=True)
class CompanyRules:
    """Whether departments are companies of their own, extra free-mail domains, policies."""

    departments: bool = False
    freemail: frozenset[str] = frozenset()
    policies: dict[str, WritePolicy] = field(default_factory=dict)

    def policy(self, name: str) -> WritePolicy:
        return self.policies.get(name, COMPANY_POLICIES.get(name, WritePolicy.IF_EMPTY))
