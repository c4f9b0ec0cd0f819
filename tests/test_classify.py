"""`classify`: customers, bookings or neither, by file name first and header second.

Files are written into `tmp_path`; the reasons are asserted by code (`InputError.reason`),
since their texts are translated elsewhere.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from clocks import NOW, settled

from hubsync.inbox.classify import classify, classify_header, classify_inbox
from hubsync.inbox.folders import Inbox
from hubsync.intake.csvread import normalize_header
from hubsync.mapping.load import load_mapping
from hubsync.summary import FileKind

DATA = Path(__file__).parent / "data"
MAPPING = load_mapping(None)
CUSTOMERS = "Kundennummer;Vorname;Name;E-Mail\r\n10001;Jonas;Kübler;jonas@example.com\r\n"
BOOKINGS = (
    "Rechnungsnr.;Leistungsdatum;Kd.-Nr.;E-Mail;Brutto\r\n"
    "RE-2026-0001;03.09.2026;10001;jonas@example.com;72,00\r\n"
)
NO_EMAIL = "Kundennummer;Vorname;Name;Ort\r\n10001;Jonas;Kübler;Schorndorf\r\n"
# A DATEV "Buchungsstapel": a format line, then a header of accounting columns.
DATEV = (
    '"EXTF";700;21;"Buchungsstapel";13;20261128120000000;;"RE";"";"";1001;10001;20260101\r\n'
    "Umsatz (ohne Soll/Haben-Kz);Soll/Haben-Kennzeichen;WKZ Umsatz;Kurs;Konto;"
    "Gegenkonto (ohne BU-Schlüssel);BU-Schlüssel;Belegdatum;Belegfeld 1;Buchungstext\r\n"
    "72,00;S;EUR;;8400;10001;;0309;RE-2026-0001;Platzmiete\r\n"
)


def export(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# -- by header -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [(CUSTOMERS, FileKind.CUSTOMERS), (BOOKINGS, FileKind.BOOKINGS)],
    ids=["customers", "bookings"],
)
def test_a_file_with_a_neutral_name_is_classified_by_its_header(
    tmp_path: Path, text: str, kind: FileKind
) -> None:
    item = classify(export(tmp_path, "export.csv", text, "cp1252"), MAPPING)
    assert (item.kind, item.error) == (kind, None)
    assert item.table is not None


def test_a_booking_export_with_an_email_column_is_bookings() -> None:
    normalized = tuple(normalize_header(h) for h in BOOKINGS.split("\r\n")[0].split(";"))
    assert classify_header(normalized, MAPPING) is FileKind.BOOKINGS


@pytest.mark.parametrize(
    "header",
    [
        ("Rechnungsnr.", "Brutto", "E-Mail"),  # a date is missing: no journal
        ("Leistungsdatum", "Brutto", "Kunde", "E-Mail"),  # no document number
    ],
)
def test_half_a_booking_header_with_an_email_is_customers(header: tuple[str, ...]) -> None:
    normalized = tuple(normalize_header(h) for h in header)
    assert classify_header(normalized, MAPPING) is FileKind.CUSTOMERS


def test_neither_header_is_unknown_with_the_header_in_the_reason(tmp_path: Path) -> None:
    item = classify(export(tmp_path, "export.csv", NO_EMAIL), MAPPING)
    assert item.kind is FileKind.UNKNOWN
    assert item.error is not None and item.error.reason == "unknown_kind"
    assert item.error.line == 1
    assert dict(item.error.params)["reason_header"] == "Kundennummer, Vorname, Name, Ort"


# -- by file name ------------------------------------------------------------------------------


def test_the_file_name_decides_before_the_header(tmp_path: Path) -> None:
    item = classify(export(tmp_path, "rechnungen_2026.csv", CUSTOMERS), MAPPING)
    assert item.kind is FileKind.BOOKINGS  # a pattern in the mapping file is the admin's word
    item = classify(export(tmp_path, "Kunden_2026.CSV", BOOKINGS), MAPPING)
    assert (item.kind, item.error) == (FileKind.CUSTOMERS, None)


def test_a_customer_file_by_name_needs_an_email_column(tmp_path: Path) -> None:
    item = classify(export(tmp_path, "kunden_2026.csv", NO_EMAIL), MAPPING)
    assert item.kind is FileKind.CUSTOMERS
    assert item.error is not None and item.error.reason == "no_email_column"
    assert item.table is not None


def test_the_mapping_files_patterns_replace_the_defaults(tmp_path: Path) -> None:
    mapping = replace(MAPPING, customer_file_patterns=("crm_*.csv",), booking_file_patterns=())
    assert classify(export(tmp_path, "crm_1.csv", CUSTOMERS), mapping).kind is FileKind.CUSTOMERS
    # "journal" is no booking pattern any more: the header decides
    item = classify(export(tmp_path, "journal.csv", CUSTOMERS), mapping)
    assert item.kind is FileKind.CUSTOMERS


# -- files that are no export of ours ------------------------------------------------------------


def test_a_datev_export_is_unknown_because_no_header_is_found(tmp_path: Path) -> None:
    item = classify(export(tmp_path, "EXTF_Buchungsstapel.csv", DATEV, "cp1252"), MAPPING)
    assert (item.kind, item.table) == (FileKind.UNKNOWN, None)
    assert item.error is not None and item.error.reason == "no_header"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("csv_binary.csv", "binary_file"),
        ("csv_empty.csv", "file_empty"),
        ("csv_no_header.csv", "no_header"),
    ],
)
def test_unreadable_files_are_unknown_with_their_reason(name: str, reason: str) -> None:
    item = classify(DATA / name, MAPPING)
    assert (item.kind, item.table) == (FileKind.UNKNOWN, None)
    assert item.error is not None and item.error.reason == reason
    assert item.error.path == name  # messages name the file, not its inbox path


# -- the order of a run --------------------------------------------------------------------------


def test_customers_come_first_then_bookings_then_the_rest_each_oldest_first(
    tmp_path: Path,
) -> None:
    inbox = Inbox(tmp_path)
    inbox.ensure()
    dropped = [  # oldest first
        ("export_a.csv", BOOKINGS),
        ("export_b.csv", CUSTOMERS),
        ("export_c.csv", NO_EMAIL),
        ("export_d.csv", BOOKINGS),
        ("export_e.csv", CUSTOMERS),
        ("export_f.csv", ""),
    ]
    for age, (name, text) in enumerate(reversed(dropped), start=1):
        settled(export(inbox.inbox, name, text), age=3600 + age)
    items = classify_inbox(inbox.scan(NOW, 60).ready, MAPPING)
    assert [(i.path.name, i.kind) for i in items] == [
        ("export_b.csv", FileKind.CUSTOMERS),
        ("export_e.csv", FileKind.CUSTOMERS),
        ("export_a.csv", FileKind.BOOKINGS),
        ("export_d.csv", FileKind.BOOKINGS),
        ("export_c.csv", FileKind.UNKNOWN),
        ("export_f.csv", FileKind.UNKNOWN),
    ]


def test_classify_inbox_keeps_the_given_order_within_a_kind(tmp_path: Path) -> None:
    paths = [export(tmp_path, f"kunden_{n}.csv", CUSTOMERS) for n in (3, 1, 2)]
    assert [i.path for i in classify_inbox(paths, MAPPING)] == paths
