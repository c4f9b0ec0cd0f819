"""The German phone fast path against libphonenumber, over every phone cell of an export.

`hubsync validate` reads most phone numbers off their digits (hubsync.intake.phones); this
compares each cell's fast-path answer with libphonenumber's own, the way a run asks (the
region from the row's Land column, as `customers.rows` derives it):

    uv run python bench/phones.py FILE.csv
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path

from hubsync.intake.csvread import open_table
from hubsync.intake.formats import FormatError
from hubsync.intake.phones import fast_german, library_phone
from hubsync.mapping.load import load_mapping

_REGION = re.compile(r"[A-Za-z]{2}")  # as customers.rows reads the Land column


@dataclass
class PhoneComparison:
    """Phone cells seen, how many the fast path answered, and where it disagreed."""

    cells: int = 0
    fast: int = 0
    disagreements: list[tuple[int, str, str, str | None]] = field(default_factory=list)

    def line(self) -> str:
        share = self.fast / self.cells if self.cells else 0.0
        return (
            f"{self.cells:,} phone cells, {self.fast:,} ({share:.1%}) by the German fast path, "
            f"{len(self.disagreements)} disagreements with libphonenumber"
        )


def _library(value: str, region: str) -> str | None:
    try:
        return library_phone(value, region)
    except FormatError:
        return None


def compare_phones(path: Path) -> PhoneComparison:
    """Every phone and mobile cell of the customer export at `path`, both ways."""
    mapping = load_mapping(None)
    table = open_table(path, mapping.known_columns("customers"))
    kinds = [mapping.contact_fields.get(n) for n in table.info.normalized]
    phones = [i for i, spec in enumerate(kinds) if spec and spec.kind in ("phone", "mobile")]
    country = next((i for i, spec in enumerate(kinds) if spec and spec.kind == "country"), None)
    found = PhoneComparison()
    for row in table.rows():
        land = row.cells[country].strip() if country is not None else ""
        region = land.upper() if _REGION.fullmatch(land) else "DE"
        for index in phones:
            value = row.cells[index].strip()
            if not value:
                continue
            found.cells += 1
            fast = fast_german(value) if region == "DE" else None
            if fast is None:
                continue
            found.fast += 1
            expected = _library(value, region)
            if fast != expected:
                found.disagreements.append((row.line, value, fast, expected))
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("file", type=Path)
    result = compare_phones(parser.parse_args(argv).file)
    print(result.line())
    for line, value, fast, expected in result.disagreements[:20]:
        print(f"  line {line}: {value!r}: fast path {fast}, libphonenumber {expected}")


if __name__ == "__main__":
    main()
