"""Landing a downloaded file in the inbox: a safe local name, an atomic rename, no overwrite."""

from __future__ import annotations

import contextlib
import os
import re
import time
import unicodedata
from datetime import datetime
from pathlib import Path

from hubsync.errors import FetchError

_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9._ \-äöüÄÖÜß]")


def sanitize_name(remote_name: str) -> str:
    """A safe local file name for `remote_name`: basename only, no "..", no leading dot, only
    letters, digits, umlauts, ß, "._ -" (others become "_"), ending in lower-case ".csv"."""
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", remote_name))[-1]
    stem = name[:-4] if name.lower().endswith(".csv") else name
    stem = re.sub(r"\.{2,}", ".", _NOT_ALLOWED.sub("_", stem)).strip(" .")
    # The inbox only picks "*.csv" (case-sensitive on Linux); 150 leaves room for " (n)".
    return (stem[:150] or "export") + ".csv"


def place(part: Path, inbox: Path, name: str, mtime: datetime | None) -> tuple[str, bool]:
    """Move `part` to `name`, or to `name (n).csv` if taken by other content; an identical
    file already there wins (returns its name, False) and `part` is dropped. The file keeps
    `mtime`, so the inbox's settle rule does not hold it back. Raises FetchError when
    10,000 names are taken."""
    for n in range(1, 10_000):
        candidate = name if n == 1 else f"{name[:-4]} ({n}).csv"
        final = inbox / candidate
        if not os.path.lexists(final):
            if mtime is not None:
                os.utime(part, (time.time(), mtime.timestamp()))
            os.replace(part, final)
            _fsync_dir(inbox)
            return candidate, True
        if _same_content(part, final):
            part.unlink()
            return candidate, False
    raise FetchError(f"too many different files named {name} in {inbox}")


def _same_content(a: Path, b: Path) -> bool:
    if not b.is_file() or a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while chunk := fa.read(1 << 16):
            if chunk != fb.read(len(chunk)):
                return False
    return True


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable; directories cannot be opened on Windows, hence suppress."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
