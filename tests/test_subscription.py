"""submissionProgress over a real websocket (graphql-transport-ws), with the bearer token
in the handshake or, as a browser must, in ``connection_init``; no token or a bad one is
refused before anything runs."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from portal.app import create_app
from portal.domain.access.principal import Principal
from portal.domain.reporting import submissions
from portal.models import Partner
from portal.models.enums import Role, SubmissionKind
from portal.settings import Settings
from tests.jobs import ParkedQueue
from tests.ledger_fixtures import build_channel

SUBSCRIBE = "subscription($id: ID!) { submissionProgress(id: $id) { status rowsDone rowsTotal } }"
WAIT_SECONDS = 30


def receive_within(ws: Any, seconds: float, waiting_for: str) -> Any:
    """The next JSON message, or a failure naming what was awaited. (The test client's
    ``receive_json`` blocks without a timeout, so it runs in a thread; once the session
    closes, a receive still blocked there ends too.)"""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(ws.receive_json).result(timeout=max(seconds, 0))
    except FutureTimeout:
        pytest.fail(f"no websocket message within {seconds:.0f} s while waiting for {waiting_for}")
    finally:
        pool.shutdown(wait=False)


def test_progress_streams_until_final(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite://{tmp_path / 'ws.sqlite3'}", env="test")
    app = create_app(settings, scheduler_interval=None)
    with TestClient(app) as client:

        async def prepare() -> tuple[str, int]:
            from portal.domain.access.tokens import create_token
            from portal.models import Partner
            from portal.models.enums import Role

            ch = await build_channel()
            d1 = await Partner.get(code="D1")
            _, token = await create_token(
                ch.admin.manufacturer_id, Role.PARTNER_VIEWER, partner_id=d1.id
            )
            made = await submissions.submit(
                ch.d1,
                ParkedQueue(),
                kind=SubmissionKind.STOCK,
                period="2026-10",
                lines=[{"warehouse_code": "W1", "sku": "SKU-A", "quantity": 1}],
            )
            return token, made.id

        token, submission_id = client.portal.call(prepare)

        async def prepare_again() -> int:
            d1 = await Partner.get(code="D1")
            ch_d1 = Principal(d1.manufacturer_id, Role.PARTNER_INVENTORY, d1.id)  # type: ignore[attr-defined]
            made = await submissions.submit(
                ch_d1,
                ParkedQueue(),
                kind=SubmissionKind.STOCK,
                period="2026-10",
                lines=[{"warehouse_code": "W1", "sku": "SKU-A", "quantity": 2}],
            )
            return made.id

        for bad in [{}, {"Authorization": "Bearer not-a-token"}]:
            with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
                ws.send_json({"type": "connection_init", "payload": bad})
                with pytest.raises(WebSocketDisconnect) as closed:
                    ws.receive_json()
                assert closed.value.code == 4403
        with pytest.raises(WebSocketDisconnect) as refused:
            with client.websocket_connect(
                "/graphql",
                subprotocols=["graphql-transport-ws"],
                headers={"Authorization": "Bearer not-a-token"},
            ) as ws:
                ws.receive_json()
        assert refused.value.code == 4401

        _stream_until_accepted(client, submission_id, {"Authorization": f"Bearer {token}"}, {})
        resubmitted = client.portal.call(prepare_again)
        _stream_until_accepted(client, resubmitted, {}, {"Authorization": f"Bearer {token}"})


def _stream_until_accepted(
    client: TestClient, submission_id: int, headers: dict[str, str], init: dict[str, str]
) -> None:
    with client.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
    ) as ws:
        ws.send_json({"type": "connection_init", "payload": init})
        ack = receive_within(ws, WAIT_SECONDS, "connection_ack")
        assert ack["type"] == "connection_ack", ack
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIBE, "variables": {"id": str(submission_id)}},
            }
        )
        first = receive_within(ws, WAIT_SECONDS, "the first submissionProgress (QUEUED)")
        assert first["type"] == "next", first
        assert first["payload"]["data"]["submissionProgress"]["status"] == "QUEUED"

        async def validate() -> None:
            from portal.domain.reporting.validation import validate_submission

            await validate_submission(submission_id)

        client.portal.call(validate)
        statuses: list[str] = []
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            waiting_for = (
                f"submissionProgress to reach ACCEPTED and complete (statuses so far: {statuses})"
            )
            message = receive_within(ws, deadline - time.monotonic(), waiting_for)
            if message["type"] == "complete":
                break
            assert message["type"] == "next", (message, statuses)
            statuses.append(message["payload"]["data"]["submissionProgress"]["status"])
            if time.monotonic() > deadline:
                pytest.fail(f"waited {WAIT_SECONDS} s for {waiting_for}")
        assert statuses and statuses[-1] == "ACCEPTED", statuses
