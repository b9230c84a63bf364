"""The set-based recompute on PostgreSQL: for a batch of keys, one statement rolls the
ledger forward into the rows to keep and one upserts those that changed, so a full
recompute costs what a hand-written query costs rather than a Python loop per row.

    KEYS (recon_key) -> MOVES (recon_move) -> COMPUTE (recon_kept) -> WRITE, each
    temporary table ANALYZEd before the next step

It computes exactly what :func:`portal.domain.reconciliation.recompute._recompute_batch` computes
(the embedded path, SQLite): the same roll-forward, the same rule for which rows exist,
the same ``formula`` (status and gap value). ``tests/test_reconciliation_paths.py``
runs both on the same generated data and requires identical rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tortoise import connections

from portal.domain.reporting.accepted import ACCEPTED_VALUES, CURRENT_REPORT_SQL
from portal.models import ManufacturerSettings
from portal.models.reconciliation.columns import COMPONENTS, FIGURE_NAMES

NAMES = [c.name for c in COMPONENTS]

VALUES = FIGURE_NAMES


SOURCE = {  # row column -> the computed column it is written from, where they differ
    "gap_pct": "pct",
    "stock_submission_id": "submission_id",
}


def _component_sums() -> str:
    parts = []
    for component in COMPONENTS:
        names = ", ".join(f"'{k.value}'" for k in component.kinds)
        parts.append(
            f"{'-' if component.sign < 0 else ''}coalesce(sum(e.quantity) FILTER "
            f"(WHERE e.kind IN ({names})), 0) AS {component.name}"
        )
    return ",\n           ".join(parts)


_CURRENT = CURRENT_REPORT_SQL.format(alias="s", statuses="$11")

_OPEN = """exception_status = CASE
            WHEN {old}.exception_status IS NULL AND {new}.status = 'EXCEPTION' THEN 'OPEN'
            ELSE {old}.exception_status
        END"""
_CHANGED = """(({old_values}) IS DISTINCT FROM ({new_values})
       OR ({old}.exception_status IS NULL AND {new}.status = 'EXCEPTION'))""".replace(
    "{old_values}", ", ".join(f"r.{v}" for v in VALUES)
)
_KEPT_VALUES = ", ".join(f"k.{SOURCE.get(v, v)}" for v in VALUES)
_EXCLUDED_VALUES = ", ".join(f"EXCLUDED.{v}" for v in VALUES)

# Each step is planned on exact figures: the keys, the period movements and the computed
# rows go into temporary tables that are ANALYZEd, so no step is planned on the guess that
# an array or a CTE holds a few rows (on tables not yet analysed that guess chose
# sort-merge joins discarding millions of rows and sorts spilling to disk). Full recompute
# of 240k rows in bench/reconcile.py: warm 444.6 -> 4.7 s, cold 544.3 -> 9.1 s (SQL 1.4 s).
KEYS = """
CREATE TEMP TABLE recon_key ON COMMIT DROP AS
SELECT k.warehouse_id, k.product_id, k.from_start, w.partner_id
FROM unnest($2::bigint[], $3::bigint[], $4::date[]) AS k(warehouse_id, product_id, from_start)
JOIN warehouse w ON w.id = k.warehouse_id
WHERE w.manufacturer_id = $1 AND w.partner_id IS NOT NULL
"""

MOVES = f"""
CREATE TEMP TABLE recon_move ON COMMIT DROP AS
SELECT e.warehouse_id, e.product_id, e.period,
       {_component_sums()},
       sum(e.quantity) AS net
FROM ledger_entry e JOIN recon_key k USING (warehouse_id, product_id)
WHERE e.manufacturer_id = $1 AND e.warehouse_id BETWEEN $4 AND $5
  AND e.business_date >= $2 AND e.business_date <= $3
GROUP BY 1, 2, 3
"""

COMPUTE = f"""
CREATE TEMP TABLE recon_kept ON COMMIT DROP AS
WITH per AS (
    SELECT * FROM unnest($2::text[], $3::int[], $4::date[], $5::date[], $6::date[])
        AS per(name, idx, start_on, end_on, due_on)
), moves AS (
    SELECT * FROM recon_move
), moved AS (  -- per key, the net of the recomputed periods
    SELECT warehouse_id, product_id, sum(net) AS quantity FROM recon_move GROUP BY 1, 2
), balance AS (  -- the balance projection is the ledger's sum over all dates
    SELECT b.warehouse_id, b.product_id, sum(b.quantity) AS quantity
    FROM stock_balance b JOIN recon_key k USING (warehouse_id, product_id)
    WHERE b.manufacturer_id = $1 AND b.warehouse_id BETWEEN $12 AND $13
    GROUP BY 1, 2
), later AS (  -- entries dated after the last period (rare: future-dated documents)
    SELECT e.warehouse_id, e.product_id, sum(e.quantity) AS quantity
    FROM ledger_entry e JOIN recon_key k USING (warehouse_id, product_id)
    WHERE e.manufacturer_id = $1 AND e.warehouse_id BETWEEN $12 AND $13
      AND e.business_date > $7
    GROUP BY 1, 2
), before AS (
    -- opening = balance - entries dated in or after the first period: only the partitions
    -- of the recomputed periods are read, never the history before them (grouped joins:
    -- a subquery per key over ``moves`` was quadratic, 3.3 of 4.3 s at 24k rows)
    SELECT k.warehouse_id, k.product_id,
           coalesce(b.quantity, 0) - coalesce(l.quantity, 0) - coalesce(d.quantity, 0)
               AS opening
    FROM recon_key k
    LEFT JOIN balance b ON b.warehouse_id = k.warehouse_id AND b.product_id = k.product_id
    LEFT JOIN later l ON l.warehouse_id = k.warehouse_id AND l.product_id = k.product_id
    LEFT JOIN moved d ON d.warehouse_id = k.warehouse_id AND d.product_id = k.product_id
), reports AS (
    SELECT DISTINCT ON (s.partner_id, s.period) s.id, s.partner_id, s.period
    FROM submission s
    WHERE s.manufacturer_id = $1 AND s.kind = 'STOCK' AND s.period = ANY($2::text[])
      AND {_CURRENT}
    ORDER BY s.partner_id, s.period, s.version DESC
), reported_warehouse AS (
    SELECT DISTINCT r.id AS submission_id, r.partner_id, r.period, l.warehouse_id
    FROM reports r JOIN stock_line l ON l.submission_id = r.id
    WHERE l.manufacturer_id = $1 AND l.warehouse_id BETWEEN $12 AND $13
      AND l.warehouse_id IN (SELECT warehouse_id FROM recon_key)
), reported AS (
    SELECT r.period, l.warehouse_id, l.product_id, sum(l.quantity) AS quantity
    FROM reports r JOIN stock_line l ON l.submission_id = r.id
    JOIN recon_key k ON k.warehouse_id = l.warehouse_id AND k.product_id = l.product_id
    WHERE l.manufacturer_id = $1 AND l.warehouse_id BETWEEN $12 AND $13
    GROUP BY 1, 2, 3
), grid AS (
    SELECT k.warehouse_id, k.product_id, k.partner_id, k.from_start, per.*,
           {", ".join(f"coalesce(m.{c}, 0) AS {c}" for c in NAMES)},
           coalesce(m.net, 0) AS net, m.warehouse_id IS NOT NULL AS has_moves,
           coalesce(b.opening, 0) + sum(coalesce(m.net, 0)) OVER (
               PARTITION BY k.warehouse_id, k.product_id ORDER BY per.idx
           ) AS calculated
    FROM recon_key k CROSS JOIN per
    LEFT JOIN moves m
      ON m.warehouse_id = k.warehouse_id AND m.product_id = k.product_id AND m.period = per.name
    LEFT JOIN before b ON b.warehouse_id = k.warehouse_id AND b.product_id = k.product_id
), figures AS (
    SELECT g.*, g.calculated - g.net AS opening, rw.submission_id,
           CASE WHEN rw.submission_id IS NOT NULL THEN coalesce(rp.quantity, 0) END AS reported
    FROM grid g
    LEFT JOIN reported_warehouse rw
      ON rw.partner_id = g.partner_id AND rw.period = g.name AND rw.warehouse_id = g.warehouse_id
    LEFT JOIN reported rp
      ON rp.period = g.name AND rp.warehouse_id = g.warehouse_id AND rp.product_id = g.product_id
    WHERE g.start_on >= g.from_start
), scored AS (
    SELECT f.*, f.calculated - f.reported AS gap,
           abs(coalesce(f.calculated - f.reported, 0)) AS abs_gap,
           (f.calculated - f.reported)::float8 / greatest(abs(f.calculated), 1) AS pct
    FROM figures f
), prices AS (
    SELECT DISTINCT ON (pp.product_id, per.name) pp.product_id, per.name, pp.price
    FROM product_price pp JOIN per ON pp.valid_from <= per.end_on
    WHERE pp.manufacturer_id = $1 AND pp.product_id IN (SELECT product_id FROM recon_key)
    ORDER BY pp.product_id, per.name, pp.valid_from DESC, pp.id DESC
), computed AS (
    SELECT s.*,
           CASE
               WHEN s.reported IS NULL THEN
                   CASE WHEN $8::date > s.due_on THEN 'MISSING_REPORT' ELSE 'OK' END
               WHEN s.gap = 0 THEN 'OK'
               WHEN abs(s.gap) <= $9 OR abs(s.pct) * 100 <= $10 THEN 'WITHIN_TOLERANCE'
               ELSE 'EXCEPTION'
           END AS status,
           round(abs(coalesce(s.gap, 0)) * coalesce(price.price, 0), 2) AS gap_value
    FROM scored s
    LEFT JOIN prices price ON price.product_id = s.product_id AND price.name = s.name
)
-- the rows kept: those with figures and those that exist; ``changed`` marks what to write
SELECT c.partner_id, c.warehouse_id, c.product_id, c.name,
       {", ".join(f"c.{SOURCE.get(v, v)}" for v in VALUES)},
       x.id AS row_id, x.exception_status AS old_exception_status,
       x.id IS NULL
       OR ({", ".join(f"x.{v}" for v in VALUES)}) IS DISTINCT FROM
          ({", ".join(f"c.{SOURCE.get(v, v)}" for v in VALUES)})
       OR (x.exception_status IS NULL AND c.status = 'EXCEPTION') AS changed
FROM computed c
LEFT JOIN reconciliation_row x
  ON x.manufacturer_id = $1
 AND x.warehouse_id = c.warehouse_id AND x.product_id = c.product_id AND x.period = c.name
 AND x.warehouse_id BETWEEN $12 AND $13 AND x.period = ANY($2::text[])
WHERE c.has_moves OR c.opening <> 0 OR c.submission_id IS NOT NULL OR x.id IS NOT NULL
"""

WRITE = f"""
WITH updated AS (  -- changed rows that existed, found by id; the WHERE guards races
    UPDATE reconciliation_row AS r SET
        {", ".join(f"{v} = k.{SOURCE.get(v, v)}" for v in VALUES)},
        {_OPEN.format(old="r", new="k")},
        computed_at = now()
    FROM recon_kept k
    WHERE r.manufacturer_id = $1 AND r.id = k.row_id AND k.changed
      AND {_CHANGED.format(old="r", new="k", new_values=_KEPT_VALUES)}
    RETURNING r.id, r.period, r.gap, r.calculated, r.reported,
              -- the comparison of "opened" is here, against kept's own row: no join after
              r.exception_status = 'OPEN' AND k.old_exception_status IS NULL AS opened
), inserted AS (  -- new rows (a row inserted meanwhile by another run is updated instead)
    INSERT INTO reconciliation_row AS r (
        manufacturer_id, partner_id, warehouse_id, product_id, period, {", ".join(VALUES)},
        exception_status, computed_at
    )
    SELECT $1, partner_id, warehouse_id, product_id, name,
           {", ".join(SOURCE.get(v, v) for v in VALUES)},
           CASE WHEN status = 'EXCEPTION' THEN 'OPEN' END, now()
    FROM recon_kept WHERE changed AND row_id IS NULL
    ON CONFLICT (manufacturer_id, warehouse_id, product_id, period) DO UPDATE SET
        {", ".join(f"{v} = EXCLUDED.{v}" for v in VALUES)},
        {_OPEN.format(old="r", new="EXCLUDED")},
        computed_at = EXCLUDED.computed_at
    WHERE {_CHANGED.format(old="r", new="EXCLUDED", new_values=_EXCLUDED_VALUES)}
    RETURNING r.id, r.period, r.gap, r.calculated, r.reported,
              r.exception_status = 'OPEN' AS opened  -- no row before: opened when OPEN
), opened AS (  -- rows whose exception workflow this run opened
    SELECT id, period, gap, calculated, reported FROM updated WHERE opened
    UNION ALL
    SELECT id, period, gap, calculated, reported FROM inserted WHERE opened
), audit AS (
    INSERT INTO exception_event (manufacturer_id, row_id, action, details, at)
    SELECT $1, id, 'OPENED', jsonb_build_object('gap', gap), now() FROM opened
    RETURNING 1
), outbox AS (
    INSERT INTO outbox_event (manufacturer_id, event_type, payload, dedupe_key, created_at)
    SELECT $1, 'exception.opened',
           jsonb_build_object('rowId', id::text, 'period', period, 'gap', gap,
                              'calculated', calculated, 'reported', reported),
           'exception.opened:' || id || ':' || $2, now()
    FROM opened
    RETURNING 1
)
SELECT (SELECT count(*) FROM recon_kept) AS kept, (SELECT count(*) FROM audit) AS opened,
       (SELECT count(*) FROM outbox) AS announced
"""

# per transaction: a plan per run (asyncpg prepares statements; after five runs PostgreSQL
# may switch to a generic plan that ignores the arrays' sizes: 0.1 s became 2.3 s), no JIT
# (compiling cost 0.85 s of a 13 s full recompute and more than a small one), room to sort
# and hash the batch in memory, and no merge joins: with 24M rows in the tenant the planner
# joined the computed rows to reconciliation_row by a merge on warehouse_id alone,
# filtering 60M row pairs for 11,000 rows (8.7 of a 6.8 s backdated recompute's
# statements under EXPLAIN ANALYZE); every join of these steps is an equality on the
# whole key, which a hash join answers in one pass whatever the estimates
SETTINGS = (
    "SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL jit = off;"
    " SET LOCAL work_mem = '64MB'; SET LOCAL enable_mergejoin = off;"
    " DROP TABLE IF EXISTS recon_key, recon_move, recon_kept"
)


# A batch of many keys (a full recompute's) reads its movements by one scan of the batch's
# warehouses and a hash join: the planner, which underestimates what a (warehouse, product)
# join keeps, would probe the index once per key and partition (20,000 keys x 12 months in
# bench/reconcile.py: 1.06 s by probes, 0.56 s by scan). A few keys keep the probes.
SCAN_KEYS = 10_000
SCAN_MOVES = "SET LOCAL enable_nestloop = off"
PROBE_AGAIN = "SET LOCAL enable_nestloop TO DEFAULT"


async def recompute_set_based(
    manufacturer_id: int,
    keys: list[tuple[int, int, date]],
    periods: list[tuple[str, date, date, date]],
    settings: ManufacturerSettings,
    today: date,
) -> int:
    """Rows for ``keys`` (warehouse, product, first period start) over ``periods`` (name,
    start, end, due), upserted, with the newly opened exceptions' audit and webhook events
    written by the last statement; returns the rows computed. Runs in the caller's
    transaction (the temporary tables go with it)."""
    conn = connections.get("default")
    await conn.execute_script(SETTINGS)
    rows: list[dict[str, Any]] = []
    for sql, args in statements(manufacturer_id, keys, periods, settings, today):
        rows = await conn.execute_query_dict(sql, args)
    return int(rows[0]["kept"])


def statements(
    manufacturer_id: int,
    keys: list[tuple[int, int, date]],
    periods: list[tuple[str, date, date, date]],
    settings: ManufacturerSettings,
    today: date,
) -> list[tuple[str, list[object]]]:
    """The statements of one batch with their parameters, in order (``bench/reconcile.py
    --explain`` and ``tests/test_partitions.py`` explain them)."""
    warehouse_ids, product_ids, starts = (list(column) for column in zip(*keys, strict=True))
    names, period_starts, ends, dues = (list(column) for column in zip(*periods, strict=True))
    ranges = [min(warehouse_ids), max(warehouse_ids)]  # lets warehouse_id's index narrow scans
    moves: list[tuple[str, list[object]]] = [
        (MOVES, [manufacturer_id, period_starts[0], ends[-1], *ranges])
    ]
    if len(keys) >= SCAN_KEYS:
        moves = [(SCAN_MOVES, []), *moves, (PROBE_AGAIN, [])]
    return [
        (KEYS, [manufacturer_id, warehouse_ids, product_ids, starts]),
        ("ANALYZE recon_key", []),
        *moves,
        ("ANALYZE recon_move (warehouse_id, product_id, period)", []),
        (
            COMPUTE,
            [
                manufacturer_id,
                names,
                list(range(len(names))),
                period_starts,
                ends,
                dues,
                ends[-1],
                today,
                settings.tolerance_units,
                float(settings.tolerance_percent),
                ACCEPTED_VALUES,
                *ranges,
            ],
        ),
        ("ANALYZE recon_kept (changed, row_id)", []),  # what WRITE filters and joins on
        (WRITE, [manufacturer_id, datetime.now(UTC).isoformat()]),
    ]
