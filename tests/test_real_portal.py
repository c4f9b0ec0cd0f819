"""A real portal, as an admin left it: non-unique keys, own pipelines by label, curated
options, constant properties. Whole runs against the emulator playing each behaviour.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from portal import FACILITY, JOURNAL, Portal

from hubsync.emulator import Emulator
from hubsync.emulator.defaults import add_deal_pipeline
from hubsync.errors import ConfigError
from hubsync.mapping.load import load_mapping
from hubsync.mapping.policies import Constants, WritePolicy
from hubsync.portal.schema import check_schema, read_schema
from hubsync.portal.setup import setup_portal
from hubsync.run.checks import run_checks
from hubsync.run.services import open_client, portal_options
from hubsync.summary import ExitCode, FileStatus

BUCHUNGEN = "71234567"
GEBUCHT, STORNIERT = "71234568", "71234569"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(with_hubsync_schema=True) as running:
        yield running


def fingerprint(folder: Path) -> list[tuple[str, float, bytes]]:
    return sorted((p.name, p.stat().st_mtime, p.read_bytes()) for p in folder.iterdir())


def plain_key(emulator: Emulator, object_type: str, name: str) -> None:
    """The key property as earlier manual imports left it: plain text, not unique."""
    emulator.store.add_property(object_type, name, "string", "text", group="hubsync")


# -- 2. keys that are really unique ---------------------------------------------------------


@pytest.mark.parametrize(
    ("object_type", "name", "variable"),
    [
        ("contacts", "kundennummer", "HUBSYNC_CUSTOMER_NUMBER_PROPERTY"),
        ("deals", "rechnungsnummer", "HUBSYNC_INVOICE_NUMBER_PROPERTY"),
    ],
)
def test_a_key_that_is_not_unique_stops_the_run_before_anything_is_written(
    emulator: Emulator, tmp_path: Path, object_type: str, name: str, variable: str
) -> None:
    plain_key(emulator, object_type, name)
    portal = Portal(emulator, tmp_path)
    portal.drop_samples()
    before = fingerprint(portal.settings.inbox)

    summary = portal.run()

    assert summary.exit_code is ExitCode.CONFIG
    assert summary.fatal is not None
    assert f"property {name!r} is not unique-valued" in summary.fatal
    assert variable in summary.fatal
    assert emulator.calls() <= 10
    assert emulator.write_calls() == 0
    assert fingerprint(portal.settings.inbox) == before
    assert {f.status for f in summary.files} == {FileStatus.LEFT}


def test_check_names_the_key_that_is_not_unique(emulator: Emulator, tmp_path: Path) -> None:
    plain_key(emulator, "contacts", "kundennummer")
    portal = Portal(emulator, tmp_path)

    lines, ok = run_checks(portal.settings, [], language="en")

    assert not ok
    (line,) = [line for line in lines if line.startswith("[FAIL] HubSpot properties")]
    assert "'kundennummer' is not unique-valued" in line
    assert "HUBSYNC_CUSTOMER_NUMBER_PROPERTY" in line


def test_a_new_unique_key_property_that_setup_creates_carries_the_portal(
    emulator: Emulator, tmp_path: Path
) -> None:
    plain_key(emulator, "contacts", "kundennummer")
    plain_key(emulator, "deals", "rechnungsnummer")
    portal = Portal(
        emulator,
        tmp_path,
        customer_number_property="kundennummer_id",
        invoice_number_property="rechnungsnummer_id",
    )
    with open_client(portal.settings) as client:
        assert client is not None
        done = setup_portal(client, portal_options(portal.settings))
    assert "contacts: property 'kundennummer_id' (string) created" in done
    assert "deals: property 'rechnungsnummer_id' (string) created" in done
    assert emulator.store.properties["contacts"]["kundennummer_id"]["hasUniqueValue"] is True
    portal.drop_samples()

    first = portal.run()

    assert first.exit_code is ExitCode.REJECTED  # the samples' rejected rows, nothing else
    contacts = emulator.store.contacts.values()
    keyed = [c for c in contacts if c.get("kundennummer")]
    assert keyed and all(c["kundennummer_id"] == c["kundennummer"] for c in keyed)
    deals = list(emulator.store.deals.values())
    assert deals and all(d["rechnungsnummer_id"].startswith("RE-") for d in deals)
    assert len({d["rechnungsnummer_id"] for d in deals}) == len(deals)
    portal.drop_samples()
    again = portal.run()
    assert again.exit_code is ExitCode.REJECTED
    assert emulator.write_calls() == 0


# -- 4. pipelines and stages by the names an admin sees ---------------------------------------


def buchungen(emulator: Emulator) -> None:
    stages = [(GEBUCHT, "Gebucht", True), (STORNIERT, "Storniert", True)]
    add_deal_pipeline(emulator.store, BUCHUNGEN, "Buchungen", stages)


def test_pipeline_and_stages_by_label_write_ids(emulator: Emulator, tmp_path: Path) -> None:
    buchungen(emulator)
    portal = Portal(
        emulator,
        tmp_path,
        deal_pipeline="buchungen",
        deal_stage="Gebucht",
        deal_cancelled_stage=" STORNIERT ",
    )
    portal.drop_samples()

    summary = portal.run()

    assert summary.exit_code is ExitCode.REJECTED, summary.fatal
    deals = list(emulator.store.deals.values())
    assert len(deals) == 114
    assert {d["pipeline"] for d in deals} == {BUCHUNGEN}
    cancelled = [d for d in deals if d.get("storniert_durch")]
    assert len(cancelled) == 2
    assert {d["dealstage"] for d in cancelled} == {STORNIERT}
    assert {d["dealstage"] for d in deals if not d.get("storniert_durch")} <= {GEBUCHT, STORNIERT}
    # Figures count cancelled deals by the resolved id: a cancelled booking is not counted.
    by_id = {d["hs_object_id"]: d for d in deals}
    for deal_id, contact_id in emulator.store.associations:
        contact = emulator.store.contacts[contact_id]
        counted = [
            by_id[d]
            for d, c in emulator.store.associations
            if c == contact_id and by_id[d]["dealstage"] != STORNIERT
        ]
        assert int(contact["anzahl_buchungen"]) == len(counted), deal_id


def test_an_unknown_stage_lists_the_pipelines_labels_and_ids(
    emulator: Emulator, tmp_path: Path
) -> None:
    buchungen(emulator)
    portal = Portal(emulator, tmp_path, deal_pipeline="Buchungen", deal_stage="Bezahlt")
    portal.drop(JOURNAL)

    summary = portal.run()

    assert summary.exit_code is ExitCode.CONFIG
    assert summary.fatal is not None
    assert "deal stage 'Bezahlt' (HUBSYNC_DEAL_STAGE) is not a stage of pipeline" in summary.fatal
    assert f"'Gebucht' = {GEBUCHT}, 'Storniert' = {STORNIERT}" in summary.fatal
    assert "hubsync setup" not in summary.fatal  # setup creates no stages
    assert emulator.write_calls() == 0


def test_an_unknown_pipeline_lists_every_pipeline(emulator: Emulator, tmp_path: Path) -> None:
    buchungen(emulator)
    portal = Portal(emulator, tmp_path, deal_pipeline="Vermietung")
    portal.drop(JOURNAL)

    summary = portal.run()

    assert summary.exit_code is ExitCode.CONFIG
    assert summary.fatal is not None
    assert f"'Sales Pipeline' = default, 'Buchungen' = {BUCHUNGEN}" in summary.fatal


# -- 5. setup never damages what an admin curated ---------------------------------------------


def test_setup_facility_keeps_every_curated_option_exactly(
    emulator: Emulator, tmp_path: Path
) -> None:
    curated = [
        {
            "label": "McArena – Halle 1",
            "value": FACILITY,
            "description": "Hauptstandort",
            "displayOrder": 3,
            "hidden": False,
        },
        {
            "label": "Alte Halle (geschlossen)",
            "value": "Alte Halle",
            "description": "bis 2024",
            "displayOrder": 7,
            "hidden": True,
        },
    ]
    emulator.store.properties["contacts"]["kontaktkategorie"]["options"] = [
        dict(o) for o in curated
    ]
    portal = Portal(emulator, tmp_path)
    with open_client(portal.settings) as client:
        assert client is not None
        done = setup_portal(
            client, portal_options(portal.settings), facilities=["Soccerhalle Waiblingen"]
        )

    assert done == ["contacts: option(s) 'Soccerhalle Waiblingen' added to 'kontaktkategorie'"]
    options = emulator.store.properties["contacts"]["kontaktkategorie"]["options"]
    assert options[:2] == curated
    assert options[2] == {
        "label": "Soccerhalle Waiblingen",
        "value": "Soccerhalle Waiblingen",
        "displayOrder": 8,
        "hidden": False,
    }


# -- 6. constant properties -------------------------------------------------------------------


def mapping_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_constants_go_on_every_record_and_a_rerun_writes_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = mapping_file(
        tmp_path,
        '[deals.constants]\ndealtype = "existingbusiness"\n'
        '[contacts.constants]\nlifecyclestage = "customer"\n',
    )
    portal = Portal(emulator, tmp_path / "data", mapping_file=path)
    portal.drop_samples()

    first = portal.run()

    assert first.exit_code is ExitCode.REJECTED, first.fatal
    deals = list(emulator.store.deals.values())
    assert len(deals) == 114 and {d.get("dealtype") for d in deals} == {"existingbusiness"}
    contacts = list(emulator.store.contacts.values())
    assert {c.get("lifecyclestage") for c in contacts} == {"customer"}  # guests too
    portal.drop_samples()
    assert portal.run().exit_code is ExitCode.REJECTED
    assert emulator.write_calls() == 0


def test_a_constant_that_is_not_an_option_stops_the_run_naming_the_options(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = mapping_file(tmp_path, '[deals.constants]\ndealtype = "Bestandskunde"\n')
    portal = Portal(emulator, tmp_path / "data", mapping_file=path)
    portal.drop(JOURNAL)

    summary = portal.run()

    assert summary.exit_code is ExitCode.CONFIG
    assert summary.fatal is not None
    assert "[deals.constants] dealtype = 'Bestandskunde': not an option" in summary.fatal
    assert "'Existing Business' = existingbusiness" in summary.fatal
    assert emulator.write_calls() == 0
    assert portal.inbox() == [JOURNAL.name]


def test_constants_the_portal_lacks_or_hubsync_writes_itself_are_named(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = mapping_file(
        tmp_path,
        '[deals.constants]\nprojektart = "x"\n'
        '[contacts.constants]\nletzte_buchung = "2026-01-01"\n',
    )
    settings = Portal(emulator, tmp_path, mapping_file=path).settings
    with open_client(settings) as client, pytest.raises(ConfigError) as caught:
        assert client is not None
        check_schema(read_schema(client), portal_options(settings), load_mapping(path))
    assert "[deals.constants] projektart: HubSpot has no deal property 'projektart'" in (
        caught.value.problems
    )
    assert "[contacts.constants] letzte_buchung: hubsync writes this property itself" in (
        caught.value.problems
    )


def test_the_mapping_file_refuses_constants_for_what_hubsync_writes(tmp_path: Path) -> None:
    path = mapping_file(
        tmp_path,
        '[deals.constants]\ndealstage = "closedwon"\nhubspot_owner_id = 24\n'
        '[deals.policies]\nhubspot_owner_id = "overwrite"\ndealtype = "if_empty"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_mapping(path)
    assert caught.value.problems == [
        f"{path}: [deals.constants] 'dealstage': is written by hubsync from the export: "
        "not a constant",
        f"{path}: [deals.policies] 'dealtype': names no property of [deals.constants]",
    ]


def test_constants_are_written_under_their_policy() -> None:
    constants = Constants(
        {"dealtype": "existingbusiness", "hubspot_owner_id": "24"},
        {"hubspot_owner_id": WritePolicy.OVERWRITE},
    )
    assert constants.changes(None) == {"dealtype": "existingbusiness", "hubspot_owner_id": "24"}
    curated = {"dealtype": "newbusiness", "hubspot_owner_id": "31"}
    assert constants.changes(curated) == {"hubspot_owner_id": "24"}  # if_empty keeps a value
    assert constants.changes({"dealtype": "", "hubspot_owner_id": "24"}) == {
        "dealtype": "existingbusiness"
    }


# -- 7. secondary e-mail addresses ---------------------------------------------------------------


def customers_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "kunden_zweitadresse.csv"
    header = "Kundennummer;Vorname;Name;E-Mail;Ort"
    path.write_text("\r\n".join([header, *rows]) + "\r\n", encoding="cp1252")
    return path


def test_a_refused_secondary_address_is_reported_and_the_contact_still_written(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.store.refuse_writes("contacts", "hs_additional_emails")
    portal = Portal(emulator, tmp_path / "data")
    portal.drop(
        customers_file(
            tmp_path,
            "10070;Lea;Sommer;lea@example.net, lea.privat@example.net;Urbach",
            "10071;Ben;Berg;ben@example.net;Schorndorf",
        )
    )

    summary = portal.run()

    (outcome,) = summary.files
    assert outcome.status is FileStatus.PROCESSED and outcome.errors == ()
    assert outcome.contacts_created == 2
    (warning,) = [w for w in outcome.warnings if w.code == "contact_partly_written"]
    assert "lea.privat@example.net" in warning.message and warning.line == 2
    emails = sorted(c["email"] for c in emulator.store.contacts.values())
    assert emails == ["ben@example.net", "lea@example.net"]


def test_a_booking_for_a_secondary_address_creates_no_guest(
    emulator: Emulator, tmp_path: Path
) -> None:
    # HubSpot matches a read by e-mail against secondary addresses too (a contact merged
    # in HubSpot keeps the other address there): the booking goes to that contact.
    lea = emulator.store.create("contacts")
    emulator.store.write(
        "contacts",
        lea,
        {"email": "lea@example.net", "hs_additional_emails": "ben.berg@example.com"},
    )
    path = tmp_path / "rechnungsausgangsjournal_gast.csv"
    path.write_text(
        "Rechnungsnr.;Rechnungsdatum;Leistungsdatum;Kd.-Nr.;Kunde;E-Mail;Anlage;Leistung;Brutto\r\n"
        "RE-2026-0900;20.11.2026;20.11.2026;;Berg, Ben;Ben.Berg@example.com;Halle 1;"
        "Platzmiete 1 Std.;72,00\r\n",
        encoding="cp1252",
    )
    portal = Portal(emulator, tmp_path / "data")
    portal.drop(path)

    summary = portal.run()

    (outcome,) = summary.files
    assert outcome.contacts_created == 0, outcome
    assert list(emulator.store.contacts) == [lea]
    (deal,) = emulator.store.deals
    assert (deal, lea) in emulator.store.associations
