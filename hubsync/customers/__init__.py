"""Customer exports → HubSpot contacts: rows → records, the contact directory, plan and apply."""
