"""The periodic jobs: one table of what runs how often, for arq's cron and the embedded tick.

    WorkerSettings.cron_jobs = cron_jobs()         # production: `portal worker`
    await embedded_tick(queue, settings)            # embedded default: every few seconds

Every periodic job is recorded first and deduplicated by its kind, so two schedulers (two
workers, or a worker and a restart) never queue the same round twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from arq import cron
from arq.cron import CronJob

from portal.domain.integrations.erp import schedule_all as schedule_erp_sync
from portal.jobs.kinds import (
    ACCRUE_REBATES,
    AUTO_RECEIVE_SHIPMENTS,
    CONTRACT_EXPIRY,
    DELIVER_WEBHOOKS,
    EXPIRE_DESIGNS,
    MAINTAIN_PARTITIONS,
    REBATE_INTERIMS,
    RECONCILE,
    SEND_REMINDERS,
    TOKEN_USAGE_ROLLUP,
)
from portal.jobs.records import JobQueue, submit_job
from portal.jobs.sweep import sweep
from portal.settings import Settings

EVERY_10_SECONDS: dict[str, Any] = {"second": set(range(0, 60, 10))}


@dataclass(frozen=True, slots=True)
class Periodic:
    kind: str
    when: dict[str, Any]  # arq cron fields


PERIODIC: tuple[Periodic, ...] = (
    Periodic(RECONCILE, EVERY_10_SECONDS),
    Periodic(DELIVER_WEBHOOKS, EVERY_10_SECONDS),
    Periodic(ACCRUE_REBATES, EVERY_10_SECONDS),
    Periodic(TOKEN_USAGE_ROLLUP, {"minute": {5}, "second": {30}}),
    Periodic(AUTO_RECEIVE_SHIPMENTS, {"minute": {15}, "second": {30}}),
    Periodic(SEND_REMINDERS, {"hour": {6}, "minute": {0}, "second": {0}}),
    Periodic(EXPIRE_DESIGNS, {"hour": {6}, "minute": {0}, "second": {0}}),
    Periodic(CONTRACT_EXPIRY, {"hour": {6}, "minute": {10}, "second": {0}}),
    Periodic(REBATE_INTERIMS, {"hour": {6}, "minute": {20}, "second": {0}}),
    Periodic(MAINTAIN_PARTITIONS, {"hour": {3}, "minute": {30}, "second": {0}}),
)
ERP_SYNC_WHEN: dict[str, Any] = {"minute": {25}, "second": {30}}


async def schedule(queue: JobQueue, kind: str) -> None:
    await submit_job(queue, kind, dedupe_key=kind)


async def embedded_tick(queue: JobQueue, settings: Settings) -> None:
    """One round of the embedded scheduler: the sweep, then every periodic job."""
    await sweep(queue, stale_seconds=settings.job_lease_seconds)
    for periodic in PERIODIC:
        await schedule(queue, periodic.kind)
    await schedule_erp_sync(queue)


def cron_jobs() -> list[CronJob]:
    """arq cron entries: the sweep every minute (and at start), then the table above."""

    async def sweep_jobs(ctx: dict[str, Any]) -> int:
        settings: Settings = ctx["settings"]
        return await sweep(ctx["queue"], stale_seconds=settings.job_lease_seconds)

    async def erp_sync(ctx: dict[str, Any]) -> None:
        await schedule_erp_sync(ctx["queue"])

    jobs = [
        cron(sweep_jobs, name="sweep_jobs", second={0}, run_at_startup=True, unique=True),
        cron(erp_sync, name="schedule_erp_sync", unique=True, **ERP_SYNC_WHEN),
    ]
    for periodic in PERIODIC:

        async def run(ctx: dict[str, Any], kind: str = periodic.kind) -> None:
            await schedule(ctx["queue"], kind)

        jobs.append(cron(run, name=f"schedule_{periodic.kind}", unique=True, **periodic.when))
    return jobs
