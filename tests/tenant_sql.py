"""Which SQL statements touch a tenant table without filtering on its tenant key.

    with recording_statements() as seen:   # every statement the PostgreSQL client runs
        ...
    assert untenanted(seen) == []

A statement passes when every tenant table it names (``FROM``/``JOIN``/``UPDATE``/
``DELETE FROM``) is constrained by its own ``manufacturer_id`` (qualified by the table or
its alias, or unqualified when it is the only table), and every ``INSERT`` into a tenant
table writes the column. The exemptions are the tables a sharded deployment does not
distribute (see docs/scale-out.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

# Not distributed by manufacturer: the tenant root, the token lookup by hash (a reference
# table), and the job queue's bookkeeping (a coordinator-local table).
NOT_DISTRIBUTED = frozenset({"manufacturer", "api_token", "job"})

_KEYWORDS = frozenset(
    "where join on left right inner outer full cross order group limit offset set values "
    "select returning as using having union window for natural lateral".split()
)
_REF = re.compile(
    r'\b(FROM|JOIN|UPDATE|INTO)\s+"?([a-z_]+)"?(?:\s+(?:AS\s+)?"?([a-z_]+)"?)?', re.IGNORECASE
)


def tables_of(sql: str) -> list[tuple[str, str, str]]:
    """(verb, table, alias) for every table the statement names."""
    refs = []
    for verb, table, alias in _REF.findall(sql):
        if alias.lower() in _KEYWORDS:
            alias = ""
        refs.append((verb.upper(), table.lower(), alias or table))
    return refs


def untenanted_in(sql: str, tenant_tables: frozenset[str]) -> list[str]:
    """The tenant tables this statement reaches without their tenant key."""
    refs = [r for r in tables_of(sql) if r[1] in tenant_tables]
    read = {r[2] for r in refs if r[0] != "INTO"}  # an INSERT's target filters nothing
    missing = []
    for verb, table, alias in refs:
        if verb == "INTO":
            target = re.search(rf'\bINTO\s+"?{re.escape(table)}\b', sql, re.IGNORECASE)
            columns = sql[target.end() if target else 0 :].split(")", 1)[0]
            if "manufacturer_id" not in columns:
                missing.append(table)
            continue
        qualified = re.compile(rf'"?{re.escape(alias)}"?\."?manufacturer_id"?')
        bare = re.compile(r'(?<![."\w])"?manufacturer_id"?\s*(=|IN\b|ANY\b)', re.IGNORECASE)
        if qualified.search(sql):
            continue
        # unqualified, it filters only after WHERE (an UPDATE's SET may write the column)
        where = re.search(r"\bWHERE\b", sql, re.IGNORECASE)
        if len(read) == 1 and where and bare.search(sql, where.end()):
            continue
        missing.append(table)
    return missing


@contextmanager
def recording_statements() -> Iterator[list[str]]:
    """Every statement PostgreSQL is sent through Tortoise's asyncpg client."""
    from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper

    seen: list[str] = []
    patched = []
    for cls in (AsyncpgDBClient, TransactionWrapper):
        for name in ("execute_query", "execute_query_dict", "execute_insert", "execute_many"):
            if name not in cls.__dict__:
                continue
            original = cls.__dict__[name]

            async def recording(self, query, *args, __original=original, **kwargs):  # type: ignore[no-untyped-def]
                seen.append(query)
                return await __original(self, query, *args, **kwargs)

            setattr(cls, name, recording)
            patched.append((cls, name, original))
    try:
        yield seen
    finally:
        for cls, name, original in patched:
            setattr(cls, name, original)
