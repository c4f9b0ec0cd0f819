"""What `hubsync setup --pipeline` prints and refuses, German and English, by key.

The stage labels are here too: the bookings pipeline's stages are named in
HUBSYNC_LANGUAGE, and a stage is found again by its label in either language.
"""

from __future__ import annotations

from hubsync.catalogue.text import Text

PIPELINE: dict[str, Text] = {
    "stage_booked": Text("Gebucht", "Booked"),
    "stage_cancelled": Text("Storniert", "Cancelled"),
    "role_booked": Text("abgeschlossen, gewonnen", "closed won"),
    "role_cancelled": Text("abgeschlossen, verloren", "closed lost"),
    "created": Text(
        "Deal-Pipeline „{label}“ angelegt (ID {id})", "deal pipeline {label!r} created (id {id})"
    ),
    "exists": Text(
        "Deal-Pipeline „{label}“ ist schon da (ID {id})",
        "deal pipeline {label!r} exists already (id {id})",
    ),
    "stage_added": Text(
        "  Phase „{label}“ ({role}) hinzugefügt (ID {id})",
        "  stage {label!r} ({role}) added (id {id})",
    ),
    "stage_kept": Text(
        "  Phase „{label}“ ({role}) ist schon da (ID {id})",
        "  stage {label!r} ({role}) exists already (id {id})",
    ),
    "env": Text(
        "Diese Zeilen in die .env eintragen (oder die vorhandenen ersetzen):",
        "Put these lines into .env (or replace the ones there):",
    ),
    "no_label": Text(
        "--pipeline braucht eine Bezeichnung, z. B. --pipeline Buchungen",
        "--pipeline needs a label, e.g. --pipeline Buchungen",
    ),
    "ambiguous": Text(
        "Mehrere Deal-Pipelines heißen „{label}“ ({ids}): Benennen Sie eine in HubSpot um "
        "oder wählen Sie eine andere Bezeichnung.",
        "several deal pipelines are labelled {label!r} ({ids}): rename one in HubSpot or "
        "pass another label.",
    ),
    "usage": Text("{usage} von {limit} genutzt", "{usage} of {limit} in use"),
    "hubspot_said": Text("HubSpot: {message}", "HubSpot: {message}"),
    "limit": Text(
        "Das HubSpot-Abo dieses Portals erlaubt keine weitere Deal-Pipeline ({detail}); "
        "HubSpot Free hat eine, Starter zwei. Nutzen Sie stattdessen die Phasen einer "
        "vorhandenen Pipeline nach Bezeichnung, z. B. in der .env "
        "HUBSYNC_DEAL_PIPELINE={pipeline}[, HUBSYNC_DEAL_STAGE={won}]"
        "[, HUBSYNC_DEAL_CANCELLED_STAGE={lost}] (die Deal-Pipelines des Portals: "
        "{pipelines}); oder archivieren Sie eine nicht mehr genutzte Pipeline oder erweitern "
        "Sie das Abo und rufen `hubsync setup --pipeline` erneut auf.",
        "this portal's HubSpot subscription allows no further deal pipeline ({detail}); "
        "HubSpot Free has one, Starter two. Instead, use the stages of an existing pipeline "
        "by label, e.g. in .env HUBSYNC_DEAL_PIPELINE={pipeline}[, HUBSYNC_DEAL_STAGE={won}]"
        "[, HUBSYNC_DEAL_CANCELLED_STAGE={lost}] (the portal's deal pipelines: {pipelines}); "
        "or archive a pipeline no longer used, or upgrade, and run "
        "`hubsync setup --pipeline` again.",
    ),
}
