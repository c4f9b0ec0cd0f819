"""hubsync: booking-system CSV exports into HubSpot contacts and deals, unattended."""

__version__ = "0.1.0"
