"""Recomputing the stored customer keys after :func:`customers.normalize` changed.

    changed = await recompute_customer_keys(connection)   # a migration's client

Each registry entry gets the key of its own name. Entries whose new keys coincide are
merged into the oldest one; a POS line or design registration is re-resolved from the
name it was reported with (two customers an older normalisation wrongly merged, such
as two Chinese company names, are split again, the missing entry created). Idempotent:
a second run changes nothing.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from portal.domain.reporting.customers import customer_key

# The tables that point at end_customer, with the name each row was reported with.
REFERENCES = (("pos_line", "end_customer_name"), ("design_registration", "end_customer_name"))


class _Sql:
    def __init__(self, client: BaseDBAsyncClient) -> None:
        self.client = client
        self.postgres = client.capabilities.dialect == "postgres"

    def __call__(self, text: str) -> str:
        if not self.postgres:
            return text
        parts = text.split("?")
        return "".join(f"{p}${i}" if i < len(parts) else p for i, p in enumerate(parts, 1))

    async def rows(self, text: str, *values: Any) -> list[dict[str, Any]]:
        return list(await self.client.execute_query_dict(self(text), list(values)))

    async def run(self, text: str, *values: Any) -> None:
        await self.client.execute_query(self(text), list(values))


async def recompute_customer_keys(client: BaseDBAsyncClient) -> int:
    """Recompute every key; returns how many entries or references changed."""
    sql = _Sql(client)
    customers = await sql.rows(
        "SELECT id, manufacturer_id, name, country, postal_code, key FROM end_customer ORDER BY id"
    )
    by_id = {c["id"]: c for c in customers}
    keeper: dict[tuple[int, str], int] = {}  # (manufacturer, new key) -> the entry kept
    for c in customers:
        keeper.setdefault((c["manufacturer_id"], customer_key(c["name"], c["country"])), c["id"])
    changed = 0
    for c in customers:  # free the keys first: new ones may swap between entries
        new_key = customer_key(c["name"], c["country"])
        if keeper[(c["manufacturer_id"], new_key)] != c["id"] or new_key != c["key"]:
            await sql.run("UPDATE end_customer SET key = ? WHERE id = ?", f"~{c['id']}", c["id"])
            changed += 1
    for (_, new_key), customer_id in keeper.items():
        if by_id[customer_id]["key"] != new_key:
            await sql.run("UPDATE end_customer SET key = ? WHERE id = ?", new_key, customer_id)
    for table, name_column in REFERENCES:
        pairs = await sql.rows(
            f"SELECT DISTINCT end_customer_id AS id, {name_column} AS name FROM {table} "
            "WHERE end_customer_id IS NOT NULL"
        )
        for pair in pairs:
            old = by_id.get(pair["id"])
            if old is None:
                continue
            name = pair["name"] or old["name"]
            wanted = (old["manufacturer_id"], customer_key(name, old["country"]))
            if wanted not in keeper:
                created = await sql.rows(
                    "INSERT INTO end_customer (manufacturer_id, key, name, country, postal_code) "
                    "VALUES (?, ?, ?, ?, ?) RETURNING id",
                    wanted[0],
                    wanted[1],
                    name[:300],
                    old["country"],
                    old["postal_code"],
                )
                keeper[wanted] = created[0]["id"]
                by_id[created[0]["id"]] = {**old, "id": created[0]["id"], "key": wanted[1]}
            if keeper[wanted] != pair["id"]:
                await sql.run(
                    f"UPDATE {table} SET end_customer_id = ? "
                    f"WHERE end_customer_id = ? AND {name_column} = ?",
                    keeper[wanted],
                    pair["id"],
                    pair["name"],
                )
                changed += 1
    kept = set(keeper.values())
    for c in customers:  # merged into an older entry and no longer referenced
        if c["id"] not in kept:
            await sql.run("DELETE FROM end_customer WHERE id = ?", c["id"])
            changed += 1
    return changed
