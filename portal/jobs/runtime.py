"""What one process holds for its lifetime: the database, one job queue, one httpx client.

    async with portal_runtime(settings) as runtime:
        runtime.queue, runtime.http

On the embedded default a background loop also does what cron does in production:
sweep left-over jobs and schedule the periodic ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from portal.db import close_database, open_database
from portal.domain.integrations.outbound import outbound_policy
from portal.domain.integrations.outbound_http import guarded_client
from portal.jobs.dispatch import ArqQueue, InProcessQueue, open_pool
from portal.jobs.schedule import embedded_tick
from portal.settings import Settings

log = logging.getLogger(__name__)

EMBEDDED_TICK_SECONDS = 10.0


def new_http_client(settings: Settings) -> httpx.AsyncClient:
    """The one outbound HTTP client of a process (ERP connector, webhooks): it connects
    only to public addresses and those of ``settings.outbound_allow_networks``."""
    return guarded_client(outbound_policy(settings))


@dataclass
class Runtime:
    settings: Settings
    queue: ArqQueue | InProcessQueue
    http: httpx.AsyncClient


async def _embedded_loop(runtime: Runtime, interval: float) -> None:
    while True:
        try:
            await embedded_tick(runtime.queue, runtime.settings)
        except Exception:
            log.exception("embedded scheduler tick failed")
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def portal_runtime(
    settings: Settings, *, scheduler_interval: float | None = EMBEDDED_TICK_SECONDS
) -> AsyncIterator[Runtime]:
    await open_database(settings)
    pool = None
    queue: ArqQueue | InProcessQueue
    http = new_http_client(settings)
    if settings.redis_url:
        pool = await open_pool(settings.redis_url)
        queue = ArqQueue(pool)
    else:
        queue = InProcessQueue(settings, http)
    runtime = Runtime(settings=settings, queue=queue, http=http)
    scheduler = None
    if settings.embedded and scheduler_interval:
        scheduler = asyncio.create_task(_embedded_loop(runtime, scheduler_interval))
    try:
        yield runtime
    finally:
        if scheduler is not None:
            scheduler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await scheduler
        await queue.drain()
        await http.aclose()
        if pool is not None:
            await pool.aclose()
        await close_database()
