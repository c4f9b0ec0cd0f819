"""`ContactDirectory`: what one run knows about contacts, by id, customer number and e-mail."""

from __future__ import annotations

import pytest

from hubsync.customers.directory import ContactDirectory, split_emails, split_numbers


def test_remember_indexes_the_key_number_and_the_email() -> None:
    directory = ContactDirectory()
    directory.remember("1", {"email": " Jonas@Example.com ", "kundennummer": "10001"})
    assert directory.by_number == {"10001": "1"}
    assert directory.by_email == {"jonas@example.com": "1"}
    assert directory.get("1") == {"email": " Jonas@Example.com ", "kundennummer": "10001"}


def test_remember_merges_into_what_is_known() -> None:
    directory = ContactDirectory()
    directory.remember("1", {"email": "jonas@example.com", "city": "Urbach"})
    directory.remember("1", {"kundennummer": "10001", "city": "Schorndorf"})
    assert directory.get("1") == {
        "email": "jonas@example.com",
        "kundennummer": "10001",
        "city": "Schorndorf",
    }
    assert (directory.by_number, directory.by_email) == (
        {"10001": "1"},
        {"jonas@example.com": "1"},
    )


def test_remember_copies_the_properties_it_is_given() -> None:
    directory = ContactDirectory()
    given: dict[str, str | None] = {"email": "jonas@example.com"}
    directory.remember("1", given)
    given["city"] = "Urbach"
    assert "city" not in directory.get("1")


def test_an_unknown_contact_has_no_properties() -> None:
    assert ContactDirectory().get("404") == {}


def test_empty_values_are_not_indexed() -> None:
    directory = ContactDirectory()
    directory.remember("1", {"email": None, "kundennummer": "", "kundennummern": ";;"})
    assert (directory.by_number, directory.by_email) == ({}, {})
    assert "1" in directory.properties


@pytest.mark.parametrize("aliases", ["10014;10027", "10014, 10027", "10014 10027", " 10027;10014 "])
def test_merged_numbers_are_found_whatever_separates_them(aliases: str) -> None:
    directory = ContactDirectory()
    directory.remember("7", {"kundennummer": "10014", "kundennummern": aliases})
    assert directory.by_number == {"10014": "7", "10027": "7"}


def test_the_key_property_is_configurable() -> None:
    directory = ContactDirectory("kunden_id")
    directory.remember("1", {"kunden_id": "K-1", "kundennummer": "10001"})
    assert directory.key == "kunden_id"
    assert directory.by_number == {"K-1": "1"}  # the plain property is no key now
    directory.remember("2", {"kunden_id": "K-2", "kundennummern": "K-2;K-3"})
    assert directory.by_number == {"K-1": "1", "K-2": "2", "K-3": "2"}


def test_secondary_addresses_find_the_contact_too() -> None:
    directory = ContactDirectory()
    directory.remember(
        "1",
        {"email": "lea@example.net", "hs_additional_emails": "Lea.Sommer@Example.net; lea@work.de"},
    )
    assert directory.by_email == {
        "lea@example.net": "1",
        "lea.sommer@example.net": "1",
        "lea@work.de": "1",
    }


def test_found_keys_are_no_longer_missing() -> None:
    directory = ContactDirectory()
    directory.missing_numbers.update({"10001", "10027", "10099"})
    directory.missing_emails.update({"jonas@example.com", "koch@example.com", "x@example.com"})
    directory.remember(
        "1",
        {"email": "Jonas@example.com", "kundennummer": "10001", "kundennummern": "10001;10027"},
    )
    directory.remember("2", {"email": "a@example.com", "hs_additional_emails": "koch@example.com"})
    assert directory.missing_numbers == {"10099"}
    assert directory.missing_emails == {"x@example.com"}


def test_add_numbers_indexes_numbers_the_contact_does_not_hold() -> None:
    directory = ContactDirectory()
    directory.missing_numbers.add("10027")
    directory.remember("7", {"email": "koch@example.com", "kundennummer": "10014"})
    directory.add_numbers("7", ["10027", ""])
    assert directory.by_number == {"10014": "7", "10027": "7"}
    assert directory.missing_numbers == set()
    assert directory.get("7") == {"email": "koch@example.com", "kundennummer": "10014"}


def test_add_numbers_for_a_contact_not_read_yet() -> None:
    directory = ContactDirectory()
    directory.add_numbers("planned:lea@example.net", ["10050"])
    assert directory.by_number == {"10050": "planned:lea@example.net"}
    assert directory.get("planned:lea@example.net") == {}


@pytest.mark.parametrize(
    ("value", "numbers"),
    [
        (None, []),
        ("", []),
        ("10014", ["10014"]),
        ("10014;10027", ["10014", "10027"]),
        ("10014,10027", ["10014", "10027"]),
        ("10014 ;, 10027", ["10014", "10027"]),
    ],
)
def test_split_numbers(value: str | None, numbers: list[str]) -> None:
    assert split_numbers(value) == numbers


@pytest.mark.parametrize(
    ("value", "emails"),
    [(None, []), ("", []), ("a@x.de", ["a@x.de"]), (" a@x.de ; ;b@y.de", ["a@x.de", "b@y.de"])],
)
def test_split_emails(value: str | None, emails: list[str]) -> None:
    assert split_emails(value) == emails
