"""`diff_contact`: the properties to write so HubSpot holds a customer record, and no more.

Records are built directly (as the customer reader hands them over), the mapping is the
built-in one or a `replace` of it, and "HubSpot" is the dict of properties a read returned.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubsync.customers.diff import ContactOptions, diff_contact
from hubsync.mapping.columns import Mapping
from hubsync.mapping.load import load_mapping
from hubsync.mapping.policies import Constants, WritePolicy
from hubsync.records import CustomerRecord

FACILITY = "McArena Schorndorf"
MAPPING = load_mapping(None)
OPTIONS = ContactOptions(category_property="kontaktkategorie", category_multi=True, aliases=True)


def record(
    *numbers: str,
    email: str = "jonas@example.com",
    blank: frozenset[str] = frozenset(),
    facility: str | None = FACILITY,
    key: str = "kundennummer",
    **properties: str,
) -> CustomerRecord:
    """A record as the reader builds it: the e-mail and the primary number (under the
    property the customer-number column maps to, `key`) are properties too."""
    props = dict(properties, email=email)
    if numbers:
        props[key] = numbers[0]
    first = properties.get("firstname", "")
    return CustomerRecord(email, numbers, props, blank, facility, (2,), first)


def policies(**named: WritePolicy) -> Mapping:
    return replace(MAPPING, policies={**MAPPING.policies, **named})


JONAS = record("10001", firstname="Jonas", lastname="Kübler", city="Schorndorf")
# What HubSpot holds for JONAS after he was written, in HubSpot's own spelling.
HELD: dict[str, str | None] = {
    "email": "Jonas@Example.com",
    "kundennummer": "10001",
    "firstname": "Jonas",
    "lastname": "Kübler",
    "city": "Schorndorf",
    "kontaktkategorie": f"Soccerhalle Waiblingen;{FACILITY}",
    "phone": None,
}


# -- a new contact ---------------------------------------------------------------------------


def test_a_new_contact_gets_every_non_blank_property_and_the_email() -> None:
    jonas = record("10001", firstname="Jonas", lastname="Kübler", blank=frozenset({"phone"}))
    assert diff_contact(jonas, None, MAPPING, OPTIONS) == {
        "email": "jonas@example.com",
        "kundennummer": "10001",
        "firstname": "Jonas",
        "lastname": "Kübler",
        "kontaktkategorie": FACILITY,
    }


def test_blanks_never_go_into_a_new_contact_even_with_clear_blanks() -> None:
    jonas = record("10001", blank=frozenset({"phone", "city"}))
    changes = diff_contact(jonas, None, replace(MAPPING, clear_blanks=True), OPTIONS)
    assert "phone" not in changes and "city" not in changes


def test_a_new_merged_contact_gets_all_its_numbers() -> None:
    koch = record("10014", "10027", email="koch@example.com")
    changes = diff_contact(koch, None, MAPPING, OPTIONS)
    assert (changes["kundennummer"], changes["kundennummern"]) == ("10014", "10014;10027")
    no_aliases = replace(OPTIONS, aliases=False)
    assert "kundennummern" not in diff_contact(koch, None, MAPPING, no_aliases)


def test_without_facility_or_category_property_no_category_is_written() -> None:
    assert "kontaktkategorie" not in diff_contact(
        record("1", facility=None), None, MAPPING, OPTIONS
    )
    no_property = replace(OPTIONS, category_property=None)
    assert "kontaktkategorie" not in diff_contact(record("1"), None, MAPPING, no_property)


def test_properties_the_portal_will_not_take_are_skipped() -> None:
    options = replace(OPTIONS, skip=frozenset({"city"}))
    assert "city" not in diff_contact(JONAS, None, MAPPING, options)
    assert diff_contact(JONAS, {**HELD, "city": "Urbach"}, MAPPING, options) == {}


# -- an unchanged contact ----------------------------------------------------------------------


def test_an_unchanged_contact_needs_no_write() -> None:
    assert diff_contact(JONAS, HELD, MAPPING, OPTIONS) == {}


def test_hubspots_spelling_of_the_same_values_needs_no_write() -> None:
    jonas = record("10001", buchungssystem_umsatz_eur="1234.50", kunde_seit="2024-03-01")
    held = {
        **HELD,
        "buchungssystem_umsatz_eur": "1234.5",
        "kunde_seit": "2024-03-01",
        "kontaktkategorie": f"{FACILITY};Soccerhalle Waiblingen",
        "email": " JONAS@example.com",
    }
    assert diff_contact(jonas, held, MAPPING, OPTIONS) == {}


# -- write policies ------------------------------------------------------------------------------


def test_overwrite_writes_a_changed_value() -> None:
    held = {**HELD, "city": "Urbach"}
    assert diff_contact(JONAS, held, MAPPING, OPTIONS) == {"city": "Schorndorf"}


def test_if_empty_keeps_a_held_value_and_fills_an_empty_one() -> None:
    mapping = policies(phone=WritePolicy.IF_EMPTY)
    jonas = record("10001", phone="+4971819876")
    assert diff_contact(jonas, {**HELD, "phone": "+4930231250"}, mapping, OPTIONS) == {}
    assert diff_contact(jonas, {**HELD, "phone": ""}, mapping, OPTIONS) == {"phone": "+4971819876"}


def test_a_blank_cell_clears_only_under_overwrite_with_clear_blanks() -> None:
    jonas = record("10001", blank=frozenset({"city"}))
    held = {**HELD, "city": "Urbach"}
    assert diff_contact(jonas, held, MAPPING, OPTIONS) == {}
    clearing = replace(MAPPING, clear_blanks=True)
    assert diff_contact(jonas, held, clearing, OPTIONS) == {"city": ""}
    skip_blank = replace(clearing, policies={**MAPPING.policies, "city": WritePolicy.SKIP_BLANK})
    assert diff_contact(jonas, held, skip_blank, OPTIONS) == {}
    assert diff_contact(jonas, {**HELD, "city": None}, clearing, OPTIONS) == {}  # nothing to clear


def test_the_facility_is_added_to_a_multi_checkbox_never_replacing_others() -> None:
    held = {**HELD, "kontaktkategorie": "Soccerhalle Waiblingen"}
    assert diff_contact(JONAS, held, MAPPING, OPTIONS) == {
        "kontaktkategorie": f"Soccerhalle Waiblingen;{FACILITY}"
    }


def test_a_single_value_category_property_is_overwritten() -> None:
    options = replace(OPTIONS, category_property="standort", category_multi=False)
    held = {**HELD, "standort": "Soccerhalle Waiblingen"}
    assert diff_contact(JONAS, held, MAPPING, options) == {"standort": FACILITY}


def test_append_adds_what_is_missing_to_a_multi_checkbox_property() -> None:
    mapping = policies(interessen=WritePolicy.APPEND)
    jonas = record("10001", interessen="Padel;Soccer")
    held = {**HELD, "interessen": "Soccer;Tennis"}
    assert diff_contact(jonas, held, mapping, OPTIONS) == {"interessen": "Soccer;Tennis;Padel"}
    assert (
        diff_contact(jonas, {**HELD, "interessen": "Tennis;Padel;Soccer"}, mapping, OPTIONS) == {}
    )


# -- names an export could not write ------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "exported"),
    [("Łukasz", "?ukasz"), ("Wiśniewski", "Wi?niewski"), ("Dvořák", "Dvo?ák"), ("Łódź", "??d?")],
)
def test_a_lossy_copy_never_replaces_the_correct_name(held: str, exported: str) -> None:
    lukasz = record("10001", firstname=exported)
    assert diff_contact(lukasz, {**HELD, "firstname": held}, MAPPING, OPTIONS) == {}


@pytest.mark.parametrize(("held", "exported"), [("Lukas", "?ukasz"), ("Łukasz", "?ukas")])
def test_a_question_mark_that_is_no_lossy_copy_is_written(held: str, exported: str) -> None:
    lukasz = record("10001", firstname=exported)
    changes = diff_contact(lukasz, {**HELD, "firstname": held}, MAPPING, OPTIONS)
    assert changes == {"firstname": exported}


def test_a_lossy_name_goes_into_a_new_contact() -> None:
    changes = diff_contact(record("10038", firstname="?ukasz"), None, MAPPING, OPTIONS)
    assert changes["firstname"] == "?ukasz"  # nothing better is known


# -- the key property and merged numbers --------------------------------------------------------


def test_the_key_property_is_never_replaced_and_the_new_number_becomes_an_alias() -> None:
    # Found by e-mail, but HubSpot knows the contact under another number.
    other = record("20002", firstname="Jonas", lastname="Kübler", city="Schorndorf")
    assert diff_contact(other, HELD, MAPPING, OPTIONS) == {"kundennummern": "10001;20002"}
    no_aliases = replace(OPTIONS, aliases=False)
    assert diff_contact(other, HELD, MAPPING, no_aliases) == {}


def test_an_empty_key_property_is_filled() -> None:
    assert diff_contact(JONAS, {**HELD, "kundennummer": ""}, MAPPING, OPTIONS) == {
        "kundennummer": "10001"
    }


def test_a_configured_key_property_gets_the_primary_number_and_is_never_replaced() -> None:
    options = replace(OPTIONS, key="kunden_id")
    jonas = record("10001", key="kunden_id")
    changes = diff_contact(jonas, None, MAPPING, options)
    assert changes["kunden_id"] == "10001" and "kundennummer" not in changes
    held = {**HELD, "kunden_id": "10001"}
    assert diff_contact(jonas, held, MAPPING, options) == {}
    other = record("20002", key="kunden_id")
    assert diff_contact(other, held, MAPPING, options) == {"kundennummern": "10001;20002"}
    # Without a record of its own column the key property is still given the number.
    unnamed = replace(record("20002"), properties={"email": "jonas@example.com"})
    assert diff_contact(unnamed, None, MAPPING, options)["kunden_id"] == "20002"


def test_known_aliases_are_kept_and_only_new_ones_added() -> None:
    koch = record("10014", "10027", email="koch@example.com")
    held: dict[str, str | None] = {
        "email": "koch@example.com",
        "kundennummer": "10014",
        "kontaktkategorie": FACILITY,
    }
    assert diff_contact(koch, held, MAPPING, OPTIONS) == {"kundennummern": "10014;10027"}
    for aliases in ("10014;10027", "10027;10014", "10014, 10027", "10014 10027"):
        assert diff_contact(koch, {**held, "kundennummern": aliases}, MAPPING, OPTIONS) == {}
    more = {**held, "kundennummern": "10014;10031"}
    assert diff_contact(koch, more, MAPPING, OPTIONS) == {"kundennummern": "10014;10031;10027"}


# -- the e-mail ----------------------------------------------------------------------------------


def test_an_email_changed_in_the_booking_system_is_written() -> None:
    moved = record(
        "10001",
        email="jonas.neu@example.com",
        firstname="Jonas",
        lastname="Kübler",
        city="Schorndorf",
    )
    assert diff_contact(moved, HELD, MAPPING, OPTIONS) == {"email": "jonas.neu@example.com"}


# -- constants -----------------------------------------------------------------------------------


def with_constants(**policy: WritePolicy) -> Mapping:
    constants = Constants({"lifecyclestage": "customer", "hs_lead_status": "OPEN"}, dict(policy))
    return replace(MAPPING, contact_constants=constants)


def test_constants_go_into_a_new_contact() -> None:
    changes = diff_contact(JONAS, None, with_constants(), OPTIONS)
    assert (changes["lifecyclestage"], changes["hs_lead_status"]) == ("customer", "OPEN")


def test_constants_fill_empty_values_and_keep_curated_ones_by_default() -> None:
    held = {**HELD, "lifecyclestage": "opportunity", "hs_lead_status": None}
    assert diff_contact(JONAS, held, with_constants(), OPTIONS) == {"hs_lead_status": "OPEN"}


def test_a_constant_under_overwrite_replaces_what_is_held() -> None:
    held = {**HELD, "lifecyclestage": "opportunity", "hs_lead_status": "OPEN"}
    mapping = with_constants(lifecyclestage=WritePolicy.OVERWRITE)
    assert diff_contact(JONAS, held, mapping, OPTIONS) == {"lifecyclestage": "customer"}
    held_now = {**held, "lifecyclestage": "customer"}
    assert diff_contact(JONAS, held_now, mapping, OPTIONS) == {}


def test_a_constant_never_overrides_the_exports_own_value() -> None:
    jonas = record("10001", lifecyclestage="lead")
    assert diff_contact(jonas, None, with_constants(), OPTIONS)["lifecyclestage"] == "lead"


# -- for all records: a second diff after writing the first writes nothing -----------------------

_names = ("firstname", "city", "phone", "bemerkung", "interessen")
_values = st.sampled_from(
    ["", " ", "Jonas", "jonas", "?onas", "72", "72.0", "A;B", "B;A", "Łukasz"]
)
_held_values = {
    **dict.fromkeys(_names, st.none() | _values),
    "email": st.sampled_from(["jonas@example.com", "JONAS@example.com", "alt@example.com"]),
    "kundennummer": st.sampled_from([None, "", "10001", "10002", "20002"]),
    "kundennummern": st.sampled_from([None, "", "10001;20002", "10002;10003", "10003, 10001"]),
    "kontaktkategorie": st.sampled_from([None, "", FACILITY, f"Soccerhalle Waiblingen;{FACILITY}"]),
    "lifecyclestage": st.sampled_from([None, "", "lead", "customer"]),
}


@st.composite
def held_contacts(draw: st.DrawFn) -> dict[str, str | None]:
    """What HubSpot may hold for a contact: any of the properties, in plausible shapes."""
    names = draw(st.sets(st.sampled_from(sorted(_held_values))))
    return {name: draw(_held_values[name]) for name in sorted(names)}


@st.composite
def records(draw: st.DrawFn) -> CustomerRecord:
    numbers = tuple(draw(st.lists(st.sampled_from(["10001", "10002", "10003"]), unique=True)))
    props = draw(st.dictionaries(st.sampled_from(_names), _values.filter(str.strip)))
    blank = frozenset(draw(st.sets(st.sampled_from(_names)))) - props.keys()
    email = draw(st.sampled_from(["jonas@example.com", "Jonas@Example.com", "lea@example.net"]))
    facility = draw(st.sampled_from([FACILITY, None]))
    return record(*numbers, email=email, blank=blank, facility=facility, **props)


@st.composite
def setups(draw: st.DrawFn) -> tuple[Mapping, ContactOptions]:
    named = draw(st.dictionaries(st.sampled_from(_names), st.sampled_from(list(WritePolicy))))
    mapping = replace(policies(**named), clear_blanks=draw(st.booleans()))
    if draw(st.booleans()):
        policy = draw(st.sampled_from(list(WritePolicy)))
        constants = Constants({"lifecyclestage": "customer"}, {"lifecyclestage": policy})
        mapping = replace(mapping, contact_constants=constants)
    multi, aliases = draw(st.booleans()), draw(st.booleans())
    return mapping, replace(OPTIONS, category_multi=multi, aliases=aliases)


@given(records(), st.none() | held_contacts(), setups())
def test_a_second_diff_after_writing_the_first_is_empty(
    customer: CustomerRecord,
    held: dict[str, str | None] | None,
    setup: tuple[Mapping, ContactOptions],
) -> None:
    mapping, options = setup
    changes = diff_contact(customer, held, mapping, options)
    written = {**(held or {}), **changes}
    assert diff_contact(customer, written, mapping, options) == {}


def test_merged_numbers_of_a_contact_without_key_are_completed_at_once() -> None:
    held: dict[str, str | None] = {
        "email": "jonas@example.com",
        "kundennummer": "",
        "kundennummern": "10002;10003",
        "kontaktkategorie": FACILITY,
    }
    changes = diff_contact(record("10001"), held, MAPPING, OPTIONS)
    assert diff_contact(record("10001"), {**held, **changes}, MAPPING, OPTIONS) == {}


@given(records(), setups())
def test_a_new_contact_gets_every_value_of_the_record(
    customer: CustomerRecord, setup: tuple[Mapping, ContactOptions]
) -> None:
    mapping, options = setup
    changes = diff_contact(customer, None, mapping, options)
    assert changes["email"] == customer.email
    for name, value in customer.properties.items():
        if name not in ("email", "kundennummer"):
            assert changes[name] == value.strip()
    assert "" not in changes.values()
