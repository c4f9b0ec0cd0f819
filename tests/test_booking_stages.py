"""The booking stages on their own: deal planning, the figures stage, the booking stage.

Each stage gets its frozen options and the run's caches explicitly, with the real client
over real HTTP against the emulator; no whole run, no inbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
import requests

from hubsync.bookings.deals import DealOptions, apply_deals, plan_deals
from hubsync.bookings.figures_stage import FigureOptions, refresh_figures
from hubsync.bookings.lookup import LookupOptions, resolve_contacts, split_name
from hubsync.customers.contacts import ContactOptions
from hubsync.customers.directory import ContactDirectory
from hubsync.emulator import Emulator
from hubsync.hubspot import ClientOptions, HubSpotClient
from hubsync.mapping.policies import Constants
from hubsync.portal.specs import FIGURE_PROPERTIES
from hubsync.records import BookingDocument

TODAY = date(2026, 11, 28)
FIGURES = FigureOptions(
    names=FIGURE_PROPERTIES,
    cancelled_stage="closedlost",
    key="rechnungsnummer",
    today=TODAY,
    window_days=365,
)


@pytest.fixture
def portal() -> Iterator[tuple[Emulator, HubSpotClient]]:
    with Emulator(with_hubsync_schema=True) as emulator, requests.Session() as session:
        options = ClientOptions(base_url=emulator.url, token=emulator.token)
        yield emulator, HubSpotClient(session, options)


def doc(
    number: str, day: str = "2026-11-20", amount: str = "72", **extra: object
) -> BookingDocument:
    values: dict[str, object] = {
        "number": number,
        "service_date": day,
        "customer_number": "10050",
        "email": "lea@example.net",
        "customer_name": "Sommer, Lea",
        "amount": Decimal(amount),
        "hours": Decimal("1"),
        "facility": "Halle 1",
        "description": "Platzmiete",
        "lines": (5,),
    }
    values.update(extra)
    return BookingDocument(**values)  # type: ignore[arg-type]


# -- plan_deals -------------------------------------------------------------------------------


def test_plan_creates_every_deal_of_an_empty_portal_and_nothing_on_a_rerun(
    portal: tuple[Emulator, HubSpotClient],
) -> None:
    emulator, client = portal
    documents = [doc("RE-1"), doc("RE-2", amount="30")]

    plan = plan_deals(documents, client, DealOptions(), assigned={"RE-1"})

    assert (plan.creates, plan.updates, plan.unchanged) == (2, 0, ())
    first = next(w for w in plan.writes if w.number == "RE-1")
    assert first.changes["dealstage"] == "closedwon" and first.changes["pipeline"] == "default"
    assert first.changes["rechnungsnummer"] == "RE-1"
    # RE-2's customer is not known: it waits for a later customer export.
    second = next(w for w in plan.writes if w.number == "RE-2")
    assert (first.changes["hubsync_offen"], second.changes["hubsync_offen"]) == ("false", "true")
    apply_deals(plan, client)
    again = plan_deals(documents, client, DealOptions(), assigned={"RE-1"})
    assert again.writes == () and sorted(again.unchanged) == ["RE-1", "RE-2"]


def test_plan_cancels_with_the_storno_and_never_moves_a_deal_back(
    portal: tuple[Emulator, HubSpotClient],
) -> None:
    _, client = portal
    apply_deals(plan_deals([doc("RE-1")], client, DealOptions(), assigned=set()), client)
    storno = doc("ST-1", amount="-72", cancels="RE-1", cancelled=True)

    plan = plan_deals([storno], client, DealOptions(), assigned=set())

    (write,) = plan.writes
    assert write.number == "RE-1" and write.cancels_now
    # Only the stage and the storno's number: the invoice's own data stays as it was.
    assert set(write.changes) <= {"dealstage", "pipeline", "storniert_durch", "hubsync_offen"}
    assert write.changes["storniert_durch"] == "ST-1"
    apply_deals(plan, client)
    invoice_again = plan_deals([doc("RE-1")], client, DealOptions(), assigned=set())
    assert all("dealstage" not in w.changes for w in invoice_again.writes)


def test_plan_writes_ids_and_key_and_constants_under_their_policy(
    portal: tuple[Emulator, HubSpotClient],
) -> None:
    emulator, client = portal
    emulator.store.add_property("deals", "rechnung_id", "string", "text", unique=True)
    options = DealOptions(
        pipeline="default",
        stage="contractsent",
        cancelled_stage="closedlost",
        name_template="{rechnungsnummer} {kunde}",
        key="rechnung_id",
        constants=Constants({"dealtype": "existingbusiness"}),
    )
    plan = plan_deals([doc("RE-9")], client, options, assigned=set())
    (write,) = plan.writes
    assert write.changes["rechnung_id"] == "RE-9" and "rechnungsnummer" not in write.changes
    assert write.changes["dealname"] == "RE-9 Sommer, Lea"
    assert (write.changes["dealstage"], write.changes["dealtype"]) == (
        "contractsent",
        "existingbusiness",
    )
    apply_deals(plan, client)
    (deal,) = emulator.store.deals
    emulator.store.write("deals", deal, {"dealtype": "newbusiness"})  # curated by a person
    assert plan_deals([doc("RE-9")], client, options, assigned=set()).writes == ()
    overwrite = replace(
        options,
        constants=Constants({"dealtype": "existingbusiness"}, {"dealtype": "overwrite"}),  # type: ignore[dict-item]
    )
    (again,) = plan_deals([doc("RE-9")], client, overwrite, assigned=set()).writes
    assert again.changes == {"dealtype": "existingbusiness"}


# -- the figures stage ------------------------------------------------------------------------


def test_figures_are_recomputed_from_every_deal_and_written_only_on_change(
    portal: tuple[Emulator, HubSpotClient],
) -> None:
    emulator, client = portal
    contact = emulator.store.create("contacts")
    emulator.store.write("contacts", contact, {"email": "lea@example.net"})
    documents = [
        doc("RE-1", "2026-11-20"),
        doc("RE-2", "2024-01-10", "30"),
        doc("RE-3", amount="10"),
    ]
    result = apply_deals(plan_deals(documents, client, DealOptions(), assigned=set()), client)
    cancel = plan_deals(
        [doc("ST-3", amount="-10", cancels="RE-3", cancelled=True)],
        client,
        DealOptions(),
        assigned=set(),
    )
    apply_deals(cancel, client)
    pairs = {(result.ids[n], contact) for n in ("RE-1", "RE-2", "RE-3")}
    directory, deals = ContactDirectory(), {}  # nothing seen yet: every deal is read back

    errors = refresh_figures(client, pairs, FIGURES, directory, deals)

    assert errors == []
    held = emulator.store.contacts[contact]
    assert (held["anzahl_buchungen"], held["anzahl_buchungen_zeitraum"]) == ("2", "1")
    assert (held["letzte_buchung"], held["erste_buchung"]) == ("2026-11-20", "2024-01-10")
    assert Decimal(held["buchungsumsatz_eur"]) == 102 and Decimal(held["buchungsstunden"]) == 2
    assert set(deals) == {result.ids["RE-1"], result.ids["RE-2"], result.ids["RE-3"]}
    emulator.reset_log()
    assert refresh_figures(client, pairs, FIGURES, directory, deals) == []
    assert emulator.write_calls() == 0  # unchanged figures cost no write


def test_figures_stage_with_no_figure_properties_only_associates(
    portal: tuple[Emulator, HubSpotClient],
) -> None:
    emulator, client = portal
    contact = emulator.store.create("contacts")
    result = apply_deals(plan_deals([doc("RE-1")], client, DealOptions(), assigned=set()), client)
    options = replace(FIGURES, names=())

    assert (
        refresh_figures(client, {(result.ids["RE-1"], contact)}, options, ContactDirectory(), {})
        == []
    )
    assert (result.ids["RE-1"], contact) in emulator.store.associations
    assert "anzahl_buchungen" not in emulator.store.contacts[contact]


# -- the booking stage's contact lookup -------------------------------------------------------


LOOKUP = LookupOptions(
    contacts=ContactOptions(
        category_property="kontaktkategorie", category_multi=True, aliases=True
    ),
    contact_category="McArena Schorndorf",
)


def test_lookup_by_number_then_email_creates_guests_and_ties_stornos(
    portal: tuple[Emulator, HubSpotClient],
) -> None:
    emulator, client = portal
    known = emulator.store.create("contacts")
    emulator.store.write("contacts", known, {"email": "a@example.net", "kundennummer": "10050"})
    documents = [
        doc("RE-1", customer_number="10050", email=None),
        doc("RE-2", customer_number=None, email="guest@example.net", customer_name="Berg, Ben"),
        doc("ST-2", customer_number=None, email="guest@example.net", cancels="RE-2", amount="-72"),
        doc("RE-3", customer_number="99999", email=None),  # a number alone makes no contact
    ]
    directory = ContactDirectory()

    resolved = resolve_contacts(client, directory, documents, LOOKUP)

    assert resolved.guests_created == 1
    guest = directory.by_email["guest@example.net"]
    assert resolved.contacts == {"RE-1": known, "RE-2": guest, "ST-2": guest}
    props = emulator.store.contacts[guest]
    assert (props["firstname"], props["lastname"], props["kontaktkategorie"]) == (
        "Ben",
        "Berg",
        "McArena Schorndorf",
    )
    assert "99999" in directory.missing_numbers


def test_a_dry_run_lookup_creates_no_guest_but_plans_one(
    portal: tuple[Emulator, HubSpotClient],
) -> None:
    emulator, client = portal
    documents = [doc("RE-2", customer_number=None, email="guest@example.net")]
    resolved = resolve_contacts(
        client, ContactDirectory(), documents, replace(LOOKUP, dry_run=True)
    )
    assert resolved.guests_created == 1 and resolved.contacts == {
        "RE-2": "planned:guest@example.net"
    }
    assert emulator.store.contacts == {} and emulator.write_calls() == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sommer, Lea", {"firstname": "Lea", "lastname": "Sommer"}),
        ("TSV Urbach e.V.", {"lastname": "TSV Urbach e.V."}),
        ("Sommer,", {"lastname": "Sommer"}),
        ("", {}),
        (None, {}),
    ],
)
def test_split_name(name: str | None, expected: dict[str, str]) -> None:
    assert split_name(name) == expected
