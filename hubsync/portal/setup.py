"""`hubsync setup`: create what the portal lacks, and never change what an admin curated."""

from __future__ import annotations

from collections.abc import Iterable

from hubsync.hubspot import HubSpotClient
from hubsync.mapping.columns import Mapping
from hubsync.portal.specs import (
    GROUP,
    GROUP_LABEL,
    PortalOptions,
    added_options,
    company_specs,
    contact_specs,
    deal_specs,
    mapped_specs,
)


def setup_portal(
    client: HubSpotClient,
    options: PortalOptions,
    *,
    facilities: Iterable[str] = (),
    mapping: Mapping | None = None,
) -> list[str]:
    """Create the group, every missing property and facility option; returns what it did.

    With a `mapping`, properties its file maps columns to are created too, when missing.
    Idempotent: a second call changes nothing and returns an empty list.
    """
    done: list[str] = []
    wanted = [f for f in [options.contact_category, *facilities] if f]
    own = contact_specs(options)
    extra = mapped_specs(mapping, (s.name for s in own)) if mapping is not None else ()
    work = [("contacts", (*own, *extra)), ("deals", deal_specs(options))]
    if options.companies:
        work.append(("companies", company_specs(options)))
    for object_type, specs in work:
        existing = client.properties(object_type)
        missing = [s for s in specs if s.name not in existing]
        if missing and GROUP not in client.groups(object_type):
            client.create_group(object_type, GROUP, GROUP_LABEL)
            done.append(f"{object_type}: property group {GROUP!r} created")
        for spec in missing:
            values = wanted if spec.type == "enumeration" else ()
            client.create_property(object_type, spec.definition(GROUP, values))
            done.append(f"{object_type}: property {spec.name!r} ({spec.type}) created")
        if object_type == "contacts":
            category = existing.get(options.category_property)
            if category is not None and category.type == "enumeration":
                new = [f for f in dict.fromkeys(wanted) if f not in category.options]
                if new:
                    client.update_property(
                        object_type,
                        options.category_property,
                        {"options": added_options(category, new)},
                    )
                    done.append(
                        f"contacts: option(s) {', '.join(map(repr, new))} added to "
                        f"{options.category_property!r}"
                    )
    return done
