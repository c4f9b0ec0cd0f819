"""Tests for hubsync.bookings.reading: journal rows → documents, stornos, checksums, deals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from hubsync.bookings.deal_fields import cancellation_targets, check_name_template, deal_properties
from hubsync.bookings.reading import BookingBatch, read_bookings
from hubsync.intake.csvread import normalize_header, open_table
from hubsync.mapping.booking_columns import BOOKING_COLUMNS, is_booking_header
from hubsync.records import BookingDocument

DATA = Path(__file__).parent / "data"
JOURNAL = (
    Path(__file__).parent.parent / "hubsync" / "demo_data" / "rechnungsausgangsjournal_2026-11.csv"
)
TODAY = date(2026, 11, 27)
STAGES = {"pipeline": "default", "stage": "closedwon", "cancelled_stage": "closedlost"}


def read(path: Path) -> BookingBatch:
    return read_bookings(open_table(path, BOOKING_COLUMNS), today=TODAY)


@pytest.fixture(scope="module")
def journal() -> BookingBatch:
    return read(JOURNAL)


@pytest.fixture(scope="module")
def docs(journal: BookingBatch) -> dict[str, BookingDocument]:
    return {doc.number: doc for doc in journal.documents}


def by_code(batch: BookingBatch) -> list[tuple[int, str | None, str]]:
    return [(e.line, e.column, e.code) for e in batch.errors]


# --- the sample journal ---------------------------------------------------------------------


def test_sample_counts_and_totals(journal: BookingBatch) -> None:
    assert journal.rows == 122
    assert len(journal.documents) == 116
    assert journal.errors == () and journal.warnings == ()
    assert journal.checksum is None
    assert journal.unmapped == ()
    assert sum(d.amount for d in journal.documents) == Decimal("14864.50")
    assert sum(d.hours or 0 for d in journal.documents) == Decimal("215.0")


@pytest.mark.parametrize("number", ["0438", "0463", "0478", "0497", "0517", "0518"])
def test_two_line_invoices_are_summed(docs: dict[str, BookingDocument], number: str) -> None:
    doc = docs[f"RE-2026-{number}"]
    assert len(doc.lines) == 2 and doc.lines[1] == doc.lines[0] + 1
    assert " | " in doc.description
    assert doc.facility is not None


def test_two_line_invoice_details(docs: dict[str, BookingDocument]) -> None:
    doc = docs["RE-2026-0438"]
    assert doc.amount == Decimal("247.50")
    assert doc.hours == Decimal("2")
    assert doc.description == (
        "Kindergeburtstag Paket M (2 Std., bis 12 Kinder) | Pizza-Paket Kindergeburtstag"
    )
    assert (doc.service_date, doc.customer_number, doc.customer_name) == (
        "2026-09-19",
        "10019",
        "Wolf, Anna-Lena",
    )
    assert doc.facility == "Soccer Court 2"
    assert doc.lines == (31, 32)


def test_stornos_and_their_originals(
    journal: BookingBatch, docs: dict[str, BookingDocument]
) -> None:
    assert cancellation_targets(journal.documents) == {
        "RE-2026-0426": "ST-2026-0031",
        "RE-2026-0473": "ST-2026-0032",
    }
    for storno, original in (("ST-2026-0031", "RE-2026-0426"), ("ST-2026-0032", "RE-2026-0473")):
        assert docs[storno].cancels == original
        assert not docs[storno].cancelled  # its own "storniert" status is not a cancellation
        assert docs[original].cancelled and docs[original].cancels is None
        assert docs[storno].amount == -docs[original].amount
        assert docs[storno].hours == -(docs[original].hours or 0)
        assert docs[storno].service_date == docs[original].service_date
    cancelled = {d.number for d in journal.documents if d.cancelled}
    assert cancelled == {"RE-2026-0426", "RE-2026-0473"}


def test_customer_fields(docs: dict[str, BookingDocument]) -> None:
    assert docs["RE-2026-0498"].email == "florian.neumann@example.net"  # trailing blank
    assert docs["RE-2026-0472"].email == "lea.sommer@example.net"  # leading blank
    assert docs["RE-2026-0483"].email == "team-blau@example.org"
    assert docs["RE-2026-0443"].email == "christina.vogel@example.net"
    assert docs["RE-2026-0467"].customer_number is None and docs["RE-2026-0467"].email is None
    assert docs["RE-2026-0442"].customer_name == "Böhm, Jürgen"  # mojibake repaired by the reader
    assert docs["RE-2026-0503"].description == "Gutschein 50 € (Mehrzweckgutschein)"
    assert docs["RE-2026-0503"].hours is None and docs["RE-2026-0503"].facility is None
    assert docs["RE-2026-0413"].hours == Decimal(10)
    assert docs["RE-2026-0412"].extra == {
        "invoice_date": "2026-09-03",
        "booked_at": "22.08.2026 12:17",
        "payment": "Lastschrift",
        "status": "bezahlt",
    }


def test_is_booking_header() -> None:
    header = ["Rechnungsnr.", "Rechnungsdatum", "Kunde", "Brutto"]
    assert is_booking_header([normalize_header(h) for h in header])
    assert is_booking_header(["belegnr", "datum", "betrag"])
    assert not is_booking_header(["rechnungsnr", "brutto", "kunde"])  # no date
    assert not is_booking_header(["kdnr", "email", "datum", "brutto"])  # no document number
    assert not is_booking_header(["rechnungsnr", "datum", "netto"])  # no gross amount


# --- checksums --------------------------------------------------------------------------------


def test_tampered_sum_is_reported() -> None:
    batch = read(DATA / "book_tampered_sum.csv")
    assert len(batch.documents) == 2 and batch.errors == ()
    assert batch.checksum == "footer totals differ from the rows (footer ≠ rows): Brutto 190 ≠ 180"


def test_tampered_sample_sum_is_reported(tmp_path: Path) -> None:
    text = JOURNAL.read_bytes().replace(b";14.864,50;", b";14.846,50;")
    path = tmp_path / "journal.csv"
    path.write_bytes(text)
    assert read(path).checksum == (
        "footer totals differ from the rows (footer ≠ rows): Brutto 14846.5 ≠ 14864.5"
    )


def test_wrong_counts_are_reported(tmp_path: Path) -> None:
    text = JOURNAL.read_bytes().replace(b"Anzahl Belege: 116", b"Anzahl Belege: 117")
    path = tmp_path / "journal.csv"
    path.write_bytes(text)
    assert read(path).checksum == (
        "footer totals differ from the rows (footer ≠ rows): Anzahl Belege 117 ≠ 116"
    )


# --- row errors -------------------------------------------------------------------------------


def test_row_errors() -> None:
    batch = read(DATA / "book_errors.csv")
    assert [d.number for d in batch.documents] == ["RE-10", "RE-17"]
    assert by_code(batch) == [
        (3, "Rechnungsnr.", "number_missing"),
        (4, "Brutto", "amount_invalid"),
        (5, "Leistungsdatum", "date_invalid"),
        (6, "Dauer (Std.)", "hours_invalid"),
        (7, "Leistungsdatum", "date_missing"),
        (8, None, "document_rejected"),
        (9, "Kd.-Nr.", "document_conflict"),
        (10, None, "document_rejected"),
        (11, "Brutto", "amount_invalid"),
        (15, "Leistungsdatum", "date_missing"),
        (15, "Brutto", "amount_missing"),
        (16, "Rechnungsnr.", "number_invalid"),
    ]
    assert batch.rows == 13
    assert batch.checksum is None  # the Summe cell is unreadable: nothing to compare


def test_row_error_messages() -> None:
    errors = {e.line: e.message for e in read(DATA / "book_errors.csv").errors}
    assert errors[4] == "invalid amount 'zwölf': not a number: 'zwölf'"
    assert errors[9] == "document RE-15: customer number '106' differs from '105' on line 8"
    assert errors[10] == "document RE-16 not imported: line 11 is rejected"


def test_warnings() -> None:
    warnings = read(DATA / "book_errors.csv").warnings
    assert [(w.line, w.code) for w in warnings] == [
        (12, "skipped"),
        (13, "subtotal_skipped"),
        (14, "email_ignored"),
    ]
    assert warnings[1].message == "line without a document number skipped: 'Übertrag'"
    assert warnings[2].column == "E-Mail"


# --- other spellings, times, stornos without status --------------------------------------------


@pytest.fixture(scope="module")
def variants() -> BookingBatch:
    return read(DATA / "book_variants.csv")


def test_variant_columns(variants: BookingBatch) -> None:
    docs = {d.number: d for d in variants.documents}
    first = docs["RE-20"]  # number upper-cased
    assert first.amount == Decimal("12.50")
    assert first.service_date == "2026-10-03"  # "Datum" wins over "Belegdatum"
    assert first.hours == Decimal("1.5")  # from Beginn/Ende
    assert (first.customer_number, first.email, first.customer_name) == (
        "200",
        "max@example.com",
        "Muster, Max",
    )
    assert docs["RE-21"].service_date == "2026-10-01"  # falls back to Belegdatum
    assert docs["RE-21"].hours == Decimal(2)  # over midnight
    assert docs["SR-7"].hours == Decimal(-2)  # a storno gives its hours back
    assert variants.unmapped == ()


def test_variant_stornos(variants: BookingBatch) -> None:
    docs = {d.number: d for d in variants.documents}
    assert (docs["SR-7"].cancels, docs["SR-7"].cancelled) == ("RE-21", False)
    # A goodwill credit ("Gutschrift zu …") is often partial: a credit note, no cancellation.
    assert (docs["GS-3"].cancels, docs["RE-20"].cancelled) == (None, False)
    assert docs["GS-3"].amount == Decimal("-12.50")
    assert docs["RE-21"].cancelled
    credit = docs["RE-22"]
    assert (credit.cancels, credit.cancelled, credit.amount) == (None, False, Decimal("-50.00"))
    unreferenced = docs["ST-9"]  # ST- prefix: a storno, though it names no original
    assert (unreferenced.cancels, unreferenced.cancelled) == (None, False)
    assert docs["RE-24"].cancels is None  # "Stornogebühr" is no storno
    assert cancellation_targets(variants.documents) == {
        "RE-21": "SR-7",
        "RE-9999": "ST-40",  # the original is in another file
    }
    assert (docs["ST-50"].cancels, docs["ST-50"].cancelled) == (None, False)  # refers to itself
    assert [(w.line, w.code) for w in variants.warnings] == [
        (7, "storno_unreferenced"),
        (11, "storno_unreferenced"),
    ]
    assert by_code(variants) == [(8, "Ende", "time_invalid")]


def test_hours_formats() -> None:
    batch = read(DATA / "book_hours.csv")
    assert [d.hours for d in batch.documents] == [Decimal("1.5"), Decimal("1.5")]


def test_custom_column_aliases() -> None:
    columns = {**BOOKING_COLUMNS, "leistung": "not a role", "dauer": "not a role"}
    table = open_table(DATA / "book_hours.csv", columns)
    batch = read_bookings(table, today=TODAY, columns=columns)
    assert batch.unmapped == ("Leistung", "Dauer")
    assert [(d.description, d.hours) for d in batch.documents] == [("", None), ("", None)]


# --- deal properties --------------------------------------------------------------------------


def test_deal_properties(docs: dict[str, BookingDocument]) -> None:
    assert deal_properties(docs["RE-2026-0438"], **STAGES) == {
        "dealname": "Soccer Court 2 – RE-2026-0438",
        "amount": "247.5",
        "closedate": "2026-09-19T12:00:00Z",
        "pipeline": "default",
        "dealstage": "closedwon",
        "rechnungsnummer": "RE-2026-0438",
        "description": (
            "Kindergeburtstag Paket M (2 Std., bis 12 Kinder) | Pizza-Paket Kindergeburtstag"
        ),
        "anlage": "Soccer Court 2",
        "kundennummer": "10019",
        "buchungsstunden": "2",
    }


def test_deal_without_facility_is_named_after_the_item(docs: dict[str, BookingDocument]) -> None:
    props = deal_properties(docs["RE-2026-0503"], **STAGES)
    assert props["dealname"] == "Gutschein 50 € – RE-2026-0503"
    assert "anlage" not in props and "buchungsstunden" not in props


def test_cancelled_deal(docs: dict[str, BookingDocument]) -> None:
    assert deal_properties(docs["RE-2026-0426"], **STAGES)["dealstage"] == "closedlost"
    props = deal_properties(docs["RE-2026-0412"], cancelled_by="ST-2026-0099", **STAGES)
    assert (props["dealstage"], props["storniert_durch"]) == ("closedlost", "ST-2026-0099")


def test_storno_is_not_a_deal(docs: dict[str, BookingDocument]) -> None:
    with pytest.raises(ValueError, match="a storno is not a deal"):
        deal_properties(docs["ST-2026-0031"], **STAGES)


def test_name_template(docs: dict[str, BookingDocument]) -> None:
    template = "{datum} {kunde}: {leistung} ({rechnungsnummer})"
    props = deal_properties(docs["RE-2026-0412"], name_template=template, **STAGES)
    assert props["dealname"] == (
        "03.09.2026 Schmid, Lisa: Platzmiete Soccer 60 Min (Abendtarif) (RE-2026-0412)"
    )
    bare = deal_properties(docs["RE-2026-0503"], name_template="{anlage}", **STAGES)
    assert bare["dealname"] == "Gutschein 50 €"


def test_bad_name_template() -> None:
    check_name_template("{anlage} – {rechnungsnummer}")
    with pytest.raises(ValueError, match=r"unknown field\(s\) \['betrag'\]"):
        check_name_template("{betrag} {anlage}")
    with pytest.raises(ValueError, match="invalid deal name template"):
        check_name_template("{anlage")
