"""DataLoaders of design registrations, created per request (``info.context.loaders.designs``).

Keyed by the registration model itself where the domain needs more than its id (conflicts
and sell-through compare customers and partners); ``cache_key_fn`` keys them by id.
"""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from portal.domain.access.principal import Principal
from portal.domain.designs.conflicts import Conflict, conflicts_of
from portal.domain.designs.reads import events_of, lines_of, sell_through_of
from portal.models import DesignEvent, DesignLine, DesignRegistration


def _by_id(registration: DesignRegistration) -> int:
    return int(registration.id)


class DesignLoaders:
    def __init__(self, principal: Principal) -> None:
        m = principal.manufacturer_id

        async def lines(ids: Sequence[int]) -> list[list[DesignLine]]:
            return await lines_of(m, ids)

        async def events(ids: Sequence[int]) -> list[list[DesignEvent]]:
            return await events_of(m, ids)

        async def sold(registrations: Sequence[DesignRegistration]) -> list[dict[int, int]]:
            lines = await self.lines.load_many([r.id for r in registrations])
            return await sell_through_of(m, registrations, lines)

        async def conflicts(registrations: Sequence[DesignRegistration]) -> list[list[Conflict]]:
            found = await conflicts_of(principal, registrations)
            return [found[r.id] for r in registrations]

        self.lines = DataLoader(load_fn=lines)
        self.history = DataLoader(load_fn=events)
        self.sell_through = DataLoader(load_fn=sold, cache_key_fn=_by_id)
        self.conflicts = DataLoader(load_fn=conflicts, cache_key_fn=_by_id)
