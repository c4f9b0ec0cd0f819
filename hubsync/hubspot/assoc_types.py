"""HubSpot-defined association type ids between contacts, companies and deals.

Category HUBSPOT_DEFINED. Type ids are per direction: contact→company and company→contact
are two ids for one association. The numbers are those of HubSpot's own client,
@hubspot/api-client src/enums/AssociationTypes.ts (primaryContactToCompany = 1,
contactToCompany = 279, primaryDealToCompany = 5, dealToCompany = 341, ...), which mirrors
the table of default type ids in the v4 associations guide (developers.hubspot.com/docs/
api-reference/latest/crm/associations/associate-records/guide); the associations overview
uses 279 for an unlabeled contact→company association in its create example.

"Primary" marks a contact's or deal's primary company; a record has at most one. Every
association also carries the unlabeled type, listed next to the primary one ("When a record
has a primary association or a custom association label, those types will be listed
alongside the unlabeled association type", v4 guide, "HubSpot defined association
types"). Labels are not to be relied on, only type ids (changelog "Changes to primary
labels for HubSpot-defined association labels", 2024-02).
"""

from __future__ import annotations

CATEGORY = "HUBSPOT_DEFINED"

CONTACT_TO_COMPANY = 279
COMPANY_TO_CONTACT = 280
DEAL_TO_COMPANY = 341
COMPANY_TO_DEAL = 342
DEAL_TO_CONTACT = 3
CONTACT_TO_DEAL = 4
CONTACT_TO_PRIMARY_COMPANY = 1
PRIMARY_COMPANY_TO_CONTACT = 2
DEAL_TO_PRIMARY_COMPANY = 5
PRIMARY_COMPANY_TO_DEAL = 6

# (from type, to type) → type id of the unlabeled association
UNLABELED: dict[tuple[str, str], int] = {
    ("contacts", "companies"): CONTACT_TO_COMPANY,
    ("companies", "contacts"): COMPANY_TO_CONTACT,
    ("deals", "companies"): DEAL_TO_COMPANY,
    ("companies", "deals"): COMPANY_TO_DEAL,
    ("deals", "contacts"): DEAL_TO_CONTACT,
    ("contacts", "deals"): CONTACT_TO_DEAL,
}
# (from type, to type) → type id of the primary-company association (companies only)
PRIMARY: dict[tuple[str, str], int] = {
    ("contacts", "companies"): CONTACT_TO_PRIMARY_COMPANY,
    ("companies", "contacts"): PRIMARY_COMPANY_TO_CONTACT,
    ("deals", "companies"): DEAL_TO_PRIMARY_COMPANY,
    ("companies", "deals"): PRIMARY_COMPANY_TO_DEAL,
}
