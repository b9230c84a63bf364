"""A PostgreSQL statement cancelled by ``statement_timeout`` on a plain HTTP route
(``/uploads``, ``/exports/…``) answers 503 with the coded body ``TIMEOUT``, not a 500.

    Starlette(middleware=[Middleware(StatementTimeoutMiddleware)])

The graph maps the same cancellation to its own ``TIMEOUT`` error (graphql_view); a
stream that has already started cannot change its status and ends as the server ends it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.db import is_statement_timeout
from portal.http.errors import error_response

MESSAGE = "The database took too long for this request; try again or narrow it."


class StatementTimeoutMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as error:
            if started or not is_statement_timeout(error):
                raise
            await error_response(503, "TIMEOUT", MESSAGE)(scope, receive, send)
