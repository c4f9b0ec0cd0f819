"""The organisations of the generated customers: sports clubs, schools and firms.

A sports hall's biggest customers are organisations with several contact persons each:
a club's trainers and treasurer, a school's PE teachers, a firm's office. A contact
person writes from the organisation's domain or from a private mailbox, and the export
spells the organisation's name as whoever typed it did (`TSV Urbach e. V.`, `– Abt.
Fußball`). Business domains are invented under the reserved TLD `.example` (RFC 2606);
the private addresses stay at example.com/.net/.org, which `bench/mapping.toml` lists as
free-mail. Everything is drawn from its own random stream, so the rest of a customer row
comes out as it did before organisations existed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

CLUB_PREFIXES = ("TSV", "SV", "FC", "TV", "SG")
SCHOOL_KINDS = ("Grundschule", "Realschule", "Gymnasium")
SPORTS = ("Fußball", "Tennis", "Handball", "Turnen")
CLUBS_PER_CUSTOMER = 1 / 250  # a 1,000-customer hall has 4 clubs, with about 3 persons each
SCHOOLS_PER_CUSTOMER = 1 / 500
ORGANISATION_BOOKINGS = 0.15  # of the journal's documents by customer number


@dataclass(frozen=True)
class Organisation:
    """One organisation: its name, customer group, domain and how its people write."""

    name: str
    group: str  # the export's `Kundengruppe`
    domain: str
    business_share: float  # of its contact persons who write from `domain`

    def spelling(self, rng: random.Random) -> str:
        """The name as one row of the export spells it."""
        if self.group != "Verein":
            return self.name
        roll = rng.random()
        if roll < 0.12:
            return self.name.replace("e.V.", "e. V.")
        if roll < 0.22:
            return f"{self.name} – Abt. {rng.choice(SPORTS)}"
        if roll < 0.27:
            return self.name.upper()
        return self.name


def _slug(name: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", ".": "", "&": ""})
    return "-".join(name.lower().translate(table).split())


def _pool(names: list[str], share: float, count: int, rng: random.Random) -> list[str]:
    rng.shuffle(names)
    return names[: max(1, min(len(names), round(count * share)))]


class Organisations:
    """Assigns organisations to the customer rows the generator marks as organisation rows."""

    def __init__(self, count: int, towns: Sequence[str], seed: int) -> None:
        self.rng = random.Random(seed * 104729 + 3)
        clubs = [f"{p} {t} e.V." for p in CLUB_PREFIXES for t in towns]
        schools = [f"{k} {t}" for k in SCHOOL_KINDS for t in towns]
        self.clubs = [
            Organisation(name, "Verein", f"{_slug(name)}.example", 0.5)
            for name in _pool(clubs, CLUBS_PER_CUSTOMER, count, self.rng)
        ]
        self.schools = [
            Organisation(name, "Schule", f"{_slug(name)}.example", 0.8)
            for name in _pool(schools, SCHOOLS_PER_CUSTOMER, count, self.rng)
        ]

    def pick(self, last: str) -> Organisation:
        """The organisation of the next organisation row (a firm is named after `last`)."""
        roll = self.rng.random()
        if roll < 0.45:
            return self.rng.choice(self.clubs)
        if roll < 0.65:
            return self.rng.choice(self.schools)
        name = f"{last} GmbH"
        return Organisation(name, "Firma", f"{_slug(name)}.example", 0.7)

    def assign(self, row: dict[str, str], number: str, *, clean_email: bool) -> str | None:
        """Make `row` a contact person of an organisation; returns the address at the
        organisation's domain this person writes from, None for a private mailbox (or when
        the row's e-mail is not a clean one, which stays as it is)."""
        first, last = row["Vorname"], row["Name"]
        organisation = self.pick(last)
        row["Firma"] = organisation.spelling(self.rng)
        row["Kundengruppe"] = organisation.group
        if organisation.group == "Firma":
            row["Anrede"] = "Firma"
        if clean_email and self.rng.random() < organisation.business_share:
            return f"{_slug(first)}.{_slug(last)}.{number}@{organisation.domain}"
        return None
