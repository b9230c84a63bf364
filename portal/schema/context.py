"""One context per request: the principal, settings, the job queue and DataLoaders.

Loaders are created here, per request and per bounded context, never at module level;
each reads through its context's domain ``reads`` module, inside the principal's
manufacturer:

    await info.context.loaders.catalog.partner.load(partner_id)
    await info.context.loaders.designs.conflicts.load(registration)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from portal.domain.access.principal import Principal
from portal.domain.access.tokens import authenticate
from portal.schema.catalog.loaders import CatalogLoaders
from portal.schema.checks.loaders import CheckLoaders
from portal.schema.contracts.loaders import ContractLoaders
from portal.schema.demand.loaders import DemandLoaders
from portal.schema.designs.loaders import DesignLoaders
from portal.schema.incentives.loaders import IncentiveLoaders
from portal.schema.ledger.loaders import LedgerLoaders
from portal.schema.orders.loaders import OrderLoaders
from portal.schema.reconciliation.loaders import ReconciliationLoaders
from portal.schema.reporting.loaders import ReportingLoaders
from portal.settings import Settings

if TYPE_CHECKING:
    from portal.jobs.dispatch import ArqQueue, InProcessQueue


class Loaders:
    """The loaders of one request, per context."""

    def __init__(self, principal: Principal) -> None:
        self.catalog = CatalogLoaders(principal.manufacturer_id)
        self.ledger = LedgerLoaders(principal.manufacturer_id)
        self.reconciliation = ReconciliationLoaders(principal.manufacturer_id)
        self.designs = DesignLoaders(principal)
        self.reporting = ReportingLoaders(principal.manufacturer_id)
        self.incentives = IncentiveLoaders(principal.manufacturer_id, principal.partner_id)
        self.contracts = ContractLoaders(principal.manufacturer_id)
        self.orders = OrderLoaders(principal.manufacturer_id)
        self.checks = CheckLoaders(principal.manufacturer_id)
        self.demand = DemandLoaders(principal.manufacturer_id)


@dataclass
class Context:
    principal: Principal | None  # None only for the IDE page and a websocket before connection_init
    settings: Settings
    queue: ArqQueue | InProcessQueue
    request: Any = None
    response: Any = None
    connection_params: Any = None  # a websocket's connection_init payload
    token: str | None = None  # a websocket's raw bearer token, to re-check it while open

    async def still_authenticated(self) -> bool:
        """Whether the token behind ``principal`` is still valid: known, not revoked, of an
        active partner (the same rules as at authentication)."""
        if self.token is None or self.principal is None:
            return False
        current = await authenticate(self.token)
        return current is not None and current.token_id == self.principal.token_id

    @cached_property
    def loaders(self) -> Loaders:
        """Created on first use (a websocket learns its principal at connection_init)."""
        assert self.principal is not None, "loaders serve authenticated operations only"
        return Loaders(self.principal)
