"""Bearer-token authentication for HTTP routes (the graph and uploads)."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from portal.domain.access.principal import Principal
from portal.domain.access.tokens import UsageRecorder, authenticate


def bearer_token(headers: Any) -> str | None:
    value = headers.get("authorization") or ""
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def unauthorized(message: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="portal"'},
    )


async def principal_or_401(headers: Any, recorder: UsageRecorder) -> Principal | JSONResponse:
    token = bearer_token(headers)
    if token is None:
        return unauthorized("An Authorization: Bearer token is required.")
    principal = await authenticate(token, recorder)
    if principal is None:
        return unauthorized("The token is unknown or revoked.")
    return principal
