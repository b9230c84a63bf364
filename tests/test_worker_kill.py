"""A real arq worker is SIGKILLed in the middle of validating a large file; a new worker
and the sweep finish it: accepted, posted exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import date

import pytest

from portal.domain.access.tokens import create_token
from portal.domain.ledger import shipments
from portal.domain.ledger.shipments import LineInput
from portal.jobs.sweep import sweep
from portal.models import Job, LedgerEntry, Partner, StockBalance, Submission
from portal.models.enums import JobStatus, Role, SubmissionStatus
from tests.conftest import ROOT
from tests.ledger_fixtures import build_channel

ROWS = 60_000
LEASE = 3


def big_csv() -> bytes:
    lines = [
        "warehouse_code,sku,quantity,sold_on,end_customer_name,end_customer_country,invoice_no"
    ]
    lines += [
        f"W1,SKU-A,1,2026-10-{1 + n % 28:02d},Customer {n % 500},US,INV-{n}" for n in range(ROWS)
    ]
    return ("\n".join(lines) + "\n").encode()


async def start_worker(settings) -> asyncio.subprocess.Process:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "PORTAL_DATABASE_URL": settings.database_url,
        "PORTAL_REDIS_URL": settings.redis_url,
        "PORTAL_JOB_LEASE_SECONDS": str(LEASE),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "portal.cli",
        "worker",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def progress(submission_id: int) -> str:
    """What the database says now: for the message of a wait that ran out."""
    s = await Submission.get(id=submission_id)
    jobs = await Job.all().order_by("id").values_list("kind", "status", "attempts")
    return f"submission {s.status.value} rows_done={s.rows_done}/{s.rows_total}; jobs {jobs}"


async def wait_for(predicate, what: str, submission_id: int, seconds: float = 120) -> None:  # type: ignore[no-untyped-def]
    """Poll the database (no event to wait on) until ``predicate``; fail after ``seconds``."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(
                f"waited {seconds:.0f} s for {what}; last seen: {await progress(submission_id)}"
            )
        await asyncio.sleep(0.05)


async def stop(worker: asyncio.subprocess.Process, sig: signal.Signals, what: str) -> None:
    """Signal the worker and wait for it to exit; SIGKILL and fail if it does not."""
    if worker.returncode is not None:
        return
    worker.send_signal(sig)
    try:
        await asyncio.wait_for(worker.wait(), 30)
    except TimeoutError:
        worker.kill()
        await worker.wait()
        pytest.fail(f"the {what} worker did not exit within 30 s of {sig.name}")


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
async def test_killed_worker_mid_file_ends_posted_exactly_once(client, app, settings) -> None:
    ch = await build_channel()
    shipment = await shipments.record_shipment(
        ch.admin,
        partner_code="D1",
        warehouse_code="W1",
        document_no="INV-1",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-A", ROWS)],
    )
    await shipments.receive_shipment(ch.admin, shipment.id)
    d1 = await Partner.get(code="D1")
    _, token = await create_token(
        ch.admin.manufacturer_id, Role.PARTNER_INVENTORY, partner_id=d1.id
    )
    response = await client.post(
        "/uploads",
        data={"kind": "POS", "period": "2026-10"},
        files={"file": ("big.csv", big_csv(), "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 202, response.text
    submission_id = int(response.json()["submissionId"])

    first = await start_worker(settings)

    async def midway() -> bool:
        s = await Submission.get(id=submission_id)
        assert not s.status.final, "validation finished before the kill: make the file larger"
        return s.status is SubmissionStatus.VALIDATING and s.rows_done > 0

    try:
        await wait_for(midway, "the first worker to start validating the file", submission_id)
    finally:
        await stop(first, signal.SIGKILL, "first")
    assert (await Submission.get(id=submission_id)).status is SubmissionStatus.VALIDATING
    assert await LedgerEntry.filter(source_type="SUBMISSION").count() == 0

    job = await Job.get(kind="validate_submission")
    assert job.status is JobStatus.RUNNING
    await asyncio.sleep(LEASE + 0.5)  # the dead worker's lease runs out
    # the sweep dispatches it again (and any periodic job the worker recorded at a 10 s
    # tick of its schedule before it was killed)
    assert await sweep(app.state.queue, stale_seconds=LEASE) >= 1
    assert (await Job.get(id=job.id)).dispatches == 2

    second = await start_worker(settings)
    try:

        async def final() -> bool:  # the submission posted and the job recorded as done
            submission_final = (await Submission.get(id=submission_id)).status.final
            return submission_final and (await Job.get(id=job.id)).status is JobStatus.DONE

        await wait_for(
            final, "the second worker to finish the submission and its job", submission_id
        )
    finally:
        await stop(second, signal.SIGTERM, "second")

    submission = await Submission.get(id=submission_id)
    assert submission.status is SubmissionStatus.ACCEPTED
    assert submission.rows_done == ROWS
    sold = sum(
        await LedgerEntry.filter(source_type="SUBMISSION").values_list("quantity", flat=True)
    )
    assert sold == -ROWS  # posted exactly once
    assert (await StockBalance.get(warehouse__code="W1", product__sku="SKU-A")).quantity == 0
    job = await Job.get(id=job.id)
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)
