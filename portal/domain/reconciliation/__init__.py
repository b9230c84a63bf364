"""Calculated against reported inventory: rows, dirty keys, SQL path, exceptions, summaries."""
