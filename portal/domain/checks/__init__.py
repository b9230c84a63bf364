"""Inventory checks: count sheets, counts in sittings, variance at the count date, review."""
