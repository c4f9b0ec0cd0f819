"""The emulated portal's state: objects, associations, property definitions and pipelines.

One re-entrant lock guards everything; the HTTP handlers hold it for a whole call, so
every batch is applied atomically, as HubSpot applies a valid batch.
"""

from __future__ import annotations

import itertools
import threading
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from hubsync.emulator import canonical
from hubsync.emulator.links import Links
from hubsync.emulator.subscriptions import Subscriptions
from hubsync.emulator.validation import JSON, Rule, format_instant

OBJECT_TYPES = ("contacts", "deals", "companies")


def now_text() -> str:
    """The current instant the way HubSpot writes createdate/lastmodifieddate."""
    return format_instant(datetime.now(UTC))


class Store:
    """Thread-safe portal state; inspect it in tests, change it only through the methods.

    A new store is empty; `defaults.new_store` gives one with HubSpot's default schema.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.contacts: dict[str, dict[str, str]] = {}
        self.deals: dict[str, dict[str, str]] = {}
        self.companies: dict[str, dict[str, str]] = {}
        self.links = Links()  # typed associations; `associations` is its deal→contact view
        # Company definitions appear on first use (an empty store lists contacts and deals).
        self.properties: dict[str, dict[str, JSON]] = defaultdict(dict)
        self.properties.update({"contacts": {}, "deals": {}})
        self.groups: dict[str, dict[str, JSON]] = {t: {} for t in OBJECT_TYPES}
        self.pipelines: dict[str, list[JSON]] = {"deals": []}
        self.pipeline_limit = 100  # deal pipelines the subscription allows (Free: 1, Starter: 2)
        # unique-value indexes (type → property → value → id); contact email is unique too
        self._unique: dict[str, dict[str, dict[str, str]]] = {
            "contacts": {"email": {}},
            "deals": {},
            "companies": {},
        }
        self._ids = itertools.count(1001)
        # What a real portal may do and a fresh one does not; tests switch these on.
        self.rules: dict[str, list[Rule]] = {t: [] for t in OBJECT_TYPES}
        # Undocumented: do rule and refused-write errors name the input (context.id)?
        self.portal_errors_name_inputs = False
        self.secondary_emails_match = True  # reads by email find secondary addresses
        self.refused: set[tuple[str, str]] = set()  # writable per schema, READ_ONLY_VALUE on write
        self.echo_id_property = True  # upsert results show the idProperty if it was sent
        # Undocumented: does a default association of a contact (deal) and a company make it
        # the primary company when the record has none? Off: unlabeled only (279 / 341).
        self.default_primary = False
        # HubSpot's "Create and associate companies with contacts" setting (off by default
        # in the emulator); see `autolink`.
        self.auto_companies = False
        self.subscriptions = Subscriptions()  # communication preferences (e-mail statuses)

    # -- schema --------------------------------------------------------------------------
    def add_group(self, object_type: str, name: str, label: str) -> JSON:
        """Create (or return the existing) property group `name`."""
        with self.lock:
            groups = self.groups[object_type]
            if name not in groups:
                groups[name] = {
                    "name": name,
                    "label": label,
                    "displayOrder": len(groups),
                    "archived": False,
                }
            return groups[name]

    def add_property(
        self,
        object_type: str,
        name: str,
        type: str = "string",
        field_type: str = "text",
        *,
        options: list[str] | None = None,
        unique: bool = False,
        group: str | None = None,
    ) -> None:
        """Define a writable property (replacing one of the same name); group defaults per type."""
        self.define_property(
            object_type, name, type, field_type, options=options, unique=unique, group=group
        )

    def define_property(
        self,
        object_type: str,
        name: str,
        type: str = "string",
        field_type: str = "text",
        *,
        options: list[str] | None = None,
        unique: bool = False,
        group: str | None = None,
        read_only: bool = False,
    ) -> JSON:
        """Like `add_property`, also for read-only ones; returns the stored definition."""
        if options is None and type == "bool":
            options = ["true", "false"]
        definition: JSON = {
            "name": name,
            "label": name.replace("_", " ").capitalize(),
            "type": type,
            "fieldType": field_type,
            "groupName": group or default_group(object_type),
            "options": [
                {"label": o, "value": o, "displayOrder": i, "hidden": False}
                for i, o in enumerate(options or [])
            ],
            "hasUniqueValue": unique,
        }
        return self.put_definition(object_type, definition, read_only=read_only)

    def put_definition(
        self, object_type: str, definition: JSON, *, read_only: bool = False
    ) -> JSON:
        """Store a complete property definition as sent to the properties API."""
        definition.setdefault("description", "")
        definition.setdefault("options", [])
        definition.setdefault("hasUniqueValue", False)
        definition["modificationMetadata"] = {
            "archivable": not read_only,
            "readOnlyDefinition": read_only,
            "readOnlyValue": read_only,
        }
        definition.setdefault("calculated", read_only)
        definition.setdefault("archived", False)
        name = str(definition["name"])
        with self.lock:
            self.properties[object_type][name] = definition
            if definition["hasUniqueValue"] and name not in self._unique[object_type]:
                self._unique[object_type][name] = {
                    props[name]: oid
                    for oid, props in self.objects(object_type).items()
                    if props.get(name)
                }
            elif not definition["hasUniqueValue"] and (object_type, name) != ("contacts", "email"):
                # A test's stand-in for a portal whose property was made without the flag.
                self._unique[object_type].pop(name, None)
        return definition

    def definition(self, object_type: str, name: str) -> JSON | None:
        """The definition of property `name`, or None when the portal has no such property."""
        return self.properties[object_type].get(name)

    def unique_properties(self, object_type: str) -> frozenset[str]:
        """Names of the properties whose values must be unique (contacts: email too)."""
        return frozenset(self._unique[object_type])

    def stage_ids(self, pipeline_id: str) -> set[str] | None:
        """Stage ids of deal pipeline `pipeline_id`, None if there is no such pipeline."""
        for pipeline in self.pipelines["deals"]:
            if pipeline["id"] == pipeline_id:
                return {str(s["id"]) for s in pipeline["stages"]}
        return None

    # -- portal rules (API 2026-09) ------------------------------------------------------
    def require_on_create(self, object_type: str, name: str) -> None:
        """Property `name` is required when a record is created (admin's Create Record form)."""
        with self.lock:
            self.rules[object_type].append(Rule(name))

    def require_when(self, object_type: str, name: str, prop: str, value: str) -> None:
        """Property `name` is required on writes leaving a record with `prop` == `value`."""
        with self.lock:
            self.rules[object_type].append(Rule(name, (prop, value)))

    def refuse_writes(self, object_type: str, name: str) -> None:
        """Writes of `name` answer READ_ONLY_VALUE although its definition says writable
        (seen for `hs_additional_emails`, whose write path HubSpot does not document)."""
        with self.lock:
            self.refused.add((object_type, name))

    # -- objects -------------------------------------------------------------------------
    def objects(self, object_type: str) -> dict[str, dict[str, str]]:
        """The id → properties dict of `object_type` ("contacts", "deals" or "companies")."""
        return {"contacts": self.contacts, "deals": self.deals, "companies": self.companies}[
            object_type
        ]

    def find(self, object_type: str, prop: str, value: str) -> str | None:
        """Id of the object whose `prop` equals `value` (emails compare case-insensitively)."""
        with self.lock:
            if prop == "email":
                value = value.strip().lower()
            index = self._unique[object_type].get(prop)
            if index is not None:
                return index.get(value)
            objects = self.objects(object_type)
            if prop == "hs_object_id":
                return value if value in objects else None
            for oid, props in objects.items():
                if props.get(prop) == value:
                    return oid
            return None

    def by_secondary_email(self, value: str) -> str | None:
        """The contact listing `value` in `hs_additional_emails`, if reads match those.

        HubSpot does not document it; integrations report that a batch read by `email`
        also finds a contact by a secondary address. `secondary_emails_match = False`
        plays the other reading."""
        if not self.secondary_emails_match:
            return None
        wanted = value.strip().lower()
        with self.lock:
            for oid, props in self.contacts.items():
                extra = (props.get("hs_additional_emails") or "").lower().split(";")
                if wanted in (e.strip() for e in extra):
                    return oid
        return None

    def holder(self, object_type: str, prop: str, value: str) -> str | None:
        """Id holding unique `value` of unique property `prop`, if any."""
        return self._unique[object_type][prop].get(value)

    def create(self, object_type: str) -> str:
        """A new, empty object with its system properties; returns its id."""
        with self.lock:
            oid = str(next(self._ids))
            stamp = now_text()
            self.objects(object_type)[oid] = {
                "hs_object_id": oid,
                "createdate": stamp,
                "lastmodifieddate": stamp,
            }
            return oid

    def write(self, object_type: str, oid: str, changes: dict[str, str]) -> None:
        """Apply already validated `changes` ("" clears); lastmodifieddate moves only on change."""
        if not changes:
            return
        with self.lock:
            props = self.objects(object_type)[oid]
            indexes = self._unique[object_type]
            for name, value in changes.items():
                index = indexes.get(name)
                old = props.get(name)
                if index is not None and old is not None and index.get(old) == oid:
                    del index[old]
                if value == "":
                    props.pop(name, None)
                else:
                    props[name] = value
                    if index is not None:
                        index[value] = oid
            props["lastmodifieddate"] = now_text()

    # -- associations ------------------------------------------------------------------
    @property
    def associations(self) -> set[tuple[str, str]]:
        """(deal id, contact id) of every deal↔contact association."""
        with self.lock:
            return {(d, c) for d, c, _ in self.links.pairs("deals", "contacts")}

    def link(self, deal_id: str, contact_id: str) -> None:
        """Associate a deal with a contact (both directions; idempotent)."""
        with self.lock:
            self.links.add("deals", deal_id, "contacts", contact_id)

    # -- inspection ----------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Canonical id-free view: contacts by email, deals by rechnungsnummer (or dealname),
        companies by name, and the associations; see `canonical.snapshot`."""
        with self.lock:
            return canonical.snapshot(self)


def default_group(object_type: str) -> str:
    """HubSpot's built-in property group of `object_type`."""
    return {"contacts": "contactinformation", "companies": "companyinformation"}.get(
        object_type, "dealinformation"
    )
