"""``GET /health``: database and queue reachability (503 when either is down)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from portal import __version__
from portal.db import database_reachable


async def health(request: Request) -> JSONResponse:
    state = request.app.state
    database = await database_reachable()
    queue = await state.queue.reachable()
    healthy = database and queue
    return JSONResponse(
        {
            "status": "ok" if healthy else "degraded",
            "version": __version__,
            "database": "ok" if database else "unreachable",
            "queue": ("ok" if queue else "unreachable"),
            "jobs": "in-process" if state.settings.embedded else "arq",
        },
        status_code=200 if healthy else 503,
    )
