"""The pre-flight check: does the portal hold what hubsync will write, as it will write it?

`hubsync run` checks, before its first write, that every property it will write exists
with a fitting type, that the keys are unique-valued, that the facility is an option of
the category property, that constants fit, and that the deal pipeline and stages exist.
Otherwise it stops with exit 2 naming what to do: it never half-imports into a portal
that is not set up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, overload

from hubsync.errors import ConfigError
from hubsync.hubspot import HubSpotClient, Pipeline, PropertyDef
from hubsync.mapping.columns import Mapping
from hubsync.mapping.policies import Constants
from hubsync.portal.deal_target import DealTarget, resolve_deal_target
from hubsync.portal.specs import (
    COMPANY_KEY,
    PortalOptions,
    PropertySpec,
    company_specs,
    contact_specs,
    deal_specs,
)


@dataclass(frozen=True)
class PortalSchema:
    """What the portal has, read once per run (3 calls; 4 with companies)."""

    contacts: dict[str, PropertyDef]
    deals: dict[str, PropertyDef]
    pipelines: tuple[Pipeline, ...]
    companies: dict[str, PropertyDef] | None = None  # None: not read (companies off)

    def category_multi(self, name: str) -> bool:
        prop = self.contacts.get(name)
        return prop is not None and prop.field_type == "checkbox"


def read_schema(client: HubSpotClient, *, companies: bool = False) -> PortalSchema:
    """The portal's properties and deal pipelines; company properties only when asked
    (a portal without companies needs no company scopes)."""
    return PortalSchema(
        client.properties("contacts"),
        client.properties("deals"),
        client.pipelines(),
        client.properties("companies") if companies else None,
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


def _contact_problems(
    schema: PortalSchema, options: PortalOptions, mapping: Mapping, facilities: Iterable[str]
) -> tuple[list[str], list[str], bool]:
    """Missing contact properties, other contact problems, and whether options are missing."""
    problems: list[str] = []
    missing: list[str] = []
    specs = {s.name: s for s in contact_specs(options)}
    for name in sorted({*mapping.contact_properties(), *specs}):
        prop = schema.contacts.get(name)
        spec = specs.get(name)
        if prop is None:
            missing.append(name)
        elif prop.read_only and name != "hs_additional_emails":
            # HubSpot may manage secondary e-mails itself: then they are left out, not fatal.
            problems.append(f"contact property {name!r} is read-only in HubSpot; map it elsewhere")
        elif spec is not None and not _fits(prop, spec):
            problems.append(
                f"contact property {name!r} is of type {prop.type}, expected {spec.type}"
            )
    key = schema.contacts.get(options.customer_key)
    problems += _key_problem("contact", key, "HUBSYNC_CUSTOMER_NUMBER_PROPERTY")
    missing_options = False
    category = schema.contacts.get(options.category_property)
    if category is not None and category.type == "enumeration":
        for facility in sorted(set(facilities)):
            if facility not in category.options:
                missing_options = True
                problems.append(
                    f"{facility!r} is not an option of contact property "
                    f"{options.category_property!r} (hubsync setup --facility {facility!r})"
                )
    return missing, problems, missing_options


def _spec_problems(
    kind: str, specs: Iterable[PropertySpec], portal: dict[str, PropertyDef]
) -> tuple[list[str], list[str]]:
    """The specs' properties the portal lacks, and those of a type hubsync cannot write."""
    wanted = list(specs)
    missing = [s.name for s in wanted if s.name not in portal]
    problems = [
        f"{kind} property {spec.name!r} is of type {prop.type}, expected {spec.type}"
        for spec in wanted
        if (prop := portal.get(spec.name)) is not None and not _fits(prop, spec)
    ]
    return missing, problems


def _deal_problems(schema: PortalSchema, options: PortalOptions) -> tuple[list[str], list[str]]:
    """Missing deal properties and other deal property problems."""
    missing, problems = _spec_problems("deal", deal_specs(options), schema.deals)
    key = schema.deals.get(options.invoice_key)
    return missing, problems + _key_problem("deal", key, "HUBSYNC_INVOICE_NUMBER_PROPERTY")


def _company_problems(schema: PortalSchema, options: PortalOptions) -> tuple[list[str], list[str]]:
    """Missing company properties and other company property problems."""
    if schema.companies is None:
        return [], []
    missing, problems = _spec_problems("company", company_specs(options), schema.companies)
    key = schema.companies.get(COMPANY_KEY)
    if key is not None and not key.unique:
        problems.append(
            f"company property {COMPANY_KEY!r} is not unique-valued in HubSpot: delete it "
            "(it holds only hubsync's keys) and run `hubsync setup`, or set HUBSYNC_COMPANIES=off"
        )
    return missing, problems


@overload
def check_schema(
    schema: PortalSchema,
    options: PortalOptions,
    mapping: Mapping,
    *,
    facilities: Iterable[str] = (),
    deals: Literal[True] = True,
) -> DealTarget: ...


@overload
def check_schema(
    schema: PortalSchema,
    options: PortalOptions,
    mapping: Mapping,
    *,
    facilities: Iterable[str] = (),
    deals: bool,
) -> DealTarget | None: ...


def check_schema(
    schema: PortalSchema,
    options: PortalOptions,
    mapping: Mapping,
    *,
    facilities: Iterable[str] = (),
    deals: bool = True,
) -> DealTarget | None:
    """Raise ConfigError naming every missing or unfitting property, option or stage.

    Returns the deal pipeline and stages as ids (None when `deals` is False).
    """
    missing_contacts, problems, missing_options = _contact_problems(
        schema, options, mapping, facilities
    )
    missing_deals, deal_problems = _deal_problems(schema, options) if deals else ([], [])
    problems += deal_problems
    missing_companies, company_problems = _company_problems(schema, options)
    problems += company_problems
    own = {s.name: s for s in contact_specs(options)}
    problems += constant_problems("contact", mapping.contact_constants, schema.contacts, own)
    target = None
    stage_problems: list[str] = []
    if deals:
        own = {s.name: s for s in deal_specs(options)}
        problems += constant_problems("deal", mapping.deal_constants, schema.deals, own)
        target, stage_problems = resolve_deal_target(
            schema.pipelines,
            options.deal_pipeline,
            options.deal_stage,
            options.deal_cancelled_stage,
        )
    if missing_contacts:
        problems.insert(0, "missing contact properties: " + ", ".join(missing_contacts))
    if missing_deals:
        problems.append("missing deal properties: " + ", ".join(missing_deals))
    if missing_companies:
        problems.append(
            "missing company properties: "
            + ", ".join(missing_companies)
            + " (or HUBSYNC_COMPANIES=off)"
        )
    problems += stage_problems
    if problems:
        # Only properties and options are `setup`'s to create; pipelines and stages are not.
        fix = bool(missing_contacts or missing_deals or missing_companies or missing_options)
        raise ConfigError(
            ["HubSpot portal is not set up for hubsync:", *problems]
            + (["Run `hubsync setup` to create what is missing (it changes nothing else)."] * fix)
        )
    return target
