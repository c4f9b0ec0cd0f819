"""Newsletter consent without the batch scopes (no Marketing Hub Enterprise): one call per address.

The token has `communication_preferences.read_write` and the CRM scopes, but neither
`communication_preferences.statuses.batch.read` nor `.write`. The first batch read answers
403 naming the batch scope; the client then reads and sets statuses one address a call.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from portal import Portal
from test_consent import consent, export, portal, state

from hubsync.consent.options import MARKER
from hubsync.emulator import Emulator
from hubsync.emulator.server import ALL_SCOPES
from hubsync.emulator.subscriptions import NEWSLETTER_ID
from hubsync.hubspot import ClientOptions, HubSpotClient
from hubsync.hubspot.subscriptions import BATCH, SINGLE
from hubsync.summary import ConsentCounts, ExitCode

SUBSCRIBED, UNSUBSCRIBED, NOT_SPECIFIED = "SUBSCRIBED", "UNSUBSCRIBED", "NOT_SPECIFIED"
PREFERENCES = "/communication-preferences/2026-09"
BELOW_ENTERPRISE = ALL_SCOPES - {
    "communication_preferences.statuses.batch.read",
    "communication_preferences.statuses.batch.write",
    "communication_preferences.read",
    "communication_preferences.write",
}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(with_hubsync_schema=True, scopes=BELOW_ENTERPRISE) as emu:
        emu.store.add_property("contacts", MARKER, "datetime", "date")
        yield emu


def calls(emulator: Emulator) -> list[tuple[str, str, int]]:
    """(method, path below the version, status) of every communication-preferences call."""
    return [
        (r.method, r.path.removeprefix(PREFERENCES), r.status)
        for r in emulator.log
        if r.path.startswith(PREFERENCES)
    ]


def run(p: Portal, name: str, *rows: tuple[str, str]) -> ConsentCounts:
    p.write(name, export(*rows))
    summary = p.run()
    assert summary.exit_code is ExitCode.OK
    return consent(summary)


def test_ja_becomes_subscribed_one_address_a_call_and_a_rerun_only_reads(
    emulator: Emulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    p = portal(emulator, tmp_path)
    rows = [("eva+news@example.de", "Ja"), ("ben@example.de", "x"), ("nein@example.de", "Nein")]
    with caplog.at_level(logging.WARNING, logger="hubsync.hubspot.subscriptions"):
        first = run(p, "kunden_1.csv", *rows)
    assert first == ConsentCounts(subscribed=2, subscription="Newsletter")
    for email, line in (("eva+news@example.de", 2), ("ben@example.de", 3)):
        record = state(emulator).statuses[(email, NEWSLETTER_ID)]
        assert record["status"] == SUBSCRIBED
        assert record["legalBasis"] == "CONSENT_WITH_NOTICE"
        assert record["legalBasisExplanation"] == (
            f"Einwilligung im Buchungssystem, Export kunden_1.csv, Zeile {line}"
        )
        contact = emulator.store.find("contacts", "email", email)
        assert contact is not None
        assert emulator.store.contacts[contact][MARKER] == record["timestamp"]
    assert state(emulator).status("nein@example.de", NEWSLETTER_ID) == NOT_SPECIFIED
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "Marketing Hub Enterprise" in warnings[0]
    assert "one call per address" in warnings[0]
    # Per "Ja" address to subscribe: read status, read opt-out of all, set: 3 calls. The
    # run pays 1 definitions read and the one batch read that answered 403. "Nein": none.
    eva, ben = "/statuses/eva%2Bnews@example.de", "/statuses/ben@example.de"
    first_calls = calls(emulator)
    assert first_calls[:2] == [("GET", "/definitions", 200), ("POST", "/statuses/batch/read", 403)]
    assert sorted(first_calls[2:]) == sorted(
        [
            *(("GET", path, 200) for path in (eva, ben)),
            *(("GET", f"{path}/unsubscribe-all", 200) for path in (eva, ben)),
            *(("POST", path, 200) for path in (eva, ben)),
        ]
    )
    # A re-run: 1 read per address, no status written, no marker either.
    emulator.reset_log()
    again = run(p, "kunden_2.csv", *rows)
    assert again == ConsentCounts(unchanged=2, subscription="Newsletter")
    assert sorted(calls(emulator)) == sorted(
        [
            ("GET", "/definitions", 200),
            ("POST", "/statuses/batch/read", 403),
            ("GET", eva, 200),
            ("GET", ben, 200),
        ]
    )
    assert emulator.write_calls() == 0


def test_an_opt_out_in_hubspot_wins_in_single_mode(emulator: Emulator, tmp_path: Path) -> None:
    p = portal(emulator, tmp_path)
    state(emulator).set("opted@example.de", NEWSLETTER_ID, UNSUBSCRIBED)
    state(emulator).unsubscribe_all("all@example.de")
    rows = [("opted@example.de", "Ja"), ("all@example.de", "Ja"), ("neu@example.de", "Ja")]
    counts = run(p, "kunden_1.csv", *rows)
    assert (counts.subscribed, counts.opted_out) == (1, 2)
    assert set(counts.opted_out_emails) == {"opted@example.de", "all@example.de"}
    assert state(emulator).status("opted@example.de", NEWSLETTER_ID) == UNSUBSCRIBED
    assert state(emulator).status("all@example.de", NEWSLETTER_ID) == NOT_SPECIFIED
    written = {path for method, path, _ in calls(emulator) if method == "POST"}
    assert written == {"/statuses/batch/read", "/statuses/neu@example.de"}
    # The opted-out one is not even asked about opt-out of all: it is no candidate.
    assert ("GET", "/statuses/opted@example.de/unsubscribe-all", 200) not in calls(emulator)


def test_single_mode_on_the_v4_paths(emulator: Emulator, tmp_path: Path) -> None:
    p = portal(emulator, tmp_path, hubspot_api_version="v3")
    assert run(p, "kunden_1.csv", ("a@example.de", "Ja")).subscribed == 1
    paths = [r.path for r in emulator.log if "/communication-preferences/" in r.path]
    assert "/communication-preferences/v4/statuses/a@example.de" in paths


def test_the_client_picks_its_mode_once_with_one_batch_call(emulator: Emulator) -> None:
    with requests.Session() as session:
        client = HubSpotClient(session, ClientOptions(base_url=emulator.url, token=emulator.token))
        emails = [f"k{i}@example.de" for i in range(150)]
        read = client.subscriptions.statuses(emails)
        assert client.subscriptions.mode == SINGLE
        assert read.of("k7@example.de", NEWSLETTER_ID).status == NOT_SPECIFIED
        assert not read.failures and len(read.statuses) == 150
        assert client.subscriptions.opted_out(["kein-at"]).failures[0].key == "kein-at"
    batch = [r for r in emulator.log if "/batch/" in r.path]
    assert [(r.path.rsplit("/", 2)[-2:], r.status) for r in batch] == [(["batch", "read"], 403)]
    assert sum(1 for r in emulator.log if r.method == "GET") == 151


def test_with_the_batch_scopes_the_batch_calls_stay(tmp_path: Path) -> None:
    with Emulator(with_hubsync_schema=True) as emu:
        emu.store.add_property("contacts", MARKER, "datetime", "date")
        p = portal(emu, tmp_path)
        assert run(p, "kunden_1.csv", ("a@example.de", "Ja"), ("b@example.de", "Ja")).subscribed
        assert [(m, path) for m, path, _ in calls(emu)] == [
            ("GET", "/definitions"),
            ("POST", "/statuses/batch/read"),
            ("POST", "/statuses/batch/unsubscribe-all/read"),
            ("POST", "/statuses/batch/write"),
        ]
        with requests.Session() as session:
            client = HubSpotClient(session, ClientOptions(base_url=emu.url, token=emu.token))
            client.subscriptions.statuses(["a@example.de"])
            assert client.subscriptions.mode == BATCH
