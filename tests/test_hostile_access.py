"""Hostile use of the API: racing repeats of one idempotency key, roles reaching past the
rule table, foreign-key lookups without an index, and a test run pointed at a database
or Redis it did not create."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from portal.domain.access.principal import Principal
from portal.domain.catalog.tenants import create_manufacturer
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.idempotency import idempotent
from portal.models import IdempotencyRecord, Partner, Shipment
from portal.models.enums import PartnerTier, Role
from tests.graph import Graph

RACERS = 50

CREATE_PARTNER = """
mutation($input: CreatePartnerInput!) {
  createPartner(input: $input) { partner { id code } errors { field code message } }
}"""
RECORD_SHIPMENT = """
mutation($input: RecordShipmentInput!) {
  recordShipment(input: $input) { shipment { id documentNo } errors { field code message } }
}"""


async def _race(graph: Graph, query: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    responses = await asyncio.gather(
        *(graph.raw(query, {"input": payload}) for _ in range(RACERS))
    )
    bodies = [r.json() for r in responses]
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    assert not [b["errors"] for b in bodies if "errors" in b]
    return [next(iter(b["data"].values())) for b in bodies]


async def test_fifty_concurrent_repeats_of_one_key_all_get_the_first_result(client) -> None:
    _, token = await create_manufacturer("Acme")
    graph = Graph(client, token)
    partner = {"code": "D1", "name": "Dist", "tier": "DISTRIBUTOR", "idempotencyKey": "p-1"}
    payloads = await _race(graph, CREATE_PARTNER, partner)
    assert [p["errors"] for p in payloads] == [[]] * RACERS
    assert len({p["partner"]["id"] for p in payloads}) == 1
    assert await Partner.filter(code="D1").count() == 1

    await graph(
        """mutation { createWarehouse(input: {code: "W1", name: "W", partnerCode: "D1"}) {
             errors { code } } createProduct(input: {sku: "S1", name: "S"}) { errors { code } } }"""
    )
    shipment = {
        "partnerCode": "D1",
        "warehouseCode": "W1",
        "documentNo": "DOC-1",
        "shippedOn": "2026-10-01",
        "lines": [{"sku": "S1", "quantity": 3}],
        "idempotencyKey": "s-1",
    }
    payloads = await _race(graph, RECORD_SHIPMENT, shipment)
    assert [p["errors"] for p in payloads] == [[]] * RACERS
    assert len({p["shipment"]["id"] for p in payloads}) == 1
    assert await Shipment.filter(document_no="DOC-1").count() == 1
    stock = await graph('{ stockBalances(partnerCode: "D1") { edges { node { inTransit } } } }')
    assert [e["node"]["inTransit"] for e in stock["stockBalances"]["edges"]] == [3]


async def test_concurrent_creates_without_a_key_lose_with_already_exists(client) -> None:
    """Past the domain's "exists?" check, the unique constraint refuses the loser: a coded
    error in the payload, never INTERNAL_ERROR."""
    _, token = await create_manufacturer("Acme")
    graph = Graph(client, token)
    payloads = await _race(graph, CREATE_PARTNER, {"code": "D1", "name": "D", "tier": "DEALER"})
    codes = sorted(p["errors"][0]["code"] if p["errors"] else "OK" for p in payloads)
    assert codes == ["ALREADY_EXISTS"] * (RACERS - 1) + ["OK"]
    assert await Partner.filter(code="D1").count() == 1


async def test_a_failed_first_call_releases_the_key_for_a_retry(db) -> None:
    manufacturer, _ = await create_manufacturer("Acme")
    admin = Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN)

    async def failing() -> Partner:
        raise DomainError(ErrorCode.INVALID, "not yet")

    async def working() -> Partner:
        return await Partner.create(manufacturer_id=manufacturer.id, code="D1", name="D", tier=PartnerTier.DEALER)

    with pytest.raises(DomainError):
        await idempotent(admin, "op", "k", {"a": 1}, create=failing, model=Partner)
    assert not await IdempotencyRecord.exists(key="k")
    made = await idempotent(admin, "op", "k", {"a": 1}, create=working, model=Partner)
    again = await idempotent(admin, "op", "k", {"a": 1}, create=failing, model=Partner)
    assert again.id == made.id
