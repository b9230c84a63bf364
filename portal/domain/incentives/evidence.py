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

from tortoise.expressions import Q
from tortoise.functions import Sum

from portal.domain.reporting.accepted import current_report
from portal.domain.reporting.customers import normalize
from portal.models import (
    ClaimAllocation,
    ClaimPool,
    EndCustomer,
    PosLine,
    PriceAgreement,
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


async def terms_of(
    manufacturer_id: int, partner_ids: Iterable[int], product_ids: Iterable[int] | None = None
) -> list[Terms]:
    """Every agreement line of these partners (for these products), read as plain rows."""
    agreements = {
        row[0]: row
        for row in await PriceAgreement.filter(
            manufacturer_id=manufacturer_id, partner_id__in=list(set(partner_ids))
        ).values_list("id", "end_customer_id", "valid_from", "valid_to", "currency")
    }
    if not agreements:
        return []
    lines = PriceAgreementLine.filter(
        manufacturer_id=manufacturer_id, agreement_id__in=list(agreements)
    )
    if product_ids is not None:
        lines = lines.filter(product_id__in=list(set(product_ids)))
    terms = []
    for (
        line_id,
        agreement_id,
        product_id,
        book_cost,
        authorized,
        max_quantity,
    ) in await lines.order_by("id").values_list(
        "id", "agreement_id", "product_id", "book_cost", "authorized_price", "max_quantity"
    ):
        _, end_customer_id, valid_from, valid_to, currency = agreements[agreement_id]
        terms.append(
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
        )
    return terms


async def customers_named(manufacturer_id: int, names: Iterable[str]) -> dict[str, list[int]]:
    """Registry entries per spelling: "ACME Robotics, Inc." finds "Acme Robotics" (any
    country). One query per hundred distinct spellings (keys ``name|COUNTRY``)."""
    keys = {name: normalize(name) for name in dict.fromkeys(names)}
    wanted = sorted({key for key in keys.values() if key})
    ids_by_key: dict[str, list[int]] = defaultdict(list)
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


async def pools_for(
    manufacturer_id: int, partner_id: int, period: str, keys: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], int]:
    """The pool rows of these (product, customer) keys, created when missing (``ON CONFLICT
    DO NOTHING``: a concurrent validation inserting the same key waits for the first
    one's commit, then both lock the same row)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}

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


async def allocated_in(manufacturer_id: int, pool_ids: Iterable[int]) -> dict[int, int]:
    """Net units allocated per pool (claimed, less releases and clawbacks)."""
    ids = list(set(pool_ids))
    if not ids:
        return {}
    rows = (
        await ClaimAllocation.filter(manufacturer_id=manufacturer_id, pool_id__in=ids)
        .annotate(total=Sum("quantity"))
        .group_by("pool_id")
        .values_list("pool_id", "total")
    )
    return {pool: int(total or 0) for pool, total in rows}


async def used_by_lines(manufacturer_id: int, line_ids: Iterable[int]) -> dict[int, int]:
    """Net units allocated per agreement line (what counts against ``maxQuantity``)."""
    ids = list(set(line_ids))
    if not ids:
        return {}
    rows = (
        await ClaimAllocation.filter(manufacturer_id=manufacturer_id, agreement_line_id__in=ids)
        .annotate(total=Sum("quantity"))
        .group_by("agreement_line_id")
        .values_list("agreement_line_id", "total")
    )
    return {line: int(total or 0) for line, total in rows}


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
