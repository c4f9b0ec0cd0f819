"""What this run knows about HubSpot contacts: id → properties, number → id, email → id.

Filled by the contact stage and by lookups of the booking stage, so a contact read or
written once in a run is never read again (calls are the currency of a sync).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

CUSTOMER_NUMBER = "kundennummer"  # the default key property (HUBSYNC_CUSTOMER_NUMBER_PROPERTY)
CUSTOMER_NUMBERS = "kundennummern"  # every number of a merged contact, ";"-separated


def split_numbers(value: str | None) -> list[str]:
    """The customer numbers in a `kundennummern` value (";"/","/space separated)."""
    if not value:
        return []
    return [part for part in value.replace(",", ";").replace(" ", ";").split(";") if part]


def split_emails(value: str | None) -> list[str]:
    """The addresses in an `hs_additional_emails` value (";"-separated)."""
    return [part.strip() for part in (value or "").split(";") if part.strip()]


class ContactDirectory:
    """A run-local cache of contacts; never the source of truth across runs.

    `key` is the unique contact property holding the (primary) customer number.
    """

    def __init__(self, key: str = CUSTOMER_NUMBER) -> None:
        self.key = key
        self.properties: dict[str, dict[str, str | None]] = {}
        self.by_number: dict[str, str] = {}
        self.by_email: dict[str, str] = {}
        self.missing_numbers: set[str] = set()  # asked HubSpot, no contact has them
        self.missing_emails: set[str] = set()
        self.alias_checked: set[str] = set()  # numbers searched for in `kundennummern`
        self.aliases_loaded = False  # every merged contact's numbers are known

    def remember(self, contact_id: str, properties: Mapping[str, str | None]) -> None:
        """Store (or merge into) what is known of a contact and index its keys."""
        known = self.properties.setdefault(contact_id, {})
        known.update(properties)
        # Secondary addresses first, so the primary wins if a value is in both.
        emails = [*split_emails(known.get("hs_additional_emails")), known.get("email") or ""]
        for email in (e.strip().lower() for e in emails):
            if email:
                self.by_email[email] = contact_id
                self.missing_emails.discard(email)
        numbers = [known.get(self.key) or ""] + split_numbers(known.get(CUSTOMER_NUMBERS))
        for number in numbers:
            if number:
                self.by_number[number] = contact_id
                self.missing_numbers.discard(number)

    def add_numbers(self, contact_id: str, numbers: Iterable[str]) -> None:
        for number in numbers:
            if number:
                self.by_number[number] = contact_id
                self.missing_numbers.discard(number)

    def get(self, contact_id: str) -> dict[str, str | None]:
        return self.properties.get(contact_id, {})

    def find(self, numbers: Iterable[str], email: str) -> str | None:
        """The contact of a customer: by its first known number, else by its e-mail."""
        known = (self.by_number[n] for n in numbers if n in self.by_number)
        return next(known, self.by_email.get(email.strip().lower()))
