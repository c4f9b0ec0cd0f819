"""Tests for hubsync.mapping (columns, load): built-in aliases, the mapping file, policies."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubsync.errors import ConfigError
from hubsync.intake.csvread import normalize_header, open_table
from hubsync.mapping.columns import (
    CUSTOM_CONTACT_PROPERTIES,
    FieldSpec,
    WritePolicy,
    merge_value,
)
from hubsync.mapping.load import load_mapping

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
DEMO = ROOT / "hubsync" / "demo_data"

SAMPLES = ("kunden_2026-11-27.csv", "kunden_2026-11-27_utf8bom_komma.csv")


def spec(mapping_path: Path | None, column: str) -> FieldSpec | None:
    return load_mapping(mapping_path).contact_fields.get(normalize_header(column))


def test_both_sample_headers_are_fully_mapped() -> None:
    mapping = load_mapping(None)
    targets = []
    for name in SAMPLES:
        info = open_table(DEMO / name, mapping.known_columns("customers")).info
        assert len(info.header) == 21
        assert mapping.unmapped(info.header) == ()
        targets.append({mapping.contact_fields[n].property for n in info.normalized})
    assert targets[0] == targets[1]


@pytest.mark.parametrize(
    ("column", "prop", "kind"),
    [
        ("E-Mail", "email", "email"),
        ("eMail", "email", "email"),
        ("E-Mail-Adresse", "email", "email"),
        ("First name", "firstname", "text"),
        ("Familienname", "lastname", "text"),
        ("Firma/Verein", "company", "text"),
        ("Str.", "address", "street"),
        ("Nr.", "address", "housenumber"),
        ("Anschrift", "address", "text"),
        ("ZIP", "zip", "zip"),
        ("Stadt", "city", "text"),
        ("Country", "country", "country"),
        ("Telefonnummer", "phone", "phone"),
        ("Mobiltelefon", "mobilephone", "mobile"),
        ("Geburtstag", "date_of_birth", "date"),
        ("Kd.-Nr.", "kundennummer", "customer_number"),
        ("KdNr", "kundennummer", "customer_number"),
        ("Kunden-ID", "kundennummer", "customer_number"),
        ("Customer number", "kundennummer", "customer_number"),
        ("Standort", "kontaktkategorie", "facility"),
        ("Kundin seit", "kunde_seit", "date"),
        ("Mitglied seit", "kunde_seit", "date"),
        ("Newsletter (J/N)", "newsletter", "bool"),
        ("Umsatz gesamt (EUR)", "buchungssystem_umsatz_eur", "number"),
        ("Letzte Buchung", "buchungssystem_letzte_buchung", "datetime_date"),
        ("Kommentar", "bemerkung", "text"),
    ],
)
def test_default_aliases(column: str, prop: str, kind: str) -> None:
    assert spec(None, column) == FieldSpec(prop, kind)


def test_known_columns_and_booking_columns() -> None:
    mapping = load_mapping(None)
    assert {"email", "kdnr", "strasse", "plz"} <= mapping.known_columns("customers")
    bookings = mapping.known_columns("bookings")
    assert {"rechnungsnr", "leistungsdatum", "brutto", "dauerstd"} <= bookings
    assert "plz" not in bookings
    assert mapping.known_columns() == mapping.known_columns("customers") | bookings
    assert mapping.booking_fields["kdnr"] == "customer_number"
    assert mapping.unmapped(("Rechnungsnr.", "Kunde", "Gebucht am"), "bookings") == ()


def test_unmapped_keeps_names_as_written_and_skips_empty_headers() -> None:
    mapping = load_mapping(None)
    assert mapping.unmapped(("E-Mail", "Lieblings-Platz", "", "Schuhgröße")) == (
        "Lieblings-Platz",
        "Schuhgröße",
    )


def test_custom_contact_properties_cover_the_default_mapping() -> None:
    names = {p["name"] for p in CUSTOM_CONTACT_PROPERTIES}
    assert names == {
        "titel",
        "kunde_seit",
        "kundengruppe",
        "newsletter",
        "buchungssystem_umsatz_eur",
        "buchungssystem_letzte_buchung",
        "bemerkung",
    }
    for prop in CUSTOM_CONTACT_PROPERTIES:
        assert set(prop) == {"name", "label", "type", "fieldType"}
    mapped = load_mapping(None).contact_properties()
    assert names <= mapped
    assert "kontaktkategorie" not in mapped  # the facility goes to the configured category


def test_default_policies_and_file_patterns() -> None:
    mapping = load_mapping(None)
    assert mapping.policy("phone") is WritePolicy.OVERWRITE
    assert mapping.policy("kontaktkategorie") is WritePolicy.APPEND
    assert mapping.clear_blanks is False
    assert mapping.classify("Kunden_2026-11-27.CSV") == "customers"
    assert mapping.classify("rechnungsausgangsjournal_2026-11.csv") == "bookings"
    assert mapping.classify("export.csv") is None


def test_mapping_file_adds_changes_and_removes() -> None:
    mapping = load_mapping(DATA / "map_valid.toml")
    fields = mapping.contact_fields
    assert fields["lieblingsplatz"] == FieldSpec("lieblingsplatz", "text")
    assert fields["telefonprivat"] == FieldSpec("phone", "phone")
    assert fields["handy2"] == FieldSpec("mobilephone", "mobile")  # kind of the known property
    assert fields["platz"] == FieldSpec("kontaktkategorie", "facility")
    assert fields["geburtstag"] == FieldSpec("date_of_birth", "date")
    assert "bemerkung" not in fields
    assert fields["email"] == FieldSpec("email", "email")  # untouched defaults stay
    assert mapping.unmapped(("Bemerkung", "Lieblingsplatz", "Schuhgröße")) == ("Schuhgröße",)
    assert mapping.policy("phone") is WritePolicy.IF_EMPTY
    assert mapping.policy("city") is WritePolicy.SKIP_BLANK
    assert mapping.policy("date_of_birth") is WritePolicy.IF_EMPTY
    assert mapping.policy("kontaktkategorie") is WritePolicy.APPEND
    assert mapping.clear_blanks is True
    assert mapping.booking_fields["belegnr"] == "number"
    assert "status" not in mapping.booking_fields
    assert mapping.classify("kd_2026.csv") == "customers"
    assert mapping.classify("kunden_2026.csv") is None  # patterns replace the defaults
    assert mapping.classify("rechnungsausgangsjournal.csv") is None
    assert mapping.classify("Umsatz_11.CSV") == "bookings"
    assert "lieblingsplatz" in mapping.contact_properties()


def test_mapping_file_reports_every_problem_with_the_file_name() -> None:
    path = DATA / "map_invalid.toml"
    with pytest.raises(ConfigError) as caught:
        load_mapping(path)
    problems = caught.value.problems
    assert all(p.startswith(f"{path}: ") for p in problems)
    expected = [
        "top level: unknown key 'extra'",
        "[contacts]: unknown key 'colour'",
        "[contacts] clear_blanks: must be true or false, not 'ja'",
        "'Lieblingsplatz': property 'Lieblings-Platz' is not a HubSpot internal name",
        "'Telefon privat': unknown kind 'fone'",
        "'Mobil 2': unknown policy 'sometimes'",
        "'Fax': must be \"property\" or",
        "'...': a column name needs at least one letter or digit",
        "'E-Mail 2': unknown key 'typo'",
        "'Email2': names the same column as 'E-Mail 2'",
        "[contacts.policies] 'phone': unknown policy 'never'",
        "[contacts.policies] '9lives': property '9lives' is not a HubSpot internal name",
        "[bookings.columns] 'Belegnr.': unknown role 'invoice'",
        "[files] customers: must be a list of file-name patterns, not 42",
        "[files] bookings: must be a list of file-name patterns, not [1, 2]",
    ]
    assert len(problems) == len(expected)
    for fragment, problem in zip(expected, problems, strict=True):
        assert fragment in problem


def test_conflicting_policies_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "map_conflict.toml"
    path.write_text(
        '[contacts.columns]\n"Tel 2" = { property = "phone", policy = "append" }\n'
        '[contacts.policies]\nphone = "if_empty"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="conflicts with the policy"):
        load_mapping(path)


def test_unreadable_mapping_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="map_syntax.toml: cannot read mapping file"):
        load_mapping(DATA / "map_syntax.toml")
    with pytest.raises(ConfigError, match="mapping file not found"):
        load_mapping(tmp_path / "missing.toml")


def test_example_mapping_file_loads() -> None:
    mapping = load_mapping(ROOT / "mapping.example.toml")
    assert mapping.policy("phone") is WritePolicy.IF_EMPTY
    assert mapping.contact_fields["mitgliedsnummer"] == FieldSpec("mitgliedsnummer", "text")


OW, IE, SB, AP = (
    WritePolicy.OVERWRITE,
    WritePolicy.IF_EMPTY,
    WritePolicy.SKIP_BLANK,
    WritePolicy.APPEND,
)


@pytest.mark.parametrize(
    ("policy", "current", "new", "clear", "expected"),
    [
        (OW, "alt", "neu", False, "neu"),
        (OW, None, "neu", False, "neu"),
        (OW, "same", "same", False, None),  # unchanged: no write
        (OW, "alt", "", False, None),  # blanks are skipped by default
        (OW, "alt", None, False, None),
        (OW, "alt", "  ", True, ""),  # clear_blanks: a blank clears under overwrite
        (OW, None, "", True, None),  # nothing to clear
        (OW, "", "", True, None),
        (SB, "alt", "neu", True, "neu"),
        (SB, "alt", "", True, None),  # skip_blank never clears
        (IE, None, "neu", False, "neu"),
        (IE, "", "neu", False, "neu"),
        (IE, "alt", "neu", False, None),
        (IE, "alt", "", True, None),
        (AP, None, "Court 1", False, "Court 1"),
        (AP, "Court 1", "Court 2", False, "Court 1;Court 2"),
        (AP, "Court 1;Court 2", "Court 2", False, None),
        (AP, "Court 1; Court 2", "Court 3;Court 1;Court 3", False, "Court 1;Court 2;Court 3"),
        (AP, "Court 1", "", True, None),  # append never clears
    ],
)
def test_merge_value(
    policy: WritePolicy, current: str | None, new: str | None, clear: bool, expected: str | None
) -> None:
    assert merge_value(policy, current, new, clear_blanks=clear) == expected


_PART = st.text(alphabet="abcXYZ 12", min_size=1, max_size=4)


@given(st.lists(_PART, max_size=5), st.lists(_PART, max_size=5))
def test_append_is_an_ordered_union_without_duplicates(have: list[str], add: list[str]) -> None:
    result = merge_value(AP, ";".join(have), ";".join(add), clear_blanks=True)
    before = list(dict.fromkeys(p.strip() for p in have if p.strip()))
    wanted = before + [
        p for p in dict.fromkeys(a.strip() for a in add if a.strip()) if p not in before
    ]
    if wanted == before:
        assert result is None
    else:
        assert result is not None
        assert result.split(";") == wanted


def test_companies_section_sets_departments_freemail_and_policies(tmp_path: Path) -> None:
    path = tmp_path / "map.toml"
    path.write_text(
        '[companies]\ndepartments = true\nfreemail = ["@MeinProvider.de "]\n'
        '[companies.policies]\nname = "if_empty"\n',
        encoding="utf-8",
    )
    rules = load_mapping(path).companies
    assert rules.departments is True
    assert rules.freemail == frozenset({"meinprovider.de"})
    assert rules.policy("name").value == "if_empty"
    assert rules.policy("city").value == "if_empty"  # the default for company details
    assert load_mapping(None).companies.policy("name").value == "overwrite"


def test_companies_section_problems_are_all_named(tmp_path: Path) -> None:
    path = tmp_path / "map.toml"
    path.write_text(
        '[companies]\ndepartments = "ja"\nfoo = 1\n[companies.policies]\nemail = "if_empty"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_mapping(path)
    text = str(caught.value)
    assert "unknown key 'foo'" in text
    assert "departments: must be true or false" in text
    assert "'email': hubsync writes only name, domain" in text
