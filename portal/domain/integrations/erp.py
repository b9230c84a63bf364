"""The ERP connector: pull products and shipments over HTTP, incrementally.

    run = await sync_erp(manufacturer_id, http, backoff=0.5)

The ERP's contract (documented in the README): ``GET {base}/products`` and
``GET {base}/shipments`` with ``updated_since`` (ISO timestamp) and ``page``, answering
``{"items": [...], "next_page": N | null}``; ``Authorization: Bearer <erp_api_key>``.
Shipments are idempotent by ERP document number. Timeouts and 5xx are retried with
exponential backoff, then the run fails and the job is retried later; a 4xx is a clear
failure record and no retry (the configuration must change first).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from tortoise.queryset import QuerySet

from portal.domain.access.principal import Action, Principal
from portal.domain.bounds.quantities import QuantityError, Sign, quantity_of
from portal.domain.catalog import products as catalogue
from portal.domain.catalog.tenants import settings_of
from portal.domain.errors import DomainError, ErrorCode
from portal.domain.integrations.outbound import OutboundError, OutboundRefused
from portal.domain.integrations.outbound_http import fetch
from portal.domain.ledger.shipments import LineInput, record_shipment
from portal.domain.tenancy import save_fields, tenants_with
from portal.jobs.kinds import ERP_SYNC
from portal.jobs.records import JobQueue, submit_job
from portal.models import ErpCursor, ErpSyncRun, Job, ManufacturerSettings, Product
from portal.models.enums import Role

RESOURCES = ("products", "shipments", "inventory")
MAX_PAGES = 10_000
MAX_PAGE_BYTES = 10 * 2**20
PAGE_DEADLINE_SECONDS = 120.0
log = logging.getLogger(__name__)
MAX_STAMP_LENGTH = 64  # erp_cursor.cursor
STAMP_AHEAD = timedelta(days=1)  # an updated_at later than this is a typo, not a cursor


class ErpUnavailable(Exception):
    """Timeouts or 5xx after every retry: worth retrying later."""


class ErpRejected(Exception):
    """A 4xx: the request itself is wrong (credentials, URL); retrying will not help."""

    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(message)
        self.status = status


async def _get(
    http: httpx.AsyncClient,
    url: str,
    params: dict[str, Any],
    headers: dict[str, str],
    *,
    resource: str,
    attempts: int,
    backoff: float,
) -> dict[str, Any]:
    """One page; the errors it records are ours (status code, fixed text), never the ERP's."""
    last = ""
    for attempt in range(attempts):
        if attempt:
            await asyncio.sleep(backoff * 2 ** (attempt - 1))
        try:
            reply = await fetch(
                http,
                "GET",
                url,
                params=params,
                headers=headers,
                max_bytes=MAX_PAGE_BYTES,
                deadline=PAGE_DEADLINE_SECONDS,
            )
        except OutboundRefused as exc:
            raise ErpRejected(None, f"ERP URL not allowed ({resource}): {exc.message}") from None
        except OutboundError as exc:
            last = f"ERP unavailable ({resource}): {exc.message}"
            continue
        if reply.status >= 500:
            last = f"ERP answered HTTP {reply.status} ({resource})"
            continue
        if reply.status >= 300:
            raise ErpRejected(reply.status, f"ERP answered HTTP {reply.status} ({resource})")
        if reply.truncated:
            raise ErpRejected(
                reply.status, f"ERP answer over {MAX_PAGE_BYTES // 2**20} MB ({resource})"
            )
        try:
            body = json.loads(reply.body)
        except ValueError:
            raise ErpRejected(reply.status, f"ERP answered non-JSON ({resource})") from None
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise ErpRejected(reply.status, f"ERP answer has no items list ({resource})")
        return body
    raise ErpUnavailable(f"{last} (after {attempts} attempts)")


async def _pages(
    http: httpx.AsyncClient,
    base: str,
    resource: str,
    since: str | None,
    headers: dict[str, str],
    attempts: int,
    backoff: float,
) -> AsyncIterator[list[dict[str, Any]]]:
    page = 1
    for _ in range(MAX_PAGES):
        params: dict[str, Any] = {"page": page}
        if since:
            params["updated_since"] = since
        body = await _get(
            http,
            f"{base}/{resource}",
            params,
            headers,
            resource=resource,
            attempts=attempts,
            backoff=backoff,
        )
        yield body["items"]
        next_page = body.get("next_page")
        if not next_page:
            return
        page = int(next_page)


async def sync_erp(
    manufacturer_id: int, http: httpx.AsyncClient, *, attempts: int = 4, backoff: float = 0.5
) -> ErpSyncRun:
    settings = await settings_of(manufacturer_id)
    if not settings.erp_base_url:
        raise DomainError(ErrorCode.INVALID, "No ERP base URL is configured.", ["erpBaseUrl"])
    base = settings.erp_base_url.rstrip("/")
    headers = {"Accept": "application/json"}
    if settings.erp_api_key:
        headers["Authorization"] = f"Bearer {settings.erp_api_key}"
    system = Principal(manufacturer_id=manufacturer_id, role=Role.ADMIN)
    run = await ErpSyncRun.create(manufacturer_id=manufacturer_id)
    try:
        for resource in RESOURCES:
            cursor = await ErpCursor.get_or_none(manufacturer_id=manufacturer_id, resource=resource)
            newest = cursor.cursor if cursor else None
            try:
                async for items in _pages(http, base, resource, newest, headers, attempts, backoff):
                    for item in items:
                        newest = await _import_item(system, resource, item, run, newest)
            except ErpRejected as exc:
                if resource == "inventory" and exc.status == 404:
                    continue  # an ERP without the inventory feed: supply stock is kept by hand
                raise
            if newest:
                await ErpCursor.update_or_create(
                    manufacturer_id=manufacturer_id, resource=resource, defaults={"cursor": newest}
                )
    except ErpRejected as exc:
        await _finish(run, "FAILED", str(exc), exc.status)
        return run
    except ErpUnavailable as exc:
        await _finish(run, "FAILED", str(exc), None)
        raise
    await _finish(run, "OK", None, None)
    return run


def _item_name(resource: str, item: object) -> str | None:
    if resource == "inventory" and isinstance(item, dict):
        return f"{item.get('warehouse_code')}/{item.get('sku')}"[:200]
    field = "sku" if resource == "products" else "document_no"
    name = item.get(field) if isinstance(item, dict) else None
    return None if name is None else str(name)[:200]


def _stamp(item: dict[str, Any]) -> tuple[datetime, str] | None:
    """The item's ``updated_at`` (parsed, and as the ERP wrote it), ``None`` when absent;
    ``ValueError`` when it is not an ISO timestamp up to a day ahead: such a stamp would
    hold the cursor past every later change."""
    raw = item.get("updated_at")
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or len(raw) > MAX_STAMP_LENGTH:
        raise ValueError("updated_at is not an ISO timestamp")
    stamp = datetime.fromisoformat(raw)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    if stamp > datetime.now(UTC) + STAMP_AHEAD:
        raise ValueError("updated_at lies in the future")
    return stamp, raw


async def _import_item(
    system: Principal, resource: str, item: object, run: ErpSyncRun, newest: str | None
) -> str | None:
    """Import one item; whatever is wrong with it is its own ``itemErrors`` entry, never
    the run's failure. Returns the cursor, moved on by this item's ``updated_at``."""
    try:
        if not isinstance(item, dict):
            raise TypeError("an item is not an object")
        stamp = _stamp(item)
    except (TypeError, ValueError) as exc:
        run.item_errors = [
            *run.item_errors,
            {
                "resource": resource,
                "item": _item_name(resource, item),
                "error": f"{type(exc).__name__}: {exc}",
            },
        ]
        return newest
    try:
        importer = {
            "products": _import_product,
            "shipments": _import_shipment,
            "inventory": _import_inventory,
        }[resource]
        await importer(system, item, run)
    except Exception as exc:  # one item never fails the run; details go to the log
        log.warning(
            "ERP %s item of manufacturer %s failed", resource, system.manufacturer_id, exc_info=True
        )
        run.item_errors = [
            *run.item_errors,
            {"resource": resource, "item": _item_name(resource, item), "error": _describe(exc)},
        ]
    if stamp is None:
        return newest
    if newest is not None:
        try:
            current = datetime.fromisoformat(newest)
        except ValueError:  # a cursor stored before stamps were checked
            return stamp[1]
        if (current if current.tzinfo else current.replace(tzinfo=UTC)) >= stamp[0]:
            return newest
    return stamp[1]


async def _finish(run: ErpSyncRun, status: str, error: str | None, http_status: int | None) -> None:
    run.status = status
    run.error = error
    run.http_status = http_status
    run.finished_at = datetime.now(UTC)
    await save_fields(
        run,
        "status",
        "error",
        "http_status",
        "finished_at",
        "products_imported",
        "shipments_imported",
        "shipments_skipped",
        "inventory_imported",
        "item_errors",
    )


async def _import_product(system: Principal, item: dict[str, Any], run: ErpSyncRun) -> None:
    try:
        sku = str(item["sku"])
        product = await Product.get_or_none(manufacturer_id=system.manufacturer_id, sku=sku)
        price = item.get("list_price")
        if product is None:
            await catalogue.create_product(
                system,
                sku=sku,
                name=str(item.get("name") or sku),
                category=str(item.get("category") or ""),
                serial_controlled=bool(item.get("serial_controlled")),
                list_price=None if price is None else Decimal(str(price)),
                currency=str(item.get("currency") or "USD"),
            )
        else:
            await catalogue.update_product(
                system, sku, name=item.get("name"), category=item.get("category")
            )
            if price is not None:
                await catalogue.set_list_price(
                    system,
                    sku,
                    price=Decimal(str(price)),
                    valid_from=datetime.now(UTC).date(),
                    currency=str(item.get("currency") or "USD"),
                )
        run.products_imported += 1
    except (KeyError, ValueError, ArithmeticError, DomainError) as exc:
        run.item_errors = [
            *run.item_errors,
            {"resource": "products", "item": item.get("sku"), "error": _describe(exc)},
        ]


async def _import_shipment(system: Principal, item: dict[str, Any], run: ErpSyncRun) -> None:
    document_no = str(item.get("document_no") or "")
    try:
        await record_shipment(
            system,
            partner_code=str(item["partner_code"]),
            warehouse_code=str(item["warehouse_code"]),
            document_no=document_no,
            shipped_on=date.fromisoformat(str(item["shipped_on"])),
            lines=[_line(index, ln) for index, ln in enumerate(item["lines"])],
            source="ERP",
        )
        run.shipments_imported += 1
    except DomainError as exc:
        if exc.code is ErrorCode.DUPLICATE_DOCUMENT:
            run.shipments_skipped += 1
            return
        run.item_errors = [
            *run.item_errors,
            {"resource": "shipments", "item": document_no, "error": _describe(exc)},
        ]
    except (KeyError, ValueError, TypeError) as exc:
        run.item_errors = [
            *run.item_errors,
            {"resource": "shipments", "item": document_no, "error": _describe(exc)},
        ]


async def _import_inventory(system: Principal, item: dict[str, Any], run: ErpSyncRun) -> None:
    """A manufacturer warehouse's on hand of a SKU, as the ERP counts it (absolute); with
    ``batchNo``, of that batch of a batch-controlled SKU."""
    from portal.domain.orders.supply import set_supply_on_hand

    on_hand = item.get("on_hand")
    if not isinstance(on_hand, int) or isinstance(on_hand, bool):
        raise ValueError("on_hand is not an integer")
    await set_supply_on_hand(
        system,
        warehouse_code=str(item.get("warehouse_code") or ""),
        sku=str(item.get("sku") or ""),
        on_hand=on_hand,
        source=("ERP", run.id),
        batch_no=_batch_of(item),
    )
    run.inventory_imported += 1


def _batch_of(item: dict[str, Any]) -> str | None:
    """An inventory item's optional ``batchNo`` (text)."""
    batch_no = item.get("batchNo")
    if batch_no is not None and not isinstance(batch_no, str):
        raise DomainError(ErrorCode.INVALID, "batchNo is text.", ["batchNo"])
    return batch_no


def _line(index: int, line: dict[str, Any]) -> LineInput:
    """A shipment line; the quantity is parsed strictly (``bounds.quantities``)."""
    try:
        quantity = quantity_of(line["quantity"], sign=Sign.POSITIVE)
    except QuantityError as problem:
        raise DomainError(
            ErrorCode.INVALID_QUANTITY, problem.message, ["lines", str(index), "quantity"]
        ) from None
    serials = line.get("serials") or []
    if not isinstance(serials, list) or not all(isinstance(s, str) for s in serials):
        raise DomainError(
            ErrorCode.INVALID, "serials is a list of text.", ["lines", str(index), "serials"]
        )
    batch_no = line.get("batchNo")
    if batch_no is not None and not isinstance(batch_no, str):
        raise DomainError(ErrorCode.INVALID, "batchNo is text.", ["lines", str(index), "batchNo"])
    return LineInput(str(line["sku"]), quantity, list(serials), batch_no)


def _describe(exc: Exception) -> str:
    """Ours to show: a domain error's code and message, else the kind of fault, not the
    ERP's value (``ValueError`` texts quote it)."""
    if isinstance(exc, DomainError):
        return f"{exc.code.value}: {exc.message}"
    if isinstance(exc, KeyError):
        return f"KeyError: missing field {exc.args[0]!r}"[:200]
    return f"{type(exc).__name__}: malformed value"


def visible_runs(principal: Principal) -> QuerySet[ErpSyncRun]:
    principal.require(Action.VIEW_SETTINGS)
    return ErpSyncRun.filter(manufacturer_id=principal.manufacturer_id)


async def request_sync(principal: Principal, queue: JobQueue) -> Job:
    """Queue an ERP sync for the principal's manufacturer (one at a time)."""
    principal.require(Action.MANAGE_SETTINGS)
    if not (await settings_of(principal.manufacturer_id)).erp_base_url:
        raise DomainError(ErrorCode.INVALID, "No ERP base URL is configured.", ["erpBaseUrl"])
    return await submit_job(
        queue,
        ERP_SYNC,
        {"manufacturer_id": principal.manufacturer_id},
        manufacturer_id=principal.manufacturer_id,
        dedupe_key=f"{ERP_SYNC}:{principal.manufacturer_id}",
    )


async def schedule_all(queue: JobQueue, *, min_interval: timedelta = timedelta(minutes=55)) -> int:
    """Cron: queue a sync for every manufacturer with an ERP configured and not synced lately."""
    configured = await tenants_with(ManufacturerSettings.filter(erp_base_url__isnull=False))
    recent = set(
        await tenants_with(ErpSyncRun.filter(started_at__gt=datetime.now(UTC) - min_interval))
    )
    ids = [m for m in configured if m not in recent]
    for manufacturer_id in ids:
        await submit_job(
            queue,
            ERP_SYNC,
            {"manufacturer_id": manufacturer_id},
            manufacturer_id=manufacturer_id,
            dedupe_key=f"{ERP_SYNC}:{manufacturer_id}",
        )
    return len(ids)
