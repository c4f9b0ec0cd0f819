"""What to write so a HubSpot contact holds a customer record: the diff, under policies.

Only properties whose value would change are written, under each property's write
policy; the contact's key is never replaced, a lossy export's `?` never overwrites a
correct letter, constants fill what the export does not carry.
"""

from __future__ import annotations

from dataclasses import dataclass

from hubsync.customers.directory import CUSTOMER_NUMBER, CUSTOMER_NUMBERS, split_numbers
from hubsync.mapping.columns import Mapping, WritePolicy, merge_value
from hubsync.mapping.compare import same_value
from hubsync.records import CustomerRecord


@dataclass(frozen=True)
class ContactOptions:
    """How contacts are written in this portal (decided by the schema check)."""

    category_property: str | None  # None: the portal has no such property (dry run only)
    category_multi: bool  # multi-checkbox: add the facility, never replace others
    aliases: bool  # the portal has `kundennummern` for merged customer numbers
    skip: frozenset[str] = frozenset()  # properties the portal won't take (read-only there)
    read_also: tuple[str, ...] = ()  # read along so later stages need no second read
    key: str = CUSTOMER_NUMBER  # the unique property holding the primary customer number


def _desired(record: CustomerRecord, options: ContactOptions) -> dict[str, str | None]:
    """Every property the record speaks about: a value, or None for a blank cell."""
    desired: dict[str, str | None] = dict.fromkeys(record.blank)
    desired.update(record.properties)
    desired.pop("email", None)  # the key: handled separately
    for name in options.skip:
        desired.pop(name, None)
    if options.category_property and record.facility:
        desired[options.category_property] = record.facility
    if record.customer_numbers:
        # The key property gets the primary number, whatever the mapping calls its column.
        desired[options.key] = record.customer_numbers[0]
    if options.aliases and len(record.customer_numbers) > 1:
        desired[CUSTOMER_NUMBERS] = ";".join(record.customer_numbers)
    return desired


def _policy(mapping: Mapping, name: str, options: ContactOptions) -> WritePolicy:
    if name in (CUSTOMER_NUMBERS, "hs_additional_emails"):
        return WritePolicy.APPEND
    if name == options.key:
        return WritePolicy.IF_EMPTY  # the stable key of a contact is never replaced
    if name == options.category_property and options.category_multi:
        return WritePolicy.APPEND
    return mapping.policy(name)


def _lossy_copy(new: str, current: str) -> bool:
    """True when `new` is `current` with letters the export could not write turned into '?'."""
    if "?" not in new or len(new) != len(current):
        return False
    return all(a == b or a == "?" for a, b in zip(new, current, strict=True))


def diff_contact(
    record: CustomerRecord,
    current: dict[str, str | None] | None,
    mapping: Mapping,
    options: ContactOptions,
) -> dict[str, str]:
    """The properties to write so HubSpot holds the record (all of them for a new contact)."""
    changes: dict[str, str] = {}
    existing = current or {}
    for name, new in _desired(record, options).items():
        policy = _policy(mapping, name, options)
        old = existing.get(name)
        value = merge_value(policy, old, new, clear_blanks=mapping.clear_blanks)
        if value is None:
            continue
        multi = policy is WritePolicy.APPEND
        if current is not None and same_value(old, value, multi=multi):
            continue
        if old and _lossy_copy(value, old):
            continue  # "?ukasz" from a cp1252 export must not replace a correct "Łukasz"
        if current is None and value == "":
            continue  # blanks never go into a new contact
        changes[name] = value
    for name, value in mapping.contact_constants.changes(current).items():
        changes.setdefault(name, value)  # a constant never overrides the export's own value
    if current is None:
        changes["email"] = record.email
    elif not same_value(existing.get("email"), record.email):
        changes["email"] = record.email  # e-mail changed in the booking system
    # Found by e-mail but known under another number: keep the key, remember the alias.
    # The key as it is after this write: one just filled in counts, so the numbers are
    # complete at once and a re-run writes nothing.
    key = existing.get(options.key) or changes.get(options.key)
    if current is not None and key and options.aliases:
        known = split_numbers(existing.get(CUSTOMER_NUMBERS))
        numbers = [key, *record.customer_numbers]
        merged = list(dict.fromkeys(n for n in [*known, *numbers] if n))
        if len(merged) > 1 and set(merged) != set(known):
            changes[CUSTOMER_NUMBERS] = ";".join(merged)
        else:
            changes.pop(CUSTOMER_NUMBERS, None)
    return changes
