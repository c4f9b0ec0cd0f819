"""HubSpot's "Create and associate companies with contacts" setting (`Store.auto_companies`).

With the setting on, HubSpot matches the domain of a contact's email to a company's
`domain` and associates the two; when no company has that domain it creates one "and
populate[s] it with information from HubSpot's database"; for free-mail addresses it
matches nothing by email (knowledge.hubspot.com, "Automatically create and associate
companies with contacts"). A portal may have it on, so hubsync must adopt such companies.

The emulator plays it within the write (HubSpot does it in the background): the created
company gets the domain as `domain` and as `name` (there is no database behind it), and it
becomes the contact's primary company when the contact has none. A company written with a
`domain` is associated with the contacts of that email domain the same way.
"""

from __future__ import annotations

from hubsync.emulator.store import Store

# HubSpot keeps its own list; these are the common ones in the sample's market.
FREEMAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "t-online.de",
        "outlook.com",
        "outlook.de",
        "hotmail.com",
        "hotmail.de",
        "live.de",
        "yahoo.com",
        "yahoo.de",
        "icloud.com",
        "freenet.de",
        "arcor.de",
        "posteo.de",
        "mail.de",
        "aol.com",
    }
)


def email_domain(email: str | None) -> str | None:
    """The business domain of an email address; None for none or a free-mail domain."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower()
    return None if not domain or domain in FREEMAIL else domain


def after_write(store: Store, object_type: str, oid: str) -> None:
    """Associate (and create) companies by email domain after `oid` was written."""
    if object_type == "contacts":
        domain = email_domain(store.contacts[oid].get("email"))
        if domain is None:
            return
        company = next(
            (c for c, p in store.companies.items() if (p.get("domain") or "").lower() == domain),
            None,
        )
        if company is None:
            company = store.create("companies")
            store.write("companies", company, {"name": domain, "domain": domain})
        _join(store, oid, company)
    elif object_type == "companies":
        domain = (store.companies[oid].get("domain") or "").lower()
        for contact, props in store.contacts.items():
            if domain and email_domain(props.get("email")) == domain:
                _join(store, contact, oid)


def _join(store: Store, contact: str, company: str) -> None:
    if company in store.links.linked("contacts", contact, "companies"):
        return
    primary = store.links.primary_of("contacts", contact) is None
    store.links.add("contacts", contact, "companies", company, primary=primary)
