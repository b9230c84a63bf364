"""One context per request: the principal, settings, the job queue and DataLoaders.

Loaders are created here, per request, never at module level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader

from portal.domain.access.principal import Principal
from portal.models import ExceptionEvent, LedgerEntry, Partner, Product, ProductPrice, Warehouse
from portal.settings import Settings

if TYPE_CHECKING:
    from portal.jobs.dispatch import ArqQueue, InProcessQueue


def _by_id_loader(model: Any) -> DataLoader[int, Any]:
    async def load(ids: Iterable[int]) -> list[Any]:
        keys = list(ids)
        rows = {row.id: row for row in await model.filter(id__in=keys)}
        return [rows.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _price_today_loader() -> DataLoader[int, Decimal | None]:
    """The list price valid today of each product, in one query per batch."""

    async def load(keys: Iterable[int]) -> list[Decimal | None]:
        wanted = list(keys)
        latest: dict[int, Decimal] = {}
        rows = (
            await ProductPrice.filter(product_id__in=wanted, valid_from__lte=date.today())
            .order_by("valid_from")
            .values_list("product_id", "price")
        )
        for product_id, price in rows:
            latest[product_id] = price
        return [latest.get(k) for k in wanted]

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    partner: DataLoader[int, Partner | None] = field(default_factory=lambda: _by_id_loader(Partner))
    product: DataLoader[int, Product | None] = field(default_factory=lambda: _by_id_loader(Product))
    warehouse: DataLoader[int, Warehouse | None] = field(
        default_factory=lambda: _by_id_loader(Warehouse)
    )
    entries: DataLoader[tuple[int, int, str], list[Any]] = field(
        default_factory=lambda: _entries_loader()
    )
    exception_events: DataLoader[int, list[Any]] = field(default_factory=lambda: _events_loader())
    price_today: DataLoader[int, Decimal | None] = field(
        default_factory=lambda: _price_today_loader()
    )


@dataclass
class Context:
    principal: Principal  # None only for the IDE page and a websocket before connection_init
    settings: Settings
    queue: ArqQueue | InProcessQueue
    loaders: Loaders = field(default_factory=Loaders)
    request: Any = None
    response: Any = None
    connection_params: Any = None  # a websocket's connection_init payload


def _entries_loader() -> DataLoader[tuple[int, int, str], list[Any]]:
    """Ledger entries of (warehouse, product, period) keys, in one query per batch."""

    async def load(keys: Iterable[tuple[int, int, str]]) -> list[list[Any]]:
        wanted = list(keys)
        rows = await LedgerEntry.filter(
            warehouse_id__in={k[0] for k in wanted},
            product_id__in={k[1] for k in wanted},
            period__in={k[2] for k in wanted},
        ).order_by("id")
        grouped: dict[tuple[int, int, str], list[Any]] = {k: [] for k in wanted}
        for row in rows:
            key = (row.warehouse_id, row.product_id, row.period)  # type: ignore[attr-defined]
            if key in grouped:
                grouped[key].append(row)
        return [grouped[k] for k in wanted]

    return DataLoader(load_fn=load)


def _events_loader() -> DataLoader[int, list[Any]]:
    async def load(keys: Iterable[int]) -> list[list[Any]]:
        wanted = list(keys)
        grouped: dict[int, list[Any]] = {k: [] for k in wanted}
        for event in await ExceptionEvent.filter(row_id__in=wanted).order_by("id"):
            grouped[event.row_id].append(event)  # type: ignore[attr-defined]
        return [grouped[k] for k in wanted]

    return DataLoader(load_fn=load)
