"""The emulator's companies and typed associations, driven over real HTTP with plain requests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from hubsync.emulator import Emulator
from hubsync.emulator.links import PrimaryRule

V = "/crm/objects/2026-09"
COMPANIES = f"{V}/companies"
ASSOC = "/crm/associations/2026-09"
KEY = "firmen_schluessel"  # a unique company key, as `setup` will create one


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(with_hubsync_schema=True) as emu:
        emu.store.add_property("companies", KEY, unique=True)
        yield emu


def post(http: requests.Session, emu: Emulator, path: str, body: Any) -> requests.Response:
    return http.post(emu.url + path, json=body, timeout=5)


def upsert_companies(
    http: requests.Session, emu: Emulator, items: dict[str, dict[str, str]], by: str = KEY
) -> requests.Response:
    inputs = [{"idProperty": by, "id": k, "properties": p} for k, p in items.items()]
    return post(http, emu, f"{COMPANIES}/batch/upsert", {"inputs": inputs})


def company(http: requests.Session, emu: Emulator, key: str, **props: str) -> str:
    answer = upsert_companies(http, emu, {key: {"name": key.upper(), **props}})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["results"][0]["id"])


def contact(http: requests.Session, emu: Emulator, email: str) -> str:
    inputs = [{"idProperty": "email", "id": email, "properties": {}}]
    answer = post(http, emu, f"{V}/contacts/batch/upsert", {"inputs": inputs})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["results"][0]["id"])


def deal(http: requests.Session, emu: Emulator, number: str) -> str:
    props = {"dealname": number, "pipeline": "default", "dealstage": "closedwon"}
    inputs = [{"idProperty": "rechnungsnummer", "id": number, "properties": props}]
    answer = post(http, emu, f"{V}/deals/batch/upsert", {"inputs": inputs})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["results"][0]["id"])


def create_links(
    http: requests.Session, emu: Emulator, kinds: str, pairs: list[tuple[str, str]], *ids: int
) -> requests.Response:
    types = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": i} for i in ids]
    inputs = [{"from": {"id": a}, "to": {"id": b}, "types": types} for a, b in pairs]
    return post(http, emu, f"{ASSOC}/{kinds}/batch/create", {"inputs": inputs})


def types_of(http: requests.Session, emu: Emulator, kinds: str, oid: str) -> dict[str, set[int]]:
    answer = post(http, emu, f"{ASSOC}/{kinds}/batch/read", {"inputs": [{"id": oid}]})
    if answer.status_code == 207 and not answer.json()["results"]:
        return {}
    assert answer.status_code == 200, answer.text
    (result,) = answer.json()["results"]
    return {
        str(t["toObjectId"]): {a["typeId"] for a in t["associationTypes"]} for t in result["to"]
    }


# -- companies ------------------------------------------------------------------------------
def test_companies_upsert_read_update_search(emulator: Emulator, http: requests.Session) -> None:
    first = upsert_companies(http, emulator, {"tsv urbach ev": {"name": "TSV Urbach e.V."}})
    assert first.status_code == 200 and first.json()["results"][0]["new"] is True
    oid = first.json()["results"][0]["id"]
    again = upsert_companies(http, emulator, {"tsv urbach ev": {"city": "Urbach"}})
    assert (again.json()["results"][0]["id"], again.json()["results"][0]["new"]) == (oid, False)
    read = post(http, emulator, f"{COMPANIES}/batch/read", {"inputs": [{"id": oid}]})
    shown = read.json()["results"][0]["properties"]
    assert shown["name"] == "TSV Urbach e.V." and "domain" in shown  # HubSpot's defaults
    update = {"inputs": [{"id": oid, "properties": {"domain": "tsv-urbach.de", "phone": "07181"}}]}
    assert post(http, emulator, f"{COMPANIES}/batch/update", update).status_code == 200
    got = http.get(f"{emulator.url}/crm/v3/objects/companies/{oid}?properties=domain", timeout=5)
    assert got.json()["properties"]["domain"] == "tsv-urbach.de"
    flt = {"propertyName": "domain", "operator": "EQ", "value": "tsv-urbach.de"}
    found = post(http, emulator, f"{COMPANIES}/search", {"filterGroups": [{"filters": [flt]}]})
    assert [r["id"] for r in found.json()["results"]] == [oid]
    created = post(http, emulator, f"{COMPANIES}/batch/create", {"inputs": [{"properties": {}}]})
    assert created.status_code == 201
    assert len(emulator.store.companies) == 2


def test_domain_is_not_unique_and_the_key_is(emulator: Emulator, http: requests.Session) -> None:
    by_domain = upsert_companies(http, emulator, {"example.de": {"name": "X"}}, by="domain")
    assert by_domain.status_code == 400
    assert "non-unique 0-2 property domain" in by_domain.json()["message"]
    company(http, emulator, "maier", domain="maier.de")
    company(http, emulator, "mayer", domain="maier.de")  # two companies may share a domain
    clash = upsert_companies(http, emulator, {"neu": {KEY: "maier"}}, by="name")
    assert clash.status_code == 400  # name is no key either
    taken = post(
        http,
        emulator,
        f"{COMPANIES}/batch/create",
        {"inputs": [{"properties": {"name": "Maier 2", KEY: "maier"}}]},
    )
    assert taken.status_code == 409 and taken.json()["category"] == "CONFLICT"
    assert len(emulator.store.companies) == 2


def test_company_defaults_and_read_only_figures(emulator: Emulator, http: requests.Session) -> None:
    listed = http.get(f"{emulator.url}/crm/properties/2026-09/companies", timeout=5).json()
    names = {p["name"]: p for p in listed["results"]}
    assert {"name", "domain", "city", "phone", "address", "zip", "country"} <= names.keys()
    assert names["domain"]["hasUniqueValue"] is False and names[KEY]["hasUniqueValue"] is True
    assert names["name"]["groupName"] == "companyinformation"
    refused = upsert_companies(http, emulator, {"a": {"num_associated_contacts": "3"}})
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "READ_ONLY_VALUE"


def test_company_calls_need_company_scopes() -> None:
    scopes = frozenset({"crm.objects.contacts.read", "crm.objects.contacts.write"})
    with Emulator(token="t", scopes=scopes) as emu, requests.Session() as session:
        session.headers["Authorization"] = "Bearer t"
        answer = post(session, emu, f"{COMPANIES}/batch/create", {"inputs": []})
        assert answer.status_code == 403
        context = answer.json()["errors"][0]["context"]
        assert context["requiredGranularScopes"] == ["crm.objects.companies.write"]


# -- typed associations ---------------------------------------------------------------------
def test_types_read_back_in_both_directions(emulator: Emulator, http: requests.Session) -> None:
    person, firm = contact(http, emulator, "a@tsv.de"), company(http, emulator, "tsv")
    order = deal(http, emulator, "RE-1")
    made = create_links(http, emulator, "contacts/companies", [(person, firm)], 1)
    assert made.status_code == 200, made.text
    (result,) = made.json()["results"]
    assert (result["fromObjectId"], result["toObjectId"]) == (person, firm)
    assert (result["fromObjectTypeId"], result["toObjectTypeId"]) == ("0-1", "0-2")
    assert types_of(http, emulator, "contacts/companies", person) == {firm: {279, 1}}
    assert types_of(http, emulator, "companies/contacts", firm) == {person: {280, 2}}
    create_links(http, emulator, "companies/deals", [(firm, order)], 342)
    assert types_of(http, emulator, "deals/companies", order) == {firm: {341}}
    create_links(http, emulator, "deals/companies", [(order, firm)], 5)
    assert types_of(http, emulator, "companies/deals", firm) == {order: {342, 6}}
    assert types_of(http, emulator, "contacts/deals", person) == {}
    read = post(
        http, emulator, f"{ASSOC}/contacts/companies/batch/read", {"inputs": [{"id": person}]}
    )
    labels = {
        a["typeId"]: a["label"] for a in read.json()["results"][0]["to"][0]["associationTypes"]
    }
    assert labels[279] is None and labels[1]  # unlabeled has no label; only ids are reliable


def test_create_is_idempotent(emulator: Emulator, http: requests.Session) -> None:
    person, firm = contact(http, emulator, "a@tsv.de"), company(http, emulator, "tsv")
    first = create_links(http, emulator, "contacts/companies", [(person, firm)], 279)
    before = emulator.store.snapshot()
    second = create_links(
        http, emulator, "contacts/companies", [(person, firm), (person, firm)], 279
    )
    assert first.status_code == second.status_code == 200
    assert emulator.store.snapshot() == before
    assert before["company_associations"] == [("contacts", "a@tsv.de", "TSV", False)]


@pytest.mark.parametrize("rule", list(PrimaryRule))
def test_one_primary_company_per_record(
    emulator: Emulator, http: requests.Session, rule: PrimaryRule
) -> None:
    emulator.store.links.primary_rule = rule
    person = contact(http, emulator, "a@tsv.de")
    old, new = company(http, emulator, "old"), company(http, emulator, "new")
    assert create_links(http, emulator, "contacts/companies", [(person, old)], 1).status_code == 200
    again = create_links(http, emulator, "contacts/companies", [(person, old)], 1)
    assert again.status_code == 200  # the primary it already is: no change, no error
    second = create_links(http, emulator, "companies/contacts", [(new, person)], 2)
    found = types_of(http, emulator, "contacts/companies", person)
    if rule is PrimaryRule.MOVE:
        assert second.status_code == 200
        assert found == {old: {279}, new: {279, 1}}
    else:
        assert second.status_code == 207
        assert second.json()["errors"][0]["category"] == "VALIDATION_ERROR"
        assert found == {old: {279, 1}}


def test_refused_inputs_are_listed_the_rest_applied(
    emulator: Emulator, http: requests.Session
) -> None:
    person, firm = contact(http, emulator, "a@tsv.de"), company(http, emulator, "tsv")
    order = deal(http, emulator, "RE-1")
    mixed = create_links(http, emulator, "contacts/companies", [(person, firm), ("999", firm)], 279)
    assert mixed.status_code == 207
    assert [e["category"] for e in mixed.json()["errors"]] == ["OBJECT_NOT_FOUND"]
    assert len(mixed.json()["results"]) == 1
    wrong = create_links(http, emulator, "deals/companies", [(order, firm)], 279)  # not 341
    assert wrong.status_code == 207 and wrong.json()["errors"][0]["category"] == "VALIDATION_ERROR"
    assert types_of(http, emulator, "deals/companies", order) == {}
    no_types = post(
        http,
        emulator,
        f"{ASSOC}/deals/companies/batch/create",
        {"inputs": [{"from": {"id": order}, "to": {"id": firm}}]},
    )
    assert no_types.status_code == 400


@pytest.mark.parametrize("primary_when_none", [False, True])
def test_default_association_of_contact_and_company(
    emulator: Emulator, http: requests.Session, primary_when_none: bool
) -> None:
    emulator.store.default_primary = primary_when_none
    person = contact(http, emulator, "a@tsv.de")
    first, second = company(http, emulator, "one"), company(http, emulator, "two")
    pairs = [{"from": {"id": person}, "to": {"id": c}} for c in (first, second)]
    path = f"{ASSOC}/contacts/companies/batch/associate/default"
    answer = post(http, emulator, path, {"inputs": pairs})
    assert answer.status_code == 200
    specs = [r["associationSpec"]["associationTypeId"] for r in answer.json()["results"]]
    found = types_of(http, emulator, "contacts/companies", person)
    if primary_when_none:
        assert specs == [279, 1, 279] and found == {first: {279, 1}, second: {279}}
    else:
        assert specs == [279, 279] and found == {first: {279}, second: {279}}


def test_archive_removes_links(emulator: Emulator, http: requests.Session) -> None:
    person, firm = contact(http, emulator, "a@tsv.de"), company(http, emulator, "tsv")
    create_links(http, emulator, "contacts/companies", [(person, firm)], 1)
    body = {"inputs": [{"from": {"id": firm}, "to": [{"id": person}, {"id": "999"}]}]}
    answer = post(http, emulator, "/crm/v4/associations/companies/contacts/batch/archive", body)
    assert answer.status_code == 200 and answer.json()["status"] == "COMPLETE"
    assert types_of(http, emulator, "contacts/companies", person) == {}
    assert emulator.store.links.primary_of("contacts", person) is None


def test_deal_contact_links_keep_their_old_view(emulator: Emulator, http: requests.Session) -> None:
    person, order = contact(http, emulator, "a@tsv.de"), deal(http, emulator, "RE-1")
    create_links(http, emulator, "contacts/deals", [(person, order)], 4)
    assert emulator.store.associations == {(order, person)}
    assert types_of(http, emulator, "deals/contacts", order) == {person: {3}}
    assert emulator.store.snapshot()["associations"] == [("RE-1", "a@tsv.de")]


def test_create_with_typed_associations(emulator: Emulator, http: requests.Session) -> None:
    firm = company(http, emulator, "tsv")
    spec = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]
    inputs = [
        {"properties": {"email": "b@tsv.de"}, "associations": [{"to": {"id": firm}, "types": spec}]}
    ]
    answer = post(http, emulator, f"{V}/contacts/batch/create", {"inputs": inputs})
    assert answer.status_code == 201, answer.text
    person = answer.json()["results"][0]["id"]
    assert types_of(http, emulator, "contacts/companies", person) == {firm: {279, 1}}


# -- snapshot and HubSpot's own automation ----------------------------------------------------
def test_snapshot_lists_companies_and_their_links(
    emulator: Emulator, http: requests.Session
) -> None:
    person, order = contact(http, emulator, "a@tsv.de"), deal(http, emulator, "RE-1")
    first = company(http, emulator, "tsv", city="Urbach")
    second = post(
        http, emulator, f"{COMPANIES}/batch/create", {"inputs": [{"properties": {"name": "TSV"}}]}
    )
    twin = second.json()["results"][0]["id"]
    create_links(http, emulator, "contacts/companies", [(person, first)], 1)
    create_links(http, emulator, "deals/companies", [(order, twin)], 341)
    snapshot = emulator.store.snapshot()
    assert snapshot["companies"]["TSV"] == {"name": "TSV", KEY: "tsv", "city": "Urbach"}
    assert snapshot["companies"]["TSV [2]"] == {"name": "TSV"}
    assert snapshot["company_associations"] == [
        ("contacts", "a@tsv.de", "TSV", True),
        ("deals", "RE-1", "TSV [2]", False),
    ]
    assert snapshot["associations"] == []


def test_auto_association_by_email_domain(emulator: Emulator, http: requests.Session) -> None:
    contact(http, emulator, "off@baeckerei-maier.de")
    assert emulator.store.companies == {}  # off unless a test switches it on
    emulator.store.auto_companies = True
    firm = company(http, emulator, "maier", domain="baeckerei-maier.de")
    early = emulator.store.find("contacts", "email", "off@baeckerei-maier.de")
    assert emulator.store.links.primary_of("contacts", str(early)) == firm
    person = contact(http, emulator, "anna@Baeckerei-Maier.de")
    assert types_of(http, emulator, "contacts/companies", person) == {firm: {279, 1}}
    contact(http, emulator, "anna@gmx.de")  # free mail: no company
    stranger = contact(http, emulator, "bo@sanitaer-koch.de")  # HubSpot creates the company
    (made,) = types_of(http, emulator, "contacts/companies", stranger)
    assert emulator.store.companies[made]["domain"] == "sanitaer-koch.de"
    assert len(emulator.store.companies) == 2
