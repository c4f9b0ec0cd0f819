"""Reading booking-system CSV exports: delimiter, header row, streaming rows.

Real exports are messy (cp1252 without BOM, preamble lines above the header, footer sums,
Excel padding, mojibake), so this module decides all of that once in `open_table` and then
streams `Row` values with their physical line numbers; judging cell values is the caller's job.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from hubsync.errors import InputError
from hubsync.intake.encoding import (
    MOJIBAKE_START,
    decode_errors,
    repair_mojibake,
    sniff_encoding,
)
from hubsync.intake.lines import LineChunk, RecordError, spans
from hubsync.records import params

DELIMITERS = (";", ",", "\t", "|")
FIELD_SIZE_LIMIT = 10 * 1024 * 1024
_CHUNK = 1 << 20

# Python's csv default (128 KiB) is too small for long remarks; 10 MB still stops a runaway quote.
csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))


_FOOTER = re.compile(r"\s*(summen?|gesamt(?:summe|betrag)?|totals?|anzahl)\b", re.IGNORECASE)
_UMLAUTS = str.maketrans({"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_header(name: str) -> str:
    """Return the matching key of a column name: "E-Mail" → "email", "Straße" → "strasse"."""
    return _NOT_ALNUM.sub("", name.lower().translate(_UMLAUTS))


@dataclass(frozen=True, slots=True)
class Row:
    """One CSV record after the header: raw cells aligned to the header, plus what did not fit."""

    line: int
    cells: tuple[str, ...]
    extra: tuple[str, ...]
    repaired: tuple[int, ...]
    footer: bool


@dataclass(frozen=True)
class TableInfo:
    """What `open_table` decided about a file: encoding, delimiter and header."""

    path: str
    encoding: str
    delimiter: str
    header_line: int
    header: tuple[str, ...]
    normalized: tuple[str, ...]


def _trim(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


class Table:
    """A CSV file whose layout is known; `rows()` streams its records, reading the file anew."""

    def __init__(self, info: TableInfo, header_end: int) -> None:
        self.info = info
        self._header_end = header_end

    def _open(self) -> io.TextIOWrapper:
        return open(  # noqa: SIM115 - closed by the caller's `with`
            self.info.path,
            encoding=self.info.encoding,
            errors=decode_errors(self.info.encoding),
            newline="",
        )

    def rows(self) -> Iterator[Row]:
        """Yield data and footer rows after the header; blank and delimiter-only lines are skipped.

        Raises InputError naming the line for CSV errors (e.g. a field over 10 MB), and for
        bytes that do not decode (only possible when the file changed after `open_table`).
        """
        width = len(self.info.header)
        for start, record in self.records():
            row = make_row(record, start, width)
            if row is not None:
                yield row

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(first line, cells) of every record after the header, blank ones too: what `rows`
        makes its rows of with `make_row`, for a caller that makes them elsewhere.

        Raises InputError as `rows` does.
        """
        yield from self._records()

    def line_chunks(self, size: int) -> Iterator[LineChunk]:
        """The lines after the header, cut after every `size` records, for a reader elsewhere:
        `LineChunk.records()` gives what `records()` gives for them. Raises as `rows` does."""
        path = Path(self.info.path).name
        lines: list[str] = []
        first, count = 0, 0  # the line number of lines[0]; records in lines
        with self._open() as handle:
            try:
                for start, end, record in spans(handle, self.info.delimiter):
                    if end > self._header_end:
                        first = first if count else start
                        lines += record
                        count += 1
                        if count == size:
                            yield LineChunk(first, lines, self.info.delimiter)
                            lines, count = [], 0
            except RecordError as exc:
                raise _csv_error(path, exc.line, exc.error) from exc.error
            except UnicodeDecodeError as exc:
                raise _undecodable(path, exc) from exc
        if count:
            yield LineChunk(first, lines, self.info.delimiter)

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        path = Path(self.info.path).name
        line = 0
        with self._open() as handle:
            reader = csv.reader(handle, delimiter=self.info.delimiter)
            try:
                for record in reader:
                    start, line = line + 1, reader.line_num
                    if line > self._header_end:
                        yield start, record
            except csv.Error as exc:
                raise _csv_error(path, line + 1, exc) from exc
            except UnicodeDecodeError as exc:
                raise _undecodable(path, exc) from exc


def _csv_error(path: str, line: int, exc: csv.Error) -> InputError:
    return InputError(path, line=line, reason="csv_error", params=params(reason_detail=exc))


def _undecodable(path: str, exc: UnicodeDecodeError) -> InputError:
    # Decoding runs ahead of the csv reader in 8 KiB blocks: no reliable line here.
    return InputError(path, reason="undecodable", params=params(reason_detail=exc.reason))


def make_row(record: list[str], start: int, width: int) -> Row | None:
    """The `Row` of a record read at line `start` for a header of `width` columns; None for a
    blank or delimiter-only record."""
    joined = "".join(record)
    if not joined or joined.isspace():
        return None
    count = len(record)
    if count == width:
        cells = record
        extra: tuple[str, ...] = ()
    elif count < width:
        cells = record + [""] * (width - count)
        extra = ()
    else:
        cells = record[:width]
        extra = tuple(_trim(record[width:]))
    repaired: tuple[int, ...] = ()
    # Only text with a MOJIBAKE_START (never ASCII) can change; `repaired` names what did.
    if not joined.isascii() and MOJIBAKE_START.search(joined):
        fixed = [repair_mojibake(c) for c in cells]
        repaired = tuple(i for i, (a, b) in enumerate(zip(cells, fixed, strict=True)) if a != b)
        cells = fixed
    footer = _FOOTER.match(cells[0]) is not None if width else False
    return Row(start, tuple(cells), extra, repaired, footer)


@dataclass(frozen=True)
class _Header:
    start: int
    end: int
    hits: int
    count: int
    delimiter: str
    cells: list[str]


def _find_header(lines: list[str], known: Collection[str], min_hits: int) -> _Header | None:
    """Return the first header-like record; ties go to more hits, then more delimiters."""
    best: _Header | None = None
    for delimiter in DELIMITERS:
        reader = csv.reader(lines, delimiter=delimiter)
        line = 0
        for record in reader:
            start, line = line + 1, reader.line_num
            if best is not None and start > best.start:
                break
            cells = [repair_mojibake(c) for c in record]
            hits = sum(1 for c in cells if normalize_header(c) in known)
            if hits >= min_hits:
                count = "".join(lines[start - 1 : line]).count(delimiter)
                found = _Header(start, line, hits, count, delimiter, cells)
                if best is None or (start, -hits, -count) < (best.start, -best.hits, -best.count):
                    best = found
                break
    return best


def open_table(
    path: Path, known: Collection[str], *, min_hits: int = 3, max_preamble: int = 30
) -> Table:
    """Decide encoding, delimiter and header row of `path`; return a streaming `Table`.

    `known` holds normalized column names the caller understands; the header is the first of
    the first `max_preamble` lines with at least `min_hits` of them. Raises InputError for an
    empty or binary file, or when no header is found.
    """
    name = path.name  # the file moves on: messages name it, not its inbox path
    known = frozenset(known)
    with open(path, "rb") as raw:
        sample = raw.read(_CHUNK)
        try:
            encoding = sniff_encoding(sample, iter(lambda: raw.read(_CHUNK), b""))
        except ValueError as exc:
            raise InputError(name, reason="binary_file") from exc
    lines: list[str] = []
    too_long = False
    with open(path, encoding=encoding, errors=decode_errors(encoding), newline="") as handle:
        try:
            while len(lines) < max_preamble:
                # Bounded: a huge file without line breaks must not be read into memory here.
                text = handle.readline(FIELD_SIZE_LIMIT)
                too_long = len(text) >= FIELD_SIZE_LIMIT
                if not text or too_long:
                    break
                lines.append(text)
        except UnicodeDecodeError as exc:  # only if the file changed since sniffing
            raise InputError(
                name,
                reason="undecodable",
                params=params(reason_detail=exc.reason),
            ) from exc
    if not too_long and not "".join(lines).strip():
        raise InputError(name, reason="file_empty")
    try:
        found = _find_header(lines, known, min_hits)
    except csv.Error as exc:
        raise InputError(name, reason="csv_error", params=params(reason_detail=exc)) from exc
    if found is None:
        examples = ", ".join(sorted(known)[:6])
        raise InputError(
            name,
            reason="no_header",
            params=params(reason_lines=max_preamble, reason_examples=examples),
        )
    header = tuple(_trim(found.cells))
    info = TableInfo(
        path=str(path),
        encoding=encoding,
        delimiter=found.delimiter,
        header_line=found.start,
        header=header,
        normalized=tuple(normalize_header(h) for h in header),
    )
    return Table(info, found.end)
