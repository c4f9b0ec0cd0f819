"""Tests for hubsync.report.messages: every row code speaks German and English, safely."""

from __future__ import annotations

import ast
import csv
import io
import string
from datetime import date, datetime
from pathlib import Path

import pytest

from hubsync.bookings.reading import read_bookings
from hubsync.catalogue.reasons import REASONS
from hubsync.customers.reading import read_customers
from hubsync.customers.rows import _INVALID_CODE
from hubsync.inbox.classify import classify
from hubsync.mapping.load import load_mapping
from hubsync.records import RowError, RowWarning, params
from hubsync.report.errors_csv import errors_csv
from hubsync.report.mail import render_summary
from hubsync.report.messages import MESSAGES, describe, label, locate
from hubsync.summary import FileKind, FileOutcome, FileStatus, RunSummary

PACKAGE = Path(__file__).parent.parent / "hubsync"
DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 28)

# Where a RowError/RowWarning code is passed on: (callable name, index of the code argument):
# the factory `RowError.of`/`RowWarning.of`, the old constructor (call sites not yet
# converted pass an English text before the code), and the readers' helpers.
_CODE_ARGUMENT = {"of": 2, "RowError": 3, "RowWarning": 3, "fail": 2, "warn": 1}
# Code arguments that are not literals: the helpers passing their own `code` parameter on,
# and customers' table of codes for values left out (scanned below through its import).
_DYNAMIC = {
    "code",
    "_INVALID_CODE.get(kind, 'value_invalid')",
    "'email_placeholder' if placeholder else 'email_invalid'",
    "target.code",
}
# The values of codes passed as a variable whose values are not literals at the call site.
_DYNAMIC_VALUES = {"target.code": {"figures_rejected", "company_figures_rejected"}}


def _calls() -> list[tuple[str, ast.Call]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                found.append((name, node))
    return found


def _argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _strings(node: ast.expr) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def row_codes_in_source() -> tuple[set[str], set[str]]:
    """(every code a row error or warning is built with, the non-literal code arguments)."""
    codes: set[str] = set(_INVALID_CODE.values())
    dynamic: set[str] = set()
    for name, call in _calls():
        if name not in _CODE_ARGUMENT:
            continue
        argument = _argument(call, _CODE_ARGUMENT[name], "code")
        if argument is None:
            continue
        if not isinstance(argument, ast.Constant):
            dynamic.add(ast.unparse(argument))
            codes |= _DYNAMIC_VALUES.get(ast.unparse(argument), set())
        codes |= _strings(argument)
    return codes, dynamic


def reason_codes_in_source() -> set[str]:
    """Every `FormatError` code and `InputError(reason=…)` in the package."""
    codes: set[str] = set()
    for name, call in _calls():
        if name == "FormatError" and call.args:
            codes |= _strings(call.args[0])
        if name == "InputError":
            reason = _argument(call, 99, "reason")
            codes |= _strings(reason) if reason is not None else set()
    return codes


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


# -- the catalog covers the source -----------------------------------------------------------
def test_every_row_code_in_the_source_has_both_languages_and_no_entry_is_stale() -> None:
    codes, dynamic = row_codes_in_source()
    assert dynamic == _DYNAMIC, "a code passed as a variable: add its values to this test"
    assert len(codes) > 30  # the scan found the constructions
    assert codes - MESSAGES.keys() == set(), "add these codes to hubsync/messages.py"
    assert MESSAGES.keys() - codes == set(), "no longer used: remove from hubsync/messages.py"


def test_every_reason_in_the_source_has_both_languages_and_no_entry_is_stale() -> None:
    codes = reason_codes_in_source()
    assert codes - REASONS.keys() == set(), "add these reasons to hubsync/reasons.py"
    assert REASONS.keys() - codes == set(), "no longer used: remove from hubsync/reasons.py"


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_each_code_has_labels_and_templates_that_render(code: str) -> None:
    entry = MESSAGES[code]
    for text in (entry.label.de, entry.label.en, entry.text.de, entry.text.en):
        assert text.strip()
    assert entry.label.de != entry.label.en
    # The English template mirrors the English message, whose params every site passes.
    assert _fields(entry.text.de) <= _fields(entry.text.en)
    values = dict.fromkeys(_fields(entry.text.en), "x") | {"reason": "file_empty"}
    item = RowError(1, None, "english", code, tuple(values.items()))
    assert describe(item, "de") != "english"
    assert describe(item, "en") != "english"


@pytest.mark.parametrize("code", sorted(REASONS))
def test_each_reason_renders_in_both_languages(code: str) -> None:
    reason = REASONS[code]
    assert reason.de.strip() and reason.en.strip()
    assert _fields(reason.de) <= _fields(reason.en)
    values = {f"reason_{f}": "x" for f in _fields(reason.en)}
    item = RowError(1, None, "english", "file_rejected", params(reason=code, **values))
    assert describe(item, "de") == reason.de.format_map(dict.fromkeys(_fields(reason.de), "x"))


# -- describe ------------------------------------------------------------------------------
def _data_items() -> list[RowError | RowWarning]:
    mapping = load_mapping(None)
    paths = sorted(DATA.glob("*.csv")) + sorted((PACKAGE / "demo_data").glob("*.csv"))
    items: list[RowError | RowWarning] = []
    for path in paths:
        item = classify(path, mapping)
        if item.table is None or item.error is not None:
            continue
        if item.kind is FileKind.CUSTOMERS:
            batch = read_customers(item.table, mapping, category="X", today=TODAY)
            items += [*batch.errors, *batch.warnings, *batch.reviews]
        else:
            journal = read_bookings(item.table, today=TODAY, columns=mapping.booking_fields)
            items += [*journal.errors, *journal.warnings]
            if journal.checksum:
                items.append(
                    RowWarning(1, None, journal.checksum, "checksum", journal.checksum_params)
                )
    return items


def test_english_templates_say_exactly_what_the_messages_say() -> None:
    items = _data_items()
    assert len({i.code for i in items}) > 20
    assert [describe(i, "en") for i in items] == [i.message for i in items]
    assert all(describe(i, "de") != i.message for i in items)


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(RowError(2, None, "english", "no_such_code"), id="unknown-code"),
        pytest.param(RowError(2, None, "english", "email_invalid"), id="missing-param"),
        pytest.param(
            RowError(2, None, "english", "file_rejected", params(reason="no_such_reason")),
            id="unknown-reason",
        ),
        pytest.param(RowError(2, None, "english", "file_rejected"), id="no-reason"),
        pytest.param(
            RowWarning(2, None, "english", "phone_invalid", params(reason="phone_invalid")),
            id="reason-without-its-value",
        ),
    ],
)
def test_describe_falls_back_to_the_english_message(item: RowError) -> None:
    assert describe(item, "de") == "english"
    assert describe(item, "en") == "english"


def test_describe_never_raises_and_keeps_cell_text_as_data() -> None:
    evil = "{0} {value} {__class__} [x|y] %s"
    item = RowError(2, "E-Mail", "english", "email_invalid", params(value=evil))
    assert describe(item, "de") == (
        f"ungültige E-Mail-Adresse {evil!r}: Tragen Sie im Buchungssystem die richtige "
        "E-Mail-Adresse des Kunden ein"
    )
    assert describe(item, "fr") == "english"  # an unknown language: the English message


def test_optional_segments_drop_empty_params() -> None:
    full = params(email="a@example.com", other_line=7, other_name="Lea Lenz", other_number="5")
    empty = params(email="a@example.com", other_line=7, other_name="", other_number="")
    assert "wie Zeile 7 (Lea Lenz, Kundennummer 5), aber" in describe(
        RowError(9, None, "x", "shared_mailbox", full), "de"
    )
    assert "wie Zeile 7 (ohne Namen), aber" in describe(
        RowError(9, None, "x", "shared_mailbox", empty), "de"
    )
    assert "as line 7 (no name) but" in describe(
        RowError(9, None, "x", "shared_mailbox", empty), "en"
    )


def test_labels_name_the_reasons() -> None:
    assert label("email_missing", "de") == "keine E-Mail-Adresse"
    assert label("email_missing", "en") == "no e-mail address"
    assert label("no_such_code", "de") == "no_such_code"


def test_locate_names_line_and_column() -> None:
    item = RowError(4, "E-Mail", "english", "email_missing")
    assert locate(item, "de").startswith("Zeile 4, Spalte „E-Mail“: keine E-Mail-Adresse: ")
    assert locate(item, "en").startswith('line 4, column "E-Mail": no e-mail address: ')
    assert locate(RowError(0, None, "english", "email_missing"), "en").startswith("no e-mail")


# -- where people read them -------------------------------------------------------------------
PLACEHOLDER_DE = (
    "'-' ist ein Platzhalter, keine E-Mail-Adresse: Tragen Sie im Buchungssystem die richtige "
    "E-Mail-Adresse des Kunden ein"
)


def _cust_rows() -> tuple[FileOutcome, bytes, bytes]:
    mapping = load_mapping(None)
    table = classify(DATA / "cust_rows.csv", mapping).table
    assert table is not None
    batch = read_customers(table, mapping, category="X", today=TODAY)
    outcome = FileOutcome(
        "kunden.csv",
        FileKind.CUSTOMERS,
        FileStatus.ERRORPROCESSED,
        rows=batch.rows,
        errors=batch.errors,
        warnings=batch.warnings,
    )
    return outcome, errors_csv(table, batch.errors), errors_csv(table, batch.errors, language="en")


def test_errors_csv_reasons_are_german_by_default_and_english_on_request() -> None:
    _, german, english = _cust_rows()

    def reasons(data: bytes) -> list[str]:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
        return [row[-1] for row in rows[1:]]

    assert reasons(german) == [f"E-Mail: {PLACEHOLDER_DE}"]
    assert reasons(english) == [
        "E-Mail: '-' is a placeholder, not an e-mail address: enter the customer's real e-mail "
        "address in the booking system"
    ]


def test_mail_rows_and_counts_are_in_the_mail_language() -> None:
    outcome, _, _ = _cust_rows()
    summary = RunSummary(datetime(2026, 11, 28, 6), datetime(2026, 11, 28, 6, 1), (outcome,))

    text = render_summary(summary, language="de", data_dir=Path("/srv")).text

    assert f"  Zeile 4, Spalte „E-Mail“: {PLACEHOLDER_DE}\n" in text
    assert "abgelehnt: 1 (Platzhalter statt E-Mail-Adresse 1)" in text
    assert "(ungültige Telefonnummer 2, ungültiges Datum 1, ungültiger Wert 2, " in text
    english = render_summary(summary, language="en", data_dir=Path("/srv")).text
    assert "rejected: 1 (placeholder instead of an e-mail address 1)" in english
