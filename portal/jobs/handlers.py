"""The job kinds the portal knows, each a thin call into a domain function.

Listed explicitly (no decorator registry): a worker and the in-process runner both run
exactly these.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from portal.domain.access.tokens import roll_up_token_usage
from portal.domain.contracts.expiry import warn_and_end
from portal.domain.designs.registrations import expire_due
from portal.domain.incentives.claims import credit_claim, fail_claim_validation, validate_claim
from portal.domain.incentives.price_protection_claims import revalidate_held_claim
from portal.domain.incentives.rebate_accruals import accrue_dirty
from portal.domain.incentives.rebate_interims import pay_scheduled_interims
from portal.domain.integrations.erp import sync_erp
from portal.domain.integrations.webhooks import deliver_due, fan_out
from portal.domain.ledger.shipments import auto_receive_due
from portal.domain.partitions import drop_expired_issues, ensure_partitions
from portal.domain.reconciliation.recompute import drain_dirty
from portal.domain.reporting.compliance import record_reminders
from portal.domain.reporting.validation import fail_validation, validate_submission
from portal.jobs.kinds import (
    ACCRUE_REBATES,
    AUTO_RECEIVE_SHIPMENTS,
    CONTRACT_EXPIRY,
    CREDIT_CLAIM,
    DELIVER_WEBHOOKS,
    ERP_SYNC,
    EXPIRE_DESIGNS,
    MAINTAIN_PARTITIONS,
    REBATE_INTERIMS,
    RECONCILE,
    REVALIDATE_HELD_CLAIM,
    SEND_REMINDERS,
    TOKEN_USAGE_ROLLUP,
    VALIDATE_CLAIM,
    VALIDATE_SUBMISSION,
)
from portal.jobs.records import FailureHandler, Handler, JobContext


async def _token_usage_rollup(args: dict[str, Any], ctx: JobContext) -> dict[str, int]:
    return {"tokens": await roll_up_token_usage()}


async def _auto_receive_shipments(args: dict[str, Any], ctx: JobContext) -> dict[str, int]:
    return {"received": await auto_receive_due()}


async def _erp_sync(args: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    if ctx.http is None:
        raise RuntimeError("erp_sync needs the process's HTTP client")
    run = await sync_erp(int(args["manufacturer_id"]), ctx.http)
    return {"run": run.id, "status": run.status}


async def _validate_submission(args: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    status = await validate_submission(
        int(args["submission_id"]),
        manufacturer_id=ctx.manufacturer_id,
        heartbeat=ctx.heartbeat,
        queue=ctx.queue,
        chunk_rows=ctx.settings.validation_chunk_rows,
        work_mem_mb=ctx.settings.ingest_work_mem_mb,
    )
    return {"status": status.value}


async def _validation_failed(args: dict[str, Any], error: str, tenant: int | None) -> None:
    await fail_validation(int(args["submission_id"]), tenant)


async def _send_reminders(args: dict[str, Any], ctx: JobContext) -> dict[str, int]:
    return {"reminders": await record_reminders()}


async def _reconcile(args: dict[str, Any], ctx: JobContext) -> dict[str, int]:
    return {"rows": await drain_dirty()}


async def _deliver_webhooks(args: dict[str, Any], ctx: JobContext) -> dict[str, int]:
    if ctx.http is None:
        raise RuntimeError("deliver_webhooks needs the process's HTTP client")
    return {"queued": await fan_out(), "delivered": await deliver_due(ctx.http)}


async def _expire_designs(args: dict[str, Any], ctx: JobContext) -> dict[str, int]:
    return {"expired": await expire_due()}


async def _contract_expiry(args: dict[str, Any], ctx: JobContext) -> dict[str, int]:
    return await warn_and_end()


async def _maintain_partitions(args: dict[str, Any], ctx: JobContext) -> dict[str, int]:
    today = datetime.now(UTC).date()
    return {
        "created": await ensure_partitions(today),
        "dropped": await drop_expired_issues(today, ctx.settings.issue_retention_months),
    }


async def _validate_claim(args: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    claim_id = int(args["claim_id"])
    return {"status": (await validate_claim(claim_id, manufacturer_id=ctx.manufacturer_id)).value}


async def _claim_validation_failed(args: dict[str, Any], error: str, tenant: int | None) -> None:
    await fail_claim_validation(int(args["claim_id"]), tenant)


async def _credit_claim(args: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    return {"status": (await credit_claim(int(args["claim_id"]), ctx.manufacturer_id)).value}


async def _revalidate_held_claim(args: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    return {"status": (await revalidate_held_claim(int(args["claim_id"]))).value}


async def _accrue_rebates(args: dict[str, Any], ctx: JobContext) -> dict[str, int]:
    return {"keys": await accrue_dirty()}


async def _rebate_interims(args: dict[str, Any], ctx: JobContext) -> dict[str, int]:
    return {"payouts": await pay_scheduled_interims()}


HANDLERS: dict[str, Handler] = {
    REBATE_INTERIMS: _rebate_interims,
    REVALIDATE_HELD_CLAIM: _revalidate_held_claim,
    ACCRUE_REBATES: _accrue_rebates,
    CONTRACT_EXPIRY: _contract_expiry,
    CREDIT_CLAIM: _credit_claim,
    VALIDATE_CLAIM: _validate_claim,
    EXPIRE_DESIGNS: _expire_designs,
    MAINTAIN_PARTITIONS: _maintain_partitions,
    DELIVER_WEBHOOKS: _deliver_webhooks,
    RECONCILE: _reconcile,
    SEND_REMINDERS: _send_reminders,
    VALIDATE_SUBMISSION: _validate_submission,
    TOKEN_USAGE_ROLLUP: _token_usage_rollup,
    AUTO_RECEIVE_SHIPMENTS: _auto_receive_shipments,
    ERP_SYNC: _erp_sync,
}

# What settles the work of a job that failed for good (retries exhausted).
ON_FAILURE: dict[str, FailureHandler] = {
    VALIDATE_SUBMISSION: _validation_failed,
    VALIDATE_CLAIM: _claim_validation_failed,
}

__all__ = [
    "ACCRUE_REBATES",
    "AUTO_RECEIVE_SHIPMENTS",
    "CONTRACT_EXPIRY",
    "CREDIT_CLAIM",
    "DELIVER_WEBHOOKS",
    "ERP_SYNC",
    "EXPIRE_DESIGNS",
    "HANDLERS",
    "MAINTAIN_PARTITIONS",
    "ON_FAILURE",
    "REBATE_INTERIMS",
    "RECONCILE",
    "REVALIDATE_HELD_CLAIM",
    "SEND_REMINDERS",
    "TOKEN_USAGE_ROLLUP",
    "VALIDATE_CLAIM",
    "VALIDATE_SUBMISSION",
]
