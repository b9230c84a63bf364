"""The job kinds the portal knows, each a thin call into a domain function.

Listed explicitly (no decorator registry): a worker and the in-process runner both run
exactly these.
"""

from __future__ import annotations

from typing import Any

from portal.domain.jobs import Handler
from portal.domain.shipments import auto_receive_due
from portal.domain.tokens import roll_up_token_usage

TOKEN_USAGE_ROLLUP = "token_usage_rollup"
AUTO_RECEIVE_SHIPMENTS = "auto_receive_shipments"


async def _token_usage_rollup(args: dict[str, Any]) -> dict[str, int]:
    return {"tokens": await roll_up_token_usage()}


async def _auto_receive_shipments(args: dict[str, Any]) -> dict[str, int]:
    return {"received": await auto_receive_due()}


HANDLERS: dict[str, Handler] = {
    TOKEN_USAGE_ROLLUP: _token_usage_rollup,
    AUTO_RECEIVE_SHIPMENTS: _auto_receive_shipments,
}

PERIODIC = (TOKEN_USAGE_ROLLUP, AUTO_RECEIVE_SHIPMENTS)
