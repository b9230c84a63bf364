"""The application factory.

app = create_app()                    # settings from the environment
uvicorn.run(app)                      # or `portal serve`
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from portal.domain.access.tokens import UsageRecorder
from portal.http.body_limit import BodyLimitMiddleware
from portal.http.charge_exports import export_charges
from portal.http.exports import export_credit_memos, export_exceptions
from portal.http.graphql_view import PortalGraphQL
from portal.http.health import health
from portal.http.logistics import logistics_event
from portal.http.timeouts import StatementTimeoutMiddleware
from portal.http.uploads import upload
from portal.jobs.runtime import EMBEDDED_TICK_SECONDS, portal_runtime
from portal.schema import build_schema
from portal.settings import Settings

FRONTEND_DIR = Path(__file__).resolve().parent.parent / "frontend-stub"


def create_app(
    settings: Settings | None = None, *, scheduler_interval: float | None = EMBEDDED_TICK_SECONDS
) -> Starlette:
    settings = (settings or Settings()).for_web_server()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with portal_runtime(settings, scheduler_interval=scheduler_interval) as runtime:
            app.state.queue = runtime.queue
            app.state.http = runtime.http
            app.state.runtime = runtime
            yield

    app = Starlette(
        lifespan=lifespan,
        middleware=[
            Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
            Middleware(StatementTimeoutMiddleware),
        ],
    )
    app.state.settings = settings
    app.state.usage_recorder = UsageRecorder()
    graphql = PortalGraphQL(build_schema(settings), settings, app.state)
    app.router.routes.extend(
        [
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/health", health, methods=["GET"]),
            Route("/uploads", upload, methods=["POST"]),
            Route("/logistics/events", logistics_event, methods=["POST"]),
            Route("/exports/exceptions.csv", export_exceptions, methods=["GET"]),
            Route("/exports/credit-memos.csv", export_credit_memos, methods=["GET"]),
            Route("/exports/charges.csv", export_charges, methods=["GET"]),
            Mount("/", StaticFiles(directory=FRONTEND_DIR, html=True, check_dir=False)),
        ]
    )
    return app
