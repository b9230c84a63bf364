"""Background work: recorded in the database first, then dispatched.

    job = await submit_job(queue, "token_usage_rollup", {})
    await run_job(job.id, handlers, lease_seconds=300, max_attempts=5)   # in a worker

(The sweep that re-dispatches what a dead worker left is :mod:`portal.jobs.sweep`.)

A job is claimed atomically (``QUEUED``, or ``RUNNING`` with an expired lease), so the
at-least-once delivery of arq and the sweep's re-dispatch never run it twice at once,
and a finished job is never run again. A run whose lease ran out can be overtaken by a
later claim: every write of a run is fenced by its claim (``attempts``), so the overtaken
run's heartbeat raises :class:`LeaseLost` and its outcome is dropped. Handlers must be
idempotent all the same.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from portal.db import is_postgres
from portal.models import Job
from portal.models.enums import JobStatus
from portal.settings import Settings

log = logging.getLogger(__name__)


class JobQueue(Protocol):
    """Where recorded jobs go: arq on Redis, or tasks in this process."""

    async def dispatch(self, job_id: int, dispatch_no: int) -> None: ...


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a handler may use besides its arguments: the process's clients and settings."""

    job_id: int
    lease_seconds: int
    settings: Settings  # the process's (validation chunk size, issue retention, …)
    http: httpx.AsyncClient | None = None
    queue: JobQueue | None = None  # to chain a follow-up job (recorded first, as always)
    manufacturer_id: int | None = None  # the tenant the job was recorded for, if one
    attempt: int = 0  # this run's claim: the job's ``attempts`` when it was claimed

    async def heartbeat(self) -> None:
        """Keep this run's lease; raises :class:`LeaseLost` if another run holds the job."""
        await heartbeat(self.job_id, self.lease_seconds, self.attempt)


class LeaseLost(Exception):
    """The run's lease ran out and another run claimed the job: this one must stop and
    write nothing more (the other run finishes the job)."""


Handler = Callable[[dict[str, Any], JobContext], Awaitable[Any]]
# Called once when a job of its kind fails for good: (job args, error text, the tenant the
# job was recorded for, if one).
FailureHandler = Callable[[dict[str, Any], str, int | None], Awaitable[None]]


def arq_job_id(job_id: int, dispatch_no: int) -> str:
    """Deterministic, so a repeated dispatch of the same attempt is a no-op in arq."""
    return f"portal-job-{job_id}-{dispatch_no}"


def _now() -> datetime:
    return datetime.now(UTC)


async def submit_job(
    queue: JobQueue,
    kind: str,
    args: Mapping[str, Any] | None = None,
    *,
    manufacturer_id: int | None = None,
    dedupe_key: str | None = None,
) -> Job:
    """Record the job, then dispatch it. With ``dedupe_key`` an unfinished twin is reused:
    the look for a twin and the insert hold a lock on the key (PostgreSQL; SQLite runs one
    writing transaction at a time), so callers at the same moment (replays of one
    idempotent request, the schedules of two workers) record one job, not one each."""
    async with in_transaction() as tx:
        if dedupe_key is not None:
            if is_postgres():
                await tx.execute_query(_LOCK_KEY, [dedupe_key])
            twin = await Job.filter(
                dedupe_key=dedupe_key, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
            ).first()
            if twin is not None:
                return twin
        job = await Job.create(
            kind=kind,
            args=dict(args or {}),
            manufacturer_id=manufacturer_id,
            dedupe_key=dedupe_key,
        )
    await dispatch(queue, job)
    return job


# a transaction's lock on a dedupe key (a 32-bit hash of it: two keys rarely share one,
# and then only wait for each other)
_LOCK_KEY = "SELECT pg_advisory_xact_lock(hashtext('portal-job:' || $1))"


async def dispatch(queue: JobQueue, job: Job) -> bool:
    """Hand a recorded job to the queue; False when the queue is unreachable.

    The job is in the database already, so a failed hand-over is not the caller's
    failure: it is logged and the job stays ``QUEUED`` with no ``enqueued_at``, which the
    sweep (every minute) dispatches again."""
    job.dispatches += 1
    await Job.filter(id=job.id).update(dispatches=job.dispatches)
    try:
        await queue.dispatch(job.id, job.dispatches)
    except Exception as exc:
        log.warning(
            "job %s (%s) recorded but not enqueued, the sweep will: %r", job.id, job.kind, exc
        )
        job.enqueued_at = None
        await Job.filter(id=job.id).update(enqueued_at=None)
        return False
    job.enqueued_at = _now()
    await Job.filter(id=job.id).update(enqueued_at=job.enqueued_at)
    return True


async def claim(job_id: int, lease_seconds: int) -> Job | None:
    """The job, if this run claimed it: its ``attempts`` is this run's token. The claim and
    the read of the token are one transaction (the row stays locked on PostgreSQL), so a
    run stalled between them cannot read a later run's token as its own."""
    now = _now()
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, lease_until__lt=now)
    async with in_transaction():
        updated = await Job.filter(Q(id=job_id) & claimable).update(
            status=JobStatus.RUNNING,
            attempts=F("attempts") + 1,
            lease_until=now + timedelta(seconds=lease_seconds),
        )
        return await Job.get(id=job_id) if updated else None


def _owned(job_id: int, attempt: int) -> Q:
    """The job while the run of ``attempt`` still holds it: a later claim raised
    ``attempts`` (so ``attempts`` fences a run that lost its lease)."""
    return Q(id=job_id, status=JobStatus.RUNNING, attempts=attempt)


async def heartbeat(job_id: int, lease_seconds: int, attempt: int) -> None:
    """Long handlers call this to keep their lease; :class:`LeaseLost` when the run of
    ``attempt`` no longer holds the job (its lease ran out and another run claimed it, or
    the job was settled meanwhile)."""
    kept = await Job.filter(_owned(job_id, attempt)).update(
        lease_until=_now() + timedelta(seconds=lease_seconds)
    )
    if not kept:
        raise LeaseLost(f"job {job_id}: attempt {attempt} no longer holds the job")


async def run_job(
    job_id: int,
    handlers: Mapping[str, Handler],
    *,
    lease_seconds: int,
    max_attempts: int,
    http: httpx.AsyncClient | None = None,
    queue: JobQueue | None = None,
    on_failure: Mapping[str, FailureHandler] | None = None,
    settings: Settings | None = None,
) -> JobStatus | None:
    """Run a recorded job if it is claimable; returns its new status (None: skipped, or
    the run lost its lease to a later run, which owns the job's outcome).

    A job that fails for good (``max_attempts`` reached) is ``FAILED`` and its kind's
    ``on_failure`` handler settles what it was working on (a submission is rejected, never
    left validating). A cancelled run (arq's ``job_timeout``, a worker shutting down) gives
    its job back at once, ``QUEUED`` without ``enqueued_at``, for the sweep to dispatch
    again; the handler resumes from what it committed."""
    job = await claim(job_id, lease_seconds)
    if job is None:
        return None
    handler = handlers.get(job.kind)
    try:
        if handler is None:
            raise LookupError(f"No handler for job kind {job.kind!r}")
        context = JobContext(
            job_id=job.id,
            lease_seconds=lease_seconds,
            settings=settings or Settings(),
            http=http,
            queue=queue,
            manufacturer_id=job.manufacturer_id,
            attempt=job.attempts,
        )
        result = await _leased(handler(dict(job.args), context), job, lease_seconds)
    except asyncio.CancelledError:
        log.warning("job %s (%s) cancelled on attempt %s", job.id, job.kind, job.attempts)
        await asyncio.shield(_give_back(job, job.attempts >= max_attempts, on_failure))
        raise
    except LeaseLost:
        _lost(job)
        return None
    except Exception as exc:
        log.exception("job %s (%s) failed on attempt %s", job.id, job.kind, job.attempts)
        final = job.attempts >= max_attempts or isinstance(exc, LookupError)
        error = "".join(traceback.format_exception_only(exc)).strip()[:4000]
        if not await Job.filter(_owned(job.id, job.attempts)).update(
            status=JobStatus.FAILED if final else JobStatus.QUEUED,
            error=error,
            lease_until=None,
            enqueued_at=None,  # retried by the next sweep (within a minute)
            finished_at=_now() if final else None,
        ):
            _lost(job)
            return None
        if final:
            await _settle(job, error, on_failure)
        return JobStatus.FAILED if final else JobStatus.QUEUED
    if not await Job.filter(_owned(job.id, job.attempts)).update(
        status=JobStatus.DONE,
        result=result if isinstance(result, dict | list | int | str | None) else str(result),
        error=None,
        lease_until=None,
        finished_at=_now(),
    ):
        _lost(job)
        return None
    return JobStatus.DONE


async def _leased(work: Awaitable[Any], job: Job, lease_seconds: int) -> Any:
    """Await the handler's ``work`` while renewing the run's lease every third of it, so
    that a job longer than its lease (a recompute, an ERP sync, a posting) keeps it
    whether or not its handler heartbeats. If the renewal finds the job held by a later
    run (this process stalled past the lease), the work is cancelled: ``LeaseLost``."""
    running = asyncio.ensure_future(work)
    lost: list[LeaseLost] = []

    async def renew() -> None:
        while True:
            await asyncio.sleep(max(lease_seconds / 3, 0.1))
            try:
                await heartbeat(job.id, lease_seconds, job.attempts)
            except LeaseLost as exc:
                lost.append(exc)
                running.cancel()
                return
            except Exception:  # a dropped connection, a statement timeout: try again
                log.warning("job %s: renewing its lease failed, retrying", job.id, exc_info=True)

    renewing = asyncio.create_task(renew())
    try:
        return await running
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if lost and (current is None or not current.cancelling()):
            raise lost[0] from None  # cancelled by the renewal, not from outside
        raise
    finally:
        renewing.cancel()
        await asyncio.gather(renewing, return_exceptions=True)


def _lost(job: Job) -> None:
    """A run that lost its lease leaves the job to the run that claimed it after."""
    log.warning(
        "job %s (%s): attempt %s lost its lease to a later run, which finishes the job",
        job.id,
        job.kind,
        job.attempts,
    )


CANCELLED = "cancelled (job timeout or worker shutdown)"


async def _give_back(
    job: Job, final: bool, on_failure: Mapping[str, FailureHandler] | None
) -> None:
    """A cancelled run: queued again for the sweep, or failed for good at its last attempt."""
    if not await Job.filter(_owned(job.id, job.attempts)).update(
        status=JobStatus.FAILED if final else JobStatus.QUEUED,
        error=CANCELLED,
        lease_until=None,
        enqueued_at=None,
        finished_at=_now() if final else None,
    ):
        _lost(job)
        return
    if final:
        await _settle(job, CANCELLED, on_failure)


async def _settle(job: Job, error: str, on_failure: Mapping[str, FailureHandler] | None) -> None:
    settle = (on_failure or {}).get(job.kind)
    if settle is None:
        return
    try:
        await settle(dict(job.args), error, job.manufacturer_id)
    except Exception:
        log.exception("job %s (%s): settling its final failure failed", job.id, job.kind)
