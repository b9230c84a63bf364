"""Inventory checks: a partner counts a warehouse on a check sheet."""
