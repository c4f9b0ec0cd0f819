"""Which column goes to which HubSpot property, write policies, constants and value comparison."""
