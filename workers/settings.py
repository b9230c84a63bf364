"""The arq worker: ``arq workers.settings.WorkerSettings`` or ``portal worker``.

Jobs are thin: they take a recorded job id and call the domain's ``run_job``. Cron: the
sweep that re-dispatches what a dead worker left, and the token usage roll-up.
"""

from __future__ import annotations

from typing import Any

from arq import cron
from arq.worker import Worker

from portal.db import close_database, open_database
from portal.domain.integrations.erp import schedule_all
from portal.jobs.dispatch import ARQ_FUNCTION, ArqQueue, redis_settings
from portal.jobs.handlers import (
    AUTO_RECEIVE_SHIPMENTS,
    DELIVER_WEBHOOKS,
    EXPIRE_DESIGNS,
    HANDLERS,
    RECONCILE,
    SEND_REMINDERS,
    TOKEN_USAGE_ROLLUP,
)
from portal.jobs.records import run_job, submit_job, sweep
from portal.jobs.runtime import new_http_client
from portal.settings import Settings


async def startup(ctx: dict[str, Any]) -> None:
    settings = Settings()
    ctx["settings"] = settings
    await open_database(settings, create_schema=False)
    ctx["queue"] = ArqQueue(ctx["redis"])
    ctx["http"] = new_http_client()


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["http"].aclose()
    await close_database()


async def run_portal_job(ctx: dict[str, Any], job_id: int) -> str | None:
    settings: Settings = ctx["settings"]
    status = await run_job(
        job_id,
        HANDLERS,
        lease_seconds=settings.job_lease_seconds,
        max_attempts=settings.job_max_attempts,
        http=ctx.get("http"),
        queue=ctx["queue"],
    )
    return status.value if status else None


async def sweep_jobs(ctx: dict[str, Any]) -> int:
    settings: Settings = ctx["settings"]
    return await sweep(ctx["queue"], stale_seconds=settings.job_lease_seconds)


async def schedule_token_usage_rollup(ctx: dict[str, Any]) -> None:
    await submit_job(ctx["queue"], TOKEN_USAGE_ROLLUP, dedupe_key=TOKEN_USAGE_ROLLUP)


async def schedule_auto_receive(ctx: dict[str, Any]) -> None:
    await submit_job(ctx["queue"], AUTO_RECEIVE_SHIPMENTS, dedupe_key=AUTO_RECEIVE_SHIPMENTS)


async def schedule_reminders(ctx: dict[str, Any]) -> None:
    """Daily: reminders for missing reports, and expiry of design registrations."""
    await submit_job(ctx["queue"], SEND_REMINDERS, dedupe_key=SEND_REMINDERS)
    await submit_job(ctx["queue"], EXPIRE_DESIGNS, dedupe_key=EXPIRE_DESIGNS)


async def schedule_reconcile(ctx: dict[str, Any]) -> None:
    """Every 10 s: recompute coalesced dirty keys and deliver due webhooks."""
    await submit_job(ctx["queue"], RECONCILE, dedupe_key=RECONCILE)
    await submit_job(ctx["queue"], DELIVER_WEBHOOKS, dedupe_key=DELIVER_WEBHOOKS)


async def schedule_erp_sync(ctx: dict[str, Any]) -> None:
    await schedule_all(ctx["queue"])


def _redis() -> Any:
    url = Settings().redis_url
    return redis_settings(url) if url else None


class WorkerSettings:
    functions = [run_portal_job]
    cron_jobs = [
        cron(sweep_jobs, second={0}, run_at_startup=True, unique=True),
        cron(schedule_token_usage_rollup, minute={5}, second={30}, unique=True),
        cron(schedule_auto_receive, minute={15}, second={30}, unique=True),
        cron(schedule_erp_sync, minute={25}, second={30}, unique=True),
        cron(schedule_reconcile, second=set(range(0, 60, 10)), unique=True),
        cron(schedule_reminders, hour={6}, minute={0}, second={0}, unique=True),
    ]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = _redis()
    health_check_interval = 30
    max_tries = 5
    allow_abort_jobs = True


def build_worker(settings: Settings, *, burst: bool = False, **overrides: Any) -> Worker:
    """A worker for ``portal worker`` and the tests (``burst=True`` stops when idle)."""
    if not settings.redis_url:
        raise SystemExit("portal worker needs PORTAL_REDIS_URL (jobs run in-process without it)")
    options: dict[str, Any] = {
        "functions": WorkerSettings.functions,
        "cron_jobs": WorkerSettings.cron_jobs,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "redis_settings": redis_settings(settings.redis_url),
        "health_check_interval": WorkerSettings.health_check_interval,
        "max_tries": WorkerSettings.max_tries,
        "burst": burst,
        "handle_signals": not burst,
    }
    options.update(overrides)
    return Worker(**options)


assert run_portal_job.__name__ == ARQ_FUNCTION
