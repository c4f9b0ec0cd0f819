"""Tests for hubsync.customers.mailboxes: one merge rule, the same verdicts for run and validate."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hubsync.customers.mailboxes import Mailbox, PackedMailboxes, Verdict, judge
from hubsync.customers.reading import CustomerBatch, read_customers
from hubsync.intake.csvread import open_table
from hubsync.mapping.load import load_mapping

TODAY = date(2026, 11, 28)


def box(line: int, first: str, name: str = "", number: str = "") -> Mailbox:
    return Mailbox(line, line, first, name, number)


def test_the_same_first_name_or_none_merges_another_goes_to_review() -> None:
    lea = box(2, "lea", "Lea Lenz", "1")
    assert judge(None, lea) == (Verdict.NEW, lea)
    assert judge(lea, box(3, "lea")) == (Verdict.MERGE, lea)
    assert judge(lea, box(4, "")) == (Verdict.MERGE, lea)
    assert judge(lea, box(5, "leo")) == (Verdict.SHARED, lea)


def test_a_first_name_after_rows_without_one_names_the_person() -> None:
    nameless = box(2, "", "Lenz", "1")
    verdict, kept = judge(nameless, box(3, "lea", "Lea Lenz", "2"))
    assert verdict is Verdict.MERGE
    assert kept == Mailbox(2, 3, "lea", "Lea Lenz", "2")  # merges still name line 2
    assert judge(kept, box(4, "leo"))[0] is Verdict.SHARED


def test_packed_mailboxes_give_back_what_they_were_given() -> None:
    store = PackedMailboxes()
    odd = Mailbox(7, 9, "łukasz", "Łukasz \ud800 Wiśniewski", "")
    store["a@example.com"] = odd
    assert store.get("a@example.com") == odd
    assert store.get("b@example.com") is None
    assert len(store) == 1


_EMAILS = ["ina@example.com", "INA@example.com ", "jan@example.org", "kein", ""]
_FIRST = ["", "Ina", "ina", "Ína", "Jan", "Jana", "-"]
_rows = st.lists(
    st.tuples(st.sampled_from(_EMAILS), st.sampled_from(_FIRST), st.sampled_from(["", "Igel"])),
    max_size=25,
)


def _read(path: Path, keep: bool) -> CustomerBatch:
    mapping = load_mapping(None)
    table = open_table(path, mapping.known_columns("customers"))
    return read_customers(table, mapping, category=None, today=TODAY, keep=keep)


@settings(max_examples=150, deadline=None)
@given(_rows)
@example(
    [
        ("ina@example.com", "", "Igel"),
        ("ina@example.com", "Ina", ""),
        ("INA@example.com ", "Jan", ""),
    ]
)
def test_run_and_validate_give_the_same_verdicts(rows: list[tuple[str, str, str]]) -> None:
    lines = ["Kundennummer;Vorname;Name;E-Mail"]
    lines += [f"{1000 + i};{first};{last};{email}" for i, (email, first, last) in enumerate(rows)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kunden.csv"
        path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
        run, check = _read(path, keep=True), _read(path, keep=False)
    assert check.merges == run.merges
    assert check.reviews == run.reviews
    assert [r.message for r in check.reviews] == [r.message for r in run.reviews]
    assert (check.errors, check.warnings, check.rows) == (run.errors, run.warnings, run.rows)
    assert check.contacts == run.contacts == len(run.records)
    merged = {line for line, _ in run.merges}
    assert sum(len(r.lines) for r in run.records) == len(run.records) + len(merged)
