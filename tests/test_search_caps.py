"""HubSpot's search caps: the emulator enforces them, the client and the stages stay inside.

Caps from "Search the CRM" (developers.hubspot.com/docs/api-reference/2026-03/crm/
search-the-crm, "Limitations"): 5 filter groups of 6 filters, 18 filters in all, 100 IN
values, 200 per page, 10,000 per query, 5 searches per second. Portals are seeded through
`emulator.store` (fast); runs go through the real client over HTTP with a fixed clock.
"""

from __future__ import annotations

import csv
import logging
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from portal import CUSTOMERS, JOURNAL, Portal

from hubsync.emulator import Emulator, Store
from hubsync.emulator.search import TokenReading, set_token_reading
from hubsync.hubspot import HubSpotClient
from hubsync.hubspot.client import search_batches
from hubsync.hubspot.models import ClientOptions
from hubsync.summary import ExitCode, RunSummary

SEARCH = "/crm/v3/objects/contacts/search"
ARRIVING = "10001"  # in the sample customer file, with an e-mail
ADOPTED = "RE-2025-0001"  # the deal that waited for ARRIVING


def eq(name: str, value: str) -> dict[str, Any]:
    return {"propertyName": name, "operator": "EQ", "value": value}


def group(*filters: dict[str, Any]) -> dict[str, Any]:
    return {"filters": list(filters)}


def post(http: requests.Session, emulator: Emulator, body: dict[str, Any]) -> requests.Response:
    return http.post(emulator.url + SEARCH, json=body, timeout=10)


def seed_contacts(store: Store, items: dict[str, dict[str, str]]) -> dict[str, str]:
    """Contacts straight into the store (email → properties); returns email → id."""
    ids: dict[str, str] = {}
    with store.lock:
        for email, props in items.items():
            oid = store.create("contacts")
            store.write("contacts", oid, {"email": email, **props})
            ids[email] = oid
    return ids


def seed_waiting_deals(store: Store, customers: dict[str, str]) -> None:
    """Deals waiting (`hubsync_offen`) for a customer: invoice number → customer number."""
    with store.lock:
        for number, customer in customers.items():
            oid = store.create("deals")
            store.write(
                "deals",
                oid,
                {
                    "dealname": number,
                    "rechnungsnummer": number,
                    "kundennummer": customer,
                    "hubsync_offen": "true",
                    "amount": "44",
                    "closedate": "2026-10-13T12:00:00Z",
                    "pipeline": "default",
                    "dealstage": "closedwon",
                },
            )


# --- the emulator's caps ---------------------------------------------------------------------


def test_emulator_refuses_what_hubspot_refuses(emulator: Emulator, http: requests.Session) -> None:
    many = [str(n) for n in range(101)]
    refused = {
        "6 groups": {"filterGroups": [group(eq("email", "a"))] * 6},
        "7 filters in a group": {"filterGroups": [group(*[eq("email", "a")] * 7)]},
        "20 filters in all": {"filterGroups": [group(*[eq("email", "a")] * 4)] * 5},
        "101 IN values": {
            "filterGroups": [group({"propertyName": "email", "operator": "IN", "values": many})]
        },
        "limit 201": {"filterGroups": [], "limit": 201},
        "a page ending past 10,000": {"filterGroups": [], "limit": 200, "after": "9900"},
    }
    for what, body in refused.items():
        answer = post(http, emulator, body)
        assert answer.status_code == 400, what
        assert answer.json()["category"] == "VALIDATION_ERROR", what
    allowed = {
        "5 groups, 18 filters": {
            "filterGroups": [group(*[eq("email", "a")] * 6)] * 2
            + [group(*[eq("email", "a")] * 2)] * 3
        },
        "100 IN values": {
            "filterGroups": [
                group({"propertyName": "email", "operator": "IN", "values": many[:100]})
            ]
        },
        "the last page before 10,000": {"filterGroups": [], "limit": 200, "after": "9800"},
    }
    for what, body in allowed.items():
        assert post(http, emulator, body).status_code == 200, what


def test_emulator_search_limit_per_second_and_per_ten_seconds() -> None:
    with Emulator(search_per_second=5) as emu, requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {emu.token}"
        started = time.monotonic()
        answers = [post(session, emu, {"filterGroups": []}) for _ in range(6)]
        assert [a.status_code for a in answers[:5]] == [200] * 5
        if time.monotonic() - started < 1.0:  # a machine this slow has no second limit to hit
            assert answers[5].status_code == 429
            assert answers[5].json() == {
                "status": "error",
                "message": "You have reached your secondly limit.",
                "errorType": "RATE_LIMIT",
                "policyName": "SECONDLY",
            }
    with Emulator(rate_limit=2) as emu, requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {emu.token}"
        answers = [post(session, emu, {"filterGroups": []}) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert "X-HubSpot-RateLimit-Max" not in answers[0].headers
        assert answers[2].json()["policyName"] == "TEN_SECONDLY_ROLLING"


@pytest.mark.parametrize(
    ("reading", "exact_hits"),
    [(TokenReading.SPLIT, 1), (TokenReading.WHOLE, 0)],
)
def test_contains_token_readings(
    emulator: Emulator, http: requests.Session, reading: TokenReading, exact_hits: int
) -> None:
    seed_contacts(emulator.store, {"koch@example.de": {"kundennummern": "10050;10061"}})
    set_token_reading(emulator.store, reading)

    def hits(value: str) -> int:
        flt = {"propertyName": "kundennummern", "operator": "CONTAINS_TOKEN", "value": value}
        answer = post(http, emulator, {"filterGroups": [group(flt)]})
        assert answer.status_code == 200
        total: int = answer.json()["total"]
        return total

    assert hits("10061") == exact_hits
    assert hits("*10061*") == 1  # the wildcard finds it under both readings


# --- the client ------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_search_batches_keep_every_request_within_the_caps() -> None:
    assert [len(b) for b in search_batches([group(eq("a", "1"))] * 12)] == [5, 5, 2]
    six = group(*[eq("a", "1")] * 6)
    assert [len(b) for b in search_batches([six] * 4)] == [3, 1]  # 18 filters per request
    with pytest.raises(ValueError, match="at most 6"):
        search_batches([group(*[eq("a", "1")] * 7)])
    values = {"propertyName": "a", "operator": "IN", "values": [str(n) for n in range(101)]}
    with pytest.raises(ValueError, match="at most 100"):
        search_batches([group(values)])


def test_search_pages_to_10000_and_no_further(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    seed_waiting_deals(emulator.store, {f"RE-{n:05d}": "9" for n in range(10_050)})
    clock = FakeClock()
    options = ClientOptions(base_url=emulator.url, token=emulator.token)
    with requests.Session() as session:
        client = HubSpotClient(session, options, sleep=clock.sleep, monotonic=clock.monotonic)
        page = client.first_page("deals", [group(eq("hubsync_offen", "true"))], ["dealname"])
        assert (len(page.objects), page.total, page.complete) == (200, 10_050, False)
        emulator.reset_log()
        with caplog.at_level(logging.WARNING):
            found = client.search("deals", [group(eq("hubsync_offen", "true"))], ["dealname"])
    assert len(found) == len({o.id for o in found}) == 10_000
    assert "only the first 10000 were read" in caplog.text
    assert [r.status for r in emulator.log] == [200] * 50
    first = emulator.log[0].body
    assert first["after"] == "0" and first["limit"] == 200
    assert first["sorts"] == [{"propertyName": "hs_object_id", "direction": "ASCENDING"}]
    assert clock.now >= 12.0  # 50 searches at ≤ 4 per second


def test_search_takes_the_ten_second_limiter_too(emulator: Emulator) -> None:
    clock = FakeClock()
    # rate_limit 2 less headroom leaves 1 call per 10 s: the search limiter alone would
    # let both searches through within a second.
    options = ClientOptions(base_url=emulator.url, token=emulator.token, rate_limit=2)
    with requests.Session() as session:
        client = HubSpotClient(session, options, sleep=clock.sleep, monotonic=clock.monotonic)
        client.search("contacts", [], ["email"])
        client.search("contacts", [], ["email"])
    assert clock.now >= 10.0


# --- runs into a portal with thousands of waiting deals ---------------------------------------


def customers_and_journal(tmp_path: Path, waiting: int) -> tuple[RunSummary, int, Emulator]:
    """One run of the sample customers and journal into a portal where `waiting` deals of
    unknown customers wait, besides one for ARRIVING; returns the summary and its calls."""
    with Emulator(with_hubsync_schema=True) as emulator:
        others = {f"RE-2024-{n:05d}": str(900_000 + n) for n in range(waiting)}
        seed_waiting_deals(emulator.store, {**others, ADOPTED: ARRIVING})
        # As many merged contacts: the alias lookup must not load them all either.
        seed_contacts(
            emulator.store,
            {
                f"merged{n}@example.org": {
                    "kundennummer": str(700_000 + n),
                    "kundennummern": f"{700_000 + n};{800_000 + n}",
                }
                for n in range(waiting)
            },
        )
        portal = Portal(emulator, tmp_path / f"data{waiting}")
        portal.drop(CUSTOMERS)
        portal.drop(JOURNAL)
        summary = portal.run()
        return summary, emulator.calls(), emulator


def test_calls_do_not_grow_with_waiting_deals(tmp_path: Path) -> None:
    # Where few wait, one search page reads them all; past that the calls follow the
    # customer file only: the same for 2,000 and for 10,050 waiting deals.
    few, few_calls, _ = customers_and_journal(tmp_path, 10)
    some, some_calls, _ = customers_and_journal(tmp_path, 2_000)
    many, many_calls, emulator = customers_and_journal(tmp_path, 10_050)
    for summary in (few, some, many):
        assert summary.exit_code in (ExitCode.OK, ExitCode.REJECTED), summary.fatal
    assert few_calls <= some_calls == many_calls
    assert many_calls - few_calls <= 3  # one more deal search, two more alias searches
    assert all(r.status < 400 for r in emulator.log)
    store = emulator.store
    deal = store.find("deals", "rechnungsnummer", ADOPTED)
    contact = store.find("contacts", "kundennummer", ARRIVING)
    assert deal is not None and contact is not None
    assert store.deals[deal]["hubsync_offen"] == "false"
    assert (deal, contact) in store.associations
    still = sum(
        1 for d in store.deals.values() if d.get("rechnungsnummer", "").startswith("RE-2024")
    )
    assert still == 10_050  # the others keep waiting, untouched


def test_a_rerun_adopts_what_a_killed_run_left_waiting(tmp_path: Path) -> None:
    # The contact exists already (an earlier run wrote it and was killed before adopting):
    # the customer file brings no new number, and the deal is adopted all the same.
    with Emulator(with_hubsync_schema=True) as emulator:
        portal = Portal(emulator, tmp_path)
        portal.drop(CUSTOMERS)
        portal.run()
        seed_waiting_deals(emulator.store, {ADOPTED: ARRIVING})
        portal.drop(CUSTOMERS)
        summary = portal.run()
        assert summary.exit_code in (ExitCode.OK, ExitCode.REJECTED), summary.fatal
        store = emulator.store
        deal = store.find("deals", "rechnungsnummer", ADOPTED)
        contact = store.find("contacts", "kundennummer", ARRIVING)
        assert deal is not None and contact is not None
        assert (deal, contact) in store.associations
        assert store.deals[deal]["hubsync_offen"] == "false"


def one_booking_journal(path: Path, number: str) -> Path:
    """The sample journal's header and the lines of invoice `number` only."""
    with JOURNAL.open(encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    start = next(i for i, row in enumerate(rows) if row[:1] == ["Rechnungsnr."])
    kept = [rows[start], *(row for row in rows[start + 1 :] if row[:1] == [number])]
    with path.open("w", encoding="cp1252", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(kept)
    return path


@pytest.mark.parametrize("reading", list(TokenReading))
def test_merged_number_found_under_both_tokenisations(
    tmp_path: Path, reading: TokenReading
) -> None:
    with Emulator(with_hubsync_schema=True) as emulator:
        set_token_reading(emulator.store, reading)
        ids = seed_contacts(
            emulator.store,
            {
                "koch@example.com": {"kundennummer": "10014", "kundennummern": "10014;10027"},
                # `*10027*` matches this one too; the exact check must drop it.
                "decoy@example.com": {"kundennummer": "7", "kundennummern": "7;100270"},
                # Enough merged contacts that paging them all costs more than asking.
                **{
                    f"m{n}@example.org": {
                        "kundennummer": f"5{n:05d}",
                        "kundennummern": f"5{n:05d};6{n:05d}",
                    }
                    for n in range(600)
                },
            },
        )
        portal = Portal(emulator, tmp_path)
        portal.drop(one_booking_journal(tmp_path / "journal_10027.csv", "RE-2026-0469"))
        summary = portal.run()  # the request log holds this run's calls only
        assert summary.exit_code in (ExitCode.OK, ExitCode.REJECTED), summary.fatal
        store = emulator.store
        deal = store.find("deals", "rechnungsnummer", "RE-2026-0469")
        assert deal is not None
        assert [c for d, c in store.associations if d == deal] == [ids["koch@example.com"]]
        assert store.deals[deal]["hubsync_offen"] == "false"
        searches = [r.body for r in emulator.log if r.path.endswith("/contacts/search")]
        probe, alias_search = searches  # a page of all merged contacts; too many: narrow
        assert probe["filterGroups"] == [
            {"filters": [{"propertyName": "kundennummern", "operator": "HAS_PROPERTY"}]}
        ]
        (flt,) = alias_search["filterGroups"][0]["filters"]
        assert flt == {
            "propertyName": "kundennummern",
            "operator": "CONTAINS_TOKEN",
            "value": "*10027*",
        }


def test_no_alias_search_without_merged_contacts_and_each_number_once(tmp_path: Path) -> None:
    # Two journal files of the same unknown customer in one run, into a portal where no
    # contact carries merged numbers: one probe, no CONTAINS_TOKEN search at all.
    with Emulator(with_hubsync_schema=True) as emulator:
        portal = Portal(emulator, tmp_path)
        portal.drop(one_booking_journal(tmp_path / "journal_a.csv", "RE-2026-0469"))
        portal.drop(one_booking_journal(tmp_path / "journal_b.csv", "RE-2026-0469"))
        summary = portal.run()  # the request log holds this run's calls only
        assert summary.exit_code in (ExitCode.OK, ExitCode.REJECTED), summary.fatal
        searches = [r.body for r in emulator.log if r.path.endswith("/contacts/search")]
        assert len(searches) == 1  # one page: every merged contact (none here)


def test_in_takes_lower_case_string_values_only(emulator: Emulator, http: requests.Session) -> None:
    # "When using the IN/NOT_IN operator with string properties, the searched values must
    # be lowercase" (HubSpot's search guide); the stored value's case does not matter.
    seed_contacts(emulator.store, {"a@b.de": {"kundennummer": "K-1001"}})

    def found(*values: str) -> int:
        flt = {"propertyName": "kundennummer", "operator": "IN", "values": list(values)}
        return int(post(http, emulator, {"filterGroups": [group(flt)]}).json()["total"])

    assert found("K-1001") == 0
    assert found("k-1001") == 1


def test_a_deal_waits_for_a_customer_number_with_capitals(tmp_path: Path) -> None:
    # Where paging all waiting deals costs more than searching for the file's numbers
    # (here 3 pages against 1 search), they are searched for with IN, which takes
    # lower-case values: "K-1001" must still find its deal.
    with Emulator(with_hubsync_schema=True) as emulator:
        others = {f"RE-2024-{n:05d}": str(900_000 + n) for n in range(450)}
        seed_waiting_deals(emulator.store, {**others, "RE-1": "K-1001"})
        portal = Portal(emulator, tmp_path)
        portal.write(
            "kunden_1.csv", "Kundennummer;Vorname;Name;E-Mail\r\nK-1001;Eva;Engel;eva@engel.de\r\n"
        )
        portal.run()
        snapshot = portal.snapshot()
    assert ("RE-1", "eva@engel.de") in snapshot["associations"]
    assert snapshot["deals"]["RE-1"]["hubsync_offen"] == "false"
