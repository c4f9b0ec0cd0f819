"""HubSpotClient calls for companies and typed associations, over real HTTP to the emulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from hubsync.emulator import Emulator, FaultPlan
from hubsync.errors import AuthError
from hubsync.hubspot import ClientOptions, HubSpotClient
from hubsync.hubspot import assoc_types as types
from hubsync.hubspot.models import TypedAssociation

KEY = "firmen_schluessel"
Connect = Callable[..., HubSpotClient]


@pytest.fixture
def portal() -> Iterator[Emulator]:
    with Emulator(with_hubsync_schema=True) as emulator:
        emulator.store.add_property("companies", KEY, unique=True)
        yield emulator


@pytest.fixture
def connect() -> Iterator[Connect]:
    sessions: list[requests.Session] = []

    def build(emulator: Emulator, **options: Any) -> HubSpotClient:
        session = requests.Session()
        sessions.append(session)
        opts = ClientOptions(base_url=emulator.url, token=emulator.token, **options)
        return HubSpotClient(session, opts, sleep=lambda _: None)

    yield build
    for session in sessions:
        session.close()


def records(client: HubSpotClient) -> tuple[str, str, str, str]:
    """A contact, two companies and a deal; their ids."""
    person = client.upsert("contacts", "email", {"anna@tsv-urbach.de": {}}).objects[0].id
    firms = client.upsert(
        "companies",
        KEY,
        {"tsv urbach ev": {"name": "TSV Urbach e.V."}, "gs haubersbronn": {"name": "GS"}},
    )
    assert firms.failures == ()
    deal = {"dealname": "RE-1", "pipeline": "default", "dealstage": "closedwon"}
    order = client.upsert("deals", "rechnungsnummer", {"RE-1": deal}).objects[0].id
    first, second = (o.id for o in firms.objects)
    return person, first, second, order


@pytest.mark.parametrize("api_version", ["2026-09", "v3"])
def test_companies_by_key_read_and_search(
    portal: Emulator, connect: Connect, api_version: str
) -> None:
    client = connect(portal, api_version=api_version)
    written = client.upsert("companies", KEY, {"tsv urbach ev": {"name": "TSV Urbach e.V."}})
    assert written.failures == () and written.objects[0].new
    again = client.upsert("companies", KEY, {"tsv urbach ev": {"domain": "tsv-urbach.de"}})
    assert not again.objects[0].new and again.objects[0].id == written.objects[0].id
    found = client.read("companies", ["tsv urbach ev"], ["name", "domain"], id_property=KEY)
    assert found["tsv urbach ev"].properties["domain"] == "tsv-urbach.de"
    groups = [{"filters": [{"propertyName": "domain", "operator": "EQ", "value": "tsv-urbach.de"}]}]
    (hit,) = client.search("companies", groups, ["name"])
    assert hit.properties["name"] == "TSV Urbach e.V."
    assert client.properties("companies")[KEY].unique
    assert not client.properties("companies")["domain"].unique
    prefix = "/crm/v3/objects" if api_version == "v3" else "/crm/objects/2026-09"
    assert portal.log[0].path == f"{prefix}/companies/batch/upsert"


@pytest.mark.parametrize("api_version", ["2026-09", "v3"])
def test_typed_associations_round_trip(
    portal: Emulator, connect: Connect, api_version: str
) -> None:
    client = connect(portal, api_version=api_version)
    person, first, second, order = records(client)
    portal.reset_log()
    primary = client.associate_typed(
        "contacts",
        "companies",
        [(person, first), (person, first)],
        types.CONTACT_TO_PRIMARY_COMPANY,
    )
    assert primary == ()
    (call,) = portal.log
    family = "/crm/v4/associations" if api_version == "v3" else "/crm/associations/2026-09"
    assert call.path == f"{family}/contacts/companies/batch/create"
    assert call.body == {
        "inputs": [
            {
                "from": {"id": person},
                "to": {"id": first},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}],
            }
        ]
    }
    failures = client.associate_typed(
        "contacts", "companies", [(person, second), (person, "999")], types.CONTACT_TO_COMPANY
    )
    assert [f.key for f in failures] == [f"{person}->999"]
    assert failures[0].category == "OBJECT_NOT_FOUND"
    client.associate_typed("deals", "companies", [(order, first)], types.DEAL_TO_PRIMARY_COMPANY)

    linked = client.associations_typed("contacts", "companies", [person, "12345"])
    assert linked == {
        person: (
            TypedAssociation(first, frozenset({279, 1})),
            TypedAssociation(second, frozenset({279})),
        )
    }
    back = client.associations_typed("companies", "contacts", [first, second])
    assert {k: [a.type_ids for a in v] for k, v in back.items()} == {
        first: [frozenset({280, 2})],
        second: [frozenset({280})],
    }
    deals = client.associations_typed("companies", "deals", [first])
    assert deals == {first: (TypedAssociation(order, frozenset({342, 6})),)}
    assert client.associations("contacts", "companies", [person]) == {person: (first, second)}


def test_typed_create_is_repeated_after_a_lost_answer(portal: Emulator, connect: Connect) -> None:
    client = connect(portal)
    person, first, _, _ = records(client)
    portal.reset_log()
    portal.faults = FaultPlan(apply_then_drop_rate=0.5, seed=SEED_FIRST_DROPPED)
    failures = client.associate_typed(
        "contacts", "companies", [(person, first)], types.CONTACT_TO_PRIMARY_COMPANY
    )
    portal.faults = None
    assert failures == ()
    sent = [r for r in portal.log if r.path.endswith("/batch/create")]
    assert [r.dropped for r in sent][:2] == [True, False]  # applied, answer lost, sent again
    linked = client.associations_typed("contacts", "companies", [person])
    assert linked == {person: (TypedAssociation(first, frozenset({279, 1})),)}


def test_a_token_without_company_scopes_is_named(connect: Connect) -> None:
    scopes = frozenset(
        f"crm.objects.{t}.{a}" for t in ("contacts", "deals") for a in ("read", "write")
    )
    with Emulator(scopes=scopes) as emulator:
        client = connect(emulator)
        with pytest.raises(AuthError) as raised:
            client.upsert("companies", "name", {"x": {}})
        assert raised.value.missing_scopes == ("crm.objects.companies.write",)
        assert "crm.objects.companies.write" in str(raised.value)
        with pytest.raises(AuthError) as linking:
            client.associate_typed("contacts", "companies", [("1", "2")], types.CONTACT_TO_COMPANY)
        assert linking.value.missing_scopes == ("crm.objects.companies.write",)


def _first_dropped_seed() -> int:
    """A seed whose first write answer is lost and second is not (the plan's own dice)."""
    from hubsync.emulator.faults import Fault, FaultState

    for seed in range(100):
        state = FaultState(FaultPlan(apply_then_drop_rate=0.5, seed=seed))
        if [state.decide(True)[0] for _ in range(2)] == [Fault.APPLY_THEN_DROP, Fault.NONE]:
            return seed
    raise AssertionError("no seed found")


SEED_FIRST_DROPPED = _first_dropped_seed()
