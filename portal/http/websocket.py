"""graphql-transport-ws with the principal re-checked and per-socket limits.

    class PortalGraphQL(GraphQL):
        graphql_transport_ws_handler_class = PortalTransportWSHandler

A socket authenticates once (handshake or ``connection_init``), but its token may be
revoked (or its partner deactivated) while it stays open. So the token is checked again
before every operation the socket starts, before every result it sends, and every
``PORTAL_WS_RECHECK_SECONDS`` while it is open; once it is no longer valid the socket is
closed with **4403** and its running operations (subscriptions included) end.

At most ``PORTAL_WS_MAX_SUBSCRIPTIONS`` subscriptions and ``PORTAL_WS_MAX_OPERATIONS``
operations of any kind run at once per socket; one more gets an ``error`` message with
``extensions.code`` ``TOO_MANY_SUBSCRIPTIONS`` or ``TOO_MANY_OPERATIONS``, and the socket
and its other operations carry on.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)

from portal.domain.errors import ErrorCode
from portal.schema.context import Context

REVOKED_CLOSE_CODE = 4403


def is_subscription(query: object, operation_name: object, max_tokens: int) -> bool:
    """Whether the document's chosen operation is a subscription (unparsable: no)."""
    if not isinstance(query, str):
        return False
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        op
        for op in operations
        if operation_name is None or (op.name is not None and op.name.value == operation_name)
    ]
    return len(chosen) == 1 and chosen[0].operation is OperationType.SUBSCRIPTION


class PortalTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.revoked = False
        self.subscription_ids: set[str] = set()
        self.watcher: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self.watcher is None:
            self.watcher = asyncio.create_task(self.watch_principal())
            self.watcher.add_done_callback(self._task_done)

    async def watch_principal(self) -> None:
        """Re-check the token periodically, so that an idle subscription ends too."""
        while not self.revoked:
            await asyncio.sleep(self.context.settings.ws_recheck_seconds)
            await self.ensure_authenticated()

    async def ensure_authenticated(self) -> bool:
        if self.revoked:
            return False
        if await self.context.still_authenticated():
            return True
        if self.revoked:  # closed meanwhile by another check
            return False
        self.revoked = True
        await self.websocket.close(code=REVOKED_CLOSE_CODE, reason="The token was revoked.")
        return False

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged:
            if not await self.ensure_authenticated():
                return
            refusal = self.over_limit(message)
            if refusal is not None:
                code, text = refusal
                await self.send_message(
                    {
                        "id": message["id"],
                        "type": "error",
                        "payload": [{"message": text, "extensions": {"code": code.value}}],
                    }
                )
                return
        await super().handle_subscribe(message)

    def over_limit(self, message: SubscribeMessage) -> tuple[ErrorCode, str] | None:
        settings = self.context.settings
        payload = message["payload"]
        subscribing = is_subscription(
            payload.get("query"), payload.get("operationName"), settings.max_query_tokens
        )
        running = [op_id for op_id in self.operations if op_id in self.subscription_ids]
        if subscribing and len(running) >= settings.ws_max_subscriptions:
            return ErrorCode.TOO_MANY_SUBSCRIPTIONS, (
                f"At most {settings.ws_max_subscriptions} subscriptions may run at once "
                "on one socket; complete one first."
            )
        if len(self.operations) >= settings.ws_max_operations:
            return ErrorCode.TOO_MANY_OPERATIONS, (
                f"At most {settings.ws_max_operations} operations may run at once "
                "on one socket; wait for one to finish."
            )
        if subscribing:
            self.subscription_ids.add(message["id"])
        else:
            self.subscription_ids.discard(message["id"])
        return None

    async def send_message(self, message: Message) -> None:
        if self.revoked:
            return
        if message["type"] == "next" and not await self.ensure_authenticated():
            return
        await super().send_message(message)

    async def shutdown(self) -> None:
        if self.watcher is not None:
            self.watcher.cancel()
            with suppress(asyncio.CancelledError):
                await self.watcher
        await super().shutdown()
