"""Company names: the business domain of an e-mail, department suffixes, the company key.

Pure functions, no I/O. The key `company_key` returns is stored in a unique HubSpot
property, so it identifies a company for as long as the portal lives (issue 10, §1).
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Mailbox providers whose domain is never a company's domain. One sorted literal set:
# extend it here (or per run through `extra_freemail`) when a new provider shows up.
FREEMAIL: frozenset[str] = frozenset(
    {
        "1und1.de",
        "a1.net",
        "aol.com",
        "aol.de",
        "aon.at",
        "arcor.de",
        "bluewin.ch",
        "chello.at",
        "email.de",
        "ewetel.net",
        "freenet.de",
        "gmail.com",
        "gmx.at",
        "gmx.ch",
        "gmx.com",
        "gmx.de",
        "gmx.li",
        "gmx.net",
        "googlemail.com",
        "hotmail.com",
        "hotmail.de",
        "htp-tel.de",
        "icloud.com",
        "kabelmail.de",
        "live.com",
        "live.de",
        "mac.com",
        "mail.de",
        "mailbox.org",
        "me.com",
        "msn.com",
        "netcologne.de",
        "o2online.de",
        "online.de",
        "outlook.com",
        "outlook.de",
        "posteo.de",
        "posteo.net",
        "proton.me",
        "protonmail.com",
        "t-online.de",
        "unitybox.de",
        "versanet.de",
        "vodafone.de",
        "web.de",
        "yahoo.com",
        "yahoo.de",
        "ymail.com",
    }
)


def business_domain(email: str | None, extra_freemail: frozenset[str] = frozenset()) -> str | None:
    """The lower-cased domain of `email` when it can be a company's domain, else None.

    None for no address, a domain without a dot or with an empty label, and for a free-mail
    domain (`FREEMAIL` or `extra_freemail`) or any subdomain of one (`mx.gmx.de`).
    """
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().rstrip(".").lower()
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels) or any(c.isspace() for c in domain):
        return None
    blocked = FREEMAIL | _normalised_domains(extra_freemail) if extra_freemail else FREEMAIL
    # Every suffix of two or more labels: a provider's subdomains are its mailboxes too.
    if any(".".join(labels[i:]) in blocked for i in range(len(labels) - 1)):
        return None
    return domain


@functools.lru_cache(maxsize=64)
def _normalised_domains(domains: frozenset[str]) -> frozenset[str]:
    """`domains` spelled as `business_domain` compares them (cached: the set is per run)."""
    return frozenset(d.strip().rstrip(".").lower() for d in domains)


# A department word, whole, followed by the department's own name (`Abt. Fußball`): a bare
# `Abt` at the end, or `, Abt & Partner` (Abt is also a surname), is no department.
_DEPARTMENT = r"(?:abteilung|abt|sparte|department|dept|fachbereich|bereich)\b\.?\s*(?=\w)"
# A hyphen only counts with a space next to it: `Müller-Lüdenscheid` is one word.
_SEPARATED = re.compile(
    rf"(?:\s+-\s*|\s*-\s+|\s*[–—/]\s*|\s*,\s*)(?P<department>{_DEPARTMENT}.*)$",
    re.IGNORECASE | re.DOTALL,
)
_BRACKETED = re.compile(rf"\s*\(\s*(?P<department>{_DEPARTMENT}[^()]*?)\s*\)\s*$", re.IGNORECASE)


def split_department(name: str) -> tuple[str, str]:
    """`(organisation, department)` of an organisation name, both trimmed; department `""`
    when there is none.

    A department is a trailing suffix after ` - `, ` – `, ` — `, ` / `, `, ` or in brackets
    that starts with a department word (`Abt.`, `Abteilung`, `Sparte`, `Dept.`,
    `Department`, `Fachbereich`, `Bereich`): `TSV Urbach e.V. – Abt. Fußball` →
    (`TSV Urbach e.V.`, `Abt. Fußball`); `Bäckerei Lang - Filiale Nord` stays whole.
    """
    found = [m for m in (_SEPARATED.search(name), _BRACKETED.search(name)) if m]
    if not found:
        return name.strip(), ""
    # The leftmost separator wins: `Abt. Fußball - Jugend` is one department.
    match = min(found, key=lambda m: m.start())
    head = name[: match.start()].strip()
    if not head:
        return name.strip(), ""
    return head, match.group("department").strip()


# German transliteration first (`Bäckerei` = `Baeckerei`); `ß` is already `ss` by casefold.
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_AND = re.compile(r"[&+]")
_SEPARATORS = re.compile(r"[\W_]+")

# Spellings of one legal form → its token, matched on whole tokens of the folded text (so
# `e v` folds only where `e` and `v` are words of their own, never inside `cafe vienna`).
_LEGAL_SPELLINGS: dict[str, str] = {
    "e v": "ev",
    "eingetragener verein": "ev",
    "e k": "ek",
    "e kfm": "ek",
    "e kfr": "ek",
    "eingetragener kaufmann": "ek",
    "eingetragene kauffrau": "ek",
    "e g": "eg",
    "eingetragene genossenschaft": "eg",
    "g m b h": "gmbh",
    "gesellschaft mit beschraenkter haftung": "gmbh",
    "m b h": "mbh",
    "mit beschraenkter haftung": "mbh",
    "g gmbh": "ggmbh",
    "gemeinnuetzige gmbh": "ggmbh",
    "ug haftungsbeschraenkt": "ug",
    "ug haftungsbeschr": "ug",
    "ug hb": "ug",
    "a g": "ag",
    "k g": "kg",
    "k g a a": "kgaa",
    "o h g": "ohg",
    "g b r": "gbr",
}
# Longest first: alternation takes the first alternative that matches.
_LEGAL = re.compile(
    r"\b(?:"
    + "|".join(re.escape(s) for s in sorted(_LEGAL_SPELLINGS, key=len, reverse=True))
    + r")\b"
)
# `GmbH & Co. KG`, `GmbH und Co KG`, `GmbH u. Co. KG` → `gmbh co kg` (and for AG, UG, SE…).
_CO = re.compile(r"\b(gmbh|ggmbh|mbh|ag|ug|se|ltd|inc|kg|ohg|ev|eg) (?:und |u )?co (kg|kgaa|ohg)\b")


def _fold_legal_forms(text: str) -> str:
    """`text` (folded tokens) with every legal-form spelling as its one token.

    Repeated until nothing changes, so the result is a fixed point: `g g m b h` becomes
    `g gmbh` in one pass and `ggmbh` in the next, and a second `company_key` changes nothing.
    """
    while True:
        folded = _CO.sub(r"\1 co \2", _LEGAL.sub(lambda m: _LEGAL_SPELLINGS[m[0]], text))
        if folded == text:
            return text
        text = folded


@functools.lru_cache(maxsize=65536)
def company_key(name: str) -> str:
    """The normalised key that identifies a company; `""` for a name without letters or digits.

    Folding, in this order:
    1. Unicode NFKC and casefold, German transliteration (`ä`→`ae`, `ö`→`oe`, `ü`→`ue`,
       `ß`→`ss`), other accents stripped: `BÄCKEREI` = `Baeckerei` = `bäckerei`, `Café` = `cafe`.
    2. `&` and `+` → `und`: `Lang & Söhne` = `Lang und Soehne` → `lang und soehne`.
    3. Every run of other characters (punctuation, dashes, quotes, slashes, any whitespace)
       → one space, trimmed: `Ziegler-Haustechnik` = `Ziegler Haustechnik`.
    4. Legal-form spellings → one token: `e.V.`/`e. V.`/`eV` → `ev`, `g.m.b.h.` → `gmbh`,
       `GmbH & Co. KG`/`GmbH und Co KG` → `gmbh co kg`, `UG (haftungsbeschränkt)` → `ug`,
       `e. K.`/`e.Kfm.` → `ek`, `gGmbH`/`g. GmbH` → `ggmbh` (see `_LEGAL_SPELLINGS`).

    Legal forms stay in the key: `Müller GmbH` ≠ `Müller KG`, because two firms that differ
    only in legal form are different legal persons; and `TSV Urbach` ≠ `TSV Urbach e.V.`,
    because hubsync cannot prove a name without its legal form means the same club
    (adopting an existing HubSpot company by name is a separate step). A department suffix
    stays too: `TSV Urbach e.V. – Abt. Fußball` → `tsv urbach ev abt fussball`; callers
    split it off first (`organisation`) when the club is the company.

    The key lives in a unique HubSpot property: any change to this folding changes keys of
    companies already in portals and needs a migration that rewrites them.
    """
    text = unicodedata.normalize("NFKC", name).casefold().translate(_GERMAN)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not _is_mark(c))
    # Recompose what NFKD split apart without a mark (Hangul syllables), so the key is stable.
    text = unicodedata.normalize("NFKC", text)
    if not any(c.isalnum() for c in text):
        return ""
    text = _SEPARATORS.sub(" ", _AND.sub(" und ", text)).strip()
    return _fold_legal_forms(text)


def _is_mark(char: str) -> bool:
    """True for a combining mark (an accent once NFKD has split it from its letter)."""
    return unicodedata.category(char).startswith("M")


def organisation(name: str, *, departments: bool) -> tuple[str, str]:
    """`(display name, key)` of a company column value.

    With `departments=False` (a department belongs to its club) the company is the
    organisation part of `split_department`; with `departments=True` the name as written.
    The display name is trimmed, inner whitespace runs collapsed to one space.
    """
    display = " ".join(name.split())
    if not departments:
        display = split_department(display)[0]
    return display, company_key(display)
