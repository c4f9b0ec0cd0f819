"""The portal's schema: what hubsync needs (`setup` creates it) and the pre-flight check.

`hubsync run` checks, before its first write, that every property it will write exists
with a fitting type, that the facility is an option of the category property, and that
the deal pipeline and stages exist. Otherwise it stops with exit 2 naming what `hubsync
setup` would create: it never half-imports into a portal that is not set up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from hubsync.config import Settings
from hubsync.errors import ConfigError
from hubsync.hubspot import HubSpotClient, Pipeline, PropertyDef
from hubsync.mapping.columns import CUSTOM_CONTACT_PROPERTIES, Mapping
from hubsync.mapping.policies import Constants
from hubsync.portal.deal_target import DealTarget, resolve_deal_target

log = logging.getLogger(__name__)

GROUP = "hubsync"
GROUP_LABEL = "hubsync (Buchungssystem)"

FIGURE_PROPERTIES = (
    "letzte_buchung",
    "erste_buchung",
    "anzahl_buchungen",
    "anzahl_buchungen_zeitraum",
    "buchungsumsatz_eur",
    "buchungsstunden",
)


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


def contact_key_spec(settings: Settings) -> PropertySpec:
    return PropertySpec(
        settings.customer_number_property, "Kundennummer", "string", "text", unique=True
    )


def deal_key_spec(settings: Settings) -> PropertySpec:
    return PropertySpec(
        settings.invoice_number_property, "Rechnungsnummer", "string", "text", unique=True
    )


HUBSYNC_CONTACT_PROPERTIES = (
    PropertySpec("kundennummern", "Alle Kundennummern", "string", "text"),
    PropertySpec("letzte_buchung", "Letzte Buchung", "date", "date"),
    PropertySpec("erste_buchung", "Erste Buchung", "date", "date"),
    PropertySpec("anzahl_buchungen", "Anzahl Buchungen", "number", "number"),
    PropertySpec("anzahl_buchungen_zeitraum", "Anzahl Buchungen (Zeitraum)", "number", "number"),
    PropertySpec("buchungsumsatz_eur", "Buchungsumsatz (EUR)", "number", "number"),
    PropertySpec("buchungsstunden", "Gebuchte Stunden", "number", "number"),
)

DEAL_PROPERTIES = (
    PropertySpec("buchungsstunden", "Gebuchte Stunden", "number", "number"),
    PropertySpec("anlage", "Anlage", "string", "text"),
    PropertySpec("kundennummer", "Kundennummer", "string", "text"),
    PropertySpec("storniert_durch", "Storniert durch", "string", "text"),
    PropertySpec("hubsync_offen", "Ohne Kontakt (hubsync)", "bool", "booleancheckbox"),
)


def category_spec(settings: Settings) -> PropertySpec:
    return PropertySpec(settings.category_property, "Kontaktkategorie", "enumeration", "checkbox")


def contact_specs(settings: Settings) -> tuple[PropertySpec, ...]:
    mapped = tuple(
        PropertySpec(p["name"], p["label"], p["type"], p["fieldType"])
        for p in CUSTOM_CONTACT_PROPERTIES
    )
    taken = {settings.customer_number_property}
    return (
        category_spec(settings),
        contact_key_spec(settings),
        *(s for s in (*HUBSYNC_CONTACT_PROPERTIES, *mapped) if s.name not in taken),
    )


def deal_specs(settings: Settings) -> tuple[PropertySpec, ...]:
    key = deal_key_spec(settings)
    return (key, *(s for s in DEAL_PROPERTIES if s.name != key.name))


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


@dataclass(frozen=True)
class PortalSchema:
    """What the portal has, read once per run (3 calls)."""

    contacts: dict[str, PropertyDef]
    deals: dict[str, PropertyDef]
    pipelines: tuple[Pipeline, ...]

    def category_multi(self, name: str) -> bool:
        prop = self.contacts.get(name)
        return prop is not None and prop.field_type == "checkbox"


def read_schema(client: HubSpotClient) -> PortalSchema:
    return PortalSchema(
        client.properties("contacts"), client.properties("deals"), client.pipelines()
    )


_TYPE_FITS = {
    "number": {"number"},
    "date": {"date", "datetime"},
    "bool": {"bool", "enumeration"},
    "enumeration": {"enumeration"},
    "string": {"string", "enumeration", "phone_number"},
}


def _fits(prop: PropertyDef, spec: PropertySpec) -> bool:
    """Whether the portal's property can hold what hubsync writes for `spec`."""
    return prop.type in _TYPE_FITS.get(spec.type, {spec.type})


def _key_problem(object_type: str, prop: PropertyDef | None, variable: str) -> list[str]:
    """A key property that exists but is not unique-valued can never become one."""
    if prop is None or prop.unique:
        return []
    return [
        f"{object_type} property {prop.name!r} is not unique-valued in HubSpot "
        "(hasUniqueValue is false, and HubSpot cannot change that on an existing property), "
        f"so hubsync cannot read or upsert by it: set {variable} to a new property name "
        f"(e.g. {prop.name}_id) and run `hubsync setup` to create it as a unique property"
    ]


def constant_problems(
    object_type: str,
    constants: Constants,
    portal: dict[str, PropertyDef],
    own: dict[str, PropertySpec],
) -> list[str]:
    """Why a constant of the mapping file cannot be written, per property."""
    section = f"[{object_type}s.constants]"
    problems: list[str] = []
    for name, value in constants.values.items():
        prop = portal.get(name)
        if name in own:
            problems.append(f"{section} {name}: hubsync writes this property itself")
        elif prop is None:
            problems.append(f"{section} {name}: HubSpot has no {object_type} property {name!r}")
        elif prop.read_only:
            problems.append(f"{section} {name}: the property is read-only in HubSpot")
        elif prop.type == "enumeration" and prop.options:
            # An enumeration without options refers to other records (owners): not listed.
            wrong = [v for v in value.split(";") if v.strip() and v.strip() not in prop.options]
            if wrong:
                labels = ", ".join(
                    f"{o.get('label')!r} = {o.get('value')}" for o in prop.option_defs
                )
                problems.append(
                    f"{section} {name} = {value!r}: not an option of {name!r} "
                    f"(options, label = value: {labels}); give the internal value"
                )
        elif prop.type == "number" and not _is_number(value):
            problems.append(f"{section} {name} = {value!r}: {name!r} takes a number")
    return problems


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return "," not in value


def check_schema(
    schema: PortalSchema,
    settings: Settings,
    mapping: Mapping,
    *,
    facilities: Iterable[str] = (),
    deals: bool = True,
) -> DealTarget | None:
    """Raise ConfigError naming every missing or unfitting property, option or stage.

    Returns the deal pipeline and stages as ids (None when `deals` is False).
    """
    problems: list[str] = []
    missing_contacts: list[str] = []
    specs = {s.name: s for s in contact_specs(settings)}
    for name in sorted({*mapping.contact_properties(), *specs}):
        prop = schema.contacts.get(name)
        spec = specs.get(name)
        if prop is None:
            missing_contacts.append(name)
        elif prop.read_only and name != "hs_additional_emails":
            # HubSpot may manage secondary e-mails itself: then they are left out, not fatal.
            problems.append(f"contact property {name!r} is read-only in HubSpot; map it elsewhere")
        elif spec is not None and not _fits(prop, spec):
            problems.append(
                f"contact property {name!r} is of type {prop.type}, expected {spec.type}"
            )
    problems += _key_problem(
        "contact",
        schema.contacts.get(settings.customer_number_property),
        "HUBSYNC_CUSTOMER_NUMBER_PROPERTY",
    )
    missing_options = False
    category = schema.contacts.get(settings.category_property)
    if category is not None and category.type == "enumeration":
        for facility in sorted(set(facilities)):
            if facility not in category.options:
                missing_options = True
                problems.append(
                    f"{facility!r} is not an option of contact property "
                    f"{settings.category_property!r} (hubsync setup --facility {facility!r})"
                )
    deal_props = deal_specs(settings) if deals else ()
    missing_deals = [s.name for s in deal_props if s.name not in schema.deals]
    for spec in deal_props:
        prop = schema.deals.get(spec.name)
        if prop is not None and not _fits(prop, spec):
            problems.append(
                f"deal property {spec.name!r} is of type {prop.type}, expected {spec.type}"
            )
    if deals:
        problems += _key_problem(
            "deal",
            schema.deals.get(settings.invoice_number_property),
            "HUBSYNC_INVOICE_NUMBER_PROPERTY",
        )
    problems += constant_problems("contact", mapping.contact_constants, schema.contacts, specs)
    if deals:
        own = {s.name: s for s in deal_props}
        problems += constant_problems("deal", mapping.deal_constants, schema.deals, own)
    if missing_contacts:
        problems.insert(0, "missing contact properties: " + ", ".join(missing_contacts))
    if missing_deals:
        problems.append("missing deal properties: " + ", ".join(missing_deals))
    target = None
    if deals:
        target, stage_problems = resolve_deal_target(
            schema.pipelines,
            settings.deal_pipeline,
            settings.deal_stage,
            settings.deal_cancelled_stage,
        )
        problems += stage_problems
    if problems:
        # Only properties and options are `setup`'s to create; pipelines and stages are not.
        fix = bool(missing_contacts or missing_deals or missing_options)
        raise ConfigError(
            ["HubSpot portal is not set up for hubsync:", *problems]
            + (["Run `hubsync setup` to create what is missing (it changes nothing else)."] * fix)
        )
    return target


def setup_portal(
    client: HubSpotClient,
    settings: Settings,
    *,
    facilities: Iterable[str] = (),
    mapping: Mapping | None = None,
) -> list[str]:
    """Create the group, every missing property and facility option; returns what it did.

    With a `mapping`, properties its file maps columns to are created too, when missing.
    Idempotent: a second call changes nothing and returns an empty list.
    """
    done: list[str] = []
    wanted = [f for f in [settings.contact_category, *facilities] if f]
    own = contact_specs(settings)
    extra = mapped_specs(mapping, (s.name for s in own)) if mapping is not None else ()
    for object_type, specs in (("contacts", (*own, *extra)), ("deals", deal_specs(settings))):
        existing = client.properties(object_type)
        missing = [s for s in specs if s.name not in existing]
        if missing and GROUP not in client.groups(object_type):
            client.create_group(object_type, GROUP, GROUP_LABEL)
            done.append(f"{object_type}: property group {GROUP!r} created")
        for spec in missing:
            options = wanted if spec.type == "enumeration" else ()
            client.create_property(object_type, spec.definition(GROUP, options))
            done.append(f"{object_type}: property {spec.name!r} ({spec.type}) created")
        if object_type == "contacts":
            category = existing.get(settings.category_property)
            if category is not None and category.type == "enumeration":
                new = [f for f in dict.fromkeys(wanted) if f not in category.options]
                if new:
                    client.update_property(
                        object_type,
                        settings.category_property,
                        {"options": added_options(category, new)},
                    )
                    done.append(
                        f"contacts: option(s) {', '.join(map(repr, new))} added to "
                        f"{settings.category_property!r}"
                    )
    return done
