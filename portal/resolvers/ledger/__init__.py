"""Entries, balances, shipments, transfers, returns, adjustments and serials."""
