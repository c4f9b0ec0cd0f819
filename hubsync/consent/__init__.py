"""Newsletter consent from the customer export as HubSpot subscription statuses."""
