"""Inventory checks: check sheets, counts, review."""
