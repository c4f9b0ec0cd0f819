"""Which encoding a CSV export has, and the repair of UTF-8 text that was read as cp1252.

`sniff_encoding` decides once per file (a BOM, else strict UTF-8 over the whole file, else
cp1252); `decode_errors` names how to decode it; `repair_mojibake` undoes the classic
"JÃ¼rgen" damage cell by cell; `MOJIBAKE_START` is in all text that needs it.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator

SAMPLE_BYTES = 64 * 1024

# Bytes that cp1252 leaves undefined; decoded as the same-numbered C1 control so that reading
# never stops and a mojibake repair can turn them back into the original byte.
_CP1252_HOLES = frozenset(b"\x81\x8d\x8f\x90\x9d")
_ERRORS = "hubsync-cp1252"


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
# What every match of _MOJIBAKE starts with: a test four times faster, for text without any.
MOJIBAKE_START = re.compile(f"[{_cp1252_class(0xC2, 0xF4)}][{_CONT}]")


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
    if _is_binary(codecs.getincrementaldecoder(encoding)(lenient).decode(sample[:SAMPLE_BYTES])):
        raise ValueError("binary file (not text)")
    return encoding


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def decode_errors(encoding: str) -> str:
    """The codec error handler to read a file of `encoding` (as `sniff_encoding` named it)."""
    # A verified UTF-8 file decodes strictly; a BOM promises an encoding we then follow
    # leniently (U+FFFD) rather than reject a whole export for one bad byte.
    return {"utf-8": "strict", "cp1252": _ERRORS}.get(encoding, "replace")
