"""Newsletter consent, piece by piece: the plan's rules (property test), the subscription's
resolution, the client's batches and failures, the journal, the console and mail lines,
`check`, and the emulator's v3 refusal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from hubsync.config import Settings
from hubsync.consent.options import ConsentOptions, resolve_subscription
from hubsync.consent.plan import Wish, owned, plan_consent
from hubsync.customers.directory import ContactDirectory
from hubsync.emulator import Emulator
from hubsync.emulator.subscriptions import NEWSLETTER_ID
from hubsync.errors import ConfigError
from hubsync.hubspot import ClientOptions, HubSpotClient
from hubsync.hubspot.journal import StatusSet, WriteJournal
from hubsync.hubspot.subscriptions import (
    NOT_SPECIFIED,
    SUBSCRIBED,
    UNSUBSCRIBED,
    StatusRead,
    StatusWrite,
    SubscriptionDefinition,
    SubscriptionStatus,
)
from hubsync.records import CustomerRecord
from hubsync.report.console import render_console
from hubsync.report.mail import render_summary
from hubsync.run.checks import run_checks
from hubsync.summary import ConsentCounts, FileKind, FileOutcome, FileStatus, RunSummary

SID = "7"
STAMP = "2026-11-28T12:00:00.123Z"
OPTIONS = ConsentOptions(SID, "Newsletter", withdraw=True)


# -- the plan --------------------------------------------------------------------------------
status_names = st.sampled_from([NOT_SPECIFIED, SUBSCRIBED, UNSUBSCRIBED])
cases = st.lists(
    st.tuples(st.booleans(), status_names, st.booleans(), st.booleans(), st.booleans()),
    max_size=12,
)


@given(cases, st.booleans())
def test_the_plan_never_resubscribes_and_withdraws_only_its_own(
    rows: list[tuple[bool, str, bool, bool, bool]], withdraw: bool
) -> None:
    wishes, statuses, wide = [], {}, {}
    for i, (ja, status, opted_all, marked, same_stamp) in enumerate(rows):
        email = f"a{i}@example.de"
        stamp = STAMP if same_stamp else "2026-11-29T08:00:00.000Z"
        wishes.append(Wish(email, str(i), ja, i + 2, STAMP if marked else None))
        statuses[email] = {SID: SubscriptionStatus(email, SID, status, stamp)}
        if opted_all:
            wide[email] = {"": SubscriptionStatus(email, "", UNSUBSCRIBED)}
    options = ConsentOptions(SID, "Newsletter", withdraw=withdraw)
    plan = plan_consent(wishes, StatusRead(statuses), StatusRead(wide), options)
    for wish in plan.subscribe:
        assert wish.consent and statuses[wish.email][SID].status == NOT_SPECIFIED
        assert wish.email not in wide
    for wish, status in plan.unsubscribe:
        assert withdraw and not wish.consent and status.status == SUBSCRIBED
        assert wish.marker == status.timestamp
    for wish in plan.opted_out:
        assert wish.consent
        assert statuses[wish.email][SID].status == UNSUBSCRIBED or wish.email in wide
    total = len(plan.subscribe) + len(plan.unsubscribe) + len(plan.opted_out)
    assert total + len(plan.unchanged) == len(wishes)


def test_owned_compares_instants_not_spellings() -> None:
    status = SubscriptionStatus("a@example.de", SID, SUBSCRIBED, "2026-11-28T12:00:00.123Z")
    assert owned("2026-11-28T12:00:00.123+00:00", status)
    epoch = str(int(datetime.fromisoformat("2026-11-28T12:00:00.123+00:00").timestamp() * 1000))
    assert owned(epoch, status)
    assert not owned("2026-11-28T12:00:00.124Z", status)
    assert not owned(None, status) and not owned("kaputt", status)
    assert not owned(STAMP, SubscriptionStatus("a@example.de", SID, UNSUBSCRIBED, STAMP))


def test_an_address_hubspot_could_not_answer_for_is_never_written() -> None:
    from hubsync.hubspot.models import RecordFailure

    failure = RecordFailure("a@example.de", 207, "VALIDATION_ERROR", "kaputt")
    plan = plan_consent(
        [Wish("a@example.de", "1", True, 2)], StatusRead({}, (failure,)), StatusRead({}), OPTIONS
    )
    assert plan.subscribe == () and plan.unknown[0][1] is failure


def test_the_subscription_is_found_by_id_or_name_else_every_name_is_listed() -> None:
    found = (SubscriptionDefinition("7", "Newsletter"), SubscriptionDefinition("8", "Angebote"))
    assert resolve_subscription(found, " newsLETTER ").id == "7"
    assert resolve_subscription(found, "8").name == "Angebote"
    with pytest.raises(ConfigError, match=r"'Newsletter' \(7\), 'Angebote' \(8\)"):
        resolve_subscription(found, "Events")


# -- the client and the emulator -------------------------------------------------------------
@pytest.fixture
def client(emulator: Emulator) -> Iterator[HubSpotClient]:
    with requests.Session() as session:
        yield HubSpotClient(session, ClientOptions(base_url=emulator.url, token=emulator.token))


def test_statuses_are_read_100_addresses_a_call_and_bad_ones_fail_alone(
    emulator: Emulator, client: HubSpotClient
) -> None:
    emails = [f"k{i}@example.de" for i in range(250)] + ["kein-at"]
    read = client.subscriptions.statuses(emails)
    calls = [r for r in emulator.log if r.path.endswith("/statuses/batch/read")]
    assert sorted(len(r.body["inputs"]) for r in calls) == [51, 100, 100]  # run in parallel
    assert read.of("k7@example.de", NEWSLETTER_ID).status == NOT_SPECIFIED
    assert [f.key for f in read.failures] == ["kein-at"]


def test_a_write_hubspot_refuses_is_a_failure_and_the_rest_is_set(
    emulator: Emulator, client: HubSpotClient
) -> None:
    good = StatusWrite("a@example.de", NEWSLETTER_ID, SUBSCRIBED, "CONSENT_WITH_NOTICE", "Zeile 2")
    bad = StatusWrite("b@example.de", NEWSLETTER_ID, SUBSCRIBED, "CONSENT_WITH_NOTICE", " ")
    done = client.subscriptions.write([good, bad])
    assert [s.email for s in done.statuses] == ["a@example.de"]
    assert [f.key for f in done.failures] == ["b@example.de"]
    assert "GDPR" in done.failures[0].message
    again = client.subscriptions.write([good])  # safe to repeat: the same state
    assert again.statuses[0].status == SUBSCRIBED


def test_v3_subscribe_refuses_an_address_that_opted_out(
    emulator: Emulator, http: requests.Session
) -> None:
    url = f"{emulator.url}/communication-preferences/v3/subscribe"
    body = {"emailAddress": "a@example.de", "subscriptionId": NEWSLETTER_ID}
    assert http.post(url, json=body).json()["status"] == SUBSCRIBED
    emulator.store.subscriptions.set("a@example.de", NEWSLETTER_ID, UNSUBSCRIBED)
    refused = http.post(url, json=body)
    assert refused.status_code == 400 and "opted out" in refused.json()["message"]
    emulator.store.subscriptions.unsubscribe_all("b@example.de")
    assert http.post(url, json={**body, "emailAddress": "b@example.de"}).status_code == 400


def test_every_status_set_is_journaled(emulator: Emulator, client: HubSpotClient) -> None:
    from hubsync.consent.stage import sync_consent

    emulator.store.add_property("contacts", "newsletter_einwilligung_hubsync", "datetime", "date")
    contact = emulator.store.create("contacts")
    emulator.store.write("contacts", contact, {"email": "a@example.de"})
    directory = ContactDirectory()
    directory.remember(contact, {"email": "a@example.de"})
    record = CustomerRecord("a@example.de", ("1",), {"newsletter": "true"}, frozenset(), None, (3,))
    client.journal = WriteJournal()
    options = ConsentOptions(NEWSLETTER_ID, "Newsletter")
    done = sync_consent(client, options, [record], directory, "k.csv", dry_run=False)
    assert done.counts.subscribed == 1
    journal = client.journal.entries().statuses
    assert journal == (StatusSet("a@example.de", NEWSLETTER_ID, NOT_SPECIFIED, SUBSCRIBED),)


def test_check_names_the_subscription_and_its_scopes(emulator: Emulator, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        hubspot_token=emulator.token,
        hubspot_base_url=emulator.url,
        contact_category="X",
        newsletter_subscription="Newsletter",
        language="en",
    )
    lines, _ = run_checks(settings, [])
    line = next(x for x in lines if "HUBSYNC_NEWSLETTER_SUBSCRIPTION" in x)
    assert line.startswith("[ok  ]") and f"'Newsletter' ({NEWSLETTER_ID})" in line
    for scope in ("communication_preferences.read", "statuses.batch.read", "statuses.batch.write"):
        assert scope in line
    assert "Marketing Hub Enterprise" in line
    assert "batch mode" in line
    # Without a batch scope (no Marketing Hub Enterprise): one call per address, and its cost.
    emulator.scopes = emulator.scopes - {"communication_preferences.statuses.batch.write"}
    lines, _ = run_checks(settings, [])
    line = next(x for x in lines if "HUBSYNC_NEWSLETTER_SUBSCRIPTION" in x)
    assert line.startswith("[ok  ]") and "single mode" in line
    assert "statuses.batch.write" in line and "up to 3 for a new subscription" in line
    # Neither the batch scopes nor the single calls' write scope: the line names it.
    emulator.scopes = emulator.scopes - {
        "communication_preferences.write",
        "communication_preferences.read_write",
    }
    lines, ok = run_checks(settings, [])
    line = next(x for x in lines if "HUBSYNC_NEWSLETTER_SUBSCRIPTION" in x)
    assert not ok and line.startswith("[FAIL]") and "communication_preferences.write" in line


# -- console and mail ------------------------------------------------------------------------
COUNTS = ConsentCounts(20, 1, 2, 5, "Newsletter")


@pytest.mark.parametrize("dry_run", [False, True], ids=["run", "dry-run"])
def test_console_and_mail_say_what_changed_and_who_opted_out(dry_run: bool) -> None:
    status = FileStatus.PREVIEWED if dry_run else FileStatus.PROCESSED
    outcome = FileOutcome("kunden.csv", FileKind.CUSTOMERS, status, rows=28, consent=COUNTS)
    moment = datetime(2026, 11, 27, 6, 0)
    summary = RunSummary(moment, moment, (outcome,), dry_run=dry_run)
    de, en = render_console(summary), render_console(summary, language="en")
    if dry_run:
        assert "  Newsletter „Newsletter“: 20 würden angemeldet, 1 würde abgemeldet, " in de
        assert "  newsletter 'Newsletter': would subscribe 20, would unsubscribe 1, " in en
    else:
        assert "  Newsletter „Newsletter“: 20 angemeldet, 1 abgemeldet, " in de
        assert "  newsletter 'Newsletter': 20 subscribed, 1 unsubscribed, " in en
    assert "2 nicht angetastet (in HubSpot abgemeldet), 5 unverändert" in de
    assert "2 left alone (opted out in HubSpot), 5 unchanged" in en
    mail = render_summary(summary, language="de", data_dir=Path("."))
    assert "Newsletter\n----------\n- kunden.csv – Abo „Newsletter“: " in mail.text
    assert "<h3>Newsletter</h3>" in mail.html
    english = render_summary(summary, language="en", data_dir=Path(".")).text
    assert "- kunden.csv – subscription 'Newsletter': " in english


def test_no_consent_no_lines() -> None:
    outcome = FileOutcome("kunden.csv", FileKind.CUSTOMERS, FileStatus.PROCESSED, rows=3)
    moment = datetime(2026, 11, 27, 6, 0)
    summary = RunSummary(moment, moment, (outcome,))
    assert "ewsletter" not in render_console(summary)
    assert "ewsletter" not in render_summary(summary, data_dir=Path(".")).text
