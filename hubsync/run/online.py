"""The options of the online stages, decided once per run from settings, mapping and portal.

Stages never see the whole `Settings` (40 fields, secrets included): the pipeline builds
these small frozen values after the pre-flight has read the portal's schema and resolved
the deal pipeline's labels to ids.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from hubsync.bookings.deals import OPEN, DealOptions
from hubsync.bookings.figures_stage import FigureOptions
from hubsync.bookings.lookup import LookupOptions
from hubsync.bookings.stage import BookingOptions
from hubsync.choices import OptOut
from hubsync.companies.plan import CompanyOptions
from hubsync.config import Settings
from hubsync.consent.options import MARKER, NEWSLETTER, ConsentOptions, resolve_subscription
from hubsync.customers.contacts import ContactOptions
from hubsync.customers.directory import CUSTOMER_NUMBERS
from hubsync.hubspot import HubSpotClient
from hubsync.intake.csvread import normalize_header
from hubsync.mapping.columns import Mapping
from hubsync.portal.deal_target import DealTarget, resolve_deal_target
from hubsync.portal.schema import PortalSchema
from hubsync.portal.specs import COMPANY_KEY, FIGURE_PROPERTIES


@dataclass(frozen=True)
class Online:
    """A run that talks to HubSpot: the client, the portal's schema, the stage options."""

    client: HubSpotClient
    schema: PortalSchema
    contacts: ContactOptions
    bookings: BookingOptions
    companies: CompanyOptions | None = None  # None: HUBSYNC_COMPANIES=off
    company_figures: FigureOptions | None = None
    consent: ConsentOptions | None = None  # None: HUBSYNC_NEWSLETTER_SUBSCRIPTION unset

    @property
    def adopts(self) -> bool:
        """Whether deals can wait for their customer in this portal (`hubsync_offen`)."""
        return self.bookings.deals.open_supported


def contact_options(settings: Settings, schema: PortalSchema) -> ContactOptions:
    category = settings.category_property
    return ContactOptions(
        category_property=category if category in schema.contacts else None,
        category_multi=schema.category_multi(category),
        aliases=CUSTOMER_NUMBERS in schema.contacts,
        read_also=tuple(p for p in (*FIGURE_PROPERTIES, MARKER) if p in schema.contacts),
        key=settings.customer_number_property,
        skip=frozenset(name for name, prop in schema.contacts.items() if prop.read_only),
    )


def _target(settings: Settings, schema: PortalSchema, target: DealTarget | None) -> DealTarget:
    """The pre-flight's ids; without booking files it did not check them, so resolve them
    here for adopted deals' figures, falling back to the settings as written."""
    if target is not None:
        return target
    resolved, _ = resolve_deal_target(
        schema.pipelines,
        settings.deal_pipeline,
        settings.deal_stage,
        settings.deal_cancelled_stage,
    )
    return resolved or DealTarget(
        settings.deal_pipeline, settings.deal_stage, settings.deal_cancelled_stage
    )


def consent_options(
    client: HubSpotClient, settings: Settings, mapping: Mapping
) -> ConsentOptions | None:
    """The subscription type resolved against the portal's definitions (one call), None
    when consent is off. Raises ConfigError for a type the portal does not have. The
    consent is read from the property the Newsletter column is mapped to."""
    wanted = settings.newsletter_subscription
    if wanted is None:
        return None
    found = resolve_subscription(client.subscriptions.definitions(), wanted)
    field = mapping.contact_fields.get(normalize_header("Newsletter"))
    sync = settings.newsletter_optout == OptOut.SYNC
    return ConsentOptions(found.id, found.name, sync, field.property if field else NEWSLETTER)


def go_online(
    client: HubSpotClient,
    schema: PortalSchema,
    settings: Settings,
    mapping: Mapping,
    target: DealTarget | None,
    *,
    today: date,
    dry_run: bool,
) -> Online:
    """Every online stage's options for this run."""
    contacts = contact_options(settings, schema)
    ids = _target(settings, schema, target)
    deals = DealOptions(
        pipeline=ids.pipeline,
        stage=ids.stage,
        cancelled_stage=ids.cancelled_stage,
        name_template=settings.deal_name_template,
        key=settings.invoice_number_property,
        constants=mapping.deal_constants,
        open_supported=OPEN in schema.deals,
    )
    figures = FigureOptions(
        names=tuple(n for n in FIGURE_PROPERTIES if n in schema.contacts),
        cancelled_stage=ids.cancelled_stage,
        key=settings.invoice_number_property,
        today=today,
        window_days=settings.booking_window_days,
    )
    lookup = LookupOptions(
        contacts=contacts,
        contact_category=settings.contact_category,
        guest_constants=mapping.contact_constants,
        dry_run=dry_run,
    )
    bookings = BookingOptions(lookup, deals, figures)
    consent = consent_options(client, settings, mapping)
    companies = schema.companies
    if not settings.companies or companies is None or COMPANY_KEY not in companies:
        return Online(client, schema, contacts, bookings, consent=consent)
    names = tuple(n for n in FIGURE_PROPERTIES if n in companies)
    return Online(
        client,
        schema,
        contacts,
        bookings,
        CompanyOptions(mapping.companies, COMPANY_KEY, names),
        replace(figures, names=names),
        consent,
    )
