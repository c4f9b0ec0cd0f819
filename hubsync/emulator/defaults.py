"""The portal schema the emulator starts with: HubSpot's defaults, optionally hubsync's own.

hubsync's own schema is not listed here: it is what `hubsync setup` creates, built from
`hubsync.portal.specs` and posted through the emulator's own properties endpoint.
"""

from __future__ import annotations

from hubsync.emulator import schema
from hubsync.emulator.store import Store
from hubsync.portal.specs import (
    GROUP,
    GROUP_LABEL,
    PortalOptions,
    company_specs,
    contact_specs,
    deal_specs,
)

CONTACT_TEXT = (
    "firstname",
    "lastname",
    "salutation",
    "company",
    "address",
    "zip",
    "city",
    "country",
    "state",
    "phone",
    "mobilephone",
    "jobtitle",
    "website",
)
CONTACT_READ_ONLY = (
    ("num_associated_deals", "number"),
    ("recent_deal_close_date", "datetime"),
    ("recent_deal_amount", "number"),
    ("total_revenue", "number"),
    ("first_deal_created_date", "datetime"),
)
LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
DEAL_STAGES = (
    ("appointmentscheduled", "Appointment Scheduled", "0.2", "false"),
    ("qualifiedtobuy", "Qualified To Buy", "0.4", "false"),
    ("presentationscheduled", "Presentation Scheduled", "0.6", "false"),
    ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8", "false"),
    ("contractsent", "Contract Sent", "0.9", "false"),
    ("closedwon", "Closed Won", "1.0", "true"),
    ("closedlost", "Closed Lost", "0.0", "true"),
)
DEAL_TYPES = (("newbusiness", "New Business"), ("existingbusiness", "Existing Business"))
# Company defaults (a selection). `domain` is not unique-valued: the companies guide calls
# domains "the primary unique identifier to avoid duplicate companies", yet only HubSpot's
# own imports de-duplicate by it; an upsert by `domain` is refused as by any non-unique one.
COMPANY_TEXT = (
    "name",
    "domain",
    "website",
    "phone",
    "address",
    "address2",
    "city",
    "state",
    "zip",
    "country",
)
COMPANY_READ_ONLY = (
    ("num_associated_contacts", "number"),
    ("num_associated_deals", "number"),
    ("total_revenue", "number"),
    ("recent_deal_close_date", "datetime"),
)
COMPANY_TYPES = ("PROSPECT", "PARTNER", "RESELLER", "VENDOR", "OTHER")
# Properties every object carries; the store maintains them itself.
SYSTEM = (("hs_object_id", "number"), ("createdate", "datetime"), ("lastmodifieddate", "datetime"))
# The facility of the sample files, an option of the category property in the pre-built schema.
FACILITY = "McArena Schorndorf"
HUBSYNC_OPTIONS = PortalOptions(contact_category=FACILITY)


def new_store(*, with_hubsync_schema: bool = False) -> Store:
    """A store holding HubSpot's defaults and, if asked, what `hubsync setup` creates."""
    store = Store()
    install_defaults(store)
    if with_hubsync_schema:
        install_hubsync_schema(store)
    return store


def install_defaults(store: Store) -> None:
    """Create HubSpot's default groups, properties and the "default" deal pipeline."""
    store.add_group("contacts", "contactinformation", "Contact information")
    store.add_group("deals", "dealinformation", "Deal information")
    for object_type in ("contacts", "deals"):
        for name, kind in SYSTEM:
            field = "number" if kind == "number" else "date"
            store.define_property(object_type, name, kind, field, read_only=True)
    store.add_property("contacts", "email", "string", "text")
    for name in CONTACT_TEXT:
        store.add_property("contacts", name, "string", "text")
    store.add_property("contacts", "date_of_birth", "date", "date")
    store.add_property("contacts", "hs_additional_emails", "string", "textarea")
    store.add_property(
        "contacts", "lifecyclestage", "enumeration", "radio", options=list(LIFECYCLE_STAGES)
    )
    for name, kind in CONTACT_READ_ONLY:
        field = "number" if kind == "number" else "date"
        store.define_property("contacts", name, kind, field, read_only=True)
    store.add_property("deals", "dealname", "string", "text")
    store.add_property("deals", "amount", "number", "number")
    store.add_property("deals", "closedate", "datetime", "date")
    store.add_property("deals", "pipeline", "enumeration", "select", options=["default"])
    store.add_property(
        "deals", "dealstage", "enumeration", "radio", options=[s[0] for s in DEAL_STAGES]
    )
    store.add_property("deals", "description", "string", "textarea")
    store.add_property(
        "deals", "dealtype", "enumeration", "select", options=[v for v, _ in DEAL_TYPES]
    )
    # Owners are referenced by id; the emulator's portal has one owner, id 24.
    store.add_property("deals", "hubspot_owner_id", "enumeration", "select", options=["24"])
    install_company_defaults(store)
    labels = dict(DEAL_TYPES)
    for option in store.properties["deals"]["dealtype"]["options"]:
        option["label"] = labels[option["value"]]
    store.pipelines["deals"] = [
        {
            "id": "default",
            "label": "Sales Pipeline",
            "displayOrder": 0,
            "archived": False,
            "stages": [
                {
                    "id": stage,
                    "label": label,
                    "displayOrder": order,
                    "archived": False,
                    "metadata": {"probability": probability, "isClosed": closed},
                }
                for order, (stage, label, probability, closed) in enumerate(DEAL_STAGES)
            ],
        }
    ]


def install_company_defaults(store: Store) -> None:
    """HubSpot's company group and a selection of its default company properties."""
    store.add_group("companies", "companyinformation", "Company information")
    for name, kind in SYSTEM:
        field = "number" if kind == "number" else "date"
        store.define_property("companies", name, kind, field, read_only=True)
    for name in COMPANY_TEXT:
        store.add_property("companies", name, "string", "text")
    store.add_property("companies", "description", "string", "textarea")
    store.add_property("companies", "numberofemployees", "number", "number")
    store.add_property("companies", "annualrevenue", "number", "number")
    store.add_property("companies", "type", "enumeration", "select", options=list(COMPANY_TYPES))
    store.add_property(
        "companies", "lifecyclestage", "enumeration", "radio", options=list(LIFECYCLE_STAGES)
    )
    store.add_property("companies", "hubspot_owner_id", "enumeration", "select", options=["24"])
    for name, kind in COMPANY_READ_ONLY:
        field = "number" if kind == "number" else "date"
        store.define_property("companies", name, kind, field, read_only=True)


def install_hubsync_schema(store: Store, options: PortalOptions = HUBSYNC_OPTIONS) -> None:
    """Create what `hubsync setup` creates for `options`, for tests that skip the setup
    step: the group and every property of `contact_specs` and `deal_specs`, with the
    facility of `options` as the only option of the category property."""
    facilities = [options.contact_category] if options.contact_category else []
    for object_type, specs in (
        ("contacts", contact_specs(options)),
        ("deals", deal_specs(options)),
        ("companies", company_specs(options)),
    ):
        schema.create_group(store, object_type, {"name": GROUP, "label": GROUP_LABEL})
        for spec in specs:
            schema.create_property(store, object_type, spec.definition(GROUP, facilities))


def add_deal_pipeline(
    store: Store, pipeline_id: str, label: str, stages: list[tuple[str, str, bool]]
) -> None:
    """A pipeline an admin built (numeric ids), stages as (id, label, closed)."""
    store.pipelines["deals"].append(
        {
            "id": pipeline_id,
            "label": label,
            "displayOrder": len(store.pipelines["deals"]),
            "archived": False,
            "stages": [
                {
                    "id": stage,
                    "label": name,
                    "displayOrder": order,
                    "archived": False,
                    "metadata": {"isClosed": "true" if closed else "false"},
                }
                for order, (stage, name, closed) in enumerate(stages)
            ],
        }
    )
    # HubSpot lists every pipeline as an option of `pipeline`, every stage of `dealstage`.
    for name, entries in (("pipeline", [(pipeline_id, label)]), ("dealstage", stages)):
        options = store.properties["deals"][name]["options"]
        for value, text, *_ in entries:
            options.append(
                {"label": text, "value": value, "displayOrder": len(options), "hidden": False}
            )
