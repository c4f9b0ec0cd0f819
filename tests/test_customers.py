"""Tests for hubsync.customers.reading against the two sample exports and tiny problem files."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from hubsync.customers.parsed import name_key
from hubsync.customers.reading import CustomerBatch, read_customers
from hubsync.errors import InputError
from hubsync.intake.csvread import open_table
from hubsync.mapping.columns import Mapping
from hubsync.mapping.load import load_mapping
from hubsync.records import CustomerRecord

DATA = Path(__file__).parent / "data"
DEMO = Path(__file__).parent.parent / "hubsync" / "demo_data"
CP1252 = "kunden_2026-11-27.csv"
UTF8 = "kunden_2026-11-27_utf8bom_komma.csv"
TODAY = date(2026, 11, 28)
CATEGORY = "McArena Schorndorf"


def read(path: Path, mapping: Mapping | None = None) -> CustomerBatch:
    mapping = mapping or load_mapping(None)
    table = open_table(path, mapping.known_columns("customers"))
    return read_customers(table, mapping, category=CATEGORY, today=TODAY)


def numbers_by_line(path: Path) -> dict[int, str]:
    """Physical line → customer number, to name rows the way the samples README does."""
    table = open_table(path, load_mapping(None).known_columns("customers"))
    column = table.info.normalized.index(next(n for n in table.info.normalized if "kund" in n))
    return {row.line: row.cells[column] for row in table.rows()}


@pytest.fixture(scope="module", params=[CP1252, UTF8])
def sample(request: pytest.FixtureRequest) -> tuple[str, CustomerBatch, dict[int, str]]:
    name: str = request.param
    return name, read(DEMO / name), numbers_by_line(DEMO / name)


def by_number(batch: CustomerBatch) -> dict[str, CustomerRecord]:
    return {n: r for r in batch.records for n in r.customer_numbers}


def test_sample_counts(sample: tuple[str, CustomerBatch, dict[int, str]]) -> None:
    _, batch, _ = sample
    assert batch.rows == 41
    assert len(batch.records) == 34
    usable = sum(len(r.lines) for r in batch.records) + len(batch.reviews)
    assert usable == 36
    assert len(batch.errors) == 5
    assert len(batch.reviews) == 1
    assert batch.unmapped == ()


def test_sample_rejected_rows(sample: tuple[str, CustomerBatch, dict[int, str]]) -> None:
    _, batch, number = sample
    rejected = {number[e.line]: e.code for e in batch.errors}
    assert rejected == {
        "10012": "email_missing",
        "10018": "email_placeholder",
        "10031": "email_placeholder",
        "10022": "email_invalid",
        "10026": "email_invalid",
    }
    assert all(e.column in ("E-Mail", "Email") for e in batch.errors)
    messages = {number[e.line]: e.message for e in batch.errors}
    assert "'keine@example.com' is a placeholder" in messages["10018"]
    assert "'tobias.frank@example,com'" in messages["10026"]


def test_sample_shared_mailbox_goes_to_review(
    sample: tuple[str, CustomerBatch, dict[int, str]],
) -> None:
    _, batch, number = sample
    (review,) = batch.reviews
    assert number[review.line] == "10041"
    assert review.code == "shared_mailbox"
    kept = by_number(batch)["10019"]
    assert f"line {kept.lines[0]} (Anna-Lena Wolf, customer number 10019)" in review.message
    assert "10041" not in by_number(batch)
    assert kept.customer_numbers == ("10019",)


def test_sample_merge(sample: tuple[str, CustomerBatch, dict[int, str]]) -> None:
    _, batch, number = sample
    ((merged, kept),) = batch.merges
    assert (number[merged], number[kept]) == ("10027", "10014")
    koch = by_number(batch)["10014"]
    assert koch.email == "andreas.koch@example.com"
    assert koch.customer_numbers == ("10014", "10027")
    assert koch.properties["kundennummer"] == "10014"
    assert koch.properties["address"] == "Im Gänsacker 21"
    assert koch.properties["kunde_seit"] == "2025-04-05"
    assert koch.properties["bemerkung"] == "neu angelegt nach Umzug"
    assert koch.lines == (kept, merged)


def test_sample_warnings(sample: tuple[str, CustomerBatch, dict[int, str]]) -> None:
    name, batch, number = sample
    found = {(number[w.line], w.code) for w in batch.warnings}
    expected = {
        ("10009", "email_additional"),
        ("10025", "zip_padded"),
        ("10033", "phone_invalid"),
    }
    if name == CP1252:
        expected |= {("10036", "mojibake_repaired"), ("10038", "lossy_export")}
    assert found == expected
    assert len(batch.warnings) == len(expected)


def test_sample_values(sample: tuple[str, CustomerBatch, dict[int, str]]) -> None:
    _, batch, _ = sample
    records = by_number(batch)
    assert records["10005"].email == "laura.schaefer@example.com"
    assert records["10039"].email == "petra.nagel@example.com"  # NBSP trimmed
    brenner = records["10009"]
    assert brenner.email == "m.brenner@example.com"
    assert brenner.properties["hs_additional_emails"] == "familie.brenner@example.net"
    assert records["10025"].properties["zip"] == "04109"
    assert records["10029"].properties["zip"] == "6900"  # Austria: 4 digits are right
    assert "phone" not in records["10029"].properties
    assert "phone" in records["10029"].blank
    assert "phone" not in records["10033"].properties
    assert "phone" not in records["10033"].blank  # invalid is left out, not cleared
    assert records["10036"].properties["firstname"] == "Jürgen"
    assert records["10036"].properties["address"] == "Hauptstraße 9"
    assert records["10003"].properties["titel"] == "Dr."
    assert records["10003"].properties["address"] == "Schillerstraße 27/1"
    assert records["10004"].properties["company"] == "TSV Urbach e.V. – Abt. Fußball"
    assert "salutation" not in records["10004"].properties  # Anrede "Firma"
    assert records["10004"].properties["bemerkung"] == "Rechnung an Kassier; Training Di+Do"
    assert records["10004"].properties["buchungssystem_umsatz_eur"] == "6480"
    assert records["10003"].properties["buchungssystem_umsatz_eur"] == "2016.5"
    assert records["10004"].properties["buchungssystem_letzte_buchung"] == "2026-11-26"
    assert records["10001"].properties["newsletter"] == "true"
    assert records["10002"].properties["newsletter"] == "false"
    assert records["10020"].properties["bemerkung"] == 'Firmenfeier "Sommerfest" im Juli'
    assert records["10034"].properties["bemerkung"].split("\n") == [
        "Sportunterricht Mi 8-10 Uhr",
        "Rechnung bitte an Schulträger",
    ]
    assert "date_of_birth" in records["10004"].blank
    assert all(r.facility == CATEGORY for r in batch.records)
    assert records["10019"].first_name == "annalena"


@pytest.mark.parametrize(
    ("number", "phone", "mobile"),
    [
        ("10001", "+493023125101", None),
        ("10004", "+494066969104", None),
        ("10003", "+496990009103", None),
        ("10005", "+492214710105", None),
        ("10017", "+498999998117", None),
        ("10002", "+496990009102", None),
        ("10016", "+496990009116", None),
        ("10040", "+494066969140", None),
        ("10006", "+498999998106", None),
        ("10007", "+493023125107", None),
        ("10015", "+494066969115", None),
        ("10008", "+493023125108", "+4915228817386"),
        ("10020", "+494066969120", None),
        ("10009", "+49302312510922", None),
        ("10023", "+493023125123", "+491729980752"),
    ],
)
@pytest.mark.parametrize("name", [CP1252, UTF8])
def test_sample_phones(name: str, number: str, phone: str, mobile: str | None) -> None:
    props = by_number(read(DEMO / name))[number].properties
    assert props["phone"] == phone
    assert props.get("mobilephone") == mobile


def test_two_digit_birth_years(tmp_path: Path) -> None:
    # 10031 and 10041 have no contact in the sample; give them their own e-mail to see them.
    raw = (DEMO / CP1252).read_bytes()
    raw = raw.replace(b";-;20.09.49;", b";guenther.maurer@example.com;20.09.49;")
    raw = raw.replace(b"annalena.wolf@example.com;03.07.19", b"noah.wolf@example.com;03.07.19")
    path = tmp_path / "kunden_fixed.csv"
    path.write_bytes(raw)
    records = by_number(read(path))
    assert records["10031"].properties["date_of_birth"] == "1949-09-20"
    assert records["10007"].properties["date_of_birth"] == "1984-01-17"
    assert records["10041"].properties["date_of_birth"] == "2019-07-03"


def test_both_samples_give_the_same_records_except_10038s_name() -> None:
    def comparable(record: CustomerRecord) -> CustomerRecord:
        props = dict(record.properties)
        if record.customer_numbers == ("10038",):
            props.pop("firstname")
            props.pop("lastname")
            return replace(record, properties=props, lines=(), first_name="")
        return replace(record, lines=())

    cp1252, utf8 = by_number(read(DEMO / CP1252)), by_number(read(DEMO / UTF8))
    assert cp1252.keys() == utf8.keys()
    for number in cp1252:
        assert comparable(cp1252[number]) == comparable(utf8[number]), number
    lossy, right = cp1252["10038"].properties, utf8["10038"].properties
    assert (lossy["firstname"], lossy["lastname"]) == ("?ukasz", "Wi?niewski")
    assert (right["firstname"], right["lastname"]) == ("Łukasz", "Wiśniewski")


def test_every_problem_of_a_row_is_reported() -> None:
    batch = read(DATA / "cust_rows.csv")
    assert batch.rows == 4  # the "Summe" footer is neither read nor counted
    warnings = {(w.line, w.column, w.code) for w in batch.warnings}
    assert warnings == {
        (2, "Telefon", "phone_invalid"),
        (2, "Geburtsdatum", "date_ignored"),
        (2, "Newsletter", "value_invalid"),
        (2, "Umsatz gesamt", "value_invalid"),
        (4, "Telefon", "phone_invalid"),  # reported although the row is rejected
        (5, None, "extra_cells"),
    }
    ((line, column, code),) = {(e.line, e.column, e.code) for e in batch.errors}
    assert (line, column, code) == (4, "E-Mail", "email_placeholder")
    eva = by_number(batch)["20001"]
    for prop in ("phone", "date_of_birth", "newsletter", "buchungssystem_umsatz_eur"):
        assert prop not in eva.properties
        assert prop not in eva.blank
    assert eva.properties["kunde_seit"] == "2020-01-01"
    assert batch.unmapped == ("Lieblingsplatz",)


def test_blank_cells_and_facility_column() -> None:
    records = by_number(read(DATA / "cust_rows.csv"))
    eva, max_ = records["20001"], records["20002"]
    assert eva.facility == CATEGORY  # facility cell empty → the configured category
    assert max_.facility == "Padel Court A"
    assert max_.blank == {
        "salutation",
        "phone",
        "date_of_birth",
        "zip",
        "country",
        "kunde_seit",
        "newsletter",
        "buchungssystem_umsatz_eur",
    }
    assert "kontaktkategorie" not in max_.properties


def test_mapping_file_applies_to_customers() -> None:
    batch = read(DATA / "cust_rows.csv", load_mapping(DATA / "map_valid.toml"))
    assert batch.unmapped == ()
    assert by_number(batch)["20001"].properties["lieblingsplatz"] == "Court 1"


def test_merging_rules() -> None:
    batch = read(DATA / "cust_merge.csv")
    records = {r.email: r for r in batch.records}
    ina = records["ina@example.com"]
    # Missing "Kunde seit" (30003) counts as the oldest registration.
    assert ina.customer_numbers == ("30003", "30001", "30002")
    assert ina.properties["kundennummer"] == "30003"
    assert ina.properties["city"] == "Neustadt"  # newest registration wins
    assert ina.properties["phone"] == "+493023125101"  # filled from an older row
    assert ina.properties["bemerkung"] == "neu"
    assert ina.lines == (2, 3, 4)
    assert ina.first_name == "ina"
    jan = records["jan@example.com"]
    assert jan.customer_numbers == ("40001", "40002")  # same day: the earlier line is older
    assert jan.properties["city"] == "Berg"  # same day: the later line wins
    assert jan.properties["bemerkung"] == "gleicher Tag"
    assert "city" not in jan.blank
    lea = records["familie@example.com"]
    assert lea.customer_numbers == ("50001", "50003")  # "Léa" = "Lea"
    assert lea.properties["city"] == "Dorf"
    assert batch.merges == ((3, 2), (4, 2), (6, 5), (9, 7))
    (review,) = batch.reviews
    assert review.line == 8
    assert "line 7 (Lea Lenz, customer number 50001)" in review.message
    assert batch.errors == ()


def test_file_without_email_column_is_rejected() -> None:
    mapping = load_mapping(None)
    table = open_table(DATA / "cust_no_email.csv", mapping.known_columns("customers"))
    with pytest.raises(InputError, match="no e-mail column"):
        read_customers(table, mapping, category=None, today=TODAY)


@pytest.mark.parametrize(
    ("name", "key"),
    [("Anna-Lena", "annalena"), ("ÖMER", "omer"), ("Léa", "lea"), ("", "")],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


def test_validate_on_several_processes_reports_exactly_what_one_process_does(
    tmp_path: Path,
) -> None:
    """Large files are parsed on worker processes; the outcome must not change."""
    source = DEMO / CP1252
    mapping = load_mapping(None)
    lines = source.read_bytes().split(b"\r\n")
    header, rows = lines[0], [r for r in lines[1:] if r]
    body = []
    for copy in range(60):  # 60 copies: distinct contacts, the same kinds of problems
        for row in rows:
            body.append(row.replace(b"@example", b"+%d@example" % copy))
    path = tmp_path / "kunden_gross.csv"
    path.write_bytes(b"\r\n".join([header, *body]) + b"\r\n")
    table = open_table(path, mapping.known_columns("customers"))

    def run(workers: int) -> CustomerBatch:
        return read_customers(
            table, mapping, category=None, today=TODAY, keep=False, workers=workers
        )

    one, two = run(1), run(2)
    assert one.rows == 41 * 60 > 2_000  # more than one chunk
    assert (one.errors, one.warnings, one.reviews, one.merges, one.contacts) == (
        two.errors,
        two.warnings,
        two.reviews,
        two.merges,
        two.contacts,
    )
    assert one.reviews and one.merges and one.errors
