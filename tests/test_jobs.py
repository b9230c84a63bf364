"""Jobs: recorded first, run once, swept when a worker dies; on both backends."""

from __future__ import annotations

import asyncio
import contextvars
import os
import sys
from datetime import UTC, datetime, timedelta

import pytest

from portal.domain.catalog.tenants import create_manufacturer
from portal.jobs import records
from portal.jobs.dispatch import ARQ_FUNCTION
from portal.jobs.handlers import HANDLERS, TOKEN_USAGE_ROLLUP
from portal.jobs.records import JobContext, LeaseLost, arq_job_id, run_job, submit_job
from portal.jobs.sweep import sweep
from portal.models import ApiToken, Job, TokenUsage
from portal.models.enums import JobStatus
from tests.conftest import ROOT
from tests.graph import Graph
from tests.jobs import ParkedQueue, run_burst_worker, run_jobs
from workers.settings import WorkerSettings


async def test_token_usage_rollup_job_sets_last_used(client, app) -> None:
    _, token = await create_manufacturer("Acme")
    assert (await ApiToken.get()).last_used_at is None
    await Graph(client, token)("{ viewer { role } }")
    await Graph(client, token)("{ viewer { role } }")  # throttled: one usage row a minute
    assert await TokenUsage.all().count() == 1

    # Recorded first: when the queue is handed the job, its row exists and is QUEUED.
    # (Read after submit_job instead, an in-process job may already be RUNNING or DONE.)
    seen_at_dispatch: list[JobStatus] = []

    class RecordedFirst:
        async def dispatch(self, job_id: int, dispatch_no: int) -> None:
            seen_at_dispatch.append((await Job.get(id=job_id)).status)
            await app.state.queue.dispatch(job_id, dispatch_no)

    job = await submit_job(RecordedFirst(), TOKEN_USAGE_ROLLUP)
    assert seen_at_dispatch == [JobStatus.QUEUED]
    await run_jobs(app)

    job = await Job.get(id=job.id)
    assert job.status == JobStatus.DONE, job.error
    assert job.result == {"tokens": 1}
    assert job.attempts == 1
    assert (await ApiToken.get()).last_used_at is not None
    assert await TokenUsage.all().count() == 0


async def test_a_finished_job_never_runs_again(app) -> None:
    job = await submit_job(app.state.queue, TOKEN_USAGE_ROLLUP)
    await run_jobs(app)
    assert (await Job.get(id=job.id)).status == JobStatus.DONE
    again = await run_job(job.id, HANDLERS, lease_seconds=60, max_attempts=3)
    assert again is None
    assert (await Job.get(id=job.id)).attempts == 1


async def test_dedupe_key_reuses_an_unfinished_job(db) -> None:
    first = await submit_job(ParkedQueue(), TOKEN_USAGE_ROLLUP, dedupe_key="rollup")
    second = await submit_job(ParkedQueue(), TOKEN_USAGE_ROLLUP, dedupe_key="rollup")
    assert first.id == second.id
    assert await Job.all().count() == 1


async def test_callers_at_the_same_moment_record_one_job_per_dedupe_key(db) -> None:
    # replays of one idempotent request, or two workers' schedules, at once
    jobs = await asyncio.gather(
        *(submit_job(ParkedQueue(), TOKEN_USAGE_ROLLUP, dedupe_key="rollup") for _ in range(8))
    )
    assert len({job.id for job in jobs}) == 1
    assert await Job.filter(dedupe_key="rollup").count() == 1


async def test_sweep_recovers_a_job_a_dead_worker_left(app) -> None:
    await create_manufacturer("Acme")
    token_row = await ApiToken.get()
    await TokenUsage.create(
        manufacturer_id=token_row.manufacturer_id, token=token_row, used_at=datetime.now(UTC)
    )
    # A worker claimed it, then died: RUNNING with a lease that has run out.
    job = await Job.create(
        kind=TOKEN_USAGE_ROLLUP,
        status=JobStatus.RUNNING,
        attempts=1,
        dispatches=1,
        lease_until=datetime.now(UTC) - timedelta(seconds=5),
        enqueued_at=datetime.now(UTC) - timedelta(minutes=10),
    )
    # And one recorded but never enqueued (the process died in between).
    orphan = await Job.create(kind=TOKEN_USAGE_ROLLUP)
    swept = await sweep(app.state.queue, stale_seconds=300)
    assert swept == 2
    await run_jobs(app)
    job = await Job.get(id=job.id)
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.dispatches == 2
    assert (await Job.get(id=orphan.id)).status == JobStatus.DONE
    assert (await ApiToken.get()).last_used_at is not None
    assert await sweep(app.state.queue, stale_seconds=300) == 0


async def test_failing_job_is_retried_then_marked_failed(db) -> None:
    calls = []

    async def flaky(args, ctx):  # type: ignore[no-untyped-def]
        calls.append(args)
        raise ValueError("ERP said no")

    job = await Job.create(kind="flaky")
    assert (
        await run_job(job.id, {"flaky": flaky}, lease_seconds=60, max_attempts=2)
        == JobStatus.QUEUED
    )
    assert (
        await run_job(job.id, {"flaky": flaky}, lease_seconds=60, max_attempts=2)
        == JobStatus.FAILED
    )
    job = await Job.get(id=job.id)
    assert job.status == JobStatus.FAILED and "ERP said no" in job.error and len(calls) == 2


async def test_a_failed_attempt_is_queued_again_by_the_next_sweep(db) -> None:
    job = await submit_job(ParkedQueue(), "flaky")  # dispatched: enqueued_at set
    assert (await Job.get(id=job.id)).enqueued_at is not None

    async def flaky(args: dict[str, object], ctx: JobContext) -> None:
        raise ValueError("deadlock detected")

    assert (
        await run_job(job.id, {"flaky": flaky}, lease_seconds=60, max_attempts=3)
        == JobStatus.QUEUED
    )
    # not left until its old dispatch is stale (PORTAL_JOB_LEASE_SECONDS): the next sweep
    assert await sweep(ParkedQueue(), stale_seconds=300) == 1


@pytest.mark.parametrize("ending", ["heartbeat", "failure", "success"])
async def test_a_run_that_lost_its_lease_leaves_the_job_to_the_run_after(db, ending) -> None:
    """Run 1 pauses past its lease; run 2 claims the job and finishes it. Whatever run 1
    does next, it cannot overwrite run 2's outcome: its heartbeat raises LeaseLost (and the
    handler stops there), its failure or its result is not written."""
    job = await Job.create(kind="slow")
    seen: list[object] = []

    async def slow(args: dict[str, object], ctx: JobContext) -> dict[str, int]:
        seen.append(ctx.attempt)
        if ctx.attempt == 1:
            await Job.filter(id=ctx.job_id).update(
                lease_until=datetime.now(UTC) - timedelta(seconds=1)
            )
            again = await run_job(ctx.job_id, {"slow": slow}, lease_seconds=60, max_attempts=3)
            assert again == JobStatus.DONE
            if ending == "heartbeat":
                with pytest.raises(LeaseLost):
                    await ctx.heartbeat()
                seen.append("stopped")
                await ctx.heartbeat()
            if ending == "failure":
                raise ValueError("run 1 failed late")
        return {"attempt": ctx.attempt}

    assert await run_job(job.id, {"slow": slow}, lease_seconds=60, max_attempts=3) is None
    job = await Job.get(id=job.id)
    assert (job.status, job.attempts, job.result, job.error) == (
        JobStatus.DONE,
        2,
        {"attempt": 2},
        None,
    )
    assert seen == ([1, 2, "stopped"] if ending == "heartbeat" else [1, 2])


async def test_a_job_longer_than_its_lease_keeps_it_without_heartbeating(db) -> None:
    """The run renews its lease itself: a handler that never heartbeats (a recompute, an
    ERP sync) and runs past its lease is not taken over by the runs the sweep dispatches."""
    job = await Job.create(kind="long")

    async def long(args: dict[str, object], ctx: JobContext) -> dict[str, int]:
        await asyncio.sleep(2.5)
        return {"attempt": ctx.attempt}

    first = asyncio.create_task(run_job(job.id, {"long": long}, lease_seconds=1, max_attempts=5))
    others = []
    for _ in range(10):  # other deliveries of the job, meanwhile
        await asyncio.sleep(0.25)
        others.append(await run_job(job.id, {"long": long}, lease_seconds=1, max_attempts=5))
    assert await first == JobStatus.DONE
    assert others == [None] * 10
    job = await Job.get(id=job.id)
    assert (job.status, job.attempts, job.result) == (JobStatus.DONE, 1, {"attempt": 1})


async def test_a_failed_renewal_of_the_lease_is_tried_again(db, monkeypatch) -> None:
    """A renewal that fails (a dropped connection, a statement timeout) does not end the
    renewals: the run keeps its job and no later delivery runs it meanwhile."""
    job = await Job.create(kind="long")
    renew = records.heartbeat
    calls: list[int] = []

    async def flaky(job_id: int, lease_seconds: int, attempt: int) -> None:
        calls.append(attempt)
        if len(calls) == 1:
            raise ConnectionResetError("the connection was dropped")
        await renew(job_id, lease_seconds, attempt)

    monkeypatch.setattr(records, "heartbeat", flaky)
    ran: list[int] = []

    async def long(args: dict[str, object], ctx: JobContext) -> dict[str, int]:
        ran.append(ctx.attempt)
        await asyncio.sleep(2.5)
        return {"attempt": ctx.attempt}

    first = asyncio.create_task(run_job(job.id, {"long": long}, lease_seconds=1, max_attempts=5))
    others = []
    for _ in range(10):
        await asyncio.sleep(0.25)
        others.append(await run_job(job.id, {"long": long}, lease_seconds=1, max_attempts=5))
    assert await first == JobStatus.DONE
    assert (others, ran) == ([None] * 10, [1])
    assert len(calls) > 2  # renewed again after the failure


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_a_run_stalled_after_its_claim_keeps_its_own_token(db, monkeypatch) -> None:
    """The claim and the read of its token are one transaction: a run that stalls right
    after its claim (past its lease, here 0 s) cannot read the token of the run that
    claims after it, so the two never run as the same attempt."""
    job = await Job.create(kind="k")
    tokens: list[int] = []

    async def k(args: dict[str, object], ctx: JobContext) -> dict[str, int]:
        tokens.append(ctx.attempt)
        await asyncio.sleep(0.2)
        return {"attempt": ctx.attempt}

    get = Job.get
    later: list[asyncio.Task[JobStatus | None]] = []

    async def stalled_get(*args: object, **kwargs: object) -> Job:
        if not later:  # the first run, between its claim and its read
            later.append(
                asyncio.create_task(
                    run_job(job.id, {"k": k}, lease_seconds=60, max_attempts=5),
                    context=contextvars.Context(),  # another worker: not this transaction
                )
            )
            await asyncio.sleep(0.5)
        return await get(*args, **kwargs)

    monkeypatch.setattr(Job, "get", stalled_get)
    first = await run_job(job.id, {"k": k}, lease_seconds=0, max_attempts=5)
    second = await later[0]
    monkeypatch.setattr(Job, "get", get)
    assert sorted(tokens) == [1, 2]
    assert (first, second) == (None, JobStatus.DONE)
    job = await Job.get(id=job.id)
    assert (job.status, job.attempts, job.result) == (JobStatus.DONE, 2, {"attempt": 2})


async def test_a_heartbeat_keeps_the_lease_of_the_run_that_holds_it(db) -> None:
    job = await Job.create(kind="beating")
    leases: list[datetime] = []

    async def beating(args: dict[str, object], ctx: JobContext) -> None:
        await Job.filter(id=ctx.job_id).update(lease_until=datetime.now(UTC))
        await ctx.heartbeat()
        leases.append((await Job.get(id=ctx.job_id)).lease_until)

    assert await run_job(job.id, {"beating": beating}, lease_seconds=600, max_attempts=1) == (
        JobStatus.DONE
    )
    assert leases[0] > datetime.now(UTC) + timedelta(seconds=500)


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_real_worker_process_runs_recorded_job(app, settings) -> None:
    """`portal worker --burst` as its own process, against PostgreSQL and Redis."""
    await create_manufacturer("Acme")
    token = await ApiToken.get()
    await TokenUsage.create(
        manufacturer_id=token.manufacturer_id, token=token, used_at=datetime.now(UTC)
    )
    job = await submit_job(app.state.queue, TOKEN_USAGE_ROLLUP)
    env = {
        **os.environ,
        "PORTAL_DATABASE_URL": settings.database_url,
        "PORTAL_REDIS_URL": settings.redis_url,
    }
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "portal.cli",
        "worker",
        "--burst",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(worker.communicate(), timeout=120)
    except TimeoutError:
        worker.kill()
        await worker.wait()
        pytest.fail("`portal worker --burst` did not finish its queue and exit within 120 s")
    assert worker.returncode == 0, output.decode()[-2000:]
    job = await Job.get(id=job.id)
    assert job.status == JobStatus.DONE, (job.error, output.decode()[-2000:])
    assert (await ApiToken.get()).last_used_at is not None
    # arq kept no result under the job's id, so a database whose job ids start over (one
    # recreated or restored beside the same Redis) gets its jobs queued, not refused.
    redis = app.state.queue.pool
    arq_id = arq_job_id(job.id, job.dispatches)
    assert await redis.exists(f"arq:result:{arq_id}") == 0
    assert await redis.exists(f"arq:job:{arq_id}") == 0
    again = await redis.enqueue_job(ARQ_FUNCTION, job.id, _job_id=arq_id)
    assert again is not None
    await redis.delete(f"arq:job:{arq_id}")
    await redis.zrem("arq:queue", arq_id)


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_arq_keeps_no_result_of_a_job_it_gives_up_on(app, settings) -> None:
    """A job arq stops retrying (its tries spent, e.g. workers killed under it) leaves no
    result under its id either, so the id is free again."""
    redis = app.state.queue.pool
    arq_id = arq_job_id(999, 1)
    queued = await redis.enqueue_job(
        ARQ_FUNCTION, 999, _job_id=arq_id, _job_try=WorkerSettings.max_tries + 1
    )
    assert queued is not None
    await run_burst_worker(settings)
    assert await redis.exists(f"arq:result:{arq_id}") == 0
    assert await redis.enqueue_job(ARQ_FUNCTION, 999, _job_id=arq_id) is not None
