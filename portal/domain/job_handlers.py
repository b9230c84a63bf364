"""The job kinds the portal knows, each a thin call into a domain function.

Listed explicitly (no decorator registry): a worker and the in-process runner both run
exactly these.
"""

from __future__ import annotations

from typing import Any

from portal.domain.jobs import Handler
from portal.domain.tokens import roll_up_token_usage

TOKEN_USAGE_ROLLUP = "token_usage_rollup"


async def _token_usage_rollup(args: dict[str, Any]) -> dict[str, int]:
    return {"tokens": await roll_up_token_usage()}


HANDLERS: dict[str, Handler] = {
    TOKEN_USAGE_ROLLUP: _token_usage_rollup,
}
