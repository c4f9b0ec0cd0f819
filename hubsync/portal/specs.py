"""The properties hubsync writes, as `hubsync setup` creates them, and the portal options.

One definition for `setup`, the pre-flight check and the emulator's pre-built schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hubsync.hubspot import PropertyDef
from hubsync.mapping.columns import CUSTOM_CONTACT_PROPERTIES, Mapping

GROUP = "hubsync"
GROUP_LABEL = "hubsync (Buchungssystem)"


@dataclass(frozen=True)
class PortalOptions:
    """What the schema stages need of the settings: names, the facility, the deal target."""

    category_property: str = "kontaktkategorie"
    customer_key: str = "kundennummer"
    invoice_key: str = "rechnungsnummer"
    contact_category: str | None = None
    deal_pipeline: str = "default"
    deal_stage: str = "closedwon"
    deal_cancelled_stage: str = "closedlost"
    companies: bool = True  # HUBSYNC_COMPANIES: organisations become HubSpot companies
    newsletter: bool = False  # HUBSYNC_NEWSLETTER_SUBSCRIPTION set: consent as statuses


DEFAULTS = PortalOptions()


def option_list(values: Iterable[str]) -> list[dict[str, object]]:
    """HubSpot option definitions whose label is their internal value."""
    return [
        {"label": v, "value": v, "displayOrder": i, "hidden": False} for i, v in enumerate(values)
    ]


def added_options(prop: PropertyDef, values: Iterable[str]) -> list[dict[str, object]]:
    """`prop`'s option list with `values` added: HubSpot's PATCH replaces the whole list,
    so every existing option goes back exactly as the GET returned it (curated labels,
    descriptions, order and hidden flags survive); new ones are labelled by their value."""
    kept: list[dict[str, object]] = [dict(o) for o in prop.option_defs]
    orders = [o.get("displayOrder") for o in kept]
    last = max((n for n in orders if isinstance(n, int)), default=-1)
    for offset, value in enumerate(values, start=1):
        kept.append(
            {"label": value, "value": value, "displayOrder": last + offset, "hidden": False}
        )
    return kept


@dataclass(frozen=True)
class PropertySpec:
    """A property hubsync may create: name, German label, HubSpot type and field type."""

    name: str
    label: str
    type: str
    field_type: str
    unique: bool = False

    def definition(self, group: str, options: Iterable[str] = ()) -> dict[str, object]:
        body: dict[str, object] = {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "fieldType": self.field_type,
            "groupName": group,
        }
        if self.unique:
            body["hasUniqueValue"] = True
        if self.type == "enumeration":
            body["options"] = option_list(options)
        if self.type == "bool":
            body["options"] = [
                {"label": "Ja", "value": "true", "displayOrder": 0, "hidden": False},
                {"label": "Nein", "value": "false", "displayOrder": 1, "hidden": False},
            ]
        return body


def contact_key_spec(options: PortalOptions) -> PropertySpec:
    return PropertySpec(options.customer_key, "Kundennummer", "string", "text", unique=True)


def deal_key_spec(options: PortalOptions) -> PropertySpec:
    return PropertySpec(options.invoice_key, "Rechnungsnummer", "string", "text", unique=True)


# The booking figures, on contacts and (with companies on) on companies.
FIGURE_SPECS = (
    PropertySpec("letzte_buchung", "Letzte Buchung", "date", "date"),
    PropertySpec("erste_buchung", "Erste Buchung", "date", "date"),
    PropertySpec("anzahl_buchungen", "Anzahl Buchungen", "number", "number"),
    PropertySpec("anzahl_buchungen_zeitraum", "Anzahl Buchungen (Zeitraum)", "number", "number"),
    PropertySpec("buchungsumsatz_eur", "Buchungsumsatz (EUR)", "number", "number"),
    PropertySpec("buchungsstunden", "Gebuchte Stunden", "number", "number"),
)
FIGURE_PROPERTIES = tuple(spec.name for spec in FIGURE_SPECS)

HUBSYNC_CONTACT_PROPERTIES = (
    PropertySpec("kundennummern", "Alle Kundennummern", "string", "text"),
    *FIGURE_SPECS,
)

DEAL_PROPERTIES = (
    PropertySpec("buchungsstunden", "Gebuchte Stunden", "number", "number"),
    PropertySpec("anlage", "Anlage", "string", "text"),
    PropertySpec("kundennummer", "Kundennummer", "string", "text"),
    PropertySpec("storniert_durch", "Storniert durch", "string", "text"),
    PropertySpec("hubsync_offen", "Ohne Kontakt (hubsync)", "bool", "booleancheckbox"),
)


# When hubsync subscribed a contact: the instant HubSpot gave that status (`hubsync.consent`).
NEWSLETTER_MARKER = PropertySpec(
    "newsletter_einwilligung_hubsync", "Newsletter-Einwilligung (hubsync)", "datetime", "date"
)


def category_spec(options: PortalOptions) -> PropertySpec:
    return PropertySpec(options.category_property, "Kontaktkategorie", "enumeration", "checkbox")


def contact_specs(options: PortalOptions = DEFAULTS) -> tuple[PropertySpec, ...]:
    """Every contact property hubsync writes itself, as `setup` creates it."""
    mapped = tuple(
        PropertySpec(p["name"], p["label"], p["type"], p["fieldType"])
        for p in CUSTOM_CONTACT_PROPERTIES
    )
    taken = {options.customer_key}
    marker = (NEWSLETTER_MARKER,) if options.newsletter else ()
    return (
        category_spec(options),
        contact_key_spec(options),
        *(s for s in (*HUBSYNC_CONTACT_PROPERTIES, *mapped, *marker) if s.name not in taken),
    )


def deal_specs(options: PortalOptions = DEFAULTS) -> tuple[PropertySpec, ...]:
    """Every deal property hubsync writes itself, as `setup` creates it."""
    key = deal_key_spec(options)
    return (key, *(s for s in DEAL_PROPERTIES if s.name != key.name))


# The unique property a company is keyed by: its normalised name (`companies.names`).
# HubSpot de-duplicates companies by domain only in its own imports, never through the API.
COMPANY_KEY = "firmenschluessel"


def company_specs(options: PortalOptions = DEFAULTS) -> tuple[PropertySpec, ...]:
    """Every company property hubsync writes itself (none when companies are off): the key
    and the booking figures under the contacts' names."""
    if not options.companies:
        return ()
    key = PropertySpec(COMPANY_KEY, "Firmenschlüssel (hubsync)", "string", "text", unique=True)
    return (key, *FIGURE_SPECS)


# HubSpot type and field type for a property the mapping file adds, by the column's kind.
_KIND_TYPES = {
    "date": ("date", "date"),
    "datetime_date": ("date", "date"),
    "number": ("number", "number"),
    "bool": ("bool", "booleancheckbox"),
    "phone": ("string", "phonenumber"),
    "mobile": ("string", "phonenumber"),
}


def mapped_specs(mapping: Mapping, known: Iterable[str]) -> tuple[PropertySpec, ...]:
    """Specs for the properties a mapping file maps columns to that hubsync does not
    define itself: `setup` creates them when the portal lacks them ("the more fields,
    the better"). Only for creating: a portal's own property keeps its type."""
    taken = set(known)
    specs: dict[str, PropertySpec] = {}
    for field in mapping.contact_fields.values():
        if field.kind == "facility" or field.property in taken:
            continue
        if field.property.startswith("hs_"):
            continue  # HubSpot's own namespace: never created by an integration
        kind_type, field_type = _KIND_TYPES.get(field.kind, ("string", "text"))
        specs.setdefault(
            field.property, PropertySpec(field.property, field.property, kind_type, field_type)
        )
    return tuple(specs.values())
