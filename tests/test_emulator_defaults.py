"""The emulator's starting schema: HubSpot's defaults, and hubsync's own as `setup` makes it."""

from __future__ import annotations

from typing import Any

import requests

from hubsync.emulator import Emulator, Store
from hubsync.emulator.defaults import FACILITY, install_hubsync_schema, new_store
from hubsync.hubspot import ClientOptions, HubSpotClient
from hubsync.portal.setup import setup_portal
from hubsync.portal.specs import GROUP, PortalOptions, contact_specs, deal_specs

COMPARED = ("name", "label", "type", "fieldType", "hasUniqueValue", "groupName", "options")


def definitions(emulator: Emulator) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        object_type: {name: {k: d.get(k) for k in COMPARED} for name, d in properties.items()}
        for object_type, properties in emulator.store.properties.items()
    }


def test_the_prebuilt_schema_is_what_setup_creates() -> None:
    with Emulator() as fresh, requests.Session() as http:
        options = ClientOptions(base_url=fresh.url, token=fresh.token, max_retries=0)
        done = setup_portal(HubSpotClient(http, options), PortalOptions(contact_category=FACILITY))
        assert done  # the fresh portal lacked the group and every hubsync property
        prebuilt = Emulator(with_hubsync_schema=True)
        assert definitions(prebuilt) == definitions(fresh)
        assert prebuilt.store.groups["contacts"][GROUP] == fresh.store.groups["contacts"][GROUP]


def test_the_prebuilt_schema_follows_the_specs() -> None:
    store = new_store(with_hubsync_schema=True)
    for object_type, specs in (("contacts", contact_specs()), ("deals", deal_specs())):
        for spec in specs:
            definition = store.properties[object_type][spec.name]
            assert (definition["type"], definition["fieldType"]) == (spec.type, spec.field_type)
            assert definition["hasUniqueValue"] is spec.unique
            assert definition["groupName"] == GROUP
    category = store.properties["contacts"]["kontaktkategorie"]
    assert [o["value"] for o in category["options"]] == [FACILITY]


def test_other_portal_options_give_other_names() -> None:
    store = new_store()
    install_hubsync_schema(store, PortalOptions(customer_key="kdnr", contact_category=None))
    assert store.properties["contacts"]["kdnr"]["hasUniqueValue"] is True
    assert "kundennummer" not in store.properties["contacts"]
    assert store.properties["contacts"]["kontaktkategorie"]["options"] == []


def test_a_store_starts_empty_and_new_store_adds_hubspots_defaults() -> None:
    assert Store().properties == {"contacts": {}, "deals": {}}
    store = new_store()
    assert {"email", "hs_additional_emails"} <= store.properties["contacts"].keys()
    assert [p["id"] for p in store.pipelines["deals"]] == ["default"]
    assert GROUP not in store.groups["contacts"]
