"""One catalogue entry of a row message: a short label (per-reason counts) and the text."""

from __future__ import annotations

from dataclasses import dataclass

from hubsync.catalogue.text import Text


@dataclass(frozen=True)
class Entry:
    """A code's short label (per-reason counts) and its full template."""

    label: Text
    text: Text


def entry(label_de: str, label_en: str, de: str, en: str) -> Entry:
    return Entry(Text(label_de, label_en), Text(de, en))


__all__ = ["Entry", "entry"]
