"""The client against the emulator: upsert results without the key echoed, batch read
bodies as the 2026-09 spec wants them, and `hs_additional_emails` refused per input.

HubSpot does not promise to echo the idProperty in an upsert result, marks
`propertiesWithHistory` required in `BatchReadInputSimplePublicObjectId`, and does not
document whether `hs_additional_emails` can be written through the objects API.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from portal import Portal

from hubsync.emulator import Emulator
from hubsync.errors import ConfigError
from hubsync.hubspot import ClientOptions, HubSpotClient
from hubsync.summary import ExitCode

DEAL = {"dealname": "Rechnung", "pipeline": "default", "dealstage": "closedwon"}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(with_hubsync_schema=True) as running:
        yield running


@pytest.fixture
def client(emulator: Emulator) -> Iterator[HubSpotClient]:
    with requests.Session() as session:
        yield HubSpotClient(session, ClientOptions(base_url=emulator.url, token=emulator.token))


def sent(emulator: Emulator, action: str) -> list[Any]:
    return [r.body for r in emulator.log if r.path.endswith(f"/batch/{action}")]


# --- upsert results ------------------------------------------------------------------------


@pytest.mark.parametrize("echo", [True, False])
def test_upsert_results_carry_the_key_whether_echoed_or_not(
    emulator: Emulator, client: HubSpotClient, echo: bool
) -> None:
    emulator.store.echo_id_property = echo
    client.upsert("deals", "rechnungsnummer", {"RE-1": DEAL})  # exists before the next write
    emulator.reset_log()
    items = {"RE-1": {"amount": "12.50"}, "RE-2": DEAL}
    result = client.upsert("deals", "rechnungsnummer", items)
    keyed = {o.properties.get("rechnungsnummer"): o for o in result.objects}
    assert set(keyed) == {"RE-1", "RE-2"}
    assert not keyed["RE-1"].new and keyed["RE-2"].new
    assert result.failures == ()
    (body,) = sent(emulator, "upsert")
    assert all(i["properties"]["rechnungsnummer"] == i["id"] for i in body["inputs"])
    # Echoed: nothing more. Not echoed: one batch read by record id fills the keys in.
    assert emulator.calls() == (1 if echo else 2)
    if not echo:
        (read,) = sent(emulator, "read")
        assert "idProperty" not in read
        assert sorted(i["id"] for i in read["inputs"]) == sorted(o.id for o in result.objects)


def test_email_upserts_are_keyed_by_the_lower_cased_address(
    emulator: Emulator, client: HubSpotClient
) -> None:
    emulator.store.echo_id_property = False
    result = client.upsert("contacts", "email", {"Anna@Example.DE": {"firstname": "Anna"}})
    (anna,) = result.objects
    assert anna.properties["email"] == "anna@example.de"


def test_whole_runs_without_echo_write_the_same_portal(tmp_path: Path) -> None:
    # The stages read `email` and the invoice number from upsert results: they must get
    # them whether or not HubSpot echoes the key.
    snapshots = []
    for echo in (True, False):
        with Emulator(with_hubsync_schema=True) as emulator:
            emulator.store.echo_id_property = echo
            portal = Portal(emulator, tmp_path / str(echo), retention_days=90)
            portal.drop_samples()
            summary = portal.run()
            assert summary.fatal is None
            assert summary.exit_code is not ExitCode.CONFIG
            snapshots.append((summary.exit_code, emulator.store.snapshot()))
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0][1]["deals"]) == 114


# --- batch read body -------------------------------------------------------------------


def test_batch_read_sends_properties_with_history_and_asks_for_the_key(
    emulator: Emulator, client: HubSpotClient
) -> None:
    client.upsert("contacts", "kundennummer", {"4711": {"email": "k@example.de"}})
    emulator.reset_log()
    found = client.read("contacts", ["4711"], ["firstname"], id_property="kundennummer")
    assert set(found) == {"4711"}
    (body,) = sent(emulator, "read")
    assert body["propertiesWithHistory"] == []
    assert body["properties"] == ["firstname", "kundennummer"]


# --- hs_additional_emails refused ------------------------------------------------------


def contacts_with_one_additional() -> dict[str, dict[str, str]]:
    items = {f"k{n}@example.de": {"firstname": f"K{n}"} for n in range(5)}
    items["k2@example.de"]["hs_additional_emails"] = "zweit@example.de"
    return items


@pytest.mark.parametrize("named", [True, False])
def test_refused_additional_emails_are_reported_and_the_rest_is_written(
    emulator: Emulator, client: HubSpotClient, named: bool
) -> None:
    emulator.store.refuse_writes("contacts", "hs_additional_emails")
    # Whether HubSpot names the input or only the property is undocumented: both.
    emulator.store.portal_errors_name_inputs = named
    result = client.upsert("contacts", "email", contacts_with_one_additional())
    assert len(result.objects) == 5
    assert len(emulator.store.contacts) == 5
    assert not any("hs_additional_emails" in p for p in emulator.store.contacts.values())
    (failure,) = result.failures
    assert failure.key == "k2@example.de" and failure.code == "READ_ONLY_VALUE"
    assert "zweit@example.de" in failure.message
    assert emulator.calls() == 2  # the refused batch, then the same inputs without it
    second = sent(emulator, "upsert")[1]
    assert all("hs_additional_emails" not in i["properties"] for i in second["inputs"])


def test_other_read_only_properties_still_stop_the_run(
    emulator: Emulator, client: HubSpotClient
) -> None:
    emulator.store.refuse_writes("contacts", "hs_additional_emails")
    items = contacts_with_one_additional()
    items["k3@example.de"]["total_revenue"] = "10"
    with pytest.raises(ConfigError, match="total_revenue"):
        client.upsert("contacts", "email", items)
