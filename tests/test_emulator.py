"""The HubSpot emulator, driven over real HTTP with plain requests."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests

from hubsync.emulator import Emulator, FaultPlan

V = "/crm/objects/2026-09"
CONTACTS = f"{V}/contacts"
DEALS = f"{V}/deals"
ASSOC = "/crm/associations/2026-09"


def post(http: requests.Session, emu: Emulator, path: str, body: Any) -> requests.Response:
    return http.post(emu.url + path, json=body, timeout=5)


def upsert(
    http: requests.Session, emu: Emulator, items: dict[str, dict[str, str]], by: str = "email"
) -> requests.Response:
    inputs = [{"idProperty": by, "id": k, "properties": p} for k, p in items.items()]
    return post(http, emu, f"{CONTACTS}/batch/upsert", {"inputs": inputs})


def make_deal(http: requests.Session, emu: Emulator, number: str, **props: str) -> str:
    properties = {"dealname": f"Rechnung {number}", "pipeline": "default", "dealstage": "closedwon"}
    properties.update(props)
    answer = post(
        http,
        emu,
        f"{DEALS}/batch/upsert",
        {"inputs": [{"idProperty": "rechnungsnummer", "id": number, "properties": properties}]},
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["results"][0]["id"])


# -- auth ----------------------------------------------------------------------------------
def test_missing_or_wrong_token_is_401(emulator: Emulator) -> None:
    with requests.Session() as session:
        answer = session.get(f"{emulator.url}/crm/properties/2026-09/contacts", timeout=5)
        assert answer.status_code == 401
        assert answer.json()["category"] == "INVALID_AUTHENTICATION"
        session.headers["Authorization"] = "Bearer wrong"
        assert session.get(f"{emulator.url}{CONTACTS}/1", timeout=5).status_code == 401
    assert [r.status for r in emulator.log] == [401, 401]


def test_missing_scope_is_403_naming_it() -> None:
    with (
        Emulator(token="t", scopes=frozenset({"crm.objects.contacts.read"})) as emu,
        requests.Session() as session,
    ):
        session.headers["Authorization"] = "Bearer t"
        answer = upsert(session, emu, {"a@example.de": {"firstname": "A"}})
        assert answer.status_code == 403
        body = answer.json()
        assert body["category"] == "MISSING_SCOPES"
        assert body["errors"][0]["context"]["requiredGranularScopes"] == [
            "crm.objects.contacts.write"
        ]
        read = post(session, emu, f"{CONTACTS}/batch/read", {"inputs": []})
        assert read.status_code == 200
        prop = {"name": "x", "label": "X", "type": "string", "fieldType": "text"}
        prop["groupName"] = "contactinformation"
        created = post(session, emu, "/crm/properties/2026-09/contacts", prop)
        assert created.status_code == 403
        assert emu.store.contacts == {}


# -- upsert and read -----------------------------------------------------------------------
def test_upsert_creates_then_updates(emulator: Emulator, http: requests.Session) -> None:
    first = upsert(http, emulator, {"Anna@Example.DE": {"firstname": "Anna"}})
    assert first.status_code == 200
    result = first.json()["results"][0]
    assert result["new"] is True
    # The idProperty was not in `properties`: not echoed (HubSpot does not promise it).
    assert "email" not in result["properties"]
    oid = result["id"]
    assert emulator.store.contacts[oid]["email"] == "anna@example.de"
    stamp = emulator.store.contacts[oid]["lastmodifieddate"]
    time.sleep(0.005)
    same = upsert(http, emulator, {"anna@example.de": {"firstname": "Anna"}})
    assert same.status_code == 200
    assert same.json()["results"][0] == {**same.json()["results"][0], "id": oid, "new": False}
    assert emulator.store.contacts[oid]["lastmodifieddate"] == stamp  # nothing changed
    changed = upsert(http, emulator, {"anna@example.de": {"lastname": "Berg"}})
    assert changed.json()["results"][0]["new"] is False
    assert emulator.store.contacts[oid]["lastmodifieddate"] != stamp
    assert emulator.store.snapshot()["contacts"] == {
        "anna@example.de": {"email": "anna@example.de", "firstname": "Anna", "lastname": "Berg"}
    }


def test_upsert_by_unique_property(emulator: Emulator, http: requests.Session) -> None:
    new = upsert(http, emulator, {"K-1": {"email": "k1@example.de"}}, by="kundennummer")
    assert new.json()["results"][0]["new"] is True
    again = upsert(http, emulator, {"K-1": {"firstname": "Karl"}}, by="kundennummer")
    assert again.json()["results"][0]["new"] is False
    assert emulator.store.find("contacts", "kundennummer", "K-1") == new.json()["results"][0]["id"]
    assert emulator.store.find("contacts", "email", "K1@example.de") is not None


def test_batch_read_by_email_unique_and_id(emulator: Emulator, http: requests.Session) -> None:
    created = upsert(http, emulator, {"a@example.de": {"kundennummer": "7", "firstname": "A"}})
    oid = created.json()["results"][0]["id"]
    by_email = post(
        http,
        emulator,
        f"{CONTACTS}/batch/read",
        {
            "idProperty": "email",
            "properties": ["firstname", "zip"],
            "inputs": [{"id": "A@example.de"}, {"id": "missing@example.de"}],
        },
    )
    assert by_email.status_code == 207
    body = by_email.json()
    assert [r["id"] for r in body["results"]] == [oid]
    props = body["results"][0]["properties"]
    assert props["firstname"] == "A" and props["zip"] is None and props["email"] == "a@example.de"
    assert body["errors"][0]["category"] == "OBJECT_NOT_FOUND"
    assert body["errors"][0]["context"]["ids"] == ["missing@example.de"]
    by_unique = post(
        http,
        emulator,
        f"{CONTACTS}/batch/read",
        {"idProperty": "kundennummer", "properties": [], "inputs": [{"id": "7"}]},
    )
    assert by_unique.status_code == 200
    assert by_unique.json()["results"][0]["properties"]["kundennummer"] == "7"
    by_id = post(http, emulator, f"{CONTACTS}/batch/read", {"inputs": [{"id": oid}]})
    assert by_id.status_code == 200 and by_id.json()["results"][0]["id"] == oid
    single = http.get(f"{emulator.url}{CONTACTS}/{oid}?properties=firstname", timeout=5)
    assert single.json()["properties"]["firstname"] == "A"
    assert http.get(f"{emulator.url}{CONTACTS}/999999", timeout=5).status_code == 404


def test_update_by_record_id(emulator: Emulator, http: requests.Session) -> None:
    oid = upsert(http, emulator, {"a@example.de": {}}).json()["results"][0]["id"]
    body = {"inputs": [{"id": oid, "properties": {"city": "Schorndorf"}}]}
    answer = post(http, emulator, f"{CONTACTS}/batch/update", body)
    assert answer.status_code == 200
    assert emulator.store.contacts[oid]["city"] == "Schorndorf"
    missing = post(http, emulator, f"{CONTACTS}/batch/update", {"inputs": [{"id": "5"}]})
    assert missing.status_code == 400


# -- batch rules ---------------------------------------------------------------------------
def test_duplicate_ids_and_oversized_batches_are_400(
    emulator: Emulator, http: requests.Session
) -> None:
    inputs: list[dict[str, Any]] = [
        {"idProperty": "email", "id": e, "properties": {}} for e in ("a@x.de", "A@x.de")
    ]
    dup = post(http, emulator, f"{CONTACTS}/batch/upsert", {"inputs": inputs})
    assert dup.status_code == 400
    assert "Duplicate IDs found in batch input" in dup.json()["message"]
    many: dict[str, dict[str, str]] = {f"u{i}@example.de": {} for i in range(101)}
    big = upsert(http, emulator, many)
    assert big.status_code == 400 and "limit of 100" in big.json()["message"]
    assert emulator.store.contacts == {}


@pytest.mark.parametrize(
    ("props", "code"),
    [
        ({"email": "not-an-email"}, "INVALID_EMAIL"),
        ({"email": "a@example"}, "INVALID_EMAIL"),
        ({"lieblingsfarbe": "blau"}, "PROPERTY_DOESNT_EXIST"),
        ({"num_associated_deals": "3"}, "READ_ONLY_VALUE"),
        ({"kunde_seit": "03.09.2026"}, "INVALID_DATE"),
        ({"kunde_seit": "1788443640000"}, "INVALID_DATE"),
        ({"buchungsumsatz_eur": "1.234,56"}, "INVALID_INTEGER"),
        ({"kontaktkategorie": "Unbekannt"}, "INVALID_OPTION"),
        ({"newsletter": "Ja"}, "INVALID_OPTION"),
    ],
)
def test_invalid_input_rejects_whole_batch(
    emulator: Emulator, http: requests.Session, props: dict[str, str], code: str
) -> None:
    items = {"good@example.de": {"firstname": "G"}, "bad@example.de": props}
    answer = upsert(http, emulator, items)
    assert answer.status_code == 400
    body = answer.json()
    assert body["category"] == "VALIDATION_ERROR"
    assert body["errors"][0]["code"] == code
    assert body["errors"][0]["context"]["id"] == ["bad@example.de"]
    assert emulator.store.contacts == {}


def test_valid_values_are_normalised(emulator: Emulator, http: requests.Session) -> None:
    props = {
        "kunde_seit": "1788393600000",
        "buchungsumsatz_eur": "-1234.50",
        "newsletter": "true",
        "date_of_birth": "1980-02-29",
    }
    answer = upsert(http, emulator, {"n@example.de": props})
    assert answer.status_code == 200, answer.text
    stored = emulator.store.snapshot()["contacts"]["n@example.de"]
    assert stored["kunde_seit"] == "2026-09-03"
    assert stored["buchungsumsatz_eur"] == "-1234.50"


def test_unique_conflict_is_409(emulator: Emulator, http: requests.Session) -> None:
    first = upsert(http, emulator, {"a@example.de": {"kundennummer": "100"}})
    holder = first.json()["results"][0]["id"]
    clash = upsert(http, emulator, {"b@example.de": {"kundennummer": "100"}, "c@example.de": {}})
    assert clash.status_code == 409
    body = clash.json()
    assert body["category"] == "CONFLICT"
    assert f"Existing ID: {holder}" in body["message"]
    assert body["errors"][0]["context"]["id"] == ["b@example.de"]
    assert len(emulator.store.contacts) == 1
    # upsert by kundennummer that would take an email another contact holds
    steal = upsert(http, emulator, {"200": {"email": "a@example.de"}}, by="kundennummer")
    assert steal.status_code == 409
    # two inputs of one batch claiming the same value
    twice = upsert(
        http,
        emulator,
        {"d@example.de": {"kundennummer": "9"}, "e@example.de": {"kundennummer": "9"}},
    )
    assert twice.status_code == 409
    assert len(emulator.store.contacts) == 1


def test_checkbox_replace_and_append(emulator: Emulator, http: requests.Session) -> None:
    emulator.store.add_property(
        "contacts", "anlagen", "enumeration", "checkbox", options=["A", "B", "C"]
    )
    upsert(http, emulator, {"a@example.de": {"anlagen": "A"}})
    upsert(http, emulator, {"a@example.de": {"anlagen": ";B"}})
    upsert(http, emulator, {"a@example.de": {"anlagen": ";A;C"}})
    assert emulator.store.snapshot()["contacts"]["a@example.de"]["anlagen"] == "A;B;C"
    upsert(http, emulator, {"a@example.de": {"anlagen": "C"}})
    assert emulator.store.snapshot()["contacts"]["a@example.de"]["anlagen"] == "C"


# -- deals ---------------------------------------------------------------------------------
def test_deal_rules(emulator: Emulator, http: requests.Session) -> None:
    make_deal(http, emulator, "R-1", amount="72.00", closedate="2026-09-03")
    deal = emulator.store.snapshot()["deals"]["R-1"]
    assert deal["closedate"] == "2026-09-03T00:00:00.000Z"
    inputs: list[dict[str, Any]] = [
        {"idProperty": "rechnungsnummer", "id": "R-2", "properties": {"dealname": "x"}}
    ]
    missing = post(http, emulator, f"{DEALS}/batch/upsert", {"inputs": inputs})
    assert missing.status_code == 400
    inputs[0]["properties"] = {"dealname": "x", "pipeline": "default", "dealstage": "nope"}
    bad_stage = post(http, emulator, f"{DEALS}/batch/upsert", {"inputs": inputs})
    assert bad_stage.status_code == 400
    inputs[0]["properties"] = {"dealname": "x", "pipeline": "default", "dealstage": "closedwon"}
    inputs[0]["properties"]["closedate"] = "1788443640000"
    assert post(http, emulator, f"{DEALS}/batch/upsert", {"inputs": inputs}).status_code == 200
    pipelines = http.get(f"{emulator.url}/crm/pipelines/2026-09/deals", timeout=5).json()
    assert "closedwon" in [s["id"] for s in pipelines["results"][0]["stages"]]


def test_associations_round_trip(emulator: Emulator, http: requests.Session) -> None:
    contact = upsert(http, emulator, {"a@example.de": {}}).json()["results"][0]["id"]
    deal = make_deal(http, emulator, "R-1")
    pair = {"from": {"id": deal}, "to": {"id": contact}}
    path = f"{ASSOC}/deals/contacts/batch/associate/default"
    answer = post(http, emulator, path, {"inputs": [pair, pair]})
    assert answer.status_code == 200
    assert answer.json()["results"][0]["associationSpec"]["associationTypeId"] == 3
    back = post(http, emulator, f"{ASSOC}/contacts/deals/batch/read", {"inputs": [{"id": contact}]})
    assert back.status_code == 200
    assert back.json()["results"][0]["to"][0]["toObjectId"] == int(deal)
    forth = post(
        http,
        emulator,
        "/crm/v4/associations/deals/contacts/batch/read",
        {"inputs": [{"id": deal}, {"id": "424242"}]},
    )
    assert forth.status_code == 207
    assert [r["from"]["id"] for r in forth.json()["results"]] == [deal]
    assert emulator.store.snapshot()["associations"] == [("R-1", "a@example.de")]
    bad = post(http, emulator, path, {"inputs": [{"from": {"id": deal}, "to": {"id": "1"}}]})
    assert bad.status_code == 207 and bad.json()["numErrors"] == 1


# -- search --------------------------------------------------------------------------------
def test_search_operators_and_paging(emulator: Emulator, http: requests.Session) -> None:
    items = {f"p{i}@example.de": {"kundennummern": f"{i}; {i + 100}"} for i in range(25)}
    upsert(http, emulator, items)
    path = f"{CONTACTS}/search"

    def search(filters: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        body = {"filterGroups": [{"filters": filters}], "properties": ["email"], **extra}
        answer = post(http, emulator, path, body)
        assert answer.status_code == 200, answer.text
        assert "X-HubSpot-RateLimit-Max" not in answer.headers
        result: dict[str, Any] = answer.json()
        return result

    found = search([{"propertyName": "email", "operator": "IN", "values": ["p3@example.de"]}])
    assert [r["properties"]["email"] for r in found["results"]] == ["p3@example.de"]
    token = search(
        [{"propertyName": "kundennummern", "operator": "CONTAINS_TOKEN", "value": "107"}]
    )
    assert token["total"] == 1 and token["results"][0]["properties"]["email"] == "p7@example.de"
    pages, after = [], None
    while True:
        extra = {"limit": 10, "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}]}
        if after:
            extra["after"] = after
        page = search([{"propertyName": "kundennummern", "operator": "HAS_PROPERTY"}], **extra)
        pages.append(len(page["results"]))
        after = page.get("paging", {}).get("next", {}).get("after")
        if not after:
            break
    assert pages == [10, 10, 5]
    none = search([{"propertyName": "city", "operator": "NOT_HAS_PROPERTY"}])
    assert none["total"] == 25
    too_big = post(http, emulator, path, {"filterGroups": [], "limit": 201})
    assert too_big.status_code == 400


# -- properties ----------------------------------------------------------------------------
def test_properties_and_groups(http: requests.Session) -> None:
    with Emulator() as emu:
        base = f"{emu.url}/crm/v3/properties/contacts"
        group = {"name": "hubsync", "label": "hubsync"}
        assert http.post(f"{base}/groups", json=group, timeout=5).status_code == 201
        assert http.post(f"{base}/groups", json=group, timeout=5).status_code == 409
        prop = {
            "name": "kundennummer",
            "label": "Kundennummer",
            "type": "string",
            "fieldType": "text",
            "groupName": "hubsync",
            "hasUniqueValue": True,
        }
        assert http.post(base, json=prop, timeout=5).status_code == 201
        assert http.post(base, json=prop, timeout=5).status_code == 409
        patch = {"options": [{"label": "X", "value": "x", "hidden": False}], "label": "Kd.-Nr."}
        assert http.patch(f"{base}/kundennummer", json=patch, timeout=5).status_code == 200
        listed = {p["name"]: p for p in http.get(base, timeout=5).json()["results"]}
        assert listed["kundennummer"]["hasUniqueValue"] is True
        assert listed["kundennummer"]["label"] == "Kd.-Nr."
        assert listed["num_associated_deals"]["modificationMetadata"]["readOnlyValue"] is True
        kinds = [r.kind for r in emu.log]
        assert kinds == ["write", "write", "write", "write", "write", "read"]
        assert emu.write_calls() == 5
        assert "kundennummer" in emu.store.unique_properties("contacts")


def test_v3_paths(emulator: Emulator, http: requests.Session) -> None:
    inputs = [{"idProperty": "email", "id": "v3@example.de", "properties": {}}]
    answer = http.post(
        f"{emulator.url}/crm/v3/objects/0-1/batch/upsert", json={"inputs": inputs}, timeout=5
    )
    assert answer.status_code == 200
    got = http.get(f"{emulator.url}/crm/v3/pipelines/deals", timeout=5)
    assert got.status_code == 200
    assert http.get(f"{emulator.url}/crm/v9/objects/contacts/1", timeout=5).status_code == 404


# -- limits and faults ---------------------------------------------------------------------
def test_rate_limit_429_body_and_headers() -> None:
    with Emulator(rate_limit=3) as emu, requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {emu.token}"
        answers = [post(session, emu, f"{CONTACTS}/batch/read", {"inputs": []}) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[0].headers["X-HubSpot-RateLimit-Max"] == "3"
        assert answers[1].headers["X-HubSpot-RateLimit-Remaining"] == "1"
        body = answers[3].json()
        assert body["policyName"] == "TEN_SECONDLY_ROLLING" and body["errorType"] == "RATE_LIMIT"
        assert "Retry-After" not in answers[3].headers


def test_daily_limit_and_bursts(emulator: Emulator, http: requests.Session) -> None:
    emulator.faults = FaultPlan(daily_limit=2)
    codes = [post(http, emulator, f"{CONTACTS}/batch/read", {"inputs": []}) for _ in range(3)]
    assert [c.status_code for c in codes] == [200, 200, 429]
    assert codes[2].json()["policyName"] == "DAILY"
    emulator.faults = FaultPlan(burst_429_every=3, burst_429_length=2)
    statuses = [
        post(http, emulator, f"{CONTACTS}/batch/read", {"inputs": []}).status_code for _ in range(6)
    ]
    assert statuses == [200, 200, 429, 429, 200, 429]


def test_fault_errors_and_drops(emulator: Emulator, http: requests.Session) -> None:
    emulator.faults = FaultPlan(error_rate=1.0, error_statuses=(503,))
    answer = upsert(http, emulator, {"a@example.de": {}})
    assert answer.status_code == 503 and answer.json()["status"] == "error"
    emulator.faults = FaultPlan(error_rate=1.0, error_statuses=(423,))
    assert upsert(http, emulator, {"a@example.de": {}}).status_code == 423
    emulator.faults = FaultPlan(drop_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        upsert(http, emulator, {"a@example.de": {}})
    assert emulator.store.contacts == {}
    emulator.faults = FaultPlan(apply_then_drop_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        upsert(http, emulator, {"a@example.de": {}})
    assert list(emulator.store.snapshot()["contacts"]) == ["a@example.de"]
    read = post(http, emulator, f"{CONTACTS}/batch/read", {"inputs": []})
    assert read.status_code == 200  # apply-then-drop only hits writes
    emulator.faults = None
    assert upsert(http, emulator, {"a@example.de": {}}).json()["results"][0]["new"] is False
    dropped = [r for r in emulator.log if r.dropped]
    assert [(r.status, r.kind) for r in dropped] == [(0, "write"), (200, "write")]


def test_requests_are_served_concurrently() -> None:
    with Emulator(latency=0.01) as emu:
        # Each request waits at the barrier until all five are in flight: a server that
        # answered one at a time would break the barrier (and the calls) after 60 s.
        barrier = threading.Barrier(5, timeout=60)
        emu.hold = barrier.wait

        def call() -> None:
            with requests.Session() as session:
                session.headers["Authorization"] = f"Bearer {emu.token}"
                post(session, emu, f"{CONTACTS}/batch/read", {"inputs": []})

        threads = [threading.Thread(target=call) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not barrier.broken
        assert [r.status for r in emu.log] == [200] * 5
        assert emu.calls() == 5
        emu.reset_log()
        assert emu.calls() == 0
