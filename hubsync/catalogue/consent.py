"""The newsletter-consent counts, one text each for the console and the mail."""

from __future__ import annotations

from hubsync.catalogue.text import Text

CONSENT_TEXTS: dict[str, Text] = {
    "nl_subscribed": Text("{n} angemeldet", "{n} subscribed"),
    "nl_would_subscribe": Text("{n} würde angemeldet|{n} würden angemeldet", "would subscribe {n}"),
    "nl_unsubscribed": Text("{n} abgemeldet", "{n} unsubscribed"),
    "nl_would_unsubscribe": Text(
        "{n} würde abgemeldet|{n} würden abgemeldet", "would unsubscribe {n}"
    ),
    "nl_opted_out": Text(
        "{n} nicht angetastet (in HubSpot abgemeldet)", "{n} left alone (opted out in HubSpot)"
    ),
    "nl_unchanged": Text("{n} unverändert", "{n} unchanged"),
    "nl_opted_out_who": Text(
        "in HubSpot abgemeldet, nicht angetastet: {emails}",
        "opted out in HubSpot, left alone: {emails}",
    ),
}
