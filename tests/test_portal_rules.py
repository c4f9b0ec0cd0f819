"""A portal whose admin rules or schema no mapping can satisfy: the run stops, exit 2.

From API version 2026-09 HubSpot enforces an admin's validation rules on API writes
(changelog "CRM API Write Validation Enforcement Starting with the 2026-09 API Version"),
and it reads and upserts only by unique-value properties. Both are the same for every
record, so hubsync must stop with a configuration error within a few calls, leave the
file in the inbox and say what to change, instead of bisecting every batch down to
single records and rejecting every row. Whole runs with the real client over real HTTP
against the emulator.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from portal import Portal
from test_hubspot_client import (
    TOKEN,
    Answer,
    Harness,
    Recorder,
    RecordingSession,
    ScriptedServer,
    Seen,
    error_body,
    items_for,
    ok_batch,
)

from hubsync.emulator import Emulator
from hubsync.errors import ConfigError
from hubsync.hubspot import ClientOptions, HubSpotClient
from hubsync.run.demo import sample_files
from hubsync.summary import ExitCode, RunSummary

CUSTOMERS, JOURNAL = sample_files()
FACILITY = "McArena Schorndorf"
CALL_BUDGET = 40  # acceptance: the sample journal stops within this many calls


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(with_hubsync_schema=True) as running:
        yield running


def run_with(
    emulator: Emulator, data_dir: Path, *sources: Path, mapping: str | None = None
) -> RunSummary:
    """One cron run over copies of `sources` (the first dropped is the oldest); the
    emulator's log then holds only its calls."""
    portal = Portal(emulator, data_dir, retention_days=90)
    if mapping is not None:
        (data_dir / "mapping.toml").write_text(mapping, encoding="utf-8")
        portal = Portal(
            emulator, data_dir, retention_days=90, mapping_file=data_dir / "mapping.toml"
        )
    for source in sources:
        portal.drop(source)
    return portal.run()


def assert_stopped(summary: RunSummary, data_dir: Path, *needles: str) -> None:
    """Exit 2, the journal untouched in the inbox, the fatal message naming `needles`."""
    assert summary.exit_code is ExitCode.CONFIG, summary.fatal
    assert (data_dir / "inbox" / JOURNAL.name).exists()
    assert not any((data_dir / "errorprocessed").glob(f"*{JOURNAL.name}*"))
    assert summary.fatal is not None
    for needle in needles:
        assert needle in summary.fatal


# --- admin rules (API 2026-09) ---------------------------------------------------------


def test_create_required_rule_on_deals_stops_the_run_within_the_budget(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.store.require_on_create("deals", "dealtype")
    summary = run_with(emulator, tmp_path, JOURNAL)
    assert_stopped(summary, tmp_path, "dealtype", "[deals.constants]", "required")
    assert emulator.calls() <= CALL_BUDGET
    assert summary.hubspot_calls == emulator.calls()
    assert emulator.store.deals == {}


def test_customers_are_written_then_the_journal_waits(emulator: Emulator, tmp_path: Path) -> None:
    emulator.store.require_on_create("deals", "dealtype")
    summary = run_with(emulator, tmp_path, CUSTOMERS, JOURNAL)
    assert_stopped(summary, tmp_path, "dealtype")
    assert emulator.calls() <= CALL_BUDGET
    assert emulator.store.contacts  # the customers file went through before the stop
    assert not (tmp_path / "inbox" / CUSTOMERS.name).exists()


@pytest.mark.parametrize("stage", ["closedwon", "closedlost"])
def test_conditional_rule_stops_the_run(emulator: Emulator, tmp_path: Path, stage: str) -> None:
    # closedwon: nearly every deal of the journal; closedlost: only the two cancelled ones.
    emulator.store.require_when("deals", "closed_lost_reason", "dealstage", stage)
    emulator.store.add_property("deals", "closed_lost_reason", "string", "textarea")
    summary = run_with(emulator, tmp_path, JOURNAL)
    assert_stopped(summary, tmp_path, "closed_lost_reason", f"dealstage is {stage}")
    assert emulator.calls() <= CALL_BUDGET


def test_rule_errors_naming_each_input_stop_the_run_too(emulator: Emulator, tmp_path: Path) -> None:
    # Whether HubSpot names the inputs (errors[].context.id) is undocumented: both readings.
    emulator.store.portal_errors_name_inputs = True
    emulator.store.require_on_create("deals", "dealtype")
    summary = run_with(emulator, tmp_path, JOURNAL)
    assert_stopped(summary, tmp_path, "dealtype")
    assert emulator.calls() <= CALL_BUDGET


def test_a_rule_met_by_the_mapping_lets_the_journal_through(
    emulator: Emulator, tmp_path: Path
) -> None:
    # dealname is always sent: a rule on it is no reason to stop.
    emulator.store.require_on_create("deals", "dealname")
    summary = run_with(emulator, tmp_path, JOURNAL)
    assert summary.fatal is None
    assert len(emulator.store.deals) == 114


def test_the_way_out_named_in_the_message_lets_the_journal_through(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.store.require_on_create("deals", "dealtype")
    constants = '[deals.constants]\ndealtype = "existingbusiness"\n'
    summary = run_with(emulator, tmp_path, JOURNAL, mapping=constants)
    assert summary.fatal is None
    assert len(emulator.store.deals) == 114
    assert {d["dealtype"] for d in emulator.store.deals.values()} == {"existingbusiness"}


# --- recognising a rule when HubSpot's answer says little (scripted HubSpot) -------------


@pytest.fixture
def scripted() -> Iterator[Harness]:
    """A client against the scripted HubSpot of test_hubspot_client (no waiting)."""
    server, clock = ScriptedServer(), Recorder()
    server.thread.start()
    with RecordingSession() as session:
        options = ClientOptions(base_url=server.url, token=TOKEN)
        client = HubSpotClient(session, options, sleep=clock.sleep, monotonic=clock.monotonic)
        yield Harness(client, clock, session, server)
    server.httpd.shutdown()
    server.httpd.server_close()
    server.thread.join()


def test_same_anonymous_failure_in_every_quarter_stops_after_seven_calls(
    scripted: Harness,
) -> None:
    # No code, no property, no input named, no "required": only the sameness tells.
    h = scripted
    body = error_body("VALIDATION_ERROR", "Validation rule 'Won deals need a type' failed")
    h.server.responder = lambda seen: Answer(400, body)
    with pytest.raises(ConfigError, match="Won deals need a type") as caught:
        h.client.upsert("deals", "rechnungsnummer", {f"RE-{n}": {} for n in range(100)})
    assert "[deals.constants]" in str(caught.value)
    assert len(h.server.seen) == 7  # the batch, its two halves and four quarters


def test_a_requirement_some_inputs_meet_is_a_record_problem(
    scripted: Harness,
) -> None:
    # Two inputs lack a property the others carry: their rows are at fault, not the portal.
    h = scripted
    items = {f"RE-{n}": {"dealtype": "newbusiness"} for n in range(100)}
    items["RE-7"] = items["RE-70"] = {}

    def answer(seen: Seen) -> Answer:
        bad = [i["id"] for i in seen.body["inputs"] if "dealtype" not in i["properties"]]
        if not bad:
            return ok_batch(seen)
        entry = {
            "message": "Some required properties for DEAL creates are missing: [dealtype]",
            "code": "REQUIRED_PROPERTY",
            "context": {"propertyName": ["dealtype"]},
        }
        return Answer(400, error_body("VALIDATION_ERROR", "invalid", errors=[entry] * len(bad)))

    h.server.responder = answer
    result = h.client.upsert("deals", "rechnungsnummer", items)
    assert sorted(f.key for f in result.failures) == ["RE-7", "RE-70"]
    assert len(result.objects) == 98


def test_value_errors_in_both_halves_are_still_bisected(scripted: Harness) -> None:
    h = scripted
    entry = {"message": "x is not a valid option", "code": "INVALID_OPTION"}
    h.server.responder = lambda seen: Answer(
        400, error_body("VALIDATION_ERROR", "Property values were not valid", errors=[entry])
    )
    result = h.client.upsert("contacts", "email", items_for(4))
    assert len(result.failures) == 4 and len(h.server.seen) == 7


# --- a key property without hasUniqueValue ----------------------------------------------


def plain_invoice_number(emulator: Emulator) -> None:
    """The portal's rechnungsnummer came from a manual import: not unique-valued."""
    emulator.store.add_property("deals", "rechnungsnummer", "string", "text", group="hubsync")


@pytest.mark.parametrize("action", ["read", "upsert"])
def test_non_unique_key_in_the_emulator_is_hubspots_400(emulator: Emulator, action: str) -> None:
    plain_invoice_number(emulator)
    body = {
        "idProperty": "rechnungsnummer",
        "properties": [],
        "propertiesWithHistory": [],
        "inputs": [{"id": "RE-1"}],
    }
    if action == "upsert":
        body = {"inputs": [{"idProperty": "rechnungsnummer", "id": "RE-1", "properties": {}}]}
    with requests.Session() as http:
        answer = http.post(
            f"{emulator.url}/crm/objects/2026-09/deals/batch/{action}",
            json=body,
            headers={"Authorization": f"Bearer {emulator.token}"},
            timeout=5,
        )
    assert answer.status_code == 400
    assert answer.json()["category"] == "VALIDATION_ERROR"
    assert answer.json()["message"].startswith(
        "Unable to perform update/upsert by non-unique 0-3 property rechnungsnummer"
    )


def test_non_unique_key_on_read_is_a_config_error(emulator: Emulator) -> None:
    plain_invoice_number(emulator)
    with requests.Session() as session:
        client = HubSpotClient(session, ClientOptions(base_url=emulator.url, token=emulator.token))
        with pytest.raises(ConfigError, match="rechnungsnummer is not unique-valued"):
            client.read("deals", ["RE-1"], ["dealname"], id_property="rechnungsnummer")
    assert emulator.calls() == 1


@pytest.mark.parametrize("object_type", ["contacts", "deals"])
def test_non_unique_key_on_upsert_is_a_config_error_naming_the_fix(
    emulator: Emulator, object_type: str
) -> None:
    name = "kundennummer" if object_type == "contacts" else "rechnungsnummer"
    emulator.store.add_property(object_type, name, "string", "text", group="hubsync")
    with requests.Session() as session:
        client = HubSpotClient(session, ClientOptions(base_url=emulator.url, token=emulator.token))
        label = "firstname" if object_type == "contacts" else "dealname"
        items = {f"N-{n}": {label: f"N{n}"} for n in range(150)}
        with pytest.raises(ConfigError) as caught:
            client.upsert(object_type, name, items)
    text = str(caught.value)
    assert f"the property {name} is not unique-valued in HubSpot" in text
    assert "hubsync setup" in text
    setting = (
        "HUBSYNC_CUSTOMER_NUMBER_PROPERTY"
        if object_type == "contacts"
        else "HUBSYNC_INVOICE_NUMBER_PROPERTY"
    )
    assert setting in text
    assert emulator.calls() <= 2  # one per chunk at most, never a bisection


def test_non_unique_key_stops_a_whole_run(emulator: Emulator, tmp_path: Path) -> None:
    plain_invoice_number(emulator)
    summary = run_with(emulator, tmp_path, JOURNAL)
    # The pre-flight schema check (another module) or the client's translation: either
    # way a configuration error naming the property, never a retry-forever exit 75.
    assert_stopped(summary, tmp_path, "rechnungsnummer")
    assert emulator.calls() <= CALL_BUDGET
