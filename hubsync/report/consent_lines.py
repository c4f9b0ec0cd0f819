"""The newsletter consent of a customer file as a person reads it: on the console and in the mail.

Pure functions over `summary.ConsentCounts`; nothing is said when the counts are empty
(consent off, or a file without a Newsletter column). A dry run says what would change.
"""

from __future__ import annotations

from hubsync.catalogue.text import Lang
from hubsync.report.company_lines import names_list
from hubsync.summary import ConsentCounts


def consent_parts(counts: ConsentCounts, dry_run: bool, t: Lang) -> dict[str, str]:
    """ "20 angemeldet", "würden 2 abgemeldet" …: one text per count (catalogue keys `nl_*`)."""
    return {
        "subscribed": t("nl_would_subscribe" if dry_run else "nl_subscribed", counts.subscribed),
        "unsubscribed": t(
            "nl_would_unsubscribe" if dry_run else "nl_unsubscribed", counts.unsubscribed
        ),
        "opted_out": t("nl_opted_out", counts.opted_out),
        "unchanged": t("nl_unchanged", counts.unchanged),
    }


def console_consent_lines(counts: ConsentCounts, dry_run: bool, t: Lang) -> list[str]:
    """The console's newsletter line (catalogue `console`), or none."""
    if not counts:
        return []
    values: dict[str, object] = {"name": counts.subscription, **consent_parts(counts, dry_run, t)}
    return [t("newsletter", None, **values), *_opted_out(counts, t, "more_names")]


def _opted_out(counts: ConsentCounts, t: Lang, more_key: str) -> list[str]:
    """Which addresses said "Ja" but stayed untouched, because they opted out in HubSpot."""
    if not counts.opted_out_emails:
        return []
    who = names_list(counts.opted_out_emails, t, more_key)
    return ["    " + t("nl_opted_out_who", emails=who)]


def mail_consent_lines(name: str, counts: ConsentCounts, dry_run: bool, t: Lang) -> tuple[str, ...]:
    """The mail's newsletter line for file `name` (catalogue `mail`), or none."""
    if not counts:
        return ()
    parts = ", ".join(consent_parts(counts, dry_run, t).values())
    line = t("newsletter_line", name=name, subscription=counts.subscription, counts=parts)
    return (line, *_opted_out(counts, t, "more"))
