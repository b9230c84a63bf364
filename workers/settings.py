"""The arq worker: ``arq workers.settings.WorkerSettings`` or ``portal worker``.

Jobs are thin: they take a recorded job id and call ``portal.jobs.records.run_job``, with
an explicit ``job_timeout`` (``PORTAL_JOB_TIMEOUT_SECONDS``; a cancelled validation resumes
from its last committed chunk when the sweep dispatches it again). Cron:
the sweep that re-dispatches what a dead worker left, and the periodic table of
``portal.jobs.schedule``.
"""

from __future__ import annotations

from typing import Any

from arq.worker import Worker

from portal.db import close_database, open_database
from portal.jobs.dispatch import ARQ_FUNCTION, ArqQueue, redis_settings
from portal.jobs.handlers import HANDLERS, ON_FAILURE
from portal.jobs.records import run_job
from portal.jobs.runtime import new_http_client
from portal.jobs.schedule import cron_jobs
from portal.settings import Settings


async def startup(ctx: dict[str, Any]) -> None:
    settings = Settings()
    ctx["settings"] = settings
    await open_database(settings, create_schema=False)
    ctx["queue"] = ArqQueue(ctx["redis"])
    ctx["http"] = new_http_client(settings)


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
        on_failure=ON_FAILURE,
        settings=settings,
    )
    return status.value if status else None


def _redis() -> Any:
    url = Settings().redis_url
    return redis_settings(url) if url else None


# arq keeps no result of a portal job: its status is the database's, and a kept result
# would make arq refuse the same id for an hour (``portal-job-<id>-<dispatch>``), which a
# database recreated or restored with its job ids starting over would reuse: its jobs then
# waited for the sweep's re-dispatches (5 minutes each) instead of running. The worker's
# setting covers a job that finishes and one that arq gives up on (its tries spent, its
# data expired); arq's cron jobs keep none by default.
KEEP_RESULT = 0


class WorkerSettings:
    functions = [run_portal_job]
    cron_jobs = cron_jobs()
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = _redis()
    health_check_interval = 30
    max_tries = 5
    keep_result = KEEP_RESULT
    allow_abort_jobs = True
    job_timeout = Settings().job_timeout_seconds  # arq's default (300 s) cut long files short


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
        "keep_result": KEEP_RESULT,
        "job_timeout": settings.job_timeout_seconds,
        "burst": burst,
        "handle_signals": not burst,
    }
    options.update(overrides)
    return Worker(**options)


assert run_portal_job.__name__ == ARQ_FUNCTION
