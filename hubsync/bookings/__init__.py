"""Invoice journals → HubSpot deals: documents, deals, associations and booking figures."""
