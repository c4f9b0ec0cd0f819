"""Row messages about HubSpot's answers to writes (contacts, deals, companies, figures,
subscriptions), German and English; part of `catalogue.rows.MESSAGES`."""

from __future__ import annotations

from hubsync.catalogue.entries import Entry, entry

HUBSPOT_MESSAGES: dict[str, Entry] = {
    "hubspot_rejected": entry(
        "Kontakt von HubSpot abgelehnt",
        "contact rejected by HubSpot",
        "HubSpot hat den Kontakt {email} abgelehnt: {hubspot}",
        "HubSpot rejected the contact {email}: {hubspot}",
    ),
    "contact_partly_written": entry(
        "Kontakt ohne einen Wert geschrieben",
        "contact written without a value",
        "Kontakt {email} geschrieben, aber HubSpot hat einen Teil abgelehnt: {hubspot}",
        "contact {email} written without part of it: {hubspot}",
    ),
    "deal_rejected": entry(
        "Deal von HubSpot abgelehnt",
        "deal rejected by HubSpot",
        "HubSpot hat den Deal {number} abgelehnt: {hubspot}",
        "HubSpot rejected the deal {number}: {hubspot}",
    ),
    "association_failed": entry(
        "Verknüpfung fehlgeschlagen",
        "association failed",
        "Deal {deal} konnte nicht mit Kontakt {contact} verknüpft werden",
        "deal {deal} could not be associated with contact {contact}",
    ),
    "figures_rejected": entry(
        "Buchungszahlen nicht geschrieben",
        "figures not written",
        "Buchungszahlen des Kontakts {contact} nicht geschrieben: {hubspot}",
        "figures of contact {contact} not written: {hubspot}",
    ),
    "company_rejected": entry(
        "Firma von HubSpot abgelehnt",
        "company rejected by HubSpot",
        "HubSpot hat die Firma {name} abgelehnt: {hubspot}",
        "HubSpot rejected the company {name}: {hubspot}",
    ),
    "company_link_failed": entry(
        "Firmen-Verknüpfung fehlgeschlagen",
        "company association failed",
        "Kontakt {contact} konnte nicht mit Firma {company} verknüpft werden",
        "contact {contact} could not be associated with company {company}",
    ),
    "company_deal_failed": entry(
        "Firmen-Verknüpfung fehlgeschlagen",
        "company association failed",
        "Deal {deal} konnte nicht mit Firma {company} verknüpft werden",
        "deal {deal} could not be associated with company {company}",
    ),
    "company_figures_rejected": entry(
        "Buchungszahlen nicht geschrieben",
        "figures not written",
        "Buchungszahlen der Firma {company} nicht geschrieben: {hubspot}",
        "figures of company {company} not written: {hubspot}",
    ),
    "consent_rejected": entry(
        "Newsletter-Status nicht geschrieben",
        "newsletter status not written",
        "HubSpot hat den Newsletter-Status von {email} nicht gesetzt: {hubspot}",
        "HubSpot did not set the newsletter status of {email}: {hubspot}",
    ),
}
