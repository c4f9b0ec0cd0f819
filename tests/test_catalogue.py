"""Tests for hubsync.catalogue: one renderer, every text in both languages, English from codes."""

from __future__ import annotations

import string
from datetime import date, datetime
from pathlib import Path

import pytest

from hubsync.bookings.reading import read_bookings
from hubsync.catalogue.console import CONSOLE
from hubsync.catalogue.mail import MAIL
from hubsync.catalogue.reasons import REASONS
from hubsync.catalogue.rows import MESSAGES
from hubsync.catalogue.text import Lang, Text, render
from hubsync.customers.reading import read_customers
from hubsync.errors import InputError
from hubsync.inbox.classify import classify
from hubsync.intake.formats import FormatError, parse_date
from hubsync.mapping.load import load_mapping
from hubsync.records import RowError, RowWarning, params

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 11, 28)


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


# -- the renderer ----------------------------------------------------------------------------
def test_a_count_picks_the_singular_or_the_plural() -> None:
    assert render("{n} Datei|{n} Dateien", {"n": 1}, 1) == "1 Datei"
    assert render("{n} Datei|{n} Dateien", {"n": 3}, 3) == "3 Dateien"
    assert render("a|b", {}) == "a|b"  # no count: no choice


def test_a_segment_with_a_param_is_optional_and_brackets_without_one_are_text() -> None:
    template = "[Probelauf] Zeile {line}[, Kunde {name}|, ohne Namen]"
    assert render(template, {"line": 3, "name": "Lea"}) == "[Probelauf] Zeile 3, Kunde Lea"
    assert render(template, {"line": 3, "name": ""}) == "[Probelauf] Zeile 3, ohne Namen"
    assert render("x [a|b] {n}|y", {"n": 2}, 2) == "y"  # a `|` inside brackets is no plural


def test_values_are_data_not_templates() -> None:
    evil = "{0} {n} [x|y] %s"
    assert render("Wert: {value!r}", {"value": evil}) == f"Wert: {evil!r}"


def test_lang_writes_numbers_dates_and_durations_the_languages_way() -> None:
    de, en = Lang("de", MAIL), Lang("en", MAIL)
    assert (de.num(12345), en.num(12345)) == ("12.345", "12,345")
    moment = datetime(2026, 11, 26, 6, 0)
    assert (de.when(moment), en.when(moment)) == ("26.11.2026 06:00", "2026-11-26 06:00")
    assert (de.seconds(0.5), en.seconds(125)) == ("0,5 s", "2 min 5 s")
    assert de("files_bad", 1234) == "1.234 Dateien mit Fehlern"
    with pytest.raises(ValueError, match="'fr'"):
        Lang("fr", MAIL)


# -- every family: both languages, the same params, renderable ------------------------------
_FAMILIES = {
    **{f"mail.{k}": v for k, v in MAIL.items()},
    **{f"console.{k}": v for k, v in CONSOLE.items()},
    **{f"reasons.{k}": v for k, v in REASONS.items()},
    **{f"rows.{k}": v.text for k, v in MESSAGES.items()},
    **{f"labels.{k}": v.label for k, v in MESSAGES.items()},
}


@pytest.mark.parametrize("key", sorted(_FAMILIES))
def test_every_text_has_both_languages_and_renders(key: str) -> None:
    text: Text = _FAMILIES[key]
    assert text.de.strip() and text.en.strip()
    assert _fields(text.de) <= _fields(text.en), "German may leave a detail out, not add one"
    for template in (text.de, text.en):
        values = dict.fromkeys(_fields(template), "x")
        assert render(template, values, 2)


def test_console_texts_differ_between_the_languages() -> None:
    same = {k for k, v in CONSOLE.items() if v.de == v.en}
    # folder names are the same in every language; the demo's banner is a command line
    assert same == {"status_processed", "status_errorprocessed", "d_run"}


# -- row messages: the English text is the catalogue's, as the call sites wrote it ----------
def _items(name: str) -> list[RowError | RowWarning]:
    mapping = load_mapping(None)
    table = classify(DATA / name, mapping).table
    assert table is not None
    if name.startswith("cust"):
        batch = read_customers(table, mapping, category="X", today=TODAY)
        return [*batch.errors, *batch.warnings, *batch.reviews]
    journal = read_bookings(table, today=TODAY, columns=mapping.booking_fields)
    return [*journal.errors, *journal.warnings]


# What the call sites wrote before the catalogue rendered it (one item per code).
PINNED = {
    "amount_invalid": "invalid amount 'zwölf': not a number: 'zwölf'",
    "amount_missing": "gross amount missing",
    "date_invalid": "invalid date '31.02.2026': impossible date: '31.02.2026'",
    "date_missing": "service and invoice date missing",
    "document_conflict": "document RE-15: customer number '106' differs from '105' on line 8",
    "document_rejected": "document RE-15 not imported: line 9 is rejected",
    "email_ignored": (
        "e-mail 'keine@email.de' ignored: 'keine@email.de': placeholder, not an e-mail address"
    ),
    "hours_invalid": "invalid hours 'eins': not a duration: 'eins'",
    "number_invalid": "not a document number: 'Rechnung 5'",
    "number_missing": "document number missing",
    "skipped": "line without document number, date, amount or customer skipped",
    "subtotal_skipped": "line without a document number skipped: 'Übertrag'",
    "date_ignored": "impossible date: '31.02.1990'; left out, the rest of the contact is imported",
    "phone_invalid": (
        "invalid phone number: '07181/'; left out, the rest of the contact is imported"
    ),
    "value_invalid": "not yes/no: 'vielleicht'; left out, the rest of the contact is imported",
}


def test_english_messages_are_what_the_call_sites_wrote() -> None:
    items = _items("book_errors.csv") + _items("cust_rows.csv")
    first = {}
    for item in items:
        first.setdefault(item.code, item.message)
    assert {code: first[code] for code in PINNED} == PINNED
    assert all(item.text == "" for item in items)  # every one rendered from its code


def test_of_renders_from_the_code_and_a_given_text_still_wins() -> None:
    item = RowError.of(4, "E-Mail", "email_placeholder", value="-")
    assert item == RowError(4, "E-Mail", "", "email_placeholder", params(value="-"))
    assert item.message == (
        "'-' is a placeholder, not an e-mail address: enter the customer's real e-mail "
        "address in the booking system"
    )
    assert RowWarning(2, None, "by hand", "extra_cells").message == "by hand"
    assert RowWarning.of(2, None, "no_such_code").message == "no_such_code"


def test_format_and_input_errors_say_their_reason_in_english() -> None:
    with pytest.raises(FormatError) as caught:
        parse_date("31.02.2026", TODAY)
    assert (caught.value.code, str(caught.value)) == (
        "date_impossible",
        "impossible date: '31.02.2026'",
    )
    error = InputError("a.csv", line=3, reason="csv_error", params=params(reason_detail="x"))
    assert (error.message, str(error)) == ("CSV error: x", "a.csv, line 3: CSV error: x")
    assert InputError("a.csv", "by hand").message == "by hand"
