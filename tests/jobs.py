"""Running recorded jobs in tests, the way each backend runs them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from portal.jobs.dispatch import ArqQueue
from portal.jobs.runtime import new_http_client
from portal.models import Job
from portal.models.enums import JobStatus
from portal.settings import Settings
from workers.settings import WorkerSettings, build_worker


async def run_burst_worker(settings: Settings) -> Any:
    """A real arq worker on the real Redis, in burst mode, sharing this process's database."""

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["settings"] = settings
        ctx["queue"] = ArqQueue(ctx["redis"])
        ctx["http"] = new_http_client(settings)

    async def shutdown(ctx: dict[str, Any]) -> None:
        await ctx["http"].aclose()

    # The crons of every few seconds (and the startup sweep) run as in production; those
    # of a time of day (the hourly ERP sync at :25:30, the daily jobs) would make a test's
    # outcome depend on the clock, so a test queues them itself when it means to.
    frequent = [c for c in WorkerSettings.cron_jobs if c.hour is None and c.minute is None]
    worker = build_worker(
        settings,
        burst=True,
        on_startup=startup,
        on_shutdown=shutdown,
        poll_delay=0.05,
        cron_jobs=frequent,
    )
    try:
        await worker.main()
    finally:
        await worker.close()
    return worker


async def run_jobs(app: Any, seconds: float = 120) -> None:
    """Run every dispatched job (and those they chain) to the end, or fail after ``seconds``."""
    settings: Settings = app.state.settings
    try:
        async with asyncio.timeout(seconds):
            if settings.embedded:
                await app.state.queue.drain()
            else:
                await run_burst_worker(settings)
    except TimeoutError:
        unfinished = await Job.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).values_list(
            "id", "kind", "status"
        )
        pytest.fail(f"the dispatched jobs did not finish within {seconds:.0f} s: {unfinished}")


class ParkedQueue:
    """Records nothing and runs nothing: jobs stay QUEUED in the database."""

    async def dispatch(self, job_id: int, dispatch_no: int) -> None:
        return None
