"""The outbound HTTP client: every connection checked, redirects re-checked, answers bounded.

    http = guarded_client(outbound_policy(settings))
    reply = await fetch(http, "GET", url, max_bytes=10 * 2**20, deadline=60)
    reply.status, reply.body, reply.truncated

The client's transport resolves each host itself when it opens a connection, refuses it
unless the policy admits every address (``outbound.resolve_allowed``) and connects to the
very address it checked: a name cannot be rebound between the check and the connection,
and TLS still verifies the certificate against the name. It ignores proxy variables.
``fetch`` parses the URL first (``outbound.parse_url``), follows at most ``max_redirects``
redirects itself (each hop parsed and connected through the same check), stops reading
an answer past ``max_bytes`` and gives up after ``deadline`` seconds in all.
"""

from __future__ import annotations

import asyncio
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import httpcore
import httpx

from portal.domain.integrations.outbound import (
    OutboundPolicy,
    OutboundRefused,
    OutboundUnavailable,
    parse_url,
    resolve_allowed,
)

MAX_REDIRECTS: Final = 3
TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to addresses the policy admits."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109  # httpcore's interface
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve_allowed(host, port, self._policy, seconds=timeout)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # resolve_allowed returns at least one address
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109  # httpcore's interface
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise OutboundRefused("Unix sockets are not allowed.")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport over a connection pool that uses ``GuardedBackend``."""

    def __init__(self, policy: OutboundPolicy, limits: httpx.Limits = httpx.Limits()) -> None:
        super().__init__(trust_env=False, limits=limits)
        # httpx offers no argument for the network backend: its pool is replaced, same options
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )


def guarded_client(policy: OutboundPolicy) -> httpx.AsyncClient:
    """The one outbound client of a process (ERP connector, webhooks)."""
    return httpx.AsyncClient(
        transport=GuardedTransport(policy),
        timeout=TIMEOUT,
        follow_redirects=False,
        trust_env=False,
    )


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    truncated: bool  # the answer was longer than ``max_bytes``: ``body`` is its start


async def fetch(
    http: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    max_bytes: int,
    deadline: float,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
    max_redirects: int = MAX_REDIRECTS,
) -> Reply:
    """One request, its redirects and its answer, bounded; ``OutboundError`` otherwise."""
    request = http.build_request(
        method, parse_url(url), params=params, headers=headers, content=content
    )
    try:
        async with asyncio.timeout(deadline):
            for _ in range(max_redirects + 1):
                response = await http.send(request, stream=True, follow_redirects=False)
                try:
                    if response.next_request is None:
                        return await _read(response, max_bytes)
                    parse_url(str(response.next_request.url))
                    request = response.next_request
                finally:
                    await response.aclose()
    except TimeoutError:
        raise OutboundUnavailable(f"No complete answer within {deadline:g} s.") from None
    except httpx.UnsupportedProtocol:
        raise OutboundRefused("A redirect led to a URL that is not http(s).") from None
    except httpx.TimeoutException:
        raise OutboundUnavailable("The host did not answer in time.") from None
    except httpx.HTTPError:
        raise OutboundUnavailable("The host could not be reached.") from None
    raise OutboundRefused(f"More than {max_redirects} redirects.")


async def _read(response: httpx.Response, max_bytes: int) -> Reply:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            return Reply(response.status_code, b"".join(chunks)[:max_bytes], truncated=True)
    return Reply(response.status_code, b"".join(chunks), truncated=False)
