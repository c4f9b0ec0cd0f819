"""Tests for hubsync.intake.csvread and .encoding: encodings, dialects, headers, row streaming."""

from __future__ import annotations

import codecs
import csv
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubsync.errors import InputError
from hubsync.intake.csvread import Row, Table, TableInfo, normalize_header, open_table
from hubsync.intake.encoding import repair_mojibake, sniff_encoding

DATA = Path(__file__).parent / "data"
DEMO = Path(__file__).parents[1] / "hubsync" / "demo_data"
KNOWN = frozenset({"kundennummer", "vorname", "name", "email", "plz"})
CUSTOMER_KNOWN = frozenset(
    {"kundennummer", "kundennr", "vorname", "name", "nachname", "email", "plz", "postleitzahl"}
)
JOURNAL_KNOWN = frozenset({"rechnungsnr", "rechnungsdatum", "kdnr", "kunde", "email", "brutto"})


def rows(path: Path, known: frozenset[str] = KNOWN) -> list[Row]:
    return list(open_table(path, known).rows())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("E-Mail", "email"),
        ("Kd.-Nr.", "kdnr"),
        ("Straße", "strasse"),
        ("Dauer (Std.)", "dauerstd"),
        ("Geb.-Datum", "gebdatum"),
        ("Kunden-Nr.", "kundennr"),
        ("Newsletter (J/N)", "newsletterjn"),
        ("Übernachtung", "uebernachtung"),
        ("Größe", "groesse"),
    ],
)
def test_normalize_header(raw: str, expected: str) -> None:
    assert normalize_header(raw) == expected


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("JÃ¼rgen BÃ¶hm", "Jürgen Böhm"),
        ("HauptstraÃŸe", "Hauptstraße"),
        ("Preis 12 â‚¬", "Preis 12 €"),
        ("Abt. â€“ FuÃŸball", "Abt. – Fußball"),
        ("MÃ¼ller und Müller", "Müller und Müller"),
    ],
)
def test_repair_mojibake(broken: str, fixed: str) -> None:
    assert repair_mojibake(broken) == fixed


@pytest.mark.parametrize(
    "text", ["Müller", "Straße", "€ 12,50", "Łukasz Wiśniewski", "Ã allein", "Â", "", "à la carte"]
)
def test_repair_mojibake_leaves_correct_text(text: str) -> None:
    assert repair_mojibake(text) == text


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (codecs.BOM_UTF8 + b"a;b", "utf-8-sig"),
        (codecs.BOM_UTF16_LE + "a\tb".encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + "a\tb".encode("utf-16-be"), "utf-16"),
        ("Müller".encode(), "utf-8"),
        ("Müller".encode("cp1252"), "cp1252"),
        (b"plain ascii", "utf-8"),
    ],
)
def test_sniff_encoding(sample: bytes, expected: str) -> None:
    assert sniff_encoding(sample) == expected


def test_sniff_encoding_checks_every_chunk() -> None:
    # Valid UTF-8 at the start, a cp1252 byte far behind: the whole file decides.
    assert sniff_encoding(b"a" * 100, [b"b" * 100, "ä".encode("cp1252")]) == "cp1252"
    # A UTF-8 character split across two chunks is still UTF-8.
    euro = "€".encode()
    assert sniff_encoding(b"x" + euro[:1], [euro[1:]]) == "utf-8"
    assert sniff_encoding(b"x" + euro[:1]) == "cp1252"


@pytest.mark.parametrize("sample", [b"abc\x00def", bytes(range(32)) * 4])
def test_sniff_encoding_rejects_binary(sample: bytes) -> None:
    with pytest.raises(ValueError, match="binary"):
        sniff_encoding(sample)


def test_bom_file() -> None:
    table = open_table(DATA / "csv_bom.csv", KNOWN)
    assert table.info.encoding == "utf-8-sig"
    assert table.info.header[0] == "Kundennummer"
    assert [r.cells for r in table.rows()] == [("1", "Jörg", "Müller", "j@example.com", "73614")]


def test_cp1252_file_with_undefined_byte() -> None:
    table = open_table(DATA / "csv_cp1252.csv", KNOWN)
    assert table.info.encoding == "cp1252"
    first, second = table.rows()
    assert first.cells[2] == "Müller – Straße"
    assert second.cells[1] == "Preis 12 €"
    assert second.cells[2] == "A\x81B"  # 0x81 is undefined in cp1252: kept, never a crash


def test_utf16_tab_file() -> None:
    table = open_table(DATA / "csv_utf16.txt", KNOWN)
    assert (table.info.encoding, table.info.delimiter) == ("utf-16", "\t")
    [row] = table.rows()
    assert row.cells[1:3] == ("Łukasz", "Wiśniewski")
    assert row.line == 2


def test_pipe_delimiter() -> None:
    table = open_table(DATA / "csv_pipe.csv", KNOWN)
    assert table.info.delimiter == "|"
    assert [r.cells[2] for r in table.rows()] == ["Wolf"]


def test_ragged_rows() -> None:
    short, long, padded = rows(DATA / "csv_ragged.csv")
    assert short.cells == ("1", "Anna", "Wolf", "", "")
    assert short.extra == ()
    assert long.extra == ("zuviel",)
    assert padded.extra == ()
    assert padded.cells[4] == "73614"


def test_quoted_newline_keeps_physical_lines() -> None:
    first, second = rows(DATA / "csv_quoted_newline.csv", KNOWN)
    assert first.line == 2
    assert first.cells[5] == "erste\r\nzweite"
    assert second.line == 4


def test_quoted_delimiter_and_doubled_quotes() -> None:
    first, second = rows(DATA / "csv_quoted_delimiter.csv")
    assert first.cells[5] == "Rechnung an Kassier; Training"
    assert second.cells[5] == 'Firmenfeier "Sommerfest" im Juli'


def test_preamble_and_footer() -> None:
    table = open_table(DATA / "csv_preamble_footer.csv", KNOWN)
    assert table.info.header_line == 4
    result = list(table.rows())
    assert [(r.line, r.footer) for r in result] == [(5, False), (6, False), (7, True), (8, True)]


def test_footer_word_must_stand_alone() -> None:
    # "Gesamtschule" is a name, not a "Gesamt" footer.
    from hubsync.intake.csvread import _FOOTER

    assert _FOOTER.match("Gesamtschule Schorndorf") is None
    assert _FOOTER.match("Gesamtsumme") is not None
    assert _FOOTER.match("TOTAL:") is not None


def test_header_not_found_when_preamble_too_long(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("x;y\n" * 5 + "Kundennummer;Vorname;Name\n1;a;b\n", encoding="utf-8")
    assert open_table(path, KNOWN, max_preamble=6).info.header_line == 6
    with pytest.raises(InputError, match="first 5 lines"):
        open_table(path, KNOWN, max_preamble=5)


def test_empty_file() -> None:
    with pytest.raises(InputError, match="empty") as info:
        open_table(DATA / "csv_empty.csv", KNOWN)
    assert info.value.path == "csv_empty.csv"


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"\r\n  \r\n;;;\r\n")
    with pytest.raises(InputError):
        open_table(path, KNOWN)


def test_headers_only() -> None:
    assert rows(DATA / "csv_headers_only.csv") == []


def test_binary_file() -> None:
    with pytest.raises(InputError, match="binary"):
        open_table(DATA / "csv_binary.csv", KNOWN)


def test_no_header() -> None:
    with pytest.raises(InputError, match="no known column names in the first 30 lines"):
        open_table(DATA / "csv_no_header.csv", KNOWN)


def test_blank_and_delimiter_only_lines_skipped() -> None:
    assert [r.line for r in rows(DATA / "csv_all_delimiters.csv")] == [2, 6]


def test_trailing_empty_column() -> None:
    table = open_table(DATA / "csv_trailing_column.csv", KNOWN)
    assert table.info.header == ("Kundennummer", "Vorname", "Name", "E-Mail", "PLZ")
    [row] = table.rows()
    assert row.extra == ()


def test_mojibake_cells_repaired() -> None:
    table = open_table(DATA / "csv_mojibake.csv", KNOWN)
    assert table.info.encoding == "cp1252"
    first, second = table.rows()
    assert (first.cells[2], first.repaired) == ("Müller", ())
    assert second.cells[1:3] == ("Jürgen", "Böhm")
    assert second.cells[5] == "Hauptstraße"
    assert second.repaired == (1, 2, 5)


def test_cr_line_ends() -> None:
    assert [r.line for r in rows(DATA / "csv_cr.csv")] == [2, 3]


def test_csv_error_names_line(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Kundennummer;Vorname;Name\n1;a;b\n2;")
        handle.write("x" * (10 * 1024 * 1024 + 10))
        handle.write(";c\n")
    table = open_table(path, KNOWN)
    with pytest.raises(InputError, match="CSV error") as info:
        list(table.rows())
    assert info.value.line == 3
    assert str(info.value).startswith(f"{path.name}, line")


def test_huge_line_before_header(tmp_path: Path) -> None:
    path = tmp_path / "huge_line.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("x" * (10 * 1024 * 1024 + 10))
        handle.write("\nKundennummer;Vorname;Name\n1;a;b\n")
    with pytest.raises(InputError, match="no known column names"):
        open_table(path, KNOWN)


def test_file_changed_after_sniffing(tmp_path: Path) -> None:
    path = tmp_path / "changed.csv"
    path.write_bytes("Kundennummer;Vorname;Name\n1;Jörg;b\n".encode())
    table = open_table(path, KNOWN)
    path.write_bytes("Kundennummer;Vorname;Name\n1;Jörg;b\n".encode("cp1252"))
    with pytest.raises(InputError, match="undecodable"):
        list(table.rows())


# --- the real sample exports --------------------------------------------------------------


def test_sample_customers_cp1252() -> None:
    table = open_table(DEMO / "kunden_2026-11-27.csv", CUSTOMER_KNOWN)
    info = table.info
    assert (info.encoding, info.delimiter, info.header_line) == ("cp1252", ";", 1)
    assert len(info.header) == 21  # the empty 22nd column is dropped
    assert info.normalized[6] == "strasse"
    result = list(table.rows())
    assert len(result) == 41
    assert not any(r.footer or r.extra for r in result)
    by_number = {r.cells[0]: r for r in result}
    assert by_number["10034"].line == 37
    assert by_number["10034"].cells[20].count("\r\n") == 1
    assert by_number["10035"].line == 39
    assert by_number["10036"].line == 40
    assert by_number["10036"].cells[3:5] == ("Jürgen", "Böhm")
    assert by_number["10036"].cells[6] == "Hauptstraße"
    assert by_number["10036"].repaired == (3, 4, 6)
    assert by_number["10038"].cells[3] == "?ukasz"
    assert by_number["10004"].cells[20] == "Rechnung an Kassier; Training Di+Do"
    assert "–" in "".join(by_number["10004"].cells)
    assert by_number["10020"].cells[20] == 'Firmenfeier "Sommerfest" im Juli'
    assert by_number["10039"].cells[13].endswith("\xa0")
    assert {r.line for r in result}.isdisjoint({19, 32})


def test_sample_customers_utf8_comma() -> None:
    table = open_table(DEMO / "kunden_2026-11-27_utf8bom_komma.csv", CUSTOMER_KNOWN)
    info = table.info
    assert (info.encoding, info.delimiter, info.header_line) == ("utf-8-sig", ",", 1)
    assert info.header[0] == "Kunden-Nr."
    assert info.header[-1] == "Titel"
    result = list(table.rows())
    assert len(result) == 41
    by_number = {r.cells[0]: r for r in result}
    assert by_number["10038"].cells[2:4] == ("Łukasz", "Wiśniewski")
    assert by_number["10004"].cells[19] == "Rechnung an Kassier; Training Di+Do"
    assert by_number["10009"].cells[4] == "m.brenner@example.com; familie.brenner@example.net"
    assert by_number["10001"].cells[17] == "1.284,00"
    assert "\n" in by_number["10034"].cells[19]
    assert not any(r.repaired for r in result)


def test_sample_journal() -> None:
    table = open_table(DEMO / "rechnungsausgangsjournal_2026-11.csv", JOURNAL_KNOWN)
    info = table.info
    assert (info.encoding, info.delimiter, info.header_line) == ("cp1252", ";", 4)
    assert info.normalized[4] == "kdnr"
    assert info.normalized[11] == "dauerstd"
    result = list(table.rows())
    data = [r for r in result if not r.footer]
    footers = [r for r in result if r.footer]
    assert len(data) == 122
    assert len({r.cells[0] for r in data}) == 116
    assert [(r.line, r.cells[0][:6]) for r in footers] == [(127, "Summe"), (128, "Anzahl")]
    assert data[0].line == 5
    assert data[-1].line == 126
    assert any("€" in r.cells[8] for r in data)


# --- robustness ----------------------------------------------------------------------------

_ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le", "latin-1"]
_TEXT = st.text(
    alphabet=st.sampled_from(list('Kundennummer;Vorname,Name|E-Mail\t"\r\n äöüß€Łx@.0123')),
    max_size=300,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    payload=st.one_of(
        st.binary(max_size=400),
        st.tuples(_TEXT, st.sampled_from(_ENCODINGS)).map(
            lambda pair: pair[0].encode(pair[1], "replace")
        ),
    ),
    prefix=st.sampled_from(["", "Kundennummer;Vorname;Name\n", "E-Mail,PLZ,Name\r\n"]),
)
def test_never_crashes(
    tmp_path_factory: pytest.TempPathFactory, payload: bytes, prefix: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.csv"
    path.write_bytes(prefix.encode() + payload)
    try:
        table = open_table(path, KNOWN, min_hits=2)
        for row in table.rows():
            assert len(row.cells) == len(table.info.header)
    except InputError:
        pass


def _write_big(path: Path, count: int) -> None:
    line = "{0};Vorname{0};Müller;kunde{0}@example.com;73614;Bemerkung\r\n"
    with path.open("w", encoding="cp1252", newline="") as handle:
        handle.write("Kundennummer;Vorname;Name;E-Mail;PLZ;Bemerkung\r\n")
        handle.writelines(line.format(i) for i in range(count))


def test_streaming_constant_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    _write_big(path, 50_000)
    table = open_table(path, KNOWN)
    tracemalloc.start()
    try:
        count = sum(1 for _ in table.rows())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 50_000
    assert peak < 5 * 1024 * 1024


def _read(table: Table, size: int | None) -> list[tuple[int, list[str]]] | tuple[str, int | None]:
    """Every record (by `records()` or, with `size`, through line chunks), or the error."""
    try:
        if size is None:
            return list(table.records())
        return [r for chunk in table.line_chunks(size) for r in chunk.records()]
    except InputError as error:
        return (error.reason, error.line)


@settings(max_examples=400, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["a", "b", ";", '"', "\r", "\n", "\r\n", " ", "\x00"]), max_size=40
    ).map("".join),
    header_end=st.integers(0, 3),
    size=st.integers(1, 4),
)
def test_line_chunks_hold_the_records_the_csv_reader_reads(
    text: str, header_end: int, size: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_text(text, encoding="utf-8", newline="")
        info = TableInfo(str(path), "utf-8", ";", 1, ("a",), ("a",))
        table = Table(info, header_end)
        assert _read(table, size) == _read(table, None)


def test_a_csv_error_in_a_chunk_names_the_line_its_record_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a;b\n1;2\n"' + "x" * (csv.field_size_limit() + 1) + '"\n', encoding="utf-8")
    table = Table(TableInfo(str(path), "utf-8", ";", 1, ("a", "b"), ("a", "b")), 1)
    with pytest.raises(InputError) as error:
        list(table.line_chunks(1))
    assert (error.value.reason, error.value.line) == ("csv_error", 3)
