"""The two ways a recorded job is dispatched: arq on Redis, or a task in this process.

queue = ArqQueue(pool)           # PORTAL_REDIS_URL set: `portal worker` processes run it
queue = InProcessQueue(settings) # embedded default: the server runs it itself
await queue.drain()              # tests and shutdown: wait for in-process jobs
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import httpx
from arq.connections import ArqRedis, RedisSettings, create_pool
from redis.exceptions import RedisError

from portal.jobs.handlers import HANDLERS, ON_FAILURE
from portal.jobs.records import arq_job_id, run_job
from portal.settings import Settings

log = logging.getLogger(__name__)

ARQ_FUNCTION = "run_portal_job"


def redis_settings(url: str) -> RedisSettings:
    return RedisSettings.from_dsn(url)


async def open_pool(url: str) -> ArqRedis:
    """The process's arq pool. Redis being down does not stop the process from starting:
    the pool then connects on first use, and jobs recorded meanwhile wait for the sweep."""
    settings = redis_settings(url)
    try:
        return await create_pool(dataclasses.replace(settings, conn_retries=0))
    except (OSError, RedisError, TimeoutError) as exc:
        log.warning("Redis unreachable at start (%r); jobs wait for the sweep", exc)
    return ArqRedis(
        host=settings.host,
        port=settings.port,
        db=settings.database,
        username=settings.username,
        password=settings.password,
        ssl=settings.ssl,
        socket_connect_timeout=settings.conn_timeout,
        encoding="utf8",
    )


class ArqQueue:
    def __init__(self, pool: ArqRedis) -> None:
        self.pool = pool

    async def dispatch(self, job_id: int, dispatch_no: int) -> None:
        await self.pool.enqueue_job(ARQ_FUNCTION, job_id, _job_id=arq_job_id(job_id, dispatch_no))

    async def drain(self) -> None:
        """Jobs run in worker processes; nothing to wait for here."""

    async def reachable(self) -> bool:
        try:
            return bool(await self.pool.ping())
        except Exception:
            return False


class InProcessQueue:
    def __init__(self, settings: Settings, http: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self.http = http
        self._tasks: set[asyncio.Task[object]] = set()

    async def dispatch(self, job_id: int, dispatch_no: int) -> None:
        task = asyncio.create_task(self._run(job_id), name=arq_job_id(job_id, dispatch_no))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, job_id: int) -> None:
        try:
            await run_job(
                job_id,
                HANDLERS,
                lease_seconds=self.settings.job_lease_seconds,
                max_attempts=self.settings.job_max_attempts,
                http=self.http,
                queue=self,
                on_failure=ON_FAILURE,
                settings=self.settings,
            )
        except Exception:
            log.exception("in-process job %s crashed", job_id)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def reachable(self) -> bool:
        return True
