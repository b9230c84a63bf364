"""Every connection of the schema, enumerated: the SQL statements of a page do not grow
with its size. The demo tenant supplies the rows; a connection it cannot fill to more
than two rows fails here (give the demo that data), and a new connection is covered
without touching this file (unless its root field has required arguments: list them in
``REQUIRED_ARGS``)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import httpx
import pytest
from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_required_argument,
)

from portal.demo import DEMO_NAME, seed_demo
from portal.domain.access.principal import Principal
from portal.domain.catalog import tenants
from portal.domain.integrations.erp import sync_erp
from portal.domain.job_failures import record_failure
from portal.models import Manufacturer
from portal.models.enums import Role
from portal.schema import build_schema
from portal.settings import Settings
from tests.graph import Graph
from tests.test_no_n_plus_one import statements_of

REQUIRED_ARGS = {
    "ledgerEntries": 'warehouseCode: "DIST-NA-MAIN"',
    "reconciliation": 'period: "2026-10"',
}
NESTED_DEPTH = 2  # object levels selected below each node
LARGE = 8


def _is_connection(field: GraphQLField) -> bool:
    return get_named_type(field.type).name.endswith("Connection")


def _required(field: GraphQLField) -> list[str]:
    return [name for name, arg in field.args.items() if is_required_argument(arg)]


def _selection(kind: GraphQLObjectType, depth: int) -> str:
    """Every field of ``kind`` a client can select without arguments, nested objects to
    ``depth`` levels, nested connections with their first page and total."""
    parts = []
    for name, field in kind.fields.items():
        if _required(field):
            continue
        named = get_named_type(field.type)
        if not isinstance(named, GraphQLObjectType):
            parts.append(name)
        elif _is_connection(field):
            if depth > 0:
                node = named.fields["edges"].type
                while isinstance(node, GraphQLNonNull | GraphQLList):
                    node = node.of_type
                inner = get_named_type(node.fields["node"].type)
                parts.append(
                    f"{name} {{ totalCount edges {{ node {{ {_selection(inner, 0)} }} }} }}"
                )
        elif depth > 0:
            parts.append(f"{name} {{ {_selection(named, depth - 1)} }}")
    return " ".join(parts)


def connections(schema: GraphQLSchema) -> dict[str, str]:
    """Root field -> a query of one page of it with everything below selected."""
    queries = {}
    for name, field in schema.query_type.fields.items():  # type: ignore[union-attr]  # a query type exists
        if not _is_connection(field):
            continue
        missing = [arg for arg in _required(field) if arg not in REQUIRED_ARGS.get(name, "")]
        assert not missing, f"{name} needs {missing}: add them to REQUIRED_ARGS"
        node = get_named_type(
            get_named_type(get_named_type(field.type).fields["edges"].type).fields["node"].type
        )
        args = ", ".join(filter(None, [REQUIRED_ARGS.get(name), "first: $n"]))
        queries[name] = (
            f"query($n: Int) {{ {name}({args}) {{ totalCount edges {{ cursor node {{ "
            f"{_selection(node, NESTED_DEPTH)} }} }} }} }}"
        )
    return queries


async def _erp_runs(count: int) -> None:
    """Sync runs of the demo tenant against an ERP that refuses (recorded, not retried)."""
    manufacturer = await Manufacturer.get(name=DEMO_NAME)
    admin = Principal(manufacturer.id, Role.ADMIN)
    await tenants.update_settings(admin, erp_base_url="https://erp.example.test")
    refusing = httpx.MockTransport(lambda request: httpx.Response(401))
    async with httpx.AsyncClient(transport=refusing) as http:
        for _ in range(count):
            assert (await sync_erp(manufacturer.id, http)).status == "FAILED"


async def _job_failures(count: int) -> None:
    """Items of a shared job the demo tenant's poisoned rows made fail (set aside)."""
    manufacturer = await Manufacturer.get(name=DEMO_NAME)
    for i in range(count):
        await record_failure(manufacturer.id, "reconcile", f"item {i}", RuntimeError("poison"))


def test_every_connection_is_enumerated() -> None:
    found = connections(build_schema(Settings(env="test"))._schema)
    assert {"partners", "products", "reconciliation", "designRegistrations", "submissions"} <= set(
        found
    )
    assert "errors { totalCount edges" in found["submissions"]  # nested connections too


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
async def test_every_connection_has_constant_statements(client, monkeypatch, settings) -> None:
    """No statement runs once per row: at a page of up to eight rows every statement shape
    runs once, and the page costs what a page of two costs (or less)."""
    tokens = await seed_demo(today=date(2026, 11, 21))
    await _erp_runs(3)
    await _job_failures(3)
    graph = Graph(client, tokens.admin)
    repeated, grown, thin = {}, {}, {}
    for name, query in connections(build_schema(settings)._schema).items():
        total = (await graph(query, n=1))[name]["totalCount"]  # warm up
        if total <= 2:
            thin[name] = total
            continue
        small = await statements_of(monkeypatch, graph, query, 2)
        large = await statements_of(monkeypatch, graph, query, min(total, LARGE))
        again = {shape: k for shape, k in Counter(large).items() if k > 1}
        if again:
            repeated[name] = again
        if len(large) > len(set(small)) + len(set(large) - set(small)):
            grown[name] = (len(small), len(large))
    assert thin == {}, f"the demo has too few rows (give it more than two): {thin}"
    assert repeated == {}, f"statements repeated per row: {repeated}"
    assert grown == {}, f"statements grow with the page size: {grown}"
