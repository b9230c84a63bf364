"""Tenants, partners, products, warehouses and partner SKU mappings."""
