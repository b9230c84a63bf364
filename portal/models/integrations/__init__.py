"""The ERP connector, webhooks and exports."""
