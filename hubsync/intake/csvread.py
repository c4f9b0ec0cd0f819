"""Reading booking-system CSV exports: encoding, delimiter, header row, streaming rows.

Real exports are messy (cp1252 without BOM, preamble lines above the header, footer sums,
Excel padding, mojibake), so this module decides all of that once in `open_table` and then
streams `Row` values with their physical line numbers; judging cell values is the caller's job.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hubsync.errors import InputError
from hubsync.records import params

DELIMITERS = (";", ",", "\t", "|")
FIELD_SIZE_LIMIT = 10 * 1024 * 1024
_CHUNK = 1 << 20
_SAMPLE = 64 * 1024
# Bytes that cp1252 leaves undefined; decoded as the same-numbered C1 control so that reading
# never stops and a mojibake repair can turn them back into the original byte.
_CP1252_HOLES = frozenset(b"\x81\x8d\x8f\x90\x9d")
_ERRORS = "hubsync-cp1252"

# Python's csv default (128 KiB) is too small for long remarks; 10 MB still stops a runaway quote.
csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))


def _cp1252_holes(error: UnicodeError) -> tuple[str | bytes, int]:
    """Codec error handler: map cp1252's five undefined bytes to/from U+0081 etc."""
    if isinstance(error, UnicodeDecodeError):
        byte = error.object[error.start]
        if byte in _CP1252_HOLES:
            return chr(byte), error.start + 1
    elif isinstance(error, UnicodeEncodeError):
        char = error.object[error.start]
        if ord(char) in _CP1252_HOLES:
            return bytes([ord(char)]), error.start + 1
    raise error


codecs.register_error(_ERRORS, _cp1252_holes)


def _cp1252_class(first: int, last: int) -> str:
    chars = bytes(range(first, last + 1)).decode("cp1252", _ERRORS)
    return "".join(re.escape(c) for c in chars)


_CONT = _cp1252_class(0x80, 0xBF)
# A UTF-8 lead byte read as cp1252 (Ã, Â, â, ð …) followed by the right number of
# continuation bytes read as cp1252: the shape of UTF-8 text that was decoded as cp1252.
_MOJIBAKE = re.compile(
    f"[{_cp1252_class(0xC2, 0xDF)}][{_CONT}]"
    f"|[{_cp1252_class(0xE0, 0xEF)}][{_CONT}]{{2}}"
    f"|[{_cp1252_class(0xF0, 0xF4)}][{_CONT}]{{3}}"
)
_FOOTER = re.compile(r"\s*(summen?|gesamt(?:summe|betrag)?|totals?|anzahl)\b", re.IGNORECASE)
_UMLAUTS = str.maketrans({"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_header(name: str) -> str:
    """Return the matching key of a column name: "E-Mail" → "email", "Straße" → "strasse"."""
    return _NOT_ALNUM.sub("", name.lower().translate(_UMLAUTS))


def _fix_segment(match: re.Match[str]) -> str:
    text = match.group(0)
    try:
        return text.encode("cp1252", _ERRORS).decode("utf-8")
    except UnicodeError:
        return text


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as cp1252 ("JÃ¼rgen" → "Jürgen"); other text is unchanged.

    Only sequences that form valid UTF-8 again are replaced, so correct text is never garbled.
    """
    return _MOJIBAKE.sub(_fix_segment, text)


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


def _is_binary(text: str) -> bool:
    if not text:
        return False
    if "\x00" in text:
        return True
    bad = sum(
        1
        for c in text
        if (c < " " and c not in "\t\n\r\f\v") or "\x7f" <= c <= "\x9f" or c == "\ufffd"
    )
    return bad > len(text) * 0.1


def sniff_encoding(sample: bytes, rest: Iterable[bytes] = ()) -> str:
    """Return "utf-8-sig", "utf-16", "utf-8" or "cp1252" for bytes `sample` + the chunks `rest`.

    Without a BOM the whole input must be strict UTF-8 to count as UTF-8 (checked chunk by
    chunk in constant memory). Raises ValueError for binary content (NUL bytes, mostly control).
    """
    if sample.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        decoder = codecs.getincrementaldecoder("utf-8")()
        encoding = "utf-8"
        for chunk in _chain(sample, iter(rest)):
            if b"\x00" in chunk:
                raise ValueError("binary file (contains NUL bytes)")
            if encoding == "utf-8":
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    encoding = "cp1252"
        if encoding == "utf-8":
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "cp1252"
    # Incremental, not final: the sample may end inside a multi-byte character.
    lenient = _ERRORS if encoding == "cp1252" else "replace"
    if _is_binary(codecs.getincrementaldecoder(encoding)(lenient).decode(sample[:_SAMPLE])):
        raise ValueError("binary file (not text)")
    return encoding


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _errors(encoding: str) -> str:
    # A verified UTF-8 file decodes strictly; a BOM promises an encoding we then follow
    # leniently (U+FFFD) rather than reject a whole export for one bad byte.
    return {"utf-8": "strict", "cp1252": _ERRORS}.get(encoding, "replace")


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
            errors=_errors(self.info.encoding),
            newline="",
        )

    def rows(self) -> Iterator[Row]:
        """Yield data and footer rows after the header; blank and delimiter-only lines are skipped.

        Raises InputError naming the line for CSV errors (e.g. a field over 10 MB), and for
        bytes that do not decode (only possible when the file changed after `open_table`).
        """
        path = Path(self.info.path).name
        width = len(self.info.header)
        header_end = self._header_end
        line = 0
        with self._open() as handle:
            reader = csv.reader(handle, delimiter=self.info.delimiter)
            try:
                for record in reader:
                    start = line + 1
                    line = reader.line_num
                    if line <= header_end:
                        continue
                    joined = "".join(record)
                    if not joined or joined.isspace():
                        continue
                    yield _make_row(record, start, width, joined)
            except csv.Error as exc:
                raise InputError(
                    path,
                    line=line + 1,
                    reason="csv_error",
                    params=params(reason_detail=exc),
                ) from exc
            except UnicodeDecodeError as exc:
                # Decoding runs ahead of the csv reader in 8 KiB blocks: no reliable line here.
                raise InputError(
                    path,
                    reason="undecodable",
                    params=params(reason_detail=exc.reason),
                ) from exc


def _make_row(record: list[str], start: int, width: int, joined: str) -> Row:
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
    if _MOJIBAKE.search(joined):
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
    with open(path, encoding=encoding, errors=_errors(encoding), newline="") as handle:
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
