"""One text in both languages, and the one renderer every text of the catalogue goes through.

A template names its params (`{value!r}`). A bracketed segment that names a param,
`[, Kundennummer {number}]`, is shown only when all its params are non-empty, else its
alternative after `|`, if any; brackets without a param are plain text ("[Probelauf]").
Given a count `n`, a template "one|other" (a `|` outside brackets) picks its singular or
plural form. Param values are inserted last, so cell text is never read as a template.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

LANGUAGES = ("de", "en")

_OPTIONAL = re.compile(r"\[([^\[\]|]*)(?:\|([^\[\]]*))?\]")


@dataclass(frozen=True)
class Text:
    """One text in both languages."""

    de: str
    en: str

    def get(self, language: str) -> str:
        """The template in `language`: German for "de", else English."""
        return self.de if language == "de" else self.en


def render(template: str, values: Mapping[str, object], n: int | None = None) -> str:
    """Fill `template` with `values` (see the module docstring for segments and plurals).

    Raises KeyError, IndexError or ValueError when a param is missing or the template broken.
    """
    if n is not None:
        template = _plural(template, n)

    def pick(match: re.Match[str]) -> str:
        fields = [f for _, f, _, _ in string.Formatter().parse(match[1]) if f]
        if not fields:
            return match[0]
        return match[1] if all(values.get(f) for f in fields) else match[2] or ""

    return _OPTIONAL.sub(pick, template).format_map(values)


def _plural(template: str, n: int) -> str:
    depth = 0
    for index, char in enumerate(template):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "|" and depth == 0:
            return template[:index] if n == 1 else template[index + 1 :]
    return template


_DATETIME = Text("%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M")


class Lang:
    """The texts of one catalogue family in one language, with its numbers and dates.

    `t(key, n, **values)` renders the text `key`; with a count `n` it picks the singular or
    plural form and offers `{n}` written the language's way. Raises ValueError for an
    unsupported language.
    """

    def __init__(self, language: str, texts: Mapping[str, Text]) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}; use one of {LANGUAGES}")
        self.code = language
        self.texts = texts

    def __call__(self, key: str, n: int | None = None, **values: object) -> str:
        if n is not None:
            values["n"] = self.num(n)
        return render(self.texts[key].get(self.code), values, n)

    def num(self, value: int) -> str:
        """A whole number with thousands grouped: 1.234 in German, 1,234 in English."""
        grouped = f"{value:,}"
        return grouped.replace(",", ".") if self.code == "de" else grouped

    def when(self, moment: datetime) -> str:
        """A date and time: 26.11.2026 06:00 in German, 2026-11-26 06:00 in English."""
        return moment.strftime(_DATETIME.get(self.code))

    def seconds(self, seconds: float) -> str:
        """A duration: "0,5 s", "2 min 5 s"."""
        if seconds >= 60:
            return f"{int(seconds // 60)} min {int(seconds % 60)} s"
        shown = f"{seconds:.1f}"
        return (shown.replace(".", ",") if self.code == "de" else shown) + " s"
