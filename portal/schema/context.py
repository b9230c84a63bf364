"""One context per request: the principal, settings, the job queue and DataLoaders.

Loaders are created here, per request, never at module level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader

from portal.domain.principal import Principal
from portal.models import Partner, Product, Warehouse
from portal.settings import Settings

if TYPE_CHECKING:
    from portal.queues import ArqQueue, InProcessQueue


def _by_id_loader(model: Any) -> DataLoader[int, Any]:
    async def load(ids: Iterable[int]) -> list[Any]:
        keys = list(ids)
        rows = {row.id: row for row in await model.filter(id__in=keys)}
        return [rows.get(key) for key in keys]

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    partner: DataLoader[int, Partner | None] = field(default_factory=lambda: _by_id_loader(Partner))
    product: DataLoader[int, Product | None] = field(default_factory=lambda: _by_id_loader(Product))
    warehouse: DataLoader[int, Warehouse | None] = field(
        default_factory=lambda: _by_id_loader(Warehouse)
    )


@dataclass
class Context:
    principal: Principal
    settings: Settings
    queue: ArqQueue | InProcessQueue
    loaders: Loaders = field(default_factory=Loaders)
    request: Any = None
    response: Any = None
