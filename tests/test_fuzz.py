"""Whatever lands in the inbox, hubsync never crashes and never loses or mislays a file.

Hypothesis writes random bytes, random text in random encodings, random delimiters and
quoting, ragged rows, NUL bytes, formula-like cells and customer- or journal-like headers
over random rows. Each file goes through the offline path (`classify`, `validate_file`) and,
for a few examples, through a dry run and a real run against the emulator. A file must end in
processed/, in errorprocessed/ with its report, or stay in the inbox with a reason; the
`.errors.csv` a person opens in Excel must not hold a live formula.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from clocks import NOW
from hypothesis import HealthCheck, currently_in_test_context, event, example, given, settings
from hypothesis import strategies as st
from portal import Portal, fast_client

from hubsync.config import Settings
from hubsync.emulator import Emulator
from hubsync.errors import InputError
from hubsync.inbox.classify import classify
from hubsync.mapping.columns import Mapping
from hubsync.mapping.load import load_mapping
from hubsync.run.validate import validate_file
from hubsync.summary import FileStatus

MAPPING = load_mapping(None)
TODAY = NOW.date()
OFFLINE = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ONLINE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SOAK_OFFLINE = settings(OFFLINE, max_examples=10_000)
SOAK_ONLINE = settings(ONLINE, max_examples=1_000)

# --- what lands in the inbox --------------------------------------------------------------

CUSTOMER_HEADER = (
    "Kundennummer", "Kd.-Nr.", "Anrede", "Titel", "Vorname", "Name", "Nachname", "Firma",
    "Straße", "Hausnummer", "PLZ", "Ort", "Land", "Telefon", "Mobil", "E-Mail", "eMail",
    "Geburtsdatum", "Kunde seit", "Kundengruppe", "Newsletter", "Umsatz gesamt",
    "Letzte Buchung", "Bemerkung", "Anlage", "hubsync_zeile", "hubsync_fehler", "Lieblingsplatz",
    "=cmd|' /C calc'!A0", "",
)  # fmt: skip
JOURNAL_HEADER = (
    "Rechnungsnr.", "Belegnr.", "Rechnungsdatum", "Leistungsdatum", "Gebucht am", "Kd.-Nr.",
    "Kunde", "E-Mail", "Anlage", "Leistung", "Beginn", "Ende", "Dauer (Std.)", "Netto",
    "USt-Satz", "USt", "Brutto", "Zahlart", "Status", "@SUM(A1)", "",
)  # fmt: skip
FORMULAS = (
    "=cmd|' /C calc'!A0", "+SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0", "@x", "=1+1", "@SUM(1)",
    "=HYPERLINK(\"http://x.example\")", "\t=1", "\r=1", "-", "+", "-72,00", "+49 30 1234",
    "-(1)", "=", "@",
)  # fmt: skip
PLAUSIBLE = (
    "10001", "10002", "RE-2026-0001", "RE-2026-0002", "Storno zu RE-2026-0001", "Jonas",
    "Kübler", "JÃ¼rgen", "?ukasz", "jonas@example.com", "JONAS@example.com", "a@b", "k.A.",
    "keine@example.com", "x@x.de", "lea@example.net, lea2@example.net", "03.09.2026",
    "31.02.2026", "2026-11-27", "1.234,56", "12,50 €", "-72,00", "1,5", "90 min", "01:30",
    "+49 (0) 69 90009102", "030 / 231 25 - 108", "4109", "DE", "AT", "Ja", "Nein", "Herr",
    "Firma", "McArena Schorndorf", "Summe", "Anzahl Belege: 3", "Gesamt", " ", "\u00a0", "",
)  # fmt: skip

cells = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.sampled_from(FORMULAS),
    st.text(max_size=30),
    st.text(alphabet="\";,|\t\r\n \x00=+-@'", max_size=8),
)


def typed(value: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Mostly a value of the column's type, sometimes anything at all."""
    return st.one_of(value, value, value, cells)


number = st.integers(10000, 10012).map(str)
email = st.sampled_from(["jonas", "lea", "sabine", "JONAS", "x"]).map(
    lambda user: f"{user}@example.com"
)
day = st.dates(date(1930, 1, 1), date(2027, 12, 31)).map(lambda d: d.strftime("%d.%m.%Y"))
amount = st.decimals(-500, 5000, places=2).map(lambda d: f"{d:.2f}".replace(".", ","))
word = st.sampled_from(["Jonas", "Lea", "Kübler", "Böhm", "Sommer, Lea", "Padel 60 Min", ""])
REAL = {
    "customers": {
        "Kundennummer": number,
        "Vorname": word,
        "Name": word,
        "E-Mail": email,
        "PLZ": st.sampled_from(["73614", "4109", "1010", "x"]),
        "Telefon": st.sampled_from(["030 23125101", "+49 (0) 69 90009102", "0", "abc"]),
        "Geburtsdatum": day,
        "Kunde seit": day,
        "Newsletter": st.sampled_from(["Ja", "Nein", "x", "vielleicht"]),
        "Umsatz gesamt": amount,
    },
    "journal": {
        "Rechnungsnr.": st.integers(1, 30).map(lambda n: f"RE-2026-{n:04d}")
        | st.integers(1, 30).map(lambda n: f"Storno zu RE-2026-{n:04d}"),
        "Leistungsdatum": day,
        "Kd.-Nr.": number,
        "Kunde": word,
        "E-Mail": email,
        "Anlage": st.sampled_from(["Soccer Court 1", "Padel Court A", ""]),
        "Leistung": word,
        "Dauer (Std.)": st.sampled_from(["1,0", "1,5", "90 min", "01:30", "zwei"]),
        "Brutto": amount,
    },
}


@st.composite
def realistic_rows(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]]]:
    """(kind, header, rows) of a customer export or a journal with plausible, flawed values."""
    kind = draw(st.sampled_from(["customers", "journal"]))
    columns = REAL[kind]
    header = draw(st.permutations(list(columns)))
    rows = draw(
        st.lists(
            st.tuples(*(typed(columns[name]) for name in header)).map(list),
            min_size=1,
            max_size=12,
        )
    )
    return kind, header, rows


@st.composite
def table_text(draw: st.DrawFn) -> tuple[str, str]:
    """(file name, CSV text): a customer- or journal-like header over random rows."""
    kind = draw(st.sampled_from(["customers", "journal", "mixed", "real", "real", "real", "real"]))
    if kind == "real":
        kind, header, rows = draw(realistic_rows())
    else:
        pool = {
            "customers": CUSTOMER_HEADER,
            "journal": JOURNAL_HEADER,
            "mixed": CUSTOMER_HEADER + JOURNAL_HEADER,
        }[kind]
        header = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=14))
        width = len(header)
        rows = draw(
            st.lists(
                st.lists(cells, min_size=0, max_size=width + 3),  # ragged: short and long rows
                max_size=8,
            )
        )
    preamble = draw(
        st.lists(st.sampled_from(["Export", "Zeitraum: 09/2026", ";;;;", ""]), max_size=3)
    )
    footer = draw(st.lists(st.sampled_from(["Summe;;;;1.234,56", "Anzahl Belege: 3"]), max_size=2))
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    unquoted, minimal = draw(st.booleans()), draw(st.booleans())
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        quoting=csv.QUOTE_NONE if unquoted else csv.QUOTE_MINIMAL if minimal else csv.QUOTE_ALL,
        escapechar="\\" if unquoted else None,
        lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])),
    )
    for line in preamble:
        buffer.write(line + "\r\n")
    # unquoted, a record of one empty field cannot be written (it would be a blank line)
    writer.writerows([] if r == [""] else r for r in [header, *rows])
    for line in footer:
        buffer.write(line + "\r\n")
    name = draw(
        st.sampled_from(
            {
                "customers": ["kunden_fuzz.csv", "export.csv"],
                "journal": ["rechnungsausgangsjournal_fuzz.csv", "export.csv"],
                "mixed": ["kunden_fuzz.csv", "rechnungsausgangsjournal_fuzz.csv", "export.csv"],
            }[kind]
        )
    )
    return name, buffer.getvalue()


@st.composite
def export(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, bytes) of anything an inbox might receive."""
    choice = draw(st.sampled_from(["table", "table", "table", "text", "bytes"]))
    if choice == "bytes":
        return draw(st.sampled_from(["kunden_x.csv", "x.csv"])), draw(st.binary(max_size=300))
    if choice == "text":
        name, text = draw(st.sampled_from(["kunden_t.csv", "t.csv"])), draw(st.text(max_size=300))
    else:
        name, text = draw(table_text())
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
    return name, text.encode(encoding, errors="replace")


# --- what must hold -----------------------------------------------------------------------

# Independent of reports.neutralize: a cell Excel would run as a formula, unless it is a
# plain signed number or phone number such as "-72,00" or "+49 (0) 30 1234".
_DANGEROUS = re.compile(r"[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-][\d\s().,/+-]*")


def live_formulas(report: Path) -> list[str]:
    """Cells of an `.errors.csv` (header included) that a spreadsheet would evaluate."""
    text = report.read_bytes().decode("utf-8-sig")
    found = []
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    for row in rows:
        for cell in row:
            if _DANGEROUS.match(cell) and not _PLAIN_NUMBER.fullmatch(cell):
                found.append(cell)
    return found


def check_offline(path: Path, mapping: Mapping = MAPPING) -> None:
    """classify + validate_file: never an exception; a rejected file carries its reason."""
    item = classify(path, mapping)
    if item.error is not None:
        assert isinstance(item.error, InputError) and str(item.error)
    lines, clean = validate_file(
        path, mapping, Settings(data_dir=path.parent), TODAY, language="en"
    )
    assert lines and lines[0].startswith(str(path))
    if item.error is not None:
        assert not clean and "REJECTED" in lines[0]


def portal_of(emulator: Emulator, data_dir: Path) -> Portal:
    """Runs into `emulator` from `data_dir`: the real client, fast backoff, the fixed clock."""
    client = fast_client(timeout=(5.0, 30.0), backoff_base=0.01, backoff_max=0.05)
    return Portal(emulator, data_dir, client=client, settle_seconds=0)


def check_online(emulator: Emulator, name: str, data: bytes) -> None:
    """A dry run moves nothing; a real run puts the file where its outcome says, with a reason."""
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        portal = portal_of(emulator, data_dir)
        path = portal.write(name, data)
        preview = portal.run(dry_run=True)
        assert [f.status for f in preview.files] in ([FileStatus.PREVIEWED], [FileStatus.LEFT])
        assert path.read_bytes() == data
        summary = portal.run()  # the request log then holds this run's calls only
        (outcome,) = summary.files
        if currently_in_test_context():  # statistics: how far the examples get
            event(f"{outcome.kind} → {outcome.status}, wrote: {emulator.write_calls() > 0}")
        if outcome.status is FileStatus.LEFT:
            assert outcome.reason and path.read_bytes() == data
            return
        assert not path.exists()
        assert outcome.destination is not None
        final = data_dir / outcome.destination
        assert final.read_bytes() == data
        if outcome.status is FileStatus.PROCESSED:
            assert final.parent.name == "processed" and outcome.report is None
            return
        assert outcome.status is FileStatus.ERRORPROCESSED
        assert final.parent.name == "errorprocessed" and outcome.report is not None
        report = data_dir / outcome.report
        assert report.name in (final.name + ".errors.txt", final.name + ".errors.csv")
        assert report.read_bytes().strip()
        if report.suffix == ".csv":
            assert live_formulas(report) == []


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(with_hubsync_schema=True) as emu:
        yield emu


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="hubsync-fuzz-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


# --- the tests ----------------------------------------------------------------------------


@OFFLINE
@given(export())
def test_offline_path_never_crashes(scratch: Path, file: tuple[str, bytes]) -> None:
    name, data = file
    path = scratch / name
    path.write_bytes(data)
    check_offline(path)


@ONLINE
@given(export())
@example(("kunden_f.csv", b"E-Mail;Vorname;Name\r\n=cmd|' /C calc'!A0;+SUM(A1);@x\r\n"))
@example(("kunden_f.csv", b"E-Mail;Vorname;Name;Kundennummer\r\nbad;\x00;-1+cmd;10001\r\n"))
def test_runs_never_crash_and_place_every_file(emulator: Emulator, file: tuple[str, bytes]) -> None:
    check_online(emulator, *file)


def huge_file(tmp_path: Path, kind: str, size: int) -> Path:
    """A customer or journal export whose second line holds a field of `size` bytes."""
    header, row = {
        "kunden": ("Kundennummer;Vorname;Name;E-Mail", "10001;Jonas;{};jonas@example.com"),
        "journal": (
            "Rechnungsnr.;Leistungsdatum;Kd.-Nr.;Brutto;Leistung",
            "RE-1;03.09.2026;10001;72,00;{}",
        ),
    }[kind]
    path = tmp_path / f"{kind}_huge.csv"
    path.write_bytes(f"{header}\r\n{row.format('x' * size)}\r\nZ\r\n".encode())
    return path


MB = 1024 * 1024


@pytest.mark.parametrize("kind", ["kunden", "journal"])
@pytest.mark.parametrize("size", [2 * MB, 11 * MB])
def test_huge_fields_offline(tmp_path: Path, kind: str, size: int) -> None:
    """`hubsync validate` reports a field over 1 MB (or over the 10 MB CSV limit) per file."""
    check_offline(huge_file(tmp_path, kind, size))


@pytest.mark.parametrize("kind", ["kunden", "journal"])
@pytest.mark.parametrize("size", [2 * MB, 11 * MB])
def test_huge_fields_in_a_run(tmp_path: Path, emulator: Emulator, kind: str, size: int) -> None:
    """A field over 1 MB is a row like any other; over the 10 MB limit the file is rejected."""
    path = huge_file(tmp_path, kind, size)
    check_online(emulator, path.name, path.read_bytes())


PATHOLOGIES = {
    "headers-only": b"E-Mail;Vorname;Name\r\n",
    "nul-in-cell": b"E-Mail;Vorname;Name\r\nx@example.com;A\x00B;C\r\n",
    "utf16-nul": codecs.BOM_UTF16_LE + "E-Mail;Vorname;Name\r\na\x00b;c;d\r\n".encode("utf-16-le"),
    "formula-cells": b"E-Mail;Vorname;Name\r\n=cmd|' /C calc'!A0;+SUM(A1);@x\r\n",
    "unclosed-quote": b'E-Mail;Vorname;Name\r\n"x@example.com;A;B\r\n',
    "quoted-newlines": b'E-Mail;Vorname;Name\r\n"a@example.com";"A\r\n=1+1";"B\n@x"\r\n',
}


@pytest.mark.parametrize("name", list(PATHOLOGIES))
def test_named_pathologies(tmp_path: Path, emulator: Emulator, name: str) -> None:
    path = tmp_path / f"kunden_{name}.csv"
    path.write_bytes(PATHOLOGIES[name])
    check_offline(path)
    check_online(emulator, path.name, PATHOLOGIES[name])


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "@SUM(A1)", "+HYPERLINK(1)"])
def test_formula_in_header_is_neutralised(tmp_path: Path, emulator: Emulator, cell: str) -> None:
    """The header row of `.errors.csv` is copied from the input: it is a cell like any other."""
    data = f"E-Mail;Vorname;Name;{cell}\r\nkaputt;A;B;x\r\n".encode()
    path = tmp_path / "kunden_formula-header.csv"
    path.write_bytes(data)
    check_online(emulator, path.name, data)


@pytest.mark.parametrize("cell", ["-\n:", "-\n1+cmd|' /C calc'!A0", "+\r\nSUM(A1)"])
def test_multiline_formula_cell_is_neutralised(
    tmp_path: Path, emulator: Emulator, cell: str
) -> None:
    """Found by the soak fuzz run: ("-\\n:" in a customer row that is rejected)."""
    quoted = '"' + cell.replace('"', '""') + '"'
    data = f"E-Mail;Vorname;Name;Bemerkung\r\nkaputt;A;B;{quoted}\r\n".encode()
    path = tmp_path / "kunden_multiline.csv"
    path.write_bytes(data)
    check_online(emulator, path.name, data)


@pytest.mark.soak
@SOAK_OFFLINE
@given(export())
def test_offline_path_never_crashes_soak(scratch: Path, file: tuple[str, bytes]) -> None:
    name, data = file
    path = scratch / name
    path.write_bytes(data)
    check_offline(path)


@pytest.mark.soak
@SOAK_ONLINE
@given(export())
def test_runs_never_crash_soak(emulator: Emulator, file: tuple[str, bytes]) -> None:
    check_online(emulator, *file)
