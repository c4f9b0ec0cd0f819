"""Contacts in a portal that already holds data: found, updated, never duplicated or wiped.

Whole runs (`Portal.run`) with the real client over real HTTP against the emulator, whose
store is seeded with contacts as a web form or a person would have left them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from portal import FACILITY, Portal

from hubsync.emulator import Emulator
from hubsync.summary import FileOutcome, RunSummary

HEADER = "Kundennummer;Vorname;Name;E-Mail;Telefon;Ort;Bemerkung"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(with_hubsync_schema=True) as running:
        running.store.add_property(
            "contacts",
            "kontaktkategorie",
            "enumeration",
            "checkbox",
            options=[FACILITY, "Soccerhalle Waiblingen"],
        )
        yield running


@pytest.fixture
def portal(emulator: Emulator, tmp_path: Path) -> Portal:
    return Portal(emulator, tmp_path)


def seed(emulator: Emulator, **props: str) -> str:
    contact = emulator.store.create("contacts")
    emulator.store.write("contacts", contact, props)
    return contact


def run(portal: Portal, rows: list[str]) -> RunSummary:
    """One run of a customer export of `rows` (cp1252, like the booking system writes)."""
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    portal.write(f"kunden_{portal.dropped + 1}.csv", text, encoding="cp1252")
    return portal.run()


def only(summary: RunSummary) -> FileOutcome:
    (outcome,) = summary.files
    return outcome


def test_a_contact_from_a_web_form_is_updated_not_duplicated(
    emulator: Emulator, portal: Portal
) -> None:
    form = seed(emulator, email="lea.sommer@example.net", firstname="Lea", phone="+491701234567")
    outcome = only(run(portal, ["10050;Lea;Sommer;Lea.Sommer@example.net;;Urbach;"]))

    assert (outcome.contacts_created, outcome.contacts_updated) == (0, 1)
    assert list(emulator.store.contacts) == [form]
    contact = emulator.store.contacts[form]
    assert contact["kundennummer"] == "10050"
    assert contact["lastname"] == "Sommer"
    assert contact["phone"] == "+491701234567"  # a blank cell never clears a value


def test_an_email_changed_in_the_booking_system_updates_the_same_contact(
    emulator: Emulator, portal: Portal
) -> None:
    run(portal, ["10051;Jonas;Kübler;jonas.alt@example.com;;Schorndorf;"])
    (contact,) = emulator.store.contacts
    outcome = only(run(portal, ["10051;Jonas;Kübler;jonas.neu@example.com;;;"]))

    assert outcome.contacts_updated == 1
    assert list(emulator.store.contacts) == [contact]
    assert emulator.store.contacts[contact]["email"] == "jonas.neu@example.com"
    assert emulator.store.contacts[contact]["city"] == "Schorndorf"


def test_the_facility_is_added_to_a_multi_checkbox_never_replacing_others(
    emulator: Emulator, portal: Portal
) -> None:
    other = seed(emulator, email="timo.rapp@example.org", kontaktkategorie="Soccerhalle Waiblingen")
    run(portal, ["10052;Timo;Rapp;timo.rapp@example.org;;;"])

    categories = emulator.store.contacts[other]["kontaktkategorie"].split(";")
    assert sorted(categories) == [FACILITY, "Soccerhalle Waiblingen"]


def test_if_empty_keeps_a_curated_value_and_lossy_exports_keep_correct_names(
    emulator: Emulator, tmp_path: Path
) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[contacts.policies]\nphone = "if_empty"\n', encoding="utf-8")
    curated = seed(
        emulator,
        email="lukasz@example.com",
        firstname="Łukasz",
        lastname="Wiśniewski",
        phone="+4930231250",
        kundennummer="10038",
    )
    portal = Portal(emulator, tmp_path, mapping_file=mapping)
    outcome = only(
        run(portal, ["10038;?ukasz;Wi?niewski;lukasz@example.com;069/90009103;Leipzig;"])
    )

    contact = emulator.store.contacts[curated]
    assert (contact["firstname"], contact["lastname"]) == ("Łukasz", "Wiśniewski")
    assert contact["phone"] == "+4930231250"
    assert contact["city"] == "Leipzig"
    assert outcome.updated_properties == {"city": 1, "kontaktkategorie": 1}


def test_a_record_hubspot_rejects_becomes_a_row_error_and_the_rest_is_written(
    emulator: Emulator, portal: Portal
) -> None:
    run(portal, ["10060;Anna;Alt;anna@example.com;;;"])
    taken = seed(emulator, email="belegt@example.com", firstname="Other")
    # 10060 now claims an e-mail another contact holds: HubSpot answers 409 for that record.
    rows = [
        "10060;Anna;Alt;belegt@example.com;;;",
        "10061;Ben;Neu;ben@example.com;;;",
        "10062;Cem;Neu;cem@example.com;;;",
    ]
    outcome = only(run(portal, rows))

    assert [(e.line, e.code) for e in outcome.errors] == [(2, "hubspot_rejected")]
    emails = {c.get("email") for c in emulator.store.contacts.values()}
    assert {
        "anna@example.com",
        "belegt@example.com",
        "ben@example.com",
        "cem@example.com",
    } == emails
    assert emulator.store.contacts[taken]["firstname"] == "Other"
    assert outcome.status == "errorprocessed"
