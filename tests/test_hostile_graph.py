"""Hostile clients against the GraphQL transport (issue #12): revoked tokens on open
websockets, per-socket limits, costly nesting, statement timeouts, suggestions in
production, deeply nested JSON, ids beyond int64, NUL characters. Through HTTP and the
websocket of the app, on both backends."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import ExitStack
from typing import Any

import asyncpg
import httpx
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from portal.app import create_app
from portal.db import close_database, open_database
from portal.domain.access.tokens import authenticate, create_token, revoke_token
from portal.domain.catalog.tenants import create_manufacturer
from portal.domain.reporting import submissions
from portal.models import Partner
from portal.models.enums import Role, SubmissionKind
from portal.settings import Settings
from tests.graph import Graph
from tests.jobs import ParkedQueue
from tests.ledger_fixtures import build_channel

WAIT_SECONDS = 20
SUBSCRIBE = "subscription($id: ID!) { submissionProgress(id: $id) { status } }"
CREATE_PARTNER = (
    "mutation($code: String!, $name: String!) { createPartner(input: "
    "{code: $code, name: $name, tier: DISTRIBUTOR}) { partner { id } errors { code } } }"
)


# -- websockets --------------------------------------------------------------------------


def receive_within(ws: Any, seconds: float, waiting_for: str) -> Any:
    """The next JSON message (the test client's receive blocks without a timeout)."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(ws.receive_json).result(timeout=max(seconds, 0))
    except FutureTimeout:
        pytest.fail(f"no websocket message within {seconds:.0f} s while waiting for {waiting_for}")
    finally:
        pool.shutdown(wait=False)


def closed_with(ws: Any, waiting_for: str) -> int:
    """Read until the server closes the socket; its close code."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            message = receive_within(ws, deadline - time.monotonic(), waiting_for)
        except WebSocketDisconnect as closed:
            return int(closed.code)
        assert message.get("type") != "next", f"data after revocation: {message}"


def subscribe(ws: Any, op_id: str, query: str, variables: dict[str, Any] | None = None) -> None:
    ws.send_json(
        {"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables}}
    )


class Sockets:
    """Apps under the test client and their websockets, all closed at teardown."""

    def __init__(self, settings: Settings, stack: ExitStack) -> None:
        self.settings = settings
        self.stack = stack

    def app(self, **overrides: Any) -> TestClient:
        app = create_app(self.settings.model_copy(update=overrides), scheduler_interval=None)
        return self.stack.enter_context(TestClient(app))

    def open(self, client: TestClient, token: str) -> Any:
        ws = self.stack.enter_context(
            client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"])
        )
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert receive_within(ws, WAIT_SECONDS, "connection_ack")["type"] == "connection_ack"
        return ws


@pytest.fixture
def sockets(settings: Settings) -> Iterator[Sockets]:
    with ExitStack() as stack:
        yield Sockets(settings, stack)


def prepare_channel(client: TestClient, queued: int) -> tuple[str, str, list[int]]:
    """An admin token, a partner token of D1 and ``queued`` QUEUED submissions of D1."""

    async def prepare() -> tuple[str, str, list[int]]:
        ch = await build_channel()
        d1 = await Partner.get(code="D1")
        _, admin = await create_token(ch.admin.manufacturer_id, Role.ADMIN)
        _, partner = await create_token(
            ch.admin.manufacturer_id, Role.PARTNER_INVENTORY, partner_id=d1.id
        )
        ids = []
        for quantity in range(1, queued + 1):
            made = await submissions.submit(
                ch.d1,
                ParkedQueue(),
                kind=SubmissionKind.STOCK,
                period="2026-10",
                lines=[{"warehouse_code": f"W{quantity % 2 + 1}", "sku": "SKU-A", "quantity": 1}],
            )
            ids.append(made.id)
        return admin, partner, ids

    return client.portal.call(prepare)


def revoke(client: TestClient, admin: str, raw: str) -> None:
    async def run() -> None:
        acting = await authenticate(admin)
        target = await authenticate(raw)
        assert acting is not None and target is not None and target.token_id is not None
        await revoke_token(acting, target.token_id)

    client.portal.call(run)


def test_revoked_token_ends_its_subscriptions(sockets: Sockets) -> None:
    client = sockets.app(ws_recheck_seconds=0.2)
    admin, partner, (queued,) = prepare_channel(client, 1)
    ws = sockets.open(client, partner)
    subscribe(ws, "1", SUBSCRIBE, {"id": str(queued)})
    first = receive_within(ws, WAIT_SECONDS, "the first submissionProgress")
    assert first["type"] == "next", first
    revoke(client, admin, partner)
    assert closed_with(ws, "the socket of a revoked token to close") == 4403


def test_revoked_token_socket_can_no_longer_query_or_mutate(
    sockets: Sockets,
) -> None:
    # a long re-check period: the refusal comes from the check of each operation
    client = sockets.app(ws_recheck_seconds=3600)
    admin, _, _ = prepare_channel(client, 0)

    async def second_admin() -> str:
        acting = await authenticate(admin)
        assert acting is not None
        return (await create_token(acting.manufacturer_id, Role.ADMIN))[1]

    doomed = client.portal.call(second_admin)
    ws = sockets.open(client, doomed)
    subscribe(ws, "1", "{ viewer { role } }")
    answer = receive_within(ws, WAIT_SECONDS, "the viewer before revocation")
    assert answer["payload"]["data"]["viewer"]["role"] == "ADMIN", answer
    assert receive_within(ws, WAIT_SECONDS, "complete")["type"] == "complete"

    revoke(client, admin, doomed)
    subscribe(ws, "2", CREATE_PARTNER, {"code": "X9", "name": "Never"})
    assert closed_with(ws, "the socket to close instead of mutating") == 4403

    async def created() -> bool:
        return await Partner.filter(code="X9").exists()

    assert client.portal.call(created) is False


def test_per_socket_subscription_and_operation_limits(sockets: Sockets) -> None:
    client = sockets.app(ws_max_subscriptions=2, ws_max_operations=2)
    _, partner, ids = prepare_channel(client, 3)
    ws = sockets.open(client, partner)
    for op_id, submission_id in (("s1", ids[0]), ("s2", ids[1])):
        subscribe(ws, op_id, SUBSCRIBE, {"id": str(submission_id)})
        assert receive_within(ws, WAIT_SECONDS, f"{op_id} first")["type"] == "next"

    subscribe(ws, "s3", SUBSCRIBE, {"id": str(ids[2])})
    refused = receive_within(ws, WAIT_SECONDS, "the third subscription's refusal")
    assert refused["type"] == "error" and refused["id"] == "s3", refused
    assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
    assert "2 subscriptions" in refused["payload"][0]["message"]

    subscribe(ws, "q1", "{ viewer { role } }")
    refused = receive_within(ws, WAIT_SECONDS, "the query's refusal")
    assert refused["type"] == "error" and refused["id"] == "q1", refused
    assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_OPERATIONS"

    ws.send_json({"id": "s1", "type": "complete"})
    deadline = time.monotonic() + WAIT_SECONDS
    while True:  # the slot frees once the server has ended s1
        subscribe(ws, "q2", "{ viewer { role } }")
        answer = receive_within(ws, deadline - time.monotonic(), "the query after a complete")
        if answer["type"] == "next":
            break
        assert answer["payload"][0]["extensions"]["code"] == "TOO_MANY_OPERATIONS", answer
        assert time.monotonic() < deadline, "s1 never released its slot"
    assert answer["payload"]["data"]["viewer"]["role"] == "PARTNER_INVENTORY"


# -- HTTP --------------------------------------------------------------------------------


def aliased_submissions(count: int, first: int) -> str:
    one = f"submissions(first: {first}) {{ edges {{ node {{ errors(first: {first}) {{ totalCount }} }} }} }}"
    return "{ " + " ".join(f"s{i}: {one}" for i in range(count)) + " }"


async def test_costly_nested_query_is_refused_while_a_normal_page_passes(client) -> None:
    _, token = await create_manufacturer("Acme")
    graph = Graph(client, token)
    errors = await graph.errors(aliased_submissions(5, 100))
    assert errors[0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert errors[0]["extensions"]["limit"] == 5000
    assert errors[0]["extensions"]["cost"] > 5000
    assert "5000" in errors[0]["message"]
    # the same through a variable page size and a fragment
    errors = await graph.errors(
        "query($n: Int) { submissions(first: $n) { ...S } } "
        "fragment S on SubmissionConnection { edges { node { errors(first: $n) { totalCount } } } }",
        n=100,
    )
    assert errors[0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    # a page size the variable leaves to the operation's default, or gives as 100.0 (the
    # Int 100 once coerced), is costed at what execution will use
    nested = (
        "query($n: Int{default}) {{ submissions(first: $n) {{ edges {{ node {{"
        " errors(first: $n) {{ totalCount }} }} }} }} }}"
    )
    for query, variables in [
        (nested.format(default=" = 100"), {}),
        (nested.format(default=""), {"n": 100.0}),
    ]:
        errors = await graph.errors(query, **variables)
        assert errors[0]["extensions"]["code"] == "QUERY_TOO_COSTLY", (query, variables)
    page = await graph(
        "{ submissions(first: 100) { totalCount edges { node { id status rowsTotal } } } }"
    )
    assert page["submissions"]["totalCount"] == 0
    assert await graph(aliased_submissions(1, 20))


async def test_statement_timeout_is_a_coded_error(settings: Settings) -> None:
    if settings.is_sqlite:
        pytest.skip("statement_timeout is PostgreSQL's")
    app = create_app(
        settings.model_copy(update={"statement_timeout_ms": 300}), scheduler_interval=None
    )
    async with app.router.lifespan_context(app):
        _, token = await create_manufacturer("Acme")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as http:
            graph = Graph(http, token)
            # another session holds the product table: reading it waits past the timeout
            blocker = await asyncpg.connect(settings.database_url)
            try:
                async with blocker.transaction():
                    await blocker.execute("LOCK TABLE product IN ACCESS EXCLUSIVE MODE")
                    query = "{ products(first: 1) { edges { node { sku } } } }"
                    try:  # without a statement timeout it would wait for the lock forever
                        errors = await asyncio.wait_for(graph.errors(query), WAIT_SECONDS)
                    except TimeoutError:
                        pytest.fail(f"the statement was not cancelled within {WAIT_SECONDS} s")
            finally:
                await blocker.close()
            assert errors[0]["extensions"]["code"] == "TIMEOUT", errors
            assert errors[0]["path"] == ["products"]
            assert (await graph("{ viewer { role } }"))["viewer"]["role"] == "ADMIN"

    # a worker's sessions get the workers' own timeout (none by default)
    await open_database(settings)
    try:
        from tortoise import connections

        _, rows = await connections.get("default").execute_query("SHOW statement_timeout")
        assert rows[0]["statement_timeout"] == "0"
    finally:
        await close_database()


async def test_production_gives_no_suggestions(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"env": "production"}), scheduler_interval=None)
    async with app.router.lifespan_context(app):
        _, token = await create_manufacturer("Acme")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as http:
            graph = Graph(http, token)
            probes = [
                ("{ partnrs { totalCount } }", {}),
                ("{ partners(frist: 1) { totalCount } }", {}),
                ("{ submissions(kind: PO) { totalCount } }", {}),
                ("query($k: SubmissionKind) { submissions(kind: $k) { totalCount } }", {"k": "PO"}),
            ]
            for query, variables in probes:
                errors = await graph.errors(query, **variables)
                assert errors[0]["extensions"]["code"] == "BAD_REQUEST", errors
                text = str(errors)
                assert "Did you mean" not in text, text
                assert "'partners'" not in text and "'first'" not in text and "POS" not in text


async def test_deeply_nested_json_gets_a_coded_400(client) -> None:
    _, token = await create_manufacturer("Acme")
    for depth in (100, 1000, 100_000):
        body = b'{"query": "{ viewer { role } }", "variables": {"v": ' + b"[" * depth
        body += b"]" * depth + b"}}"
        response = await client.post(
            "/graphql",
            content=body,
            headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
        )
        assert response.status_code == 400, response.text
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert "nested deeper than 64" in error["message"]
    response = await client.post(
        "/graphql",
        content=b"{not json",
        headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_ids_and_numbers_out_of_range_are_coded(client) -> None:
    _, token = await create_manufacturer("Acme")
    graph = Graph(client, token)
    huge = "99999999999999999999"
    assert (await graph(f'{{ submission(id: "{huge}") {{ id }} }}'))["submission"] is None
    for raw in (huge, str(2**40), "-1"):
        revoked = await graph(
            "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { errors { code } } }", id=raw
        )
        assert revoked["revokeApiToken"]["errors"] == [{"code": "NOT_FOUND"}]
    for first in (2**31, 2**63):
        errors = await graph.errors(
            "query($n: Int) { partners(first: $n) { totalCount } }", n=first
        )
        assert errors[0]["extensions"]["code"] == "BAD_REQUEST", errors
        errors = await graph.errors(f"{{ partners(first: {first}) {{ totalCount }} }}")
        assert errors[0]["extensions"]["code"] == "BAD_REQUEST", errors
    cases = [(f"c:{huge}", "submissions"), (f"o:{huge}", "submissions")]
    cases += [(f"c:{huge}", "partners"), (f"c:{2**40}", "partners")]  # 32-bit ids
    for cursor, field in cases:
        after = base64.urlsafe_b64encode(cursor.encode()).decode()
        errors = await graph.errors(f'{{ {field}(after: "{after}") {{ totalCount }} }}')
        assert errors[0]["extensions"]["code"] == "INVALID", (cursor, errors)


async def test_nul_strings_are_refused_before_the_database(client) -> None:
    _, token = await create_manufacturer("Acme")
    graph = Graph(client, token)
    errors = await graph.errors(CREATE_PARTNER, code="D1", name="Dist\x00ributor")
    assert [e["extensions"]["code"] for e in errors] == ["INVALID"]
    assert "NUL" in errors[0]["message"]
    literal = (
        'mutation { createPartner(input: {code: "D2", name: "a\\u0000b", tier: DISTRIBUTOR})'
        " { partner { id } errors { code } } }"
    )
    errors = await graph.errors(literal)
    assert errors[0]["extensions"]["code"] == "INVALID"
    errors = await graph.errors('{ partners(search: "x\\u0000") { totalCount } }')
    assert errors[0]["extensions"]["code"] == "INVALID"
    assert (await graph("{ partners { totalCount } }"))["partners"]["totalCount"] == 0


async def test_statement_timeout_on_plain_routes_is_a_coded_503(settings: Settings) -> None:
    if settings.is_sqlite:
        pytest.skip("statement_timeout is PostgreSQL's")
    app = create_app(
        settings.model_copy(update={"statement_timeout_ms": 300}), scheduler_interval=None
    )
    async with app.router.lifespan_context(app):
        _, token = await create_manufacturer("Acme")
        transport = httpx.ASGITransport(app=app)
        auth = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as http:
            blocker = await asyncpg.connect(settings.database_url)
            try:
                async with blocker.transaction():
                    await blocker.execute("LOCK TABLE reconciliation_row IN ACCESS EXCLUSIVE MODE")
                    try:  # without a statement timeout it would wait for the lock forever
                        response = await asyncio.wait_for(
                            http.get("/exports/exceptions.csv?period=2026-10", headers=auth),
                            WAIT_SECONDS,
                        )
                    except TimeoutError:
                        pytest.fail(f"the statement was not cancelled within {WAIT_SECONDS} s")
            finally:
                await blocker.close()
            assert response.status_code == 503, response.text
            assert response.json()["errors"][0]["code"] == "TIMEOUT"
            answer = await http.get("/exports/exceptions.csv?period=2026-10", headers=auth)
            assert answer.status_code == 200  # the lock gone, the same request answers
