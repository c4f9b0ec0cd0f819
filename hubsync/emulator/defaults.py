"""The portal schema the emulator starts with: HubSpot's defaults, optionally hubsync's own."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hubsync.emulator.store import Store

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
# Properties every object carries; the store maintains them itself.
SYSTEM = (("hs_object_id", "number"), ("createdate", "datetime"), ("lastmodifieddate", "datetime"))


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


def install_hubsync_schema(store: Store) -> None:
    """Create what `hubsync setup` creates, for tests that skip the setup step."""
    for object_type in ("contacts", "deals"):
        store.add_group(object_type, "hubsync", "hubsync")

    def contact(
        name: str,
        kind: str = "string",
        field: str = "text",
        options: list[str] | None = None,
        unique: bool = False,
    ) -> None:
        store.add_property(
            "contacts", name, kind, field, options=options, unique=unique, group="hubsync"
        )

    contact("kontaktkategorie", "enumeration", "checkbox", options=["McArena Schorndorf"])
    contact("kundennummer", unique=True)
    contact("kundennummern")
    contact("kunde_seit", "date", "date")
    contact("kundengruppe")
    contact("newsletter", "bool", "booleancheckbox")
    contact("titel")
    contact("bemerkung", "string", "textarea")
    for name in (
        "buchungssystem_umsatz_eur",
        "anzahl_buchungen",
        "anzahl_buchungen_zeitraum",
        "buchungsumsatz_eur",
        "buchungsstunden",
    ):
        contact(name, "number", "number")
    for name in ("buchungssystem_letzte_buchung", "letzte_buchung", "erste_buchung"):
        contact(name, "date", "date")

    def deal(name: str, kind: str = "string", field: str = "text", unique: bool = False) -> None:
        store.add_property("deals", name, kind, field, group="hubsync", unique=unique)

    deal("rechnungsnummer", unique=True)
    deal("buchungsstunden", "number", "number")
    deal("anlage")
    deal("kundennummer")
    deal("storniert_durch")
    deal("hubsync_offen", "bool", "booleancheckbox")


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
