"""The companies of a customer file as a person reads them: on the console and in the mail.

Pure functions over `summary.CompanyCounts`; nothing is said when the counts are empty
(companies off, or a file without organisations). Names are cut after `MAX_NAMES`.
"""

from __future__ import annotations

from hubsync.catalogue.text import Lang
from hubsync.summary import CompanyCounts

MAX_NAMES = 10


def names_list(names: tuple[str, ...], t: Lang, more_key: str) -> str:
    """ "A, B, … und 3 weitere": the first `MAX_NAMES` names, then how many more."""
    shown = ", ".join(names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        shown += " " + t(more_key, len(names) - MAX_NAMES)
    return shown


def console_company_lines(counts: CompanyCounts, dry_run: bool, t: Lang) -> list[str]:
    """The console's company lines (catalogue `console`): counts, and in a dry run the names."""
    if not counts:
        return []

    def part(key: str, n: int) -> str:
        return t(key, n, would=t("would_n", n) if dry_run else "")

    lines = [
        t(
            "companies",
            created=part("co_created", len(counts.created)),
            adopted=part("co_adopted", len(counts.adopted)),
            updated=part("co_updated", counts.updated),
            unchanged=t("co_unchanged", counts.unchanged),
        )
    ]
    if dry_run and counts.created:
        lines.append(t("co_new_names", names=names_list(counts.created, t, "more_names")))
    if dry_run and counts.adopted:
        lines.append(t("co_adopted_names", names=names_list(counts.adopted, t, "more_names")))
    return lines


def mail_company_cell(counts: CompanyCounts, t: Lang) -> str:
    """The mail's file-table cell (catalogue `mail`): "2 neu, 1 übernommen, …", or ""."""
    if not counts:
        return ""
    values = {
        "created": len(counts.created),
        "adopted": len(counts.adopted),
        "updated": counts.updated,
        "unchanged": counts.unchanged,
    }
    return ", ".join(f"{t.num(n)} {t(key)}" for key, n in values.items())


def mail_company_lines(name: str, counts: CompanyCounts, t: Lang) -> tuple[str, ...]:
    """The mail's lines naming the companies of file `name` created and adopted."""
    lines = []
    if counts.created:
        lines.append(t("companies_created", name=name, names=names_list(counts.created, t, "more")))
    if counts.adopted:
        lines.append(t("companies_adopted", name=name, names=names_list(counts.adopted, t, "more")))
    return tuple(lines)
