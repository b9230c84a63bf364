"""What the partner's POS proves for an agreement line: the rule ship & debit, its
draft, its validation, the clawback and the liability view all share.

A unit is proved for an agreement line when a line of the partner's *current accepted*
POS report of the period (``portal.domain.reporting.accepted``) sold that SKU to the
agreement's end customer (the registry entry, whatever the spelling; any customer when
the agreement names none), on a day inside the agreement's validity, at a resale price
not above the authorized one (when the POS line carries a price). Customer returns in
the same pool reduce it.

    terms = await terms_of(m, partner_id, product_ids)
    rows = await pos_rows(m, partner_id, "2026-10", product_ids, customer_ids)
    proof = prove(rows_of_pool, term)      # proof.units, proof.above_price, proof.fifo
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tortoise import connections
from tortoise.expressions import Q
from tortoise.functions import Sum

from portal.db import is_postgres
from portal.domain.bulk import fetch_records
from portal.domain.periods import stored_period
from portal.domain.reporting.accepted import current_report
from portal.domain.reporting.customers import normalize
from portal.models import (
    ClaimAllocation,
    ClaimPool,
    EndCustomer,
    PosLine,
    PriceAgreementLine,
)
from portal.models.enums import SubmissionKind

LOOKUP_CHUNK = 100  # spellings per registry query


@dataclass(frozen=True, slots=True)
class Terms:
    """One agreement line with what matching needs of its agreement."""

    agreement_id: int
    line_id: int
    product_id: int
    end_customer_id: int | None
    valid_from: date
    valid_to: date
    book_cost: Decimal
    authorized_price: Decimal
    max_quantity: int | None
    currency: str

    @property
    def unit_credit(self) -> Decimal:
        return self.book_cost - self.authorized_price

    def overlaps(self, start: date, end: date) -> bool:
        return self.valid_from <= end and self.valid_to >= start


@dataclass(frozen=True, slots=True)
class PosRow:
    id: int
    product_id: int
    end_customer_id: int
    quantity: int
    sold_on: date
    unit_price: Decimal | None


@dataclass(slots=True)
class Proof:
    units: int = 0  # net proved units
    above_price: int = 0  # units left out: resold above the authorized price
    fifo: list[tuple[int, int]] = field(default_factory=list)  # (pos line, units) in order


# Agreement lines with their agreement's terms, read straight into ``Terms`` (the ORM's
# row conversion cost more than the query: ~10 values per line, 500 lines per claim).
_TERMS_PG = """
SELECT a.id AS agreement_id, l.id AS line_id, l.product_id, a.end_customer_id, a.valid_from,
       a.valid_to, l.book_cost, l.authorized_price, l.max_quantity, a.currency
FROM price_agreement_line l
JOIN price_agreement a ON a.id = l.agreement_id AND a.manufacturer_id = $1
WHERE l.manufacturer_id = $1 AND a.partner_id = ANY($2::int[])
  AND ($3::int[] IS NULL OR l.product_id = ANY($3::int[]))
ORDER BY l.id"""


async def terms_of(
    manufacturer_id: int, partner_ids: Iterable[int], product_ids: Iterable[int] | None = None
) -> list[Terms]:
    """Every agreement line of these partners (for these products), read as plain rows
    with their agreement's terms (one query: lines joined to their agreements)."""
    m = manufacturer_id
    if is_postgres():
        records = await fetch_records(
            _TERMS_PG,
            [m, list(set(partner_ids)), None if product_ids is None else list(set(product_ids))],
        )
        return [Terms(*record) for record in records]
    lines = PriceAgreementLine.filter(
        manufacturer_id=m,
        agreement__manufacturer_id=m,
        agreement__partner_id__in=list(set(partner_ids)),
    )
    if product_ids is not None:
        lines = lines.filter(product_id__in=list(set(product_ids)))
    return [
        Terms(
            agreement_id=agreement_id,
            line_id=line_id,
            product_id=product_id,
            end_customer_id=end_customer_id,
            valid_from=valid_from,
            valid_to=valid_to,
            book_cost=book_cost,
            authorized_price=authorized,
            max_quantity=max_quantity,
            currency=currency,
        )
        for (
            line_id,
            agreement_id,
            product_id,
            book_cost,
            authorized,
            max_quantity,
            end_customer_id,
            valid_from,
            valid_to,
            currency,
        ) in await lines.order_by("id").values_list(
            "id",
            "agreement_id",
            "product_id",
            "book_cost",
            "authorized_price",
            "max_quantity",
            "agreement__end_customer_id",
            "agreement__valid_from",
            "agreement__valid_to",
            "agreement__currency",
        )
    ]


# Registry entries whose key starts with one of the spellings' keys and "|": one statement
# whatever the number of spellings (``^@``: starts_with, no LIKE escaping).
_CUSTOMERS_PG = """
SELECT id, key FROM end_customer WHERE manufacturer_id = $1 AND key ^@ ANY($2::text[])"""


async def customers_named(manufacturer_id: int, names: Iterable[str]) -> dict[str, list[int]]:
    """Registry entries per spelling: "ACME Robotics, Inc." finds "Acme Robotics" (any
    country). One query per hundred distinct spellings (keys ``name|COUNTRY``)."""
    keys = {name: normalize(name) for name in dict.fromkeys(names)}
    wanted = sorted({key for key in keys.values() if key})
    ids_by_key: dict[str, list[int]] = defaultdict(list)
    if is_postgres() and wanted:
        records = await fetch_records(
            _CUSTOMERS_PG, [manufacturer_id, [f"{key}|" for key in wanted]]
        )
        for entry_id, entry_key in records:
            ids_by_key[str(entry_key).rsplit("|", 1)[0]].append(int(entry_id))
        wanted = []
    for first in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[first : first + LOOKUP_CHUNK]
        condition = Q(*(Q(key__startswith=f"{key}|") for key in chunk), join_type=Q.OR)
        for entry_id, entry_key in await EndCustomer.filter(
            condition, manufacturer_id=manufacturer_id
        ).values_list("id", "key"):
            ids_by_key[str(entry_key).rsplit("|", 1)[0]].append(int(entry_id))
    return {name: sorted(ids_by_key.get(key, [])) if key else [] for name, key in keys.items()}


async def pos_rows(
    manufacturer_id: int,
    partner_id: int,
    period: str,
    product_ids: Iterable[int],
    customer_ids: Iterable[int] | None,
) -> list[PosRow]:
    """Lines of the partner's current accepted POS report of the period, oldest first."""
    report = await current_report(manufacturer_id, partner_id, SubmissionKind.POS, period)
    products = list(set(product_ids))
    if report is None or not products:
        return []
    query = PosLine.filter(
        manufacturer_id=manufacturer_id,
        submission_id=report.id,
        product_id__in=products,
        end_customer_id__isnull=False,
    )
    if customer_ids is not None:
        query = query.filter(end_customer_id__in=list(set(customer_ids)))
    rows = await query.order_by("id").values_list(
        "id", "product_id", "end_customer_id", "quantity", "sold_on", "unit_price"
    )
    return [PosRow(*row) for row in rows]


def prove(rows: Sequence[PosRow], terms: Terms) -> Proof:
    """What these rows (one pool) prove for an agreement line."""
    proof = Proof()
    net = 0
    for row in rows:
        if not terms.valid_from <= row.sold_on <= terms.valid_to:
            continue
        if row.unit_price is not None and row.unit_price > terms.authorized_price:
            proof.above_price += max(row.quantity, 0)
            continue
        net += row.quantity
        if row.quantity > 0:
            proof.fifo.append((row.id, row.quantity))
    proof.units = max(net, 0)
    return proof


def by_pool(rows: Iterable[PosRow]) -> dict[tuple[int, int], list[PosRow]]:
    pools: dict[tuple[int, int], list[PosRow]] = defaultdict(list)
    for row in rows:
        pools[(row.product_id, row.end_customer_id)].append(row)
    return pools


# The pool rows of these (product, customer) keys, in the keys' order, one index probe per
# key (a lateral subquery behind a LIMIT: the planner cannot make it a scan of the
# tenant's pools joined afterwards, which the statistics of a young claim_pool led it
# to). ``{lock}``: `` FOR UPDATE``, each row locked as it is probed, so in key order.
_POOLS_PG = """
SELECT p.id, k.product_id, k.end_customer_id
FROM unnest($4::int[], $5::bigint[]) AS k(product_id, end_customer_id)
CROSS JOIN LATERAL (
    SELECT p.id FROM claim_pool p
    WHERE p.manufacturer_id = $1 AND p.partner_id = $2 AND p.period = $3
      AND p.product_id = k.product_id AND p.end_customer_id = k.end_customer_id
    LIMIT 1{lock}) p"""

# The missing ones, in key order: the unique index is probed per key (an existing key
# costs a probe and a sequence number; a concurrent validation inserting the same key
# waits for the first one's commit).
_NEW_POOLS_PG = """
INSERT INTO claim_pool (manufacturer_id, partner_id, period, product_id, end_customer_id)
SELECT $1, $2, $3, k.product_id, k.end_customer_id
FROM unnest($4::int[], $5::bigint[]) AS k(product_id, end_customer_id)
ORDER BY k.product_id, k.end_customer_id
ON CONFLICT DO NOTHING"""


async def pools_for(
    manufacturer_id: int,
    partner_id: int,
    period: str,
    keys: Iterable[tuple[int, int]],
    *,
    lock: bool = False,
) -> dict[tuple[int, int], int]:
    """The pool rows of these (product, customer) keys, created when missing (``ON CONFLICT
    DO NOTHING``: a concurrent validation inserting the same key waits for the first
    one's commit, then both lock the same row). ``lock`` (PostgreSQL): the rows are then
    locked ``FOR UPDATE`` in (product, customer) order, as the clawback locks them, after
    the inserts (never holding one lock while waiting on another's insert). Two
    statements on PostgreSQL."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    if is_postgres():
        conn = connections.get("default")
        args = [
            manufacturer_id,
            partner_id,
            period,
            [p for p, _ in wanted],
            [c for _, c in wanted],
        ]
        await conn.execute_query(_NEW_POOLS_PG, args)
        rows = await fetch_records(_POOLS_PG.format(lock=" FOR UPDATE" if lock else ""), args)
        return {(r["product_id"], r["end_customer_id"]): r["id"] for r in rows}

    async def existing() -> dict[tuple[int, int], int]:
        rows = await ClaimPool.filter(
            manufacturer_id=manufacturer_id,
            partner_id=partner_id,
            period=period,
            product_id__in=list({p for p, _ in wanted}),
        ).values_list("id", "product_id", "end_customer_id")
        return {(p, c): i for i, p, c in rows if (p, c) in keys_wanted}

    keys_wanted = set(wanted)
    found = await existing()
    missing = [key for key in wanted if key not in found]
    if not missing:
        return found
    await ClaimPool.bulk_create(
        [
            ClaimPool(
                manufacturer_id=manufacturer_id,
                partner_id=partner_id,
                period=period,
                product_id=product,
                end_customer_id=customer,
            )
            for product, customer in missing
        ],
        ignore_conflicts=True,
    )
    return await existing()


# Net units per key, one index probe per key (a correlated sum). The tenant is a
# sub-select: a tenant younger than claim_allocation's statistics looks like
# one row to the planner, which then took any index led by manufacturer_id and read
# every row of the tenant per key; unseen, the tenant is the average one and the index
# on (manufacturer_id, key) wins.
_NET_PG = """
SELECT k.id, (SELECT coalesce(sum(a.quantity), 0) FROM claim_allocation a
              WHERE a.manufacturer_id = (SELECT $1::int) AND a.{column} = k.id) AS total
FROM unnest($2::bigint[]) AS k(id)"""


async def _net(manufacturer_id: int, column: str, ids: Iterable[int]) -> dict[int, int]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    if is_postgres():
        rows = await fetch_records(_NET_PG.format(column=column), [manufacturer_id, wanted])
        return {r["id"]: int(r["total"]) for r in rows if r["total"]}
    found = (
        await ClaimAllocation.filter(manufacturer_id=manufacturer_id, **{f"{column}__in": wanted})
        .annotate(total=Sum("quantity"))
        .group_by(column)
        .values_list(column, "total")
    )
    return {key: int(total or 0) for key, total in found}


async def allocated_in(manufacturer_id: int, pool_ids: Iterable[int]) -> dict[int, int]:
    """Net units allocated per pool (claimed, less releases and clawbacks)."""
    return await _net(manufacturer_id, "pool_id", pool_ids)


async def used_by_lines(manufacturer_id: int, line_ids: Iterable[int]) -> dict[int, int]:
    """Net units allocated per agreement line (what counts against ``maxQuantity``)."""
    return await _net(manufacturer_id, "agreement_line_id", line_ids)


def take(fifo: Sequence[tuple[int, int]], skip: int, count: int) -> list[tuple[int, int]]:
    """Units ``skip+1 .. skip+count`` of the pool, as (pos line, units): the k-th unit
    claimed in a pool is the k-th unit its POS lines proved."""
    taken: list[tuple[int, int]] = []
    for pos_id, units in fifo:
        if count <= 0:
            break
        if skip >= units:
            skip -= units
            continue
        part = min(units - skip, count)
        skip = 0
        taken.append((pos_id, part))
        count -= part
    return taken


# What a set of (agreement line, pool) pairs prove, aggregated by PostgreSQL: the same
# rule as ``prove`` (inside the validity, at no more than the authorized price, returns
# netted, never below zero). An ask without a customer covers every customer's pool. The
# report's lines are read from the partitions of its period only ($9, $10).
_PROVED_PG = """
WITH a AS (
    SELECT * FROM unnest($3::bigint[], $4::int[], $5::bigint[], $6::date[], $7::date[],
                         $8::numeric[])
         AS a(line_id, product_id, end_customer_id, valid_from, valid_to, authorized)
), l AS MATERIALIZED (
    SELECT p.product_id, p.end_customer_id, p.quantity, p.sold_on, p.unit_price
    FROM pos_line p
    WHERE p.manufacturer_id = $1 AND p.submission_id = $2 AND p.end_customer_id IS NOT NULL
      AND p.sold_on BETWEEN $9::date AND $10::date
), matched AS (
    SELECT a.line_id, a.valid_from, a.valid_to, a.authorized, l.*
    FROM a JOIN l ON l.product_id = a.product_id AND l.end_customer_id = a.end_customer_id
    UNION ALL
    SELECT a.line_id, a.valid_from, a.valid_to, a.authorized, l.*
    FROM a JOIN l ON l.product_id = a.product_id
    WHERE a.end_customer_id IS NULL
)
SELECT line_id, product_id, end_customer_id,
       greatest(coalesce(sum(quantity) FILTER (
           WHERE unit_price IS NULL OR unit_price <= authorized), 0), 0) AS units,
       coalesce(sum(greatest(quantity, 0)) FILTER (WHERE unit_price > authorized), 0) AS above
FROM matched
WHERE sold_on BETWEEN valid_from AND valid_to
GROUP BY line_id, product_id, end_customer_id"""

# The units ``skip+1 .. skip+count`` of each (claim line, pool) segment, as allocation rows
# of the POS lines that proved them, oldest first: the running total of the proving lines
# (window) against the segment's interval -- ``take`` in one statement. The report's lines
# are read once (hash joins, not a scan of the report per segment), from the partitions of
# its period only (every accepted line lies in it: ``reporting.lines``).
_ALLOCATE_PG = """
INSERT INTO claim_allocation
    (manufacturer_id, pool_id, claim_line_id, agreement_line_id, pos_line_id, quantity, reason,
     "at")
WITH s AS (
    SELECT * FROM unnest($3::int[], $4::bigint[], $5::bigint[], $6::bigint[], $7::int[],
                         $8::bigint[], $9::date[], $10::date[], $11::numeric[], $12::bigint[],
                         $13::bigint[])
         AS s(seq, pool_id, claim_line_id, agreement_line_id, product_id, end_customer_id,
              valid_from, valid_to, authorized, skip, count)
), l AS MATERIALIZED (
    SELECT p.id, p.product_id, p.end_customer_id, p.quantity, p.sold_on, p.unit_price
    FROM pos_line p
    WHERE p.manufacturer_id = $1 AND p.submission_id = $2 AND p.quantity > 0
      AND p.sold_on BETWEEN $14::date AND $15::date
), f AS (
    SELECT s.seq, s.pool_id, s.claim_line_id, s.agreement_line_id, s.skip, s.count,
           l.id AS pos_id, l.quantity,
           sum(l.quantity) OVER (PARTITION BY s.seq ORDER BY l.id) AS upto
    FROM s JOIN l ON l.product_id = s.product_id AND l.end_customer_id = s.end_customer_id
    WHERE l.sold_on BETWEEN s.valid_from AND s.valid_to
      AND (l.unit_price IS NULL OR l.unit_price <= s.authorized)
)
SELECT $1, f.pool_id, f.claim_line_id, f.agreement_line_id, f.pos_id,
       least(f.upto, f.skip + f.count) - greatest(f.upto - f.quantity, f.skip), 'CLAIMED', now()
FROM f
WHERE f.upto > f.skip AND f.upto - f.quantity < f.skip + f.count
ORDER BY f.seq, f.pos_id"""


@dataclass(frozen=True, slots=True)
class Segment:
    """Units ``skip+1 .. skip+count`` of one pool, allocated to a claim line under ``term``."""

    claim_line_id: int
    pool_id: int
    term: Terms
    customer_id: int
    skip: int
    count: int


@dataclass(slots=True)
class Proved:
    """What the partner's current accepted POS report of a period proves per (agreement
    line, product, end customer): ``units`` and ``above`` (resold above the authorized
    price). ``report_id`` is the report's, ``span`` its period's first and last days;
    ``rows`` its lines per pool (SQLite only)."""

    report_id: int | None
    proofs: dict[tuple[int, int, int], tuple[int, int]]
    rows: dict[tuple[int, int], list[PosRow]] | None = None
    span: tuple[date, date] | None = None

    def of(self, term: Terms, customer_id: int) -> tuple[int, int]:
        return self.proofs.get((term.line_id, term.product_id, customer_id), (0, 0))


async def proved(
    manufacturer_id: int,
    partner_id: int,
    period: str,
    asks: Iterable[tuple[Terms, int | None]],
) -> Proved:
    """What each (agreement line, customer) ask proves; customer ``None``: every customer
    the line's product was sold to. Set-based on PostgreSQL (one aggregate over the POS
    lines), ``prove`` over the rows on SQLite: the same numbers."""
    wanted = list(dict.fromkeys(asks))
    report = await current_report(manufacturer_id, partner_id, SubmissionKind.POS, period)
    if report is None or not wanted:
        return Proved(None, {}, {} if not is_postgres() else None)
    if is_postgres():
        dates = stored_period(report.period)
        span = (dates.start, dates.end)
        rows = await fetch_records(
            _PROVED_PG,
            [
                manufacturer_id,
                report.id,
                [t.line_id for t, _ in wanted],
                [t.product_id for t, _ in wanted],
                [c for _, c in wanted],
                [t.valid_from for t, _ in wanted],
                [t.valid_to for t, _ in wanted],
                [t.authorized_price for t, _ in wanted],
                *span,
            ],
        )
        return Proved(
            report.id,
            {
                (r["line_id"], r["product_id"], r["end_customer_id"]): (
                    int(r["units"]),
                    int(r["above"]),
                )
                for r in rows
            },
            span=span,
        )
    named = [c for _, c in wanted if c is not None]
    customers = None if len(named) < len(wanted) else set(named)
    pools = by_pool(
        await pos_rows(
            manufacturer_id, partner_id, period, {t.product_id for t, _ in wanted}, customers
        )
    )
    proofs: dict[tuple[int, int, int], tuple[int, int]] = {}
    for term, customer in wanted:
        keys = (
            [(term.product_id, customer)]
            if customer is not None
            else [key for key in pools if key[0] == term.product_id]
        )
        for key in keys:
            if key in pools:
                proof = prove(pools[key], term)
                proofs[(term.line_id, *key)] = (proof.units, proof.above_price)
    return Proved(report.id, proofs, pools)


async def allocate(manufacturer_id: int, evidence: Proved, segments: Sequence[Segment]) -> None:
    """Record the segments' units (reason ``CLAIMED``) against the POS lines that proved
    them, the k-th unit of a pool being the k-th unit its lines proved: one INSERT ...
    SELECT on PostgreSQL, ``take`` over the rows on SQLite."""
    from portal.domain.incentives import bulk

    wanted = [s for s in segments if s.count > 0]
    if not wanted or evidence.report_id is None:
        return
    if is_postgres():
        await connections.get("default").execute_query(
            _ALLOCATE_PG,
            [
                manufacturer_id,
                evidence.report_id,
                list(range(len(wanted))),
                [s.pool_id for s in wanted],
                [s.claim_line_id for s in wanted],
                [s.term.line_id for s in wanted],
                [s.term.product_id for s in wanted],
                [s.customer_id for s in wanted],
                [s.term.valid_from for s in wanted],
                [s.term.valid_to for s in wanted],
                [s.term.authorized_price for s in wanted],
                [s.skip for s in wanted],
                [s.count for s in wanted],
                *(evidence.span or (date.min, date.max)),
            ],
        )
        return
    rows = evidence.rows or {}
    await bulk.insert_allocations(
        manufacturer_id,
        [
            bulk.Allocation(s.pool_id, s.claim_line_id, s.term.line_id, pos_id, units)
            for s in wanted
            for pos_id, units in take(
                prove(rows.get((s.term.product_id, s.customer_id), []), s.term).fifo,
                s.skip,
                s.count,
            )
        ],
    )
