"""Who is acting, and what each role may do.

    principal.require(Action.MANAGE_PRODUCTS)        # raises PermissionDenied
    principal.may(Action.VIEW_PARTNERS)              # bool

One table (``ROLE_ACTIONS``) holds the rules; the graph's permission classes and the
domain functions both consult it, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from portal.domain.errors import PermissionDenied
from portal.models.enums import Role


class Action(str, Enum):
    VIEW_CATALOG = "VIEW_CATALOG"  # products, own partner, own warehouses
    VIEW_CHANNEL = "VIEW_CHANNEL"  # every partner of the manufacturer
    MANAGE_PARTNERS = "MANAGE_PARTNERS"
    MANAGE_PRODUCTS = "MANAGE_PRODUCTS"
    MANAGE_WAREHOUSES = "MANAGE_WAREHOUSES"
    MANAGE_CONSIGNMENT = "MANAGE_CONSIGNMENT"  # warehouses of manufacturer-owned stock
    MANAGE_TOKENS = "MANAGE_TOKENS"
    VIEW_SETTINGS = "VIEW_SETTINGS"
    MANAGE_SETTINGS = "MANAGE_SETTINGS"
    MANAGE_SKU_MAPPINGS = "MANAGE_SKU_MAPPINGS"
    VIEW_INVENTORY = "VIEW_INVENTORY"
    RECORD_SHIPMENT = "RECORD_SHIPMENT"
    RECEIVE_SHIPMENT = "RECEIVE_SHIPMENT"
    MOVE_STOCK = "MOVE_STOCK"  # raise / ship / receive / cancel transfers, raise returns
    # receive returns: to the manufacturer (RECORD_SHIPMENT roles), or to a distributor (its
    # stock workers, or the manufacturer's shipping staff)
    RECEIVE_RETURN = "RECEIVE_RETURN"
    APPROVE_MOVEMENTS = "APPROVE_MOVEMENTS"  # inter-partner transfers, adjustments, returns
    COMMENT_EXCEPTIONS = "COMMENT_EXCEPTIONS"  # comment on reconciliation exceptions
    SUBMIT_REPORTS = "SUBMIT_REPORTS"  # POS and stock submissions, mapping templates
    REGISTER_DESIGNS = "REGISTER_DESIGNS"
    REVIEW_DESIGNS = "REVIEW_DESIGNS"
    MANAGE_AGREEMENTS = "MANAGE_AGREEMENTS"  # price agreements (special pricing)
    SUBMIT_CLAIMS = "SUBMIT_CLAIMS"  # incentive claims of a partner
    REVIEW_CLAIMS = "REVIEW_CLAIMS"  # approve or reject claims (credit memos follow)
    MANAGE_CONTRACTS = "MANAGE_CONTRACTS"  # inventory contracts and their stock processes
    REPORT_CONSUMPTION = "REPORT_CONSUMPTION"  # consumption of a partner's contracts
    PLACE_ORDERS = "PLACE_ORDERS"  # place and cancel a partner's own orders
    MANAGE_ORDERS = "MANAGE_ORDERS"  # the supplier side: confirm, reject, cancel, reservations
    SHIP_ORDERS = "SHIP_ORDERS"  # the supplier side: shipping notices
    ADJUST_SUPPLY = "ADJUST_SUPPLY"  # on hand of the manufacturer's own warehouses
    CANCEL_ORDERS = "CANCEL_ORDERS"  # the buyer (PLACE_ORDERS) or the supplier (MANAGE_ORDERS)
    COUNT_STOCK = "COUNT_STOCK"  # start, count and submit inventory checks
    REVIEW_CHECKS = "REVIEW_CHECKS"  # approve or reject inventory checks (variances post)
    PLAN_DEMAND = "PLAN_DEMAND"  # sales agreements, account forecasts and their adjustments
    SUBMIT_FORECASTS = "SUBMIT_FORECASTS"  # a partner's forward-looking sell-through


_EVERYONE = frozenset(Role)
_MANUFACTURER = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.SHIPPING})

ROLE_ACTIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_CATALOG: _EVERYONE,
    Action.VIEW_CHANNEL: _MANUFACTURER,
    Action.MANAGE_PARTNERS: frozenset({Role.ADMIN, Role.CHANNEL_MANAGER}),
    Action.MANAGE_PRODUCTS: frozenset({Role.ADMIN}),
    Action.MANAGE_WAREHOUSES: frozenset({Role.ADMIN, Role.PARTNER_ADMIN}),
    Action.MANAGE_CONSIGNMENT: frozenset({Role.ADMIN}),
    Action.MANAGE_TOKENS: frozenset({Role.ADMIN, Role.PARTNER_ADMIN}),
    Action.VIEW_SETTINGS: _MANUFACTURER,
    Action.MANAGE_SETTINGS: frozenset({Role.ADMIN}),
    Action.MANAGE_SKU_MAPPINGS: frozenset(
        {Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_INVENTORY}
    ),
    Action.VIEW_INVENTORY: _EVERYONE,
    Action.RECORD_SHIPMENT: frozenset({Role.ADMIN, Role.SHIPPING}),
    Action.RECEIVE_SHIPMENT: frozenset(
        {Role.ADMIN, Role.SHIPPING, Role.PARTNER_ADMIN, Role.PARTNER_INVENTORY}
    ),
    Action.MOVE_STOCK: frozenset(
        {Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_INVENTORY}
    ),
    Action.RECEIVE_RETURN: frozenset(
        {Role.ADMIN, Role.SHIPPING, Role.PARTNER_ADMIN, Role.PARTNER_INVENTORY}
    ),
    Action.APPROVE_MOVEMENTS: frozenset({Role.ADMIN, Role.CHANNEL_MANAGER}),
    Action.COMMENT_EXCEPTIONS: frozenset(
        {Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_INVENTORY}
    ),
    Action.REGISTER_DESIGNS: frozenset({Role.ADMIN, Role.PARTNER_ADMIN, Role.PARTNER_SALES}),
    Action.REVIEW_DESIGNS: frozenset({Role.ADMIN, Role.CHANNEL_MANAGER}),
    Action.MANAGE_AGREEMENTS: frozenset({Role.ADMIN, Role.CHANNEL_MANAGER}),
    Action.SUBMIT_CLAIMS: frozenset(
        {Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_SALES}
    ),
    Action.REVIEW_CLAIMS: frozenset({Role.ADMIN, Role.CHANNEL_MANAGER}),
    Action.MANAGE_CONTRACTS: frozenset({Role.ADMIN, Role.CHANNEL_MANAGER}),
    Action.REPORT_CONSUMPTION: frozenset(
        {Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_INVENTORY}
    ),
    Action.PLACE_ORDERS: frozenset(
        {
            Role.ADMIN,
            Role.CHANNEL_MANAGER,
            Role.PARTNER_ADMIN,
            Role.PARTNER_INVENTORY,
            Role.PARTNER_SALES,
        }
    ),
    Action.MANAGE_ORDERS: frozenset(
        {
            Role.ADMIN,
            Role.CHANNEL_MANAGER,
            Role.SHIPPING,
            Role.PARTNER_ADMIN,
            Role.PARTNER_INVENTORY,
        }
    ),
    Action.SHIP_ORDERS: frozenset(
        {Role.ADMIN, Role.SHIPPING, Role.PARTNER_ADMIN, Role.PARTNER_INVENTORY}
    ),
    Action.ADJUST_SUPPLY: frozenset({Role.ADMIN, Role.SHIPPING}),
    Action.CANCEL_ORDERS: frozenset(
        {
            Role.ADMIN,
            Role.CHANNEL_MANAGER,
            Role.SHIPPING,
            Role.PARTNER_ADMIN,
            Role.PARTNER_INVENTORY,
            Role.PARTNER_SALES,
        }
    ),
    Action.SUBMIT_REPORTS: frozenset(
        {Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_INVENTORY}
    ),
    Action.COUNT_STOCK: frozenset(
        {Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_INVENTORY}
    ),
    Action.REVIEW_CHECKS: frozenset({Role.ADMIN, Role.CHANNEL_MANAGER}),
    Action.PLAN_DEMAND: frozenset({Role.ADMIN, Role.CHANNEL_MANAGER}),
    Action.SUBMIT_FORECASTS: frozenset(
        {Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_SALES}
    ),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller: a token of a manufacturer, or of one of its partners."""

    manufacturer_id: int
    role: Role
    partner_id: int | None = None
    token_id: int | None = None

    @property
    def is_partner(self) -> bool:
        return self.partner_id is not None

    @property
    def scope(self) -> str:
        """The idempotency and audit scope: the manufacturer side or one partner."""
        return f"p:{self.partner_id}" if self.partner_id is not None else "m"

    def may(self, action: Action) -> bool:
        return self.role in ROLE_ACTIONS[action]

    def require(self, action: Action) -> None:
        if not self.may(action):
            raise PermissionDenied(f"Role {self.role.value} may not {action.value.lower()}.")

    def sees_partner(self, partner_id: int | None) -> bool:
        """Manufacturer principals see every partner; a partner principal only its own."""
        return not self.is_partner or partner_id == self.partner_id
