"""Issue 10, part 1: clubs, schools and firms as HubSpot companies (whole runs, emulator).

The sample export names four organisations: the football club (`TSV Urbach e.V. – Abt.
Fußball`, customer 10004), the primary school (`Grundschule Haubersbronn`, 10034), the
bakery (`Bäckerei Lang`, 10020) and the plumbing firm (`Ziegler Haustechnik GmbH`, 10008).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from portal import CUSTOMERS, JOURNAL, Portal

from hubsync.choices import Switch
from hubsync.emulator import Emulator
from hubsync.hubspot import assoc_types as types
from hubsync.mapping.columns import builtin_mapping
from hubsync.mapping.company_rules import CompanyRules
from hubsync.portal.setup import setup_portal
from hubsync.portal.specs import FIGURE_PROPERTIES
from hubsync.run.services import open_client, portal_options
from hubsync.summary import CompanyCounts, ExitCode, FileKind, RunSummary

HEADER = "Kundennummer;Anrede;Vorname;Name;Firma;Straße;Hausnummer;PLZ;Ort;Telefon;E-Mail"
JOURNAL_HEADER = (
    "Rechnungsnr.;Rechnungsdatum;Leistungsdatum;Gebucht am;Kd.-Nr.;Kunde;E-Mail;Anlage;"
    "Leistung;Beginn;Ende;Dauer (Std.);Netto;USt-Satz;USt;Brutto;Zahlart;Status"
)
ORGANISATIONS = {
    "TSV Urbach e.V.": ("tsv urbach ev", "tsv-urbach.example.org", "jugend@tsv-urbach.example.org"),
    "Grundschule Haubersbronn": (
        "grundschule haubersbronn",
        "gs-haubersbronn.example.org",
        "sekretariat@gs-haubersbronn.example.org",
    ),
    "Bäckerei Lang": (
        "baeckerei lang",
        "baeckerei-lang.example.org",
        "info@baeckerei-lang.example.org",
    ),
    "Ziegler Haustechnik GmbH": (
        "ziegler haustechnik gmbh",
        "ziegler-haustechnik.example.com",
        "buchhaltung@ziegler-haustechnik.example.com",
    ),
}


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    with Emulator(with_hubsync_schema=True) as emulator:
        yield Portal(emulator, tmp_path)


def customers(*rows: str) -> str:
    return "\r\n".join([HEADER, *rows]) + "\r\n"


def journal(*rows: str) -> str:
    return "\r\n".join([JOURNAL_HEADER, *rows]) + "\r\n"


def booking(number: str, day: str, customer: str, gross: str, hours: str = "1,0") -> str:
    dated = f"{number};{day};{day[:6]}{day[8:]};{day} 08:00;{customer};;;Soccer Court 1"
    return f"{dated};Training;;;{hours};0,00;19 %;0,00;{gross};Überweisung;bezahlt"


def customer_outcome(summary: RunSummary) -> Any:
    return next(f for f in summary.files if f.kind is FileKind.CUSTOMERS)


def links(snapshot: dict[str, Any], kind: str) -> set[tuple[str, str, bool]]:
    return {(r, c, p) for k, r, c, p in snapshot["company_associations"] if k == kind}


def figures(company: dict[str, str]) -> dict[str, Any]:
    return {
        "letzte_buchung": company["letzte_buchung"],
        "erste_buchung": company["erste_buchung"],
        "anzahl_buchungen": int(company["anzahl_buchungen"]),
        "anzahl_buchungen_zeitraum": int(company["anzahl_buchungen_zeitraum"]),
        "buchungsumsatz_eur": Decimal(company["buchungsumsatz_eur"]),
        "buchungsstunden": Decimal(company["buchungsstunden"]),
    }


# --- the sample --------------------------------------------------------------------------------


def test_sample_gives_one_company_per_organisation(portal: Portal) -> None:
    portal.drop_samples()
    summary = portal.run()
    snapshot = portal.snapshot()
    assert set(snapshot["companies"]) == set(ORGANISATIONS)
    for name, (key, domain, email) in ORGANISATIONS.items():
        company = snapshot["companies"][name]
        assert company["firmenschluessel"] == key
        assert company["domain"] == domain
        # The contact person is the company's contact, as its primary company.
        assert (email, name, True) in links(snapshot, "contacts")
    club = snapshot["companies"]["TSV Urbach e.V."]
    assert (club["address"], club["zip"], club["city"]) == ("Am Sportplatz 1", "73660", "Urbach")
    assert club["phone"] == "+494066969104"
    counts = customer_outcome(summary).companies
    assert sorted(counts.created) == sorted(ORGANISATIONS)
    # The contact keeps the name as the export writes it, department included.
    contact = snapshot["contacts"]["jugend@tsv-urbach.example.org"]
    assert contact["company"] == "TSV Urbach e.V. – Abt. Fußball"


def test_every_deal_of_a_contact_person_is_the_company_s(portal: Portal) -> None:
    portal.drop_samples()
    portal.run()
    deals = links(portal.snapshot(), "deals")
    assert deals == {
        ("RE-2026-0444", "TSV Urbach e.V.", False),
        ("RE-2026-0480", "TSV Urbach e.V.", False),
        ("RE-2026-0524", "TSV Urbach e.V.", False),
        ("RE-2026-0445", "Grundschule Haubersbronn", False),
        ("RE-2026-0481", "Grundschule Haubersbronn", False),
        ("RE-2026-0525", "Grundschule Haubersbronn", False),
        ("RE-2026-0509", "Bäckerei Lang", False),
        ("RE-2026-0435", "Ziegler Haustechnik GmbH", False),
    }


def test_company_figures_equal_a_computation_by_hand(portal: Portal) -> None:
    portal.drop_samples()
    portal.run()
    companies = portal.snapshot()["companies"]
    # Club: three monthly invoices of 576,00 € and 12 h (28.09., 28.10., 27.11.2026).
    assert figures(companies["TSV Urbach e.V."]) == {
        "letzte_buchung": "2026-11-27",
        "erste_buchung": "2026-09-28",
        "anzahl_buchungen": 3,
        "anzahl_buchungen_zeitraum": 3,
        "buchungsumsatz_eur": Decimal("1728"),
        "buchungsstunden": Decimal("36"),
    }
    # School: three of 340,00 € and 8 h on the same days (+5 minutes).
    assert figures(companies["Grundschule Haubersbronn"])["buchungsumsatz_eur"] == 3 * Decimal(340)
    assert figures(companies["Grundschule Haubersbronn"])["buchungsstunden"] == 24
    # Bakery: the company cup on 14.11.2026, 2.380,00 €, 8 h; plumbing firm: 1.250,00 €, 3 h.
    assert figures(companies["Bäckerei Lang"]) == {
        "letzte_buchung": "2026-11-14",
        "erste_buchung": "2026-11-14",
        "anzahl_buchungen": 1,
        "anzahl_buchungen_zeitraum": 1,
        "buchungsumsatz_eur": Decimal("2380"),
        "buchungsstunden": Decimal("8"),
    }
    ziegler = figures(companies["Ziegler Haustechnik GmbH"])
    assert (ziegler["buchungsumsatz_eur"], ziegler["buchungsstunden"]) == (Decimal(1250), 3)


def test_second_run_with_the_same_files_writes_nothing(portal: Portal) -> None:
    portal.drop_samples()
    portal.run()
    before = portal.snapshot()
    portal.emulator.reset_log()
    portal.drop_samples()
    summary = portal.run()
    assert portal.emulator.write_calls() == 0
    assert portal.snapshot() == before
    assert customer_outcome(summary).companies == CompanyCounts(unchanged=4)


def test_journal_first_then_customers_still_links_and_counts(portal: Portal) -> None:
    portal.drop(JOURNAL)
    portal.run()
    portal.drop(CUSTOMERS)
    portal.run()
    companies = portal.snapshot()["companies"]
    assert figures(companies["TSV Urbach e.V."])["buchungsumsatz_eur"] == Decimal("1728")
    assert len(links(portal.snapshot(), "deals")) == 8


# --- never twice -------------------------------------------------------------------------------


def test_another_spelling_makes_no_second_company(portal: Portal) -> None:
    portal.write(
        "kunden_1.csv", customers("1;Herr;Timo;Rapp;TSV Urbach e.V.;;;;;;timo@tsv-urbach.de")
    )
    portal.run()
    portal.write(
        "kunden_2.csv",
        customers(
            "2;Frau;Lea;Brenner;tsv urbach e. V.;;;;;;lea@web.de",
            "3;Herr;Max;Kurz;TSV  URBACH EV – Abt. Tennis;;;;;;max@gmx.de",
        ),
    )
    summary = portal.run()
    snapshot = portal.snapshot()
    # The latest row's spelling, without its department, inner blanks collapsed.
    assert list(snapshot["companies"]) == ["TSV URBACH EV"]
    assert snapshot["companies"]["TSV URBACH EV"]["firmenschluessel"] == "tsv urbach ev"
    assert {c for _, c, _ in links(snapshot, "contacts")} == {"TSV URBACH EV"}
    assert len(links(snapshot, "contacts")) == 3
    assert customer_outcome(summary).companies.created == ()


def test_departments_are_companies_of_their_own_when_the_mapping_says_so(portal: Portal) -> None:
    mapping = replace(builtin_mapping(), companies=CompanyRules(departments=True))
    portal.write(
        "kunden.csv",
        customers(
            "1;Herr;Timo;Rapp;TSV Urbach e.V. – Abt. Fußball;;;;;;timo@tsv-urbach.de",
            "2;Frau;Lea;Brenner;TSV Urbach e.V. – Abt. Tennis;;;;;;lea@tsv-urbach.de",
        ),
    )
    portal.run(mapping)
    companies = portal.snapshot()["companies"]
    assert sorted(c["firmenschluessel"] for c in companies.values()) == [
        "tsv urbach ev abt fussball",
        "tsv urbach ev abt tennis",
    ]


def test_a_company_of_the_same_name_is_adopted(portal: Portal) -> None:
    store = portal.emulator.store
    made = store.create("companies")
    store.write("companies", made, {"name": "Bäckerei LANG", "city": "Schorndorf-Mitte"})
    portal.write(
        "kunden.csv",
        customers(
            "1;Herr;Kai;Lang;Bäckerei Lang;Marktplatz;6;73614;Schorndorf;;kai@lang-backwaren.de"
        ),
    )
    summary = portal.run()
    assert list(store.companies) == [made]
    company = store.companies[made]
    assert company["firmenschluessel"] == "baeckerei lang"
    assert company["name"] == "Bäckerei Lang"  # only another spelling: the export's wins
    assert company["city"] == "Schorndorf-Mitte"  # curated: if_empty keeps it
    assert company["domain"] == "lang-backwaren.de"
    assert customer_outcome(summary).companies.adopted == ("Bäckerei Lang",)


def test_a_company_of_the_same_business_domain_is_adopted_and_keeps_its_name(
    portal: Portal,
) -> None:
    store = portal.emulator.store
    made = store.create("companies")
    store.write("companies", made, {"name": "Sanitär Ziegler", "domain": "ziegler-haustechnik.de"})
    portal.write(
        "kunden.csv",
        customers("1;Herr;Stefan;Ziegler;Ziegler Haustechnik GmbH;;;;;;s@ziegler-haustechnik.de"),
    )
    portal.run()
    assert list(store.companies) == [made]
    assert store.companies[made]["name"] == "Sanitär Ziegler"
    assert store.companies[made]["firmenschluessel"] == "ziegler haustechnik gmbh"
    contact = store.find("contacts", "email", "s@ziegler-haustechnik.de")
    assert store.links.primary_of("contacts", str(contact)) == made


def test_a_company_hubspot_created_by_itself_is_adopted_not_duplicated(portal: Portal) -> None:
    portal.emulator.store.auto_companies = True  # "Create and associate companies with contacts"
    portal.write(
        "kunden.csv", customers("1;Herr;Timo;Rapp;TSV Urbach e.V.;;;;;;timo@tsv-urbach.de")
    )
    portal.run()
    (company,) = portal.emulator.store.companies.values()
    # HubSpot named it after the domain: a placeholder, so the export's name replaces it.
    assert company["name"] == "TSV Urbach e.V."
    assert company["firmenschluessel"] == "tsv urbach ev"


def test_free_mail_is_never_a_company_domain(portal: Portal) -> None:
    portal.emulator.store.auto_companies = True
    portal.write(
        "kunden.csv",
        customers(
            "1;Herr;Timo;Rapp;SV Plüderhausen;Hauptstr.;3;73655;Plüderhausen;07181 1234;"
            "timo.rapp@gmx.de",
            "2;Frau;Eva;Ott;SV Plüderhausen;;;;;;eva.ott@GoogleMail.com",
            "3;Frau;Ina;Roth;Bäckerei Roth;;;;;;ina.roth@t-online.de",
        ),
    )
    portal.run()
    companies = portal.snapshot()["companies"]
    assert set(companies) == {"SV Plüderhausen", "Bäckerei Roth"}
    assert all("domain" not in c for c in companies.values())
    # A private mailbox's address is the person's, not the club's.
    assert "address" not in companies["SV Plüderhausen"]


# --- associations ------------------------------------------------------------------------------


def test_an_existing_primary_company_is_never_moved(portal: Portal) -> None:
    store = portal.emulator.store
    portal.write("kunden_1.csv", customers("1;Herr;Timo;Rapp;;;;;;;timo@rapp.de"))
    portal.run()
    contact = str(store.find("contacts", "email", "timo@rapp.de"))
    employer = store.create("companies")
    store.write("companies", employer, {"name": "Rapp Consulting"})
    store.links.add("contacts", contact, "companies", employer, primary=True)
    portal.write("kunden_2.csv", customers("1;Herr;Timo;Rapp;TSV Urbach e.V.;;;;;;timo@rapp.de"))
    portal.run()
    club = store.find("companies", "firmenschluessel", "tsv urbach ev")
    assert store.links.primary_of("contacts", contact) == employer
    assert store.links.type_ids("contacts", contact, "companies", str(club)) == [
        types.CONTACT_TO_COMPANY
    ]


def test_a_new_booking_of_a_contact_person_is_the_company_s(portal: Portal) -> None:
    portal.write(
        "kunden.csv", customers("7;Herr;Timo;Rapp;TSV Urbach e.V.;;;;;;timo@tsv-urbach.de")
    )
    portal.run()
    portal.write(
        "rechnungsausgangsjournal_1.csv",
        journal(booking("RE-1", "03.11.2026", "7", "576,00", "12,0")),
    )
    portal.run()
    portal.write(
        "rechnungsausgangsjournal_2.csv",
        journal(booking("RE-2", "24.11.2026", "7", "96,00", "2,0")),
    )
    portal.emulator.reset_log()
    portal.run()
    snapshot = portal.snapshot()
    assert {d for d, _, _ in links(snapshot, "deals")} == {"RE-1", "RE-2"}
    club = figures(snapshot["companies"]["TSV Urbach e.V."])
    assert (club["anzahl_buchungen"], club["buchungsumsatz_eur"]) == (2, Decimal("672"))
    assert club["letzte_buchung"] == "2026-11-24"


# --- switches and tools ------------------------------------------------------------------------


def test_companies_off_restores_the_old_behaviour(tmp_path: Path) -> None:
    with Emulator(with_hubsync_schema=True) as emulator:
        portal = Portal(emulator, tmp_path, companies=Switch.OFF)
        portal.drop_samples()
        summary = portal.run()
        assert emulator.store.companies == {}
        assert not any("compan" in r.path for r in emulator.log)
        assert customer_outcome(summary).companies == CompanyCounts()
        assert emulator.store.snapshot()["contacts"]["jugend@tsv-urbach.example.org"]["company"]


def test_dry_run_shows_the_companies_it_would_create_or_adopt(portal: Portal) -> None:
    store = portal.emulator.store
    made = store.create("companies")
    store.write("companies", made, {"name": "Bäckerei Lang"})
    portal.drop_samples()
    summary = portal.run(dry_run=True)
    counts = customer_outcome(summary).companies
    assert sorted(counts.created) == [
        "Grundschule Haubersbronn",
        "TSV Urbach e.V.",
        "Ziegler Haustechnik GmbH",
    ]
    assert counts.adopted == ("Bäckerei Lang",)
    assert portal.emulator.write_calls() == 0
    assert summary.exit_code in (ExitCode.OK, ExitCode.REJECTED)


# --- setup and pre-flight ----------------------------------------------------------------------


def test_setup_creates_the_company_key_and_figures_once() -> None:
    with Emulator() as emulator:
        portal = Portal(emulator, Path("."))
        with open_client(portal.settings) as client:
            assert client is not None
            done = setup_portal(client, portal_options(portal.settings))
            again = setup_portal(client, portal_options(portal.settings))
        companies = emulator.store.properties["companies"]
        assert companies["firmenschluessel"]["hasUniqueValue"] is True
        assert set(FIGURE_PROPERTIES) <= set(companies)
        assert any("companies: property 'firmenschluessel'" in line for line in done)
        assert again == []


def test_a_portal_without_the_company_properties_stops_before_writing(portal: Portal) -> None:
    del portal.emulator.store.properties["companies"]["firmenschluessel"]
    portal.drop_samples()
    summary = portal.run()
    assert summary.exit_code is ExitCode.CONFIG
    assert (
        summary.fatal is not None
        and "missing company properties: firmenschluessel" in summary.fatal
    )
    assert "HUBSYNC_COMPANIES=off" in summary.fatal
    assert portal.emulator.write_calls() == 0
    assert portal.inbox() == sorted([CUSTOMERS.name, JOURNAL.name])


def test_a_non_unique_company_key_is_a_configuration_problem(portal: Portal) -> None:
    portal.emulator.store.properties["companies"]["firmenschluessel"]["hasUniqueValue"] = False
    portal.drop_samples()
    summary = portal.run()
    assert summary.exit_code is ExitCode.CONFIG
    assert summary.fatal is not None and "not unique-valued" in summary.fatal
    assert portal.emulator.write_calls() == 0


def test_companies_off_needs_no_company_properties(tmp_path: Path) -> None:
    with Emulator(with_hubsync_schema=True) as emulator:
        del emulator.store.properties["companies"]["firmenschluessel"]
        portal = Portal(emulator, tmp_path, companies=Switch.OFF)
        portal.drop_samples()
        assert portal.run().exit_code is ExitCode.REJECTED  # the sample's rejected rows, as before


def test_a_contact_who_moved_books_for_the_organisation_the_export_names(portal: Portal) -> None:
    portal.write("kunden_1.csv", customers("7;Herr;Timo;Rapp;TSV Urbach e.V.;;;;;;timo@rapp.de"))
    portal.run()
    portal.write(
        "rechnungsausgangsjournal_1.csv", journal(booking("RE-1", "03.11.2026", "7", "50,00"))
    )
    portal.run()
    portal.write("kunden_2.csv", customers("7;Herr;Timo;Rapp;SV Plüderhausen;;;;;;timo@rapp.de"))
    portal.run()
    portal.write(
        "rechnungsausgangsjournal_2.csv", journal(booking("RE-2", "24.11.2026", "7", "70,00"))
    )
    portal.run()
    deals = links(portal.snapshot(), "deals")
    # The old club keeps its booking; the move made the contact's deals the new club's too
    # (every deal of a contact person is its company's), and the new booking is the new one's.
    assert ("RE-2", "SV Plüderhausen", False) in deals
    assert ("RE-2", "TSV Urbach e.V.", False) not in deals
    assert ("RE-1", "TSV Urbach e.V.", False) in deals
    contact_links = links(portal.snapshot(), "contacts")
    assert ("timo@rapp.de", "TSV Urbach e.V.", True) in contact_links  # the primary stays
    assert ("timo@rapp.de", "SV Plüderhausen", False) in contact_links


def test_a_dry_run_counts_a_company_of_two_files_once(portal: Portal) -> None:
    portal.write(
        "kunden_1.csv", customers("1;Herr;Timo;Rapp;TSV Urbach e.V.;;;;;;timo@tsv-urbach.de")
    )
    portal.write("kunden_2.csv", customers("2;Frau;Lea;Brenner;TSV Urbach e. V.;;;;;;lea@web.de"))
    summary = portal.run(dry_run=True)
    first, second = (f.companies for f in summary.files)
    assert first.created == ("TSV Urbach e.V.",)
    assert second == CompanyCounts(updated=1)  # the latest spelling would be written
    assert portal.emulator.write_calls() == 0
