"""Organisations from the customer export as HubSpot companies: names, keys, plan and apply."""
