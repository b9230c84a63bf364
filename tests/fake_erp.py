"""A small fake ERP served over loopback by a real HTTP server (uvicorn), for tests."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.loopback import wait_until_started

PAGE_SIZE = 2


@dataclass
class FakeErp:
    api_key: str = "erp-secret"
    products: list[dict[str, Any]] = field(default_factory=list)
    shipments: list[dict[str, Any]] = field(default_factory=list)
    inventory: list[dict[str, Any]] | None = None  # None: no /inventory route (an older ERP)
    fail_next: int = 0  # answer 503 to this many requests first
    requests: list[str] = field(default_factory=list)
    url: str = ""

    async def endpoint(self, request: Request) -> JSONResponse:
        self.requests.append(str(request.url))
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return JSONResponse({"error": "bad credentials"}, status_code=401)
        if self.fail_next > 0:
            self.fail_next -= 1
            return JSONResponse({"error": "busy"}, status_code=503)
        items = self.products if request.url.path.endswith("/products") else self.shipments
        if request.url.path.endswith("/inventory"):
            items = self.inventory or []
        since = request.query_params.get("updated_since")
        if since:
            items = [i for i in items if i["updated_at"] > since]
        page = int(request.query_params.get("page", "1"))
        chunk = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        more = page * PAGE_SIZE < len(items)
        return JSONResponse({"items": chunk, "next_page": page + 1 if more else None})


@asynccontextmanager
async def serve_fake_erp(erp: FakeErp) -> AsyncIterator[FakeErp]:
    routes = [Route("/api/products", erp.endpoint), Route("/api/shipments", erp.endpoint)]
    if erp.inventory is not None:
        routes.append(Route("/api/inventory", erp.endpoint))
    app = Starlette(routes=routes)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    await wait_until_started(server, task, "the fake ERP")
    erp.url = f"http://127.0.0.1:{port}/api"
    try:
        yield erp
    finally:
        server.should_exit = True
        await task
