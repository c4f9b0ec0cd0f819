"""Tests for hubsync.intake.emails: splitting e-mail cells, placeholders, invalid addresses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubsync.intake.emails import check_emails


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("jonas.kuebler@example.com", ["jonas.kuebler@example.com"]),
        ("  Laura.Schaefer@EXAMPLE.com ", ["laura.schaefer@example.com"]),
        (
            "m.brenner@example.com; familie.brenner@example.net",
            ["m.brenner@example.com", "familie.brenner@example.net"],
        ),
        (
            "a@example.com, b@example.org / c@example.net",
            ["a@example.com", "b@example.org", "c@example.net"],
        ),
        ("a@example.com a@example.com", ["a@example.com"]),
        ("lena.berger@example.net\xa0", ["lena.berger@example.net"]),
        ("\u00a0Christina.Vogel@example.net", ["christina.vogel@example.net"]),
        ("florian.neumann@example.net ", ["florian.neumann@example.net"]),
        ("TEAM-BLAU@EXAMPLE.ORG", ["team-blau@example.org"]),
        ("sekretariat@gs-haubersbronn.example.org", ["sekretariat@gs-haubersbronn.example.org"]),
        ("ｊｏｎａｓ@example.com", ["jonas@example.com"]),  # full-width letters: NFKC
        ("", []),
        ("   ", []),
    ],
)
def test_check_emails_valid(text: str, valid: list[str]) -> None:
    assert check_emails(text) == (valid, [])


@pytest.mark.parametrize(
    "text",
    [
        "keine@example.com",
        "-",
        "k.A.",
        "ka",
        "keine",
        "n/a",
        "none",
        "x",
        "?",
        "kein@example.de",
        "nomail@example.com",
        "noemail@example.com",
        "no-email@example.com",
        "dummy@example.com",
        "test@example.com",
        "xxx@example.com",
        "info@info.de",
        "x@x.de",
        "keine@email.de",
    ],
)
def test_check_emails_placeholders(text: str) -> None:
    valid, reasons = check_emails(text)
    problems = [str(p) for p in reasons]
    assert valid == []
    assert len(problems) == 1
    assert "placeholder" in problems[0]


@pytest.mark.parametrize(
    "text",
    [
        "markus.weber@example",
        "tobias.frank@example,com",
        "jonas.kuebler",
        "a@@example.com",
        "a@example.123",
        "a b@example",
    ],
)
def test_check_emails_invalid(text: str) -> None:
    valid, reasons = check_emails(text)
    problems = [str(p) for p in reasons]
    assert valid == []
    assert len(problems) == 1
    assert "placeholder" not in problems[0]


def test_check_emails_comma_typo_is_not_split() -> None:
    _, reasons = check_emails("tobias.frank@example,com")
    problems = [str(p) for p in reasons]
    assert problems[0].startswith("'tobias.frank@example,com'")


def test_check_emails_mixed_parts() -> None:
    valid, problems = check_emails("a@example.com; keine@example.com")
    assert valid == ["a@example.com"]
    assert len(problems) == 1


# The fast path for plain ASCII addresses must agree with email-validator everywhere.
_LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_ATOM = st.from_regex(r"[a-z0-9_%+-]{1,8}", fullmatch=True)


@given(
    local=st.lists(_ATOM, min_size=1, max_size=3).map(".".join),
    labels=st.lists(_LABEL, min_size=1, max_size=3),
    tld=st.sampled_from(["de", "com", "org", "test", "local", "museum", "x", "co"]),
)
def test_plain_email_fast_path_agrees_with_email_validator(
    local: str, labels: list[str], tld: str
) -> None:
    from email_validator import EmailNotValidError, validate_email

    address = f"{local}@{'.'.join(labels)}.{tld}"
    try:
        validate_email(address, check_deliverability=False)
        expected = True
    except EmailNotValidError:
        expected = False
    valid, reasons = check_emails(address)
    problems = [str(p) for p in reasons]
    if any("placeholder" in p for p in problems):
        return  # placeholders are refused before any syntax check
    assert (valid == [address]) == (expected and len(tld) >= 2), address


@pytest.mark.parametrize("address", ["0@00--0.de", "a@ab--c.de", "a@x.xn--zz.de"])
def test_reserved_double_hyphen_labels_are_left_to_email_validator(address: str) -> None:
    # Found by the property test above: IDNA reserves "--" in a label's 3rd/4th place.
    valid, problems = check_emails(address)
    assert valid == [] and problems
