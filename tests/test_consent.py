"""Issue 11, part 1: the Newsletter column as HubSpot subscription status (whole runs, emulator).

Every run goes through the real client over HTTP against the emulator (`portal.Portal`);
HubSpot's side is the emulator's `store.subscriptions`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from portal import CUSTOMERS, Portal

from hubsync.choices import OptOut
from hubsync.consent.options import MARKER
from hubsync.emulator import Emulator
from hubsync.emulator.server import ALL_SCOPES
from hubsync.emulator.subscriptions import NEWSLETTER_ID, Subscriptions
from hubsync.mapping.load import load_mapping
from hubsync.portal.setup import setup_portal
from hubsync.report.console import render_console
from hubsync.run.services import connect, portal_options
from hubsync.summary import ConsentCounts, ExitCode, FileKind, RunSummary

HEADER = "Kundennummer;Anrede;Vorname;Name;E-Mail;Newsletter"
SUBSCRIBED, UNSUBSCRIBED, NOT_SPECIFIED = "SUBSCRIBED", "UNSUBSCRIBED", "NOT_SPECIFIED"
PREFERENCES = "/communication-preferences/"
NUMBERS: dict[str, str] = {}  # one customer number per address, the same in every export


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(with_hubsync_schema=True) as emu:
        # What `hubsync setup` creates when HUBSYNC_NEWSLETTER_SUBSCRIPTION is set.
        emu.store.add_property("contacts", MARKER, "datetime", "date")
        yield emu


def portal(
    emulator: Emulator, path: Path, optout: OptOut = OptOut.IGNORE, **more: object
) -> Portal:
    return Portal(
        emulator, path, newsletter_subscription="newsletter", newsletter_optout=optout, **more
    )


def export(*rows: tuple[str, str]) -> str:
    """A customer export of (e-mail, Ja/Nein) rows; customer numbers from the address."""
    lines = [HEADER]
    for email, answer in rows:
        number = NUMBERS.setdefault(email, str(10001 + len(NUMBERS)))
        lines.append(f"{number};Frau;Eva;{email.split('@')[0]};{email};{answer}")
    return "\r\n".join(lines) + "\r\n"


def consent(summary: RunSummary) -> ConsentCounts:
    return next(f for f in summary.files if f.kind is FileKind.CUSTOMERS).consent


def state(emulator: Emulator) -> Subscriptions:
    return emulator.store.subscriptions


def status_writes(emulator: Emulator) -> int:
    return sum(1 for r in emulator.log if r.path.endswith("/statuses/batch/write"))


def test_ja_rows_become_subscribed_with_legal_basis_and_the_file_and_line(
    emulator: Emulator, tmp_path: Path
) -> None:
    p = portal(emulator, tmp_path)
    p.write(
        "kunden_a.csv",
        export(
            ("ja@example.de", "Ja"),
            ("nein@example.de", "Nein"),
            ("kreuz@example.de", "x"),
            ("eins@example.de", "1"),
        ),
    )
    summary = p.run()
    assert summary.exit_code is ExitCode.OK
    assert consent(summary) == ConsentCounts(subscribed=3, subscription="Newsletter")
    for email, line in (("ja@example.de", 2), ("kreuz@example.de", 4), ("eins@example.de", 5)):
        record = state(emulator).statuses[(email, NEWSLETTER_ID)]
        assert record["status"] == SUBSCRIBED
        assert record["legalBasis"] == "CONSENT_WITH_NOTICE"
        assert record["legalBasisExplanation"] == (
            f"Einwilligung im Buchungssystem, Export kunden_a.csv, Zeile {line}"
        )
    assert state(emulator).status("nein@example.de", NEWSLETTER_ID) == NOT_SPECIFIED
    # The marker is the instant HubSpot gave the status hubsync set.
    contact = emulator.store.find("contacts", "email", "ja@example.de")
    assert contact is not None
    marker = emulator.store.contacts[contact][MARKER]
    assert marker == state(emulator).statuses[("ja@example.de", NEWSLETTER_ID)]["timestamp"]
    assert p.snapshot()["subscriptions"]["ja@example.de"] == {"Newsletter": SUBSCRIBED}


def test_the_sample_is_subscribed_and_a_rerun_writes_no_status(
    emulator: Emulator, tmp_path: Path
) -> None:
    p = portal(emulator, tmp_path)
    p.drop(CUSTOMERS)
    first = consent(p.run())
    assert first.subscribed == 20 and first.unsubscribed == first.opted_out == 0
    p.drop(CUSTOMERS, "kunden_2026-11-28.csv")
    again = p.run()
    assert consent(again) == ConsentCounts(unchanged=20, subscription="Newsletter")
    assert status_writes(emulator) == 0
    assert emulator.write_calls() == 0  # no status, no marker, no contact written


# Every order of Ja/Nein in three exports, for addresses that opted out in HubSpot.
ORDERS = list(itertools.product(("Ja", "Nein"), repeat=3))


@pytest.mark.parametrize("optout", [OptOut.IGNORE, OptOut.SYNC])
def test_an_opt_out_in_hubspot_wins_under_every_order_of_exports(
    emulator: Emulator, tmp_path: Path, optout: OptOut
) -> None:
    p = portal(emulator, tmp_path, optout)
    opted = [f"opted{i}@example.de" for i in range(len(ORDERS))]
    everything = [f"all{i}@example.de" for i in range(len(ORDERS))]
    later = [f"later{i}@example.de" for i in range(len(ORDERS))]  # opt out after run 1
    for email in opted:
        state(emulator).set(email, NEWSLETTER_ID, UNSUBSCRIBED)
    for email in everything:
        state(emulator).unsubscribe_all(email)
    for run in range(3):
        rows = [
            (email, order[run])
            for group in (opted, everything, later)
            for email, order in zip(group, ORDERS, strict=True)
        ]
        p.write(f"kunden_{run}.csv", export(*rows))
        summary = p.run()
        assert summary.exit_code is ExitCode.OK
        if run == 0:
            for email in later:
                state(emulator).set(email, NEWSLETTER_ID, UNSUBSCRIBED)
        ja = sum(order[run] == "Ja" for order in ORDERS)
        assert consent(summary).opted_out == (3 if run else 2) * ja
    for email in (*opted, *later):
        assert state(emulator).status(email, NEWSLETTER_ID) == UNSUBSCRIBED
    for email in everything:
        assert state(emulator).status(email, NEWSLETTER_ID) == NOT_SPECIFIED
        assert email in state(emulator).opted_out


@pytest.mark.parametrize("optout", [OptOut.IGNORE, OptOut.SYNC])
def test_nein_withdraws_only_what_hubsync_subscribed_and_only_with_sync(
    emulator: Emulator, tmp_path: Path, optout: OptOut
) -> None:
    p = portal(emulator, tmp_path, optout)
    state(emulator).set("hand@example.de", NEWSLETTER_ID, SUBSCRIBED, "NON_GDPR", "Messe")
    p.write("kunden_1.csv", export(("mine@example.de", "Ja"), ("hand@example.de", "Ja")))
    assert consent(p.run()) == ConsentCounts(subscribed=1, unchanged=1, subscription="Newsletter")
    p.write("kunden_2.csv", export(("mine@example.de", "Nein"), ("hand@example.de", "Nein")))
    summary = p.run()
    mine = state(emulator).statuses[("mine@example.de", NEWSLETTER_ID)]
    assert state(emulator).status("hand@example.de", NEWSLETTER_ID) == SUBSCRIBED
    if optout is OptOut.IGNORE:
        assert consent(summary) == ConsentCounts()  # a Nein is not even read
        assert mine["status"] == SUBSCRIBED
        called = [r.path for r in emulator.log if PREFERENCES in r.path]
        assert called == [f"{PREFERENCES}2026-09/definitions"]
        return
    assert consent(summary) == ConsentCounts(unsubscribed=1, unchanged=1, subscription="Newsletter")
    assert mine["status"] == UNSUBSCRIBED
    assert mine["legalBasis"] == "CONSENT_WITH_NOTICE"
    assert (
        mine["legalBasisExplanation"] == "Widerruf im Buchungssystem, Export kunden_2.csv, Zeile 2"
    )
    # A later Ja never resubscribes the withdrawn address.
    p.write("kunden_3.csv", export(("mine@example.de", "Ja")))
    assert consent(p.run()).opted_out == 1
    assert state(emulator).status("mine@example.de", NEWSLETTER_ID) == UNSUBSCRIBED


def test_a_subscription_hubsync_made_and_a_person_changed_since_is_theirs(
    emulator: Emulator, tmp_path: Path
) -> None:
    p = portal(emulator, tmp_path, OptOut.SYNC)
    p.write("kunden_1.csv", export(("a@example.de", "Ja")))
    p.run()
    # The contact unsubscribed and subscribed again on the preference page: a new timestamp.
    state(emulator).set("a@example.de", NEWSLETTER_ID, UNSUBSCRIBED)
    state(emulator).set("a@example.de", NEWSLETTER_ID, SUBSCRIBED)
    p.write("kunden_2.csv", export(("a@example.de", "Nein")))
    assert consent(p.run()).unchanged == 1
    assert state(emulator).status("a@example.de", NEWSLETTER_ID) == SUBSCRIBED


def test_feature_off_makes_no_communication_preferences_call(
    emulator: Emulator, tmp_path: Path
) -> None:
    p = Portal(emulator, tmp_path)
    p.drop(CUSTOMERS)
    summary = p.run()
    assert consent(summary) == ConsentCounts()
    assert not any(PREFERENCES in r.path for r in emulator.log)
    assert state(emulator).statuses == {}


def test_an_unknown_subscription_stops_with_exit_2_before_any_write(
    emulator: Emulator, tmp_path: Path
) -> None:
    p = Portal(emulator, tmp_path, newsletter_subscription="Angebote")
    p.drop(CUSTOMERS)
    summary = p.run()
    assert summary.exit_code is ExitCode.CONFIG
    assert summary.fatal is not None and "'Newsletter' (92817364)" in summary.fatal
    assert emulator.write_calls() == 0
    assert p.inbox() == [CUSTOMERS.name]


def test_a_subscription_by_id_works_on_the_v4_paths_too(emulator: Emulator, tmp_path: Path) -> None:
    p = Portal(emulator, tmp_path, newsletter_subscription=NEWSLETTER_ID, hubspot_api_version="v3")
    p.write("kunden_1.csv", export(("a@example.de", "Ja")))
    assert consent(p.run()).subscribed == 1
    paths = {r.path for r in emulator.log if PREFERENCES in r.path}
    assert paths and all(path.startswith("/communication-preferences/v4/") for path in paths)


def test_a_dry_run_counts_without_writing(emulator: Emulator, tmp_path: Path) -> None:
    p = portal(emulator, tmp_path)
    state(emulator).set("opted@example.de", NEWSLETTER_ID, UNSUBSCRIBED)
    p.write("kunden_1.csv", export(("a@example.de", "Ja"), ("opted@example.de", "Ja")))
    summary = p.run(dry_run=True)
    assert consent(summary) == ConsentCounts(
        subscribed=1,
        opted_out=1,
        subscription="Newsletter",
        opted_out_emails=("opted@example.de",),
    )
    assert emulator.write_calls() == 0
    text = render_console(summary, language="de")
    assert "in HubSpot abgemeldet, nicht angetastet: opted@example.de" in text
    assert state(emulator).status("a@example.de", NEWSLETTER_ID) == NOT_SPECIFIED


def test_without_batch_scopes_a_missing_single_scope_is_a_configuration_error_naming_it(
    tmp_path: Path,
) -> None:
    # No batch scope: hubsync falls back to one call per address (tests/test_consent_single.py),
    # whose write needs communication_preferences.write (or .read_write).
    scopes = ALL_SCOPES - {
        "communication_preferences.statuses.batch.read",
        "communication_preferences.write",
        "communication_preferences.read_write",
    }
    with Emulator(with_hubsync_schema=True, scopes=scopes) as emu:
        emu.store.add_property("contacts", MARKER, "datetime", "date")
        p = portal(emu, tmp_path)
        p.write("kunden_1.csv", export(("a@example.de", "Ja")))
        summary = p.run()
    assert summary.exit_code is ExitCode.CONFIG
    assert summary.fatal is not None
    assert "communication_preferences.write" in summary.fatal


def test_setup_creates_the_marker_and_the_preflight_wants_it_only_when_on(
    tmp_path: Path,
) -> None:
    with Emulator(with_hubsync_schema=True) as emu:
        p = portal(emu, tmp_path)
        p.write("kunden_1.csv", export(("a@example.de", "Ja")))
        summary = p.run()
        assert summary.exit_code is ExitCode.CONFIG
        assert summary.fatal is not None and MARKER in summary.fatal
        assert Portal(emu, tmp_path).run().exit_code is ExitCode.OK  # off: not needed
        with connect(p.settings) as client:
            done = setup_portal(client, portal_options(p.settings))
        assert done == [f"contacts: property {MARKER!r} (datetime) created"]
        assert emu.store.definition("contacts", MARKER) is not None
        p.write("kunden_2.csv", export(("a@example.de", "Ja")))
        assert consent(p.run()).subscribed == 1


@pytest.mark.parametrize(
    "target",
    ['{ property = "newsletter_optin", kind = "bool" }', '"newsletter_optin"'],  # text: "Ja"
)
def test_consent_follows_the_property_the_mapping_file_maps_the_column_to(
    emulator: Emulator, tmp_path: Path, target: str
) -> None:
    kind = ("bool", "booleancheckbox") if "bool" in target else ("string", "text")
    emulator.store.add_property("contacts", "newsletter_optin", *kind)
    mapping_file = tmp_path / "mapping.toml"
    mapping_file.write_text(f'[contacts.columns]\n"Newsletter" = {target}\n')
    p = portal(emulator, tmp_path / "data", mapping_file=mapping_file)
    p.write("kunden_1.csv", export(("mapped@example.de", "Ja")))
    summary = p.run(load_mapping(mapping_file))
    assert consent(summary).subscribed == 1
    assert state(emulator).status("mapped@example.de", NEWSLETTER_ID) == SUBSCRIBED
