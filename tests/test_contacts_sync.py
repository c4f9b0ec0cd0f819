"""Contacts in a portal that already holds data: found, updated, never duplicated or wiped.

Whole runs (`run_job`) with the real client over real HTTP against the emulator, whose
store is seeded with contacts as a web form or a person would have left them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from clocks import fixed, settled

from hubsync.config import Settings
from hubsync.emulator import Emulator
from hubsync.mapping.columns import load_mapping
from hubsync.run.job import JobServices, run_job
from hubsync.run.pipeline import Collaborators, RunOptions
from hubsync.run.services import open_client
from hubsync.summary import FileOutcome, RunSummary

FACILITY = "McArena Schorndorf"
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


def seed(emulator: Emulator, **props: str) -> str:
    contact = emulator.store.create("contacts")
    emulator.store.write("contacts", contact, props)
    return contact


def run(emulator: Emulator, data_dir: Path, rows: list[str], **overrides: object) -> RunSummary:
    inbox = data_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / f"kunden_{time.monotonic_ns()}.csv"
    path.write_text("\r\n".join([HEADER, *rows]) + "\r\n", encoding="cp1252")
    settled(path)  # dated from the run's own clock: settled whatever today's date
    settings = Settings(
        data_dir=data_dir,
        hubspot_token=emulator.token,
        hubspot_base_url=emulator.url,
        contact_category=FACILITY,
    )
    settings = replace(settings, **overrides)  # type: ignore[arg-type]
    with open_client(settings) as client:
        services = JobServices(Collaborators(client, clock=fixed()))
        return run_job(settings, load_mapping(settings.mapping_file), services, RunOptions())


def only(summary: RunSummary) -> FileOutcome:
    (outcome,) = summary.files
    return outcome


def test_a_contact_from_a_web_form_is_updated_not_duplicated(
    emulator: Emulator, tmp_path: Path
) -> None:
    form = seed(emulator, email="lea.sommer@example.net", firstname="Lea", phone="+491701234567")
    outcome = only(run(emulator, tmp_path, ["10050;Lea;Sommer;Lea.Sommer@example.net;;Urbach;"]))

    assert (outcome.contacts_created, outcome.contacts_updated) == (0, 1)
    assert list(emulator.store.contacts) == [form]
    contact = emulator.store.contacts[form]
    assert contact["kundennummer"] == "10050"
    assert contact["lastname"] == "Sommer"
    assert contact["phone"] == "+491701234567"  # a blank cell never clears a value


def test_an_email_changed_in_the_booking_system_updates_the_same_contact(
    emulator: Emulator, tmp_path: Path
) -> None:
    run(emulator, tmp_path, ["10051;Jonas;Kübler;jonas.alt@example.com;;Schorndorf;"])
    (contact,) = emulator.store.contacts
    outcome = only(run(emulator, tmp_path, ["10051;Jonas;Kübler;jonas.neu@example.com;;;"]))

    assert outcome.contacts_updated == 1
    assert list(emulator.store.contacts) == [contact]
    assert emulator.store.contacts[contact]["email"] == "jonas.neu@example.com"
    assert emulator.store.contacts[contact]["city"] == "Schorndorf"


def test_the_facility_is_added_to_a_multi_checkbox_never_replacing_others(
    emulator: Emulator, tmp_path: Path
) -> None:
    other = seed(emulator, email="timo.rapp@example.org", kontaktkategorie="Soccerhalle Waiblingen")
    run(emulator, tmp_path, ["10052;Timo;Rapp;timo.rapp@example.org;;;"])

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
    outcome = only(
        run(
            emulator,
            tmp_path,
            ["10038;?ukasz;Wi?niewski;lukasz@example.com;069/90009103;Leipzig;"],
            mapping_file=mapping,
        )
    )

    contact = emulator.store.contacts[curated]
    assert (contact["firstname"], contact["lastname"]) == ("Łukasz", "Wiśniewski")
    assert contact["phone"] == "+4930231250"
    assert contact["city"] == "Leipzig"
    assert outcome.updated_properties == {"city": 1, "kontaktkategorie": 1}


def test_a_record_hubspot_rejects_becomes_a_row_error_and_the_rest_is_written(
    emulator: Emulator, tmp_path: Path
) -> None:
    run(emulator, tmp_path, ["10060;Anna;Alt;anna@example.com;;;"])
    taken = seed(emulator, email="belegt@example.com", firstname="Other")
    # 10060 now claims an e-mail another contact holds: HubSpot answers 409 for that record.
    rows = [
        "10060;Anna;Alt;belegt@example.com;;;",
        "10061;Ben;Neu;ben@example.com;;;",
        "10062;Cem;Neu;cem@example.com;;;",
    ]
    outcome = only(run(emulator, tmp_path, rows))

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
