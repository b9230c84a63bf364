"""A program's full accrual recompute on PostgreSQL, set-based: one statement per distinct
product set of its keys (usually one), the same rows as the row-by-row
:func:`portal.domain.incentives.rebate_accruals.refresh` (the SQLite path; a parity test
holds them equal).

    changed = await upsert_keys(program, {(partner_id, period): products, ...})

The statement sums the ledger entries of the keys' partners, periods (and year-earlier
base periods for a growth program) and products per (partner, period), each entry priced
at the list price in the program's currency in force on its business date (0 without
one; one price per product and day), and upserts one ``rebate_accrual`` row per key: inserted
when a figure is not zero, updated only when a figure changed; a row whose key now has
no volume is set to zero (not deleted), as the row-by-row path does. It returns the
partners whose rows changed.
"""

from __future__ import annotations

from collections import defaultdict

from tortoise import connections

from portal.domain.incentives.rebates import year_earlier
from portal.domain.periods import stored_period
from portal.models import RebateProgram
from portal.models.enums import LedgerKind, Owner, RebateMeasure

Key = tuple[int, str]

_UPSERT = """
WITH keys AS (
    SELECT * FROM unnest($3::int[], $4::text[], $5::text[]) AS k(partner_id, period, base)
),
volume AS (
    SELECT e.partner_id, e.period,
           $12::int * sum(e.quantity) AS units,
           $12::int * sum(e.quantity * coalesce(pp.price, 0)) AS value
    FROM ledger_entry e
    LEFT JOIN LATERAL (
        SELECT p.price FROM product_price p
        WHERE p.manufacturer_id = $1 AND p.product_id = e.product_id
          AND p.currency = $13::text AND p.valid_from <= e.business_date
        ORDER BY p.valid_from DESC
        LIMIT 1
    ) pp ON true
    WHERE e.manufacturer_id = $1
      AND e.partner_id = ANY($14::int[])
      AND e.period = ANY($6::text[])
      AND e.business_date BETWEEN $7::date AND $8::date
      AND e.product_id = ANY($9::int[])
      AND e.kind = ANY($10::text[])
      AND ($11::text IS NULL OR e.owner = $11::text)
    GROUP BY e.partner_id, e.period
),
figures AS (
    SELECT k.partner_id, k.period,
           coalesce(c.units, 0) AS units, coalesce(c.value, 0) AS value,
           coalesce(b.units, 0) AS base_units, coalesce(b.value, 0) AS base_value
    FROM keys k
    LEFT JOIN volume c ON c.partner_id = k.partner_id AND c.period = k.period
    LEFT JOIN volume b ON b.partner_id = k.partner_id AND b.period = k.base
),
upserted AS (
    INSERT INTO rebate_accrual AS a (manufacturer_id, program_id, partner_id, period,
        units, value, base_units, base_value, updated_at)
    SELECT $1, $2, f.partner_id, f.period, f.units, f.value, f.base_units, f.base_value, now()
    FROM figures f
    WHERE (f.units, f.value, f.base_units, f.base_value) <> (0, 0, 0, 0)
    ON CONFLICT (manufacturer_id, program_id, partner_id, period) DO UPDATE
    SET units = EXCLUDED.units, value = EXCLUDED.value, base_units = EXCLUDED.base_units,
        base_value = EXCLUDED.base_value, updated_at = EXCLUDED.updated_at
    WHERE (a.units, a.value, a.base_units, a.base_value)
          IS DISTINCT FROM (EXCLUDED.units, EXCLUDED.value, EXCLUDED.base_units,
                            EXCLUDED.base_value)
    RETURNING a.partner_id
),
zeroed AS (
    UPDATE rebate_accrual a
    SET units = 0, value = 0, base_units = 0, base_value = 0, updated_at = now()
    FROM figures f
    WHERE a.manufacturer_id = $1 AND a.program_id = $2
      AND a.partner_id = f.partner_id AND a.period = f.period
      AND (f.units, f.value, f.base_units, f.base_value) = (0, 0, 0, 0)
      AND (a.units, a.value, a.base_units, a.base_value) <> (0, 0, 0, 0)
    RETURNING a.partner_id
)
SELECT partner_id FROM upserted UNION SELECT partner_id FROM zeroed"""


async def upsert_keys(program: RebateProgram, products_of: dict[Key, frozenset[int]]) -> set[int]:
    """Recompute the accrual rows of these keys, each counting its products (PostgreSQL)."""
    from portal.domain.incentives.rebate_accruals import SELL_IN_KINDS, SELL_THROUGH_KINDS

    sell_in = program.measure is RebateMeasure.SELL_IN_VALUE
    kinds = [LedgerKind(k).value for k in (SELL_IN_KINDS if sell_in else SELL_THROUGH_KINDS)]
    by_products: dict[frozenset[int], list[Key]] = defaultdict(list)
    for key, products in products_of.items():
        by_products[products].append(key)
    conn = connections.get("default")
    changed: set[int] = set()
    for products, keys in by_products.items():
        keys.sort()
        bases = [year_earlier(d) if program.growth else d for _, d in keys]
        periods = sorted({d for _, d in keys} | (set(bases) if program.growth else set()))
        spans = [stored_period(p) for p in periods]
        rows = await conn.execute_query_dict(
            _UPSERT,
            [
                program.manufacturer_id,
                program.id,
                [p for p, _ in keys],
                [d for _, d in keys],
                bases if program.growth else [None] * len(keys),
                periods,
                min(s.start for s in spans),
                max(s.end for s in spans),
                sorted(products),  # empty: no volume, rows set to zero
                kinds,
                Owner.PARTNER.value if sell_in else None,
                1 if sell_in else -1,
                program.currency,
                sorted({p for p, _ in keys}),
            ],
        )
        changed |= {int(r["partner_id"]) for r in rows}
    return changed
