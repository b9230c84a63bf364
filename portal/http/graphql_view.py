"""The GraphQL endpoint: bearer authentication first (401 otherwise), then strawberry.

GraphiQL is served on GET to browsers in development only; every operation needs a
valid, unrevoked token. Bodies strawberry refuses (malformed or too deeply nested JSON, an
unsupported content type, a batch) get a coded JSON 400, like every other error here.
Websockets speak ``graphql-transport-ws`` only, through :mod:`portal.http.websocket`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from portal.db import is_statement_timeout
from portal.domain.access.principal import Principal
from portal.domain.access.tokens import authenticate
from portal.domain.errors import DomainError, ErrorCode, PermissionDenied
from portal.http.auth import bearer_token, principal_or_401
from portal.http.json_body import JsonTooDeep, decode_bounded
from portal.http.websocket import PortalTransportWSHandler
from portal.schema import MASKED_MESSAGE
from portal.schema.context import Context
from portal.settings import Settings


def error_code(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, DomainError):
        return original.code.value
    if isinstance(original, PermissionDenied):
        return "FORBIDDEN"
    if is_statement_timeout(original):
        return ErrorCode.TIMEOUT.value
    if error.message == MASKED_MESSAGE:
        return "INTERNAL_ERROR"
    code = (error.extensions or {}).get("code")
    if code:
        return str(code)
    # A GraphQLError caused by a GraphQLError: a variable's value refused by its type.
    return (
        "BAD_REQUEST"
        if original is None or isinstance(original, GraphQLError)
        else "INTERNAL_ERROR"
    )


def bad_request(status: int, message: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]},
        status_code=status,
    )


class PortalGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = PortalTransportWSHandler

    def __init__(self, schema: Schema, settings: Settings, state: Any) -> None:
        super().__init__(
            schema,
            graphql_ide=None if settings.production else "graphiql",
            allow_queries_via_get=False,
            # Safe against CSRF: only the Authorization header authenticates (no cookies),
            # and multipart requests must also carry a preflighted header (see __call__).
            multipart_uploads_enabled=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=30),
            # strawberry's own count of operations in flight; ours (websocket.py) comes first
            max_subscriptions_per_connection=settings.ws_max_operations,
        )
        self.settings = settings
        self.state = state
        self.recorder = state.usage_recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            # A client that can set headers authenticates in the handshake; a browser
            # cannot, so it sends the token in connection_init instead (on_ws_connect).
            headers = WebSocket(scope, receive, send).headers
            if bearer_token(headers) is not None:
                principal = await self._principal(headers)
                if principal is None:
                    await WebSocket(scope, receive, send).close(code=4401)
                    return
                scope.setdefault("state", {})["principal"] = principal
                scope["state"]["token"] = bearer_token(headers)
        elif scope["type"] == "http":
            request = Request(scope, receive)
            if request.headers.get("content-type", "").startswith("multipart/") and not (
                request.headers.get("apollo-require-preflight")
                or request.headers.get("x-requested-with")
            ):
                await JSONResponse(
                    {
                        "errors": [
                            {
                                "message": "Multipart requests need an Apollo-Require-Preflight "
                                "or X-Requested-With header.",
                                "extensions": {"code": "BAD_REQUEST"},
                            }
                        ]
                    },
                    status_code=400,
                )(scope, receive, send)
                return
            if not self._wants_ide(request):
                authenticated = await principal_or_401(request.headers, self.recorder)
                if not isinstance(authenticated, Principal):
                    await authenticated(scope, receive, send)
                    return
                scope.setdefault("state", {})["principal"] = authenticated
        await super().__call__(scope, receive, send)

    async def _principal(self, headers: Any) -> Principal | None:
        token = bearer_token(headers)
        return await authenticate(token, self.recorder) if token else None

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Authenticate from ``connection_init`` when the handshake carried no token.

        The payload's ``Authorization`` (``Bearer <token>``) or ``token`` is checked like the
        header; without a valid one the socket closes with 4403 and nothing runs.
        """
        if context.principal is not None:
            return UNSET
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        header = params.get("Authorization") or params.get("authorization")
        if not header and isinstance(params.get("token"), str):
            header = f"Bearer {params['token']}"
        # The same parsing and check as the handshake header's.
        principal = (
            await self._principal({"authorization": header}) if isinstance(header, str) else None
        )
        if principal is None:
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})
        context.principal = principal
        context.token = bearer_token({"authorization": header})
        return UNSET

    def decode_json(self, data: str | bytes) -> object:
        """Request bodies and websocket messages, at most ``MAX_JSON_DEPTH`` levels deep."""
        return decode_bounded(data)

    async def run(  # type: ignore[override]  # one body for both overloads
        self,
        request: Request | WebSocket,
        context: Context | UnsetType = UNSET,
        root_value: UnsetType | None = UNSET,
    ) -> Response | WebSocket:
        try:
            return await super().run(request, context, root_value)  # type: ignore[arg-type]
        except HTTPException as refused:
            cause = refused.__cause__
            message = cause.message if isinstance(cause, JsonTooDeep) else refused.reason
            return bad_request(refused.status_code, message)

    def _wants_ide(self, request: Request) -> bool:
        return (
            request.method == "GET"
            and self.graphql_ide is not None
            and "text/html" in request.headers.get("accept", "")
        )

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        # None only for the IDE page and a websocket before connection_init
        principal = getattr(request.state, "principal", None)
        return Context(
            principal=principal,
            settings=self.settings,
            queue=self.state.queue,
            request=request,
            response=response,
            token=getattr(request.state, "token", None),
        )

    async def process_result(
        self, request: Request | WebSocket, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            errors: list[object] = []
            for error in result.errors:
                formatted = error.formatted
                formatted["extensions"] = {**(error.extensions or {}), "code": error_code(error)}
                errors.append(formatted)
            data["errors"] = errors
        return data
