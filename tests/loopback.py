"""Real HTTP servers on loopback for tests: up within a bound, or a failure that says so."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp


async def wait_until_started(
    server: uvicorn.Server, task: asyncio.Task[None], what: str, seconds: float = 5
) -> None:
    """Wait for ``server`` (running as ``task``) to bind; fail naming ``what`` otherwise."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not server.started:
        if task.done():
            pytest.fail(f"{what} on 127.0.0.1 exited before it started")
        if asyncio.get_running_loop().time() > deadline:
            server.should_exit = True
            await task
            pytest.fail(f"{what} on 127.0.0.1 did not start within {seconds:.0f} s")
        await asyncio.sleep(0.01)


def wait_for_health(base: str, server: subprocess.Popen[bytes], seconds: float = 30) -> None:
    """Wait for the `portal serve` process ``server`` to answer 200 on ``base``/health."""
    deadline = time.monotonic() + seconds
    last = "no answer yet"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"`portal serve` exited ({server.returncode}) before {base}/health answered"
            )
        try:
            response = httpx.get(f"{base}/health", timeout=1)
        except httpx.HTTPError as exc:
            last = repr(exc)
        else:
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[:200]}"
        time.sleep(0.1)
    pytest.fail(
        f"`portal serve` did not answer 200 on {base}/health within {seconds:.0f} s: {last}"
    )


@asynccontextmanager
async def serve_app(app: ASGIApp, what: str, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Serve ``app`` on a free port of ``host`` (any 127.x on Linux); yields its base URL."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    await wait_until_started(server, task, what)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await task
