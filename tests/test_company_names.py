"""Company names: business domains, department suffixes, the company key and its folding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubsync.companies.names import (
    FREEMAIL,
    business_domain,
    company_key,
    organisation,
    split_department,
)

# Names as exports spell them: punctuation, dashes, NBSP, legal forms, umlauts.
NAME_TEXT = st.text(
    alphabet=st.sampled_from(list("aegkmbhvuoGEVKMBH.&+-–/ ,()\u00a0äöüßÄÖÜéABtTrng")),
    max_size=40,
)


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("vorstand@tsv-urbach.example.org", "tsv-urbach.example.org"),
        ("info@Ziegler-Haustechnik.Example.com", "ziegler-haustechnik.example.com"),
        ("  info@ziegler-haustechnik.example.com. ", "ziegler-haustechnik.example.com"),
        ('"a@b"@firma.example.de', "firma.example.de"),
    ],
)
def test_business_domain_is_the_lower_cased_domain(email: str, domain: str) -> None:
    assert business_domain(email) == domain


@pytest.mark.parametrize(
    "email",
    [
        None,
        "",
        "no address",
        "jonas@localhost",
        "jonas@",
        "jonas@firma..de",
        "jonas@fir ma.de",
        "jonas@gmail.com",
        "Jonas@GMX.DE",
        "jonas@web.de.",
        "jonas@t-online.de",
        "jonas@mail.gmx.de",
        "jonas@x.y.outlook.com",
    ],
)
def test_no_business_domain(email: str | None) -> None:
    assert business_domain(email) is None


def test_extra_freemail_domains_and_their_subdomains_are_blocked() -> None:
    extra = frozenset({" Mail.Example.NET "})
    assert business_domain("a@mail.example.net", extra) is None
    assert business_domain("a@eu.mail.example.net", extra) is None
    assert business_domain("a@example.net", extra) == "example.net"
    assert business_domain("a@mail.example.net") == "mail.example.net"


def test_freemail_list_is_lower_case_and_holds_the_usual_providers() -> None:
    assert all(d == d.lower().strip() and "." in d for d in FREEMAIL)
    assert {"gmail.com", "gmx.de", "web.de", "t-online.de", "icloud.com"} <= FREEMAIL
    assert "mail.gmx.de" not in FREEMAIL  # subdomains are matched, not listed


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("TSV Urbach e.V. – Abt. Fußball", ("TSV Urbach e.V.", "Abt. Fußball")),
        ("TSV Urbach e.V. (Abteilung Tennis)", ("TSV Urbach e.V.", "Abteilung Tennis")),
        ("SV Plüderhausen, Sparte Handball", ("SV Plüderhausen", "Sparte Handball")),
        ("Ziegler Haustechnik GmbH", ("Ziegler Haustechnik GmbH", "")),
        ("Bäckerei Lang - Filiale Nord", ("Bäckerei Lang - Filiale Nord", "")),
        ("Müller-Lüdenscheid GmbH", ("Müller-Lüdenscheid GmbH", "")),
        ("TSV Urbach e.V. - Abt. Fußball", ("TSV Urbach e.V.", "Abt. Fußball")),
        ("TSV Urbach e.V. — Abteilung Tennis ", ("TSV Urbach e.V.", "Abteilung Tennis")),
        ("TSV Urbach e.V.–Abt.Fußball", ("TSV Urbach e.V.", "Abt.Fußball")),
        ("Hochschule / Fachbereich Sport", ("Hochschule", "Fachbereich Sport")),
        ("Acme Ltd, Dept. Sales", ("Acme Ltd", "Dept. Sales")),
        ("Stadt Schorndorf - Bereich Schulen", ("Stadt Schorndorf", "Bereich Schulen")),
        ("SV Haubersbronn - Abt. Fußball - Jugend", ("SV Haubersbronn", "Abt. Fußball - Jugend")),
        # A department word must be a word of its own and be followed by the name.
        ("Schmidt, Abt & Partner", ("Schmidt, Abt & Partner", "")),
        ("Verein, Abteilungsleitung Nord", ("Verein, Abteilungsleitung Nord", "")),
        ("TSV Urbach, Sparte", ("TSV Urbach, Sparte", "")),
        ("TSV Urbach (Abt. Tennis", ("TSV Urbach (Abt. Tennis", "")),
        # Nothing before the department: the name is the organisation.
        ("– Abt. Fußball", ("– Abt. Fußball", "")),
        ("  Abteilung Tennis  ", ("Abteilung Tennis", "")),
    ],
)
def test_split_department(name: str, parts: tuple[str, str]) -> None:
    assert split_department(name) == parts


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("TSV Urbach e.V.", "tsv urbach ev"),
        ("TSV Urbach e. V.", "tsv urbach ev"),
        ("TSV Urbach eV", "tsv urbach ev"),
        ("tsv urbach e.v", "tsv urbach ev"),
        ("  TSV\u00a0Urbach   e.V. ", "tsv urbach ev"),
        ("TSV Urbach e.V. – Abt. Fußball", "tsv urbach ev abt fussball"),
        ("Bäckerei Lang", "baeckerei lang"),
        ("Baeckerei Lang", "baeckerei lang"),
        ("BÄCKEREI LANG", "baeckerei lang"),
        ("Ba\u0308ckerei Lang", "baeckerei lang"),  # decomposed umlaut
        ("Lang & Söhne", "lang und soehne"),
        ("Lang und Soehne", "lang und soehne"),
        ("Lang+Söhne", "lang und soehne"),
        ("Straße", "strasse"),
        ("Café Crème", "cafe creme"),
        ("Ziegler-Haustechnik GmbH", "ziegler haustechnik gmbh"),
        ("Ziegler Haustechnik G.m.b.H.", "ziegler haustechnik gmbh"),
        ("Müller GmbH & Co. KG", "mueller gmbh co kg"),
        ("Müller GmbH und Co KG", "mueller gmbh co kg"),
        ("Müller GmbH u. Co. KG", "mueller gmbh co kg"),
        ("Müller gGmbH", "mueller ggmbh"),
        ("Müller g. GmbH", "mueller ggmbh"),
        ("Müller UG (haftungsbeschränkt)", "mueller ug"),
        ("Müller UG", "mueller ug"),
        ("Müller e.K.", "mueller ek"),
        ("Müller e. K.", "mueller ek"),
        ("Müller eK", "mueller ek"),
        ("Müller e.Kfm.", "mueller ek"),
        ("Volksbank eG", "volksbank eg"),
        ("Müller Verwaltungs mbH", "mueller verwaltungs mbh"),
        ("Müller Verwaltungs m.b.H.", "mueller verwaltungs mbh"),
        ("Müller AG", "mueller ag"),
        ("Müller KGaA", "mueller kgaa"),
        ("Müller OHG", "mueller ohg"),
        ("Müller GbR", "mueller gbr"),
        ("Müller SE", "mueller se"),
        ("Acme Ltd.", "acme ltd"),
        ("Acme, Inc.", "acme inc"),
        ("„GS Haubersbronn“", "gs haubersbronn"),
        ("1. FC Urbach", "1 fc urbach"),
        ("", ""),
        ("  ", ""),
        ("– . , / ()", ""),
        ("&", ""),
    ],
)
def test_company_key(name: str, key: str) -> None:
    assert company_key(name) == key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Müller GmbH", "Müller KG"),  # different legal persons
        ("TSV Urbach", "TSV Urbach e.V."),  # a missing legal form proves nothing
        ("Müller GmbH", "Müller gGmbH"),
        ("TSV Urbach e.V.", "TSV Urbach e.V. – Abt. Fußball"),
        ("Bäckerei Lang", "Bäckerei Lang - Filiale Nord"),
    ],
)
def test_company_key_keeps_apart(one: str, other: str) -> None:
    assert company_key(one) != company_key(other)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        # Single letters fold only as whole words forming a legal form.
        ("Cafe Vienna", "cafe vienna"),
        ("Steve Vogel e V", "steve vogel ev"),
        ("Haus E Verwaltung", "haus e verwaltung"),
        ("Eve GmbH", "eve gmbh"),
        ("Team G M B", "team g m b"),
    ],
)
def test_single_letters_fold_only_into_a_legal_form(name: str, key: str) -> None:
    assert company_key(name) == key


@given(st.text())
def test_company_key_is_idempotent_on_any_text(name: str) -> None:
    key = company_key(name)
    assert company_key(key) == key


@given(NAME_TEXT)
def test_company_key_is_idempotent_on_name_like_text(name: str) -> None:
    key = company_key(name)
    assert company_key(key) == key
    assert key == key.strip() and "  " not in key


@given(st.text(), st.booleans())
def test_no_exceptions_on_any_text(name: str, departments: bool) -> None:
    head, department = split_department(name)
    assert head == head.strip() and department == department.strip()
    assert head or not name.strip()
    display, key = organisation(name, departments=departments)
    assert key == company_key(display)
    domain = business_domain(name)
    assert domain is None or domain == domain.lower()


@given(NAME_TEXT)
def test_split_department_never_loses_the_organisation(name: str) -> None:
    head, department = split_department(name)
    assert head or not name.strip()
    assert not department or department in name


def test_organisation_folds_the_department_into_its_club_by_default() -> None:
    name = "  TSV  Urbach e.V. –\u00a0Abt.  Fußball "
    assert organisation(name, departments=False) == ("TSV Urbach e.V.", "tsv urbach ev")
    assert organisation(name, departments=True) == (
        "TSV Urbach e.V. – Abt. Fußball",
        "tsv urbach ev abt fussball",
    )
    assert organisation("Ziegler Haustechnik GmbH", departments=False) == (
        "Ziegler Haustechnik GmbH",
        "ziegler haustechnik gmbh",
    )


def test_spellings_of_one_club_give_one_organisation() -> None:
    spellings = [
        "TSV Urbach e.V. – Abt. Fußball",
        "TSV URBACH E. V.",
        "tsv urbach ev",
        "TSV Urbach eV",
    ]
    keys = {organisation(s, departments=False)[1] for s in spellings}
    assert keys == {"tsv urbach ev"}
