"""The reconciliation row's figures, listed once.

The model's fields (:mod:`.rows`), the Python and the SQL recompute paths, the CSV export
and the graph type are all built from these tables, so a new component is added here and
nowhere else.

    calculated = opening + sum(sign * component)   (``portal.domain.reconciliation.formula``)

``COMPONENTS`` are the roll-forward parts of a period, each the sum of the ledger entries
of its kinds, shown positive (outflows have ``sign = -1``). ``FIGURES`` are every computed
column of a row, in the order the graph and the export show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portal.models.enums import LedgerKind, ReconciliationStatus


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    kinds: tuple[LedgerKind, ...]
    sign: int  # +1 an inflow, -1 an outflow (stored and shown positive)
    label: str


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    type: object  # the Python type of its value (the graph uses the same)
    sql_type: str  # for bulk inserts
    exported: bool = True  # a column of the CSV export


COMPONENTS: tuple[Component, ...] = (
    Component("sell_in", (LedgerKind.SELL_IN,), 1, "Sell-in"),
    Component("customer_returns", (LedgerKind.CUSTOMER_RETURN,), 1, "Customer returns"),
    Component("sell_through", (LedgerKind.SELL_THROUGH,), -1, "Sell-through"),
    Component("transfers_in", (LedgerKind.TRANSFER_IN,), 1, "Transfers in"),
    Component("transfers_out", (LedgerKind.TRANSFER_OUT,), -1, "Transfers out"),
    Component("returns_to_manufacturer", (LedgerKind.RETURN_TO_MANUFACTURER,), -1, "Returns"),
    Component(
        "adjustments",
        (LedgerKind.ADJUSTMENT, LedgerKind.OPENING, LedgerKind.OWNERSHIP_TRANSFER),
        1,
        "Adjustments",
    ),
)
COMPONENT_OF_KIND: dict[LedgerKind, Component] = {
    kind: component for component in COMPONENTS for kind in component.kinds
}

FIGURES: tuple[Figure, ...] = (
    Figure("opening", int, "int"),
    *(Figure(c.name, int, "int") for c in COMPONENTS),
    Figure("calculated", int, "int"),
    Figure("reported", int | None, "int"),
    Figure("gap", int | None, "int"),
    Figure("abs_gap", int, "int", exported=False),
    Figure("gap_pct", float | None, "float8", exported=False),
    Figure("gap_value", Decimal, "numeric"),  # |gap| x list price at the period's end
    Figure("status", ReconciliationStatus, "text"),
    Figure("stock_submission_id", int | None, "bigint", exported=False),
)
FIGURE_NAMES: tuple[str, ...] = tuple(f.name for f in FIGURES)
KEY_COLUMNS: dict[str, str] = {
    "manufacturer_id": "int",
    "partner_id": "int",
    "warehouse_id": "int",
    "product_id": "int",
    "period": "text",
}
INSERT_COLUMNS: dict[str, str] = {
    **KEY_COLUMNS,
    **{f.name: f.sql_type for f in FIGURES},
    "computed_at": "timestamptz",
}
EXPORTED: tuple[str, ...] = tuple(f.name for f in FIGURES if f.exported)
