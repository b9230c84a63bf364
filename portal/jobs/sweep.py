"""The sweep: re-dispatch what a dead worker or a lost queue left behind.

    await sweep(queue, stale_seconds=300)     # cron every minute; embedded: every tick

The database is the source of truth: a job ``RUNNING`` past its lease, or ``QUEUED`` and
never (or long ago) handed to the queue, is dispatched again. A job whose hand-over
failed (Redis down) or whose run was cancelled has no ``enqueued_at``: the next sweep
(within a minute) dispatches it. Claiming is atomic
(:func:`portal.jobs.records.claim`), so a job swept while still queued runs once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q

from portal.jobs.records import JobQueue, dispatch
from portal.models import Job
from portal.models.enums import JobStatus

log = logging.getLogger(__name__)


async def sweep(queue: JobQueue, *, stale_seconds: int, limit: int = 500) -> int:
    """Re-dispatch jobs a dead worker or a lost queue left behind; returns how many."""
    now = datetime.now(UTC)
    stale = now - timedelta(seconds=stale_seconds)
    left = (
        await Job.filter(
            Q(status=JobStatus.RUNNING, lease_until__lt=now)
            | Q(status=JobStatus.QUEUED, enqueued_at__isnull=True)
            | Q(status=JobStatus.QUEUED, enqueued_at__lt=stale)
        )
        .order_by("id")
        .limit(limit)
    )
    dispatched = 0
    for job in left:
        dispatched += await dispatch(queue, job)
    if left:
        log.info("sweep re-dispatched %d of %d job(s)", dispatched, len(left))
    return dispatched
