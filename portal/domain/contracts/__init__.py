"""Inventory contracts (consignment, deposit and buffer stock)."""
