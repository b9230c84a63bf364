"""Issue #12, the jobs: cancelled validations resume, progress keeps its total, a job failed
for good settles its submission, the issue cap, Redis down at submission time, and the
line limit of graph submissions. On both backends unless said otherwise."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from portal.app import create_app
from portal.db import close_database, open_database
from portal.domain.catalog.tenants import update_settings
from portal.domain.reporting import validation
from portal.domain.reporting.submissions import submit
from portal.domain.reporting.validation import validate_submission
from portal.jobs.handlers import HANDLERS, ON_FAILURE, VALIDATE_SUBMISSION
from portal.jobs.records import run_job
from portal.jobs.sweep import sweep
from portal.models import Job, StockLine, Submission, SubmissionContent, SubmissionIssue
from portal.models.enums import FileRejectionPolicy, JobStatus, SubmissionKind, SubmissionStatus
from portal.settings import Settings
from tests.graph import Graph
from tests.jobs import ParkedQueue, run_jobs
from tests.tenants import tenant
from workers.settings import build_worker

STOCK_HEADER = "warehouse_code,sku,quantity\n"
SUBMISSION = """query($id: ID!) { submission(id: $id) { status errorCount warningCount rowsDone
  rowsTotal errors(first: 100) { totalCount edges { node { row code } } } } }"""
SUBMIT_STOCK = """mutation($input: SubmitStockSnapshotInput!) { submitStockSnapshot(input: $input) {
  submission { id status } errors { field code message } } }"""


@contextlib.asynccontextmanager
async def portal(
    settings: Settings, **overrides: Any
) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    app = create_app(settings.model_copy(update=overrides), scheduler_interval=None)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
            yield app, client


async def upload(client: httpx.AsyncClient, token: str, data: bytes) -> httpx.Response:
    return await client.post(
        "/uploads",
        data={"kind": "STOCK", "period": "2026-10"},
        files={"file": ("stock.csv", data, "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
    )


# Seven data rows (file rows 2-8): row 3 has an unknown SKU, row 8 repeats row 2.
SEVEN_ROWS = (
    STOCK_HEADER
    + "W1,SKU-A,1\nW1,NOPE,1\nW2,SKU-A,3\nW2,SKU-B,4\nW3,SKU-A,5\nW3,SKU-B,6\nW1,SKU-A,9\n"
).encode()


async def seven_row_tenant() -> Any:
    from portal.domain.catalog import products, warehouses

    t = await tenant("Acme")
    for code in ("W2", "W3"):
        await warehouses.create_warehouse(t.admin, code=code, name=code, partner_code="D1")
    await products.create_product(t.admin, sku="SKU-B", name="B")
    return t


async def test_a_cancelled_validation_resumes_from_its_last_chunk(settings: Settings) -> None:
    async with portal(settings, validation_chunk_rows=2) as (app, client):
        t = await seven_row_tenant()
        made = await submit(
            t.partner, ParkedQueue(), kind=SubmissionKind.STOCK, period="2026-10",
            file=(SEVEN_ROWS, "stock.csv"),
        )  # fmt: skip
        job = await Job.get(args={"submission_id": made.id})

        # The worker's run is cancelled (as arq's job_timeout does) in its second chunk
        # (the heartbeat is the last statement of the reset's and of each chunk's
        # transaction: beats 1, 2 and 3): the first chunk is committed, the second rolled
        # back.
        beats: list[int] = []

        async def cancelled_after_first_chunk(args: dict[str, Any], ctx: Any) -> Any:
            async def beat() -> None:
                await ctx.heartbeat()
                beats.append(1)
                if len(beats) == 3:
                    raise asyncio.CancelledError

            return await validate_submission(
                int(args["submission_id"]),
                heartbeat=beat,
                chunk_rows=ctx.settings.validation_chunk_rows,
            )

        with pytest.raises(asyncio.CancelledError):
            await run_job(
                job.id,
                {VALIDATE_SUBMISSION: cancelled_after_first_chunk},
                lease_seconds=300,
                max_attempts=5,
                settings=settings.model_copy(update={"validation_chunk_rows": 2}),
            )
        half = await Submission.get(id=made.id)
        assert (half.status, half.rows_done, half.rows_total) == (SubmissionStatus.VALIDATING, 2, 7)
        assert (await Job.get(id=job.id)).status == JobStatus.QUEUED  # given back, not stuck

        # The sweep (every minute) dispatches it again; the run resumes after row 3.
        assert await sweep(app.state.queue, stale_seconds=300) == 1
        await run_jobs(app)

        got = (await Graph(client, t.partner_token)(SUBMISSION, id=str(made.id)))["submission"]
        assert got["status"] == "REJECTED"
        assert (got["rowsDone"], got["rowsTotal"], got["errorCount"]) == (7, 7, 2)
        issues = [(e["node"]["row"], e["node"]["code"]) for e in got["errors"]["edges"]]
        assert issues == [(3, "UNKNOWN_SKU"), (8, "DUPLICATE_LINE")]  # none twice
        rows = await StockLine.filter(submission_id=made.id).order_by("row").values_list("row")
        assert [r[0] for r in rows] == [2, 4, 5, 6, 7]


async def test_a_run_overtaken_mid_validation_commits_no_more_chunks(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 1 stalls past its lease before writing its second chunk; run 2 claims the job
    and validates and posts the submission. Run 1's chunk is then rolled back by its
    heartbeat in the chunk's transaction: no line twice, the posted counts stand."""
    await open_database(settings)
    try:
        t = await seven_row_tenant()
        four = STOCK_HEADER + "W1,SKU-A,1\nW2,SKU-A,3\nW2,SKU-B,4\nW3,SKU-A,5\n"
        made = await submit(
            t.partner, ParkedQueue(), kind=SubmissionKind.STOCK, period="2026-10",
            file=(four.encode(), "stock.csv"),
        )  # fmt: skip
        job = await Job.get(args={"submission_id": made.id})
        run = {"lease_seconds": 300, "max_attempts": 5, "on_failure": ON_FAILURE}
        run["settings"] = settings.model_copy(update={"validation_chunk_rows": 2})
        flush = validation._Run.flush
        outcomes: list[JobStatus | None] = []
        stalled: list[bool] = []

        async def stalling_flush(self: Any, chunk: list[Any]) -> None:
            if self.rows == 2 and not stalled:  # run 1, before its second chunk
                stalled.append(True)
                await Job.filter(id=job.id).update(lease_until=datetime.now(UTC))
                outcomes.append(await run_job(job.id, HANDLERS, **run))  # run 2
            await flush(self, chunk)

        monkeypatch.setattr(validation._Run, "flush", stalling_flush)
        outcomes.append(await run_job(job.id, HANDLERS, **run))
        assert outcomes == [JobStatus.DONE, None]
        done = await Submission.get(id=made.id)
        assert (done.status, done.rows_done, done.posted_at is not None) == (
            SubmissionStatus.ACCEPTED,
            4,
            True,
        )
        rows = await StockLine.filter(submission_id=made.id).order_by("row").values_list("row")
        assert [r[0] for r in rows] == [2, 3, 4, 5]
        job = await Job.get(id=job.id)
        assert (job.status, job.attempts, job.result) == (
            JobStatus.DONE,
            2,
            {"status": "ACCEPTED"},
        )
    finally:
        await close_database()


async def test_a_run_overtaken_before_its_reset_leaves_the_finished_submission(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 1 has read the submission and stalls past its lease; run 2 claims the job and
    rejects the submission. Run 1's reset then changes nothing: the submission stays
    rejected with its issues (it was left VALIDATING for good, its issues deleted)."""
    await open_database(settings)
    try:
        t = await seven_row_tenant()
        bad = STOCK_HEADER + "W1,NOPE,1\nW2,NOPE,3\n"  # every row refused: REJECTED
        made = await submit(
            t.partner, ParkedQueue(), kind=SubmissionKind.STOCK, period="2026-10",
            file=(bad.encode(), "stock.csv"),
        )  # fmt: skip
        job = await Job.get(args={"submission_id": made.id})
        run = {"lease_seconds": 300, "max_attempts": 5, "on_failure": ON_FAILURE}
        run["settings"] = settings
        validate = validation._validate
        outcomes: list[JobStatus | None] = []

        async def stalling(submission: Submission, *args: Any, **kwargs: Any) -> Any:
            if not outcomes:  # run 1, having read the submission
                outcomes.append(None)
                await Job.filter(id=job.id).update(lease_until=datetime.now(UTC))
                outcomes.append(await run_job(job.id, HANDLERS, **run))  # run 2
            return await validate(submission, *args, **kwargs)

        monkeypatch.setattr(validation, "_validate", stalling)
        outcomes.append(await run_job(job.id, HANDLERS, **run))
        assert outcomes == [None, JobStatus.DONE, None]
        done = await Submission.get(id=made.id)
        assert (done.status, done.error_count) == (SubmissionStatus.REJECTED, 2)
        assert await SubmissionIssue.filter(submission_id=made.id).count() == 2
        job = await Job.get(id=job.id)
        assert (job.status, job.attempts) == (JobStatus.DONE, 2)
    finally:
        await close_database()


async def test_progress_keeps_the_total_mid_way(db: Settings) -> None:
    t = await seven_row_tenant()
    made = await submit(
        t.partner, ParkedQueue(), kind=SubmissionKind.STOCK, period="2026-10",
        file=(SEVEN_ROWS, "stock.csv"),
    )  # fmt: skip
    seen: list[tuple[int, int]] = []

    async def observe() -> None:
        now = await Submission.get(id=made.id)
        seen.append((now.rows_done, now.rows_total))

    await validate_submission(made.id, heartbeat=observe, chunk_rows=3)
    # the reset (before the file is read), each chunk, then the final status
    assert seen == [(0, 0), (3, 7), (6, 7), (7, 7), (7, 7)]


async def test_a_validation_failing_for_good_rejects_its_submission(settings: Settings) -> None:
    async with portal(settings, job_max_attempts=2) as (app, client):
        t = await tenant("Acme")
        made = await submit(
            t.partner, ParkedQueue(), kind=SubmissionKind.STOCK, period="2026-10",
            lines=[{"warehouse_code": "W1", "sku": "SKU-A", "quantity": 1}],
        )  # fmt: skip
        await SubmissionContent.filter(submission_id=made.id).update(lines=["not a line"])
        job = await Job.get(args={"submission_id": made.id})
        for attempt in (1, 2):  # the sweep re-dispatches the retry; run once per attempt
            await Job.filter(id=job.id).update(enqueued_at=None)
            assert await sweep(app.state.queue, stale_seconds=300) == 1
            await run_jobs(app)
            assert (await Job.get(id=job.id)).attempts == attempt
        assert (await Job.get(id=job.id)).status == JobStatus.FAILED

        got = (await Graph(client, t.partner_token)(SUBMISSION, id=str(made.id)))["submission"]
        assert got["status"] == "REJECTED" and got["errorCount"] == 1
        assert [(e["node"]["row"], e["node"]["code"]) for e in got["errors"]["edges"]] == [
            (1, "VALIDATION_FAILED")
        ]


async def test_issues_past_the_cap_are_counted_not_listed_and_reject(settings: Settings) -> None:
    async with portal(settings) as (app, client):
        t = await tenant("Acme")
        await update_settings(t.admin, file_rejection_policy=FileRejectionPolicy.SKIP_BAD_ROWS)
        rows = "W1,SKU-A,5\n" + "".join(f"W1,BAD-{i},1\n" for i in range(1203))
        response = await upload(client, t.partner_token, (STOCK_HEADER + rows).encode())
        assert response.status_code == 202, response.text
        await run_jobs(app)
        submission_id = int(response.json()["submissionId"])
        got = (await Graph(client, t.partner_token)(SUBMISSION, id=str(submission_id)))[
            "submission"
        ]
        # Rejected although the policy skips bad rows: more errors than can be listed.
        assert got["status"] == "REJECTED"
        assert (got["errorCount"], got["rowsDone"], got["rowsTotal"]) == (1203, 1204, 1204)
        assert got["errors"]["totalCount"] == 1001
        assert await SubmissionIssue.filter(submission_id=submission_id).count() == 1001
        notice = await SubmissionIssue.filter(submission_id=submission_id).order_by("-id").first()
        assert notice is not None and notice.code == "TOO_MANY_ISSUES" and notice.row == 1003


async def test_graph_submission_over_the_line_limit_is_refused(client: httpx.AsyncClient) -> None:
    t = await tenant("Acme")
    line = {"warehouseCode": "W1", "sku": "SKU-A", "quantity": 1}
    data = await Graph(client, t.partner_token)(
        SUBMIT_STOCK, input={"period": "2026-10", "lines": [line] * 10_001}
    )
    payload = data["submitStockSnapshot"]
    assert payload["submission"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("TOO_MANY_LINES", ["lines"])]
    assert "upload" in payload["errors"][0]["message"]
    assert await Submission.all().count() == 0


def test_the_worker_has_an_explicit_job_timeout() -> None:
    settings = Settings(redis_url="redis://127.0.0.1:6379/0", job_timeout_seconds=5400)
    assert build_worker(settings, burst=True).job_timeout_s == 5400


async def test_redis_down_at_submission_then_the_sweep_enqueues(settings: Settings) -> None:
    if settings.embedded:
        pytest.skip("Redis is the PostgreSQL backend's queue; SQLite runs jobs in-process")
    # The portal answers as normal with nothing listening at its Redis URL...
    async with portal(settings, redis_url="redis://127.0.0.1:1/0") as (_, client):
        t = await tenant("Acme")
        data = await Graph(client, t.partner_token)(
            SUBMIT_STOCK,
            input={
                "period": "2026-10",
                "lines": [{"warehouseCode": "W1", "sku": "SKU-A", "quantity": 4}],
            },
        )
        by_graph = data["submitStockSnapshot"]
        assert by_graph["errors"] == [] and by_graph["submission"]["status"] == "QUEUED"
        response = await upload(client, t.partner_token, f"{STOCK_HEADER}W1,SKU-A,6\n".encode())
        assert response.status_code == 202, response.text
        assert response.json()["status"] == "QUEUED"
        # Recorded, not enqueued: what the sweep looks for.
        assert await Job.filter(enqueued_at__isnull=True, status=JobStatus.QUEUED).count() == 2
    ids = [int(by_graph["submission"]["id"]), int(response.json()["submissionId"])]

    # ...then Redis is back: the next sweep enqueues both and a worker validates them.
    async with portal(settings) as (app, _):
        assert await sweep(app.state.queue, stale_seconds=300) == 2
        await run_jobs(app)
        statuses = await Submission.filter(id__in=ids).values_list("status", flat=True)
    assert statuses == [SubmissionStatus.ACCEPTED, SubmissionStatus.ACCEPTED]


assert HANDLERS[VALIDATE_SUBMISSION]  # the kind the tests above run
