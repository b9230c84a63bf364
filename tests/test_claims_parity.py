"""Ship & debit draft and validation give the same quantities, codes, amounts and POS
allocations on both backends (PostgreSQL: set-based aggregates and one INSERT ... SELECT
of the allocations; SQLite: ``prove``/``take`` over the rows). Hand-worked case: a capped
agreement with an above-price line, a return and a line outside the validity; a second
claim of the same pools (ALREADY_CLAIMED, CAP_EXCEEDED); a general agreement whose claim
line spans two registry entries of one name (two pools, a return in the first)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tortoise import Tortoise

from portal.db import is_postgres
from portal.domain.access.principal import Principal
from portal.domain.catalog import products
from portal.domain.incentives import agreements, claims
from portal.domain.reporting import submissions
from portal.domain.reporting.validation import validate_submission
from portal.models import ClaimAllocation, ClaimLine, EndCustomer, Partner, PosLine
from portal.models.enums import ClaimKind, ClaimStatus, Role, SubmissionKind
from tests.jobs import ParkedQueue
from tests.ledger_fixtures import build_channel
from tests.tenant_sql import NOT_DISTRIBUTED, recording_statements, untenanted_in

TODAY = date(2026, 11, 24)
LINE = agreements.AgreementLineInput


def pos(n: int, sku: str, quantity: int, customer: str, sold_on: str, **extra: str) -> dict:
    return {
        "warehouse_code": "W1",
        "sku": sku,
        "quantity": quantity,
        "sold_on": sold_on,
        "end_customer_name": customer,
        "end_customer_country": extra.pop("country", "US"),
        "invoice_no": f"I{n}",
        **extra,
    }


async def _claim(seller: Principal, lines: list[tuple[str, int, str]]) -> list[Any]:
    """Submit and validate a claim; its lines as (approved, codes, status, amount) and its
    allocations as (line no, POS invoice, units)."""
    made = await claims.submit_claim(
        seller,
        ParkedQueue(),
        kind=ClaimKind.SHIP_AND_DEBIT,
        period="2026-10",
        lines=[claims.ClaimLineInput(sku, q, name) for sku, q, name in lines],
        today=TODAY,
    )
    assert await claims.validate_claim(made.id, today=TODAY) is ClaimStatus.VALIDATED
    m = seller.manufacturer_id
    found = await ClaimLine.filter(manufacturer_id=m, claim_id=made.id).order_by("line_no")
    invoices = dict(await PosLine.filter(manufacturer_id=m).values_list("id", "invoice_no"))
    numbers = {x.id: x.line_no for x in found}
    allocated = await ClaimAllocation.filter(
        manufacturer_id=m, claim_line_id__in=list(numbers)
    ).order_by("id")
    return [
        [(x.approved_quantity, x.codes, x.status.value, str(x.amount)) for x in found],
        sorted((numbers[a.claim_line_id], invoices[a.pos_line_id], a.quantity) for a in allocated),
    ]


async def test_same_quantities_codes_amounts_and_allocations_on_both_backends(db) -> None:
    ch = await build_channel()
    m = ch.admin.manufacturer_id
    await products.create_product(ch.admin, sku="SKU-B", name="B", list_price=10)
    manager = Principal(m, Role.CHANNEL_MANAGER)
    seller = Principal(m, Role.PARTNER_ADMIN, (await Partner.get(code="D1")).id)
    october = {"valid_from": date(2026, 10, 1), "valid_to": date(2026, 12, 31)}
    await agreements.create_price_agreement(  # credit 20, at most 35 units
        manager,
        partner_code="D1",
        customer=("Acme Robotics", "US", ""),
        lines=[LINE("SKU-A", Decimal("100"), Decimal("80"), 35)],
        **october,
    )
    await agreements.create_price_agreement(  # credit 30, from the 15th
        manager,
        partner_code="D1",
        customer=("Initech", "US", ""),
        valid_from=date(2026, 10, 15),
        valid_to=date(2026, 12, 31),
        lines=[LINE("SKU-A", Decimal("100"), Decimal("70"))],
    )
    await agreements.create_price_agreement(  # any customer: credit 5
        manager, partner_code="D1", lines=[LINE("SKU-B", Decimal("50"), Decimal("45"))], **october
    )
    report = await submissions.submit(
        seller,
        ParkedQueue(),
        kind=SubmissionKind.POS,
        period="2026-10",
        lines=[
            pos(1, "SKU-A", 30, "Acme Robotics", "2026-10-20"),
            pos(2, "SKU-A", 20, "Acme Robotics", "2026-10-20", unit_price="95.00"),  # above
            pos(3, "SKU-A", 15, "Acme Robotics", "2026-10-21", unit_price="79.00"),
            pos(4, "SKU-A", -5, "Acme Robotics", "2026-10-25"),  # a return: Acme proves 40
            pos(5, "SKU-A", 10, "Initech", "2026-10-10"),  # before the agreement
            pos(6, "SKU-A", 12, "Initech", "2026-10-20", unit_price="70.00"),  # at the price
            pos(7, "SKU-A", 8, "Initech", "2026-10-21", unit_price="70.01"),  # above
            pos(8, "SKU-B", 6, "Globex", "2026-10-05"),
            pos(9, "SKU-B", 4, "Hooli", "2026-10-06"),
            pos(10, "SKU-B", -2, "Globex", "2026-10-07"),  # Globex US proves 4
            pos(11, "SKU-B", 3, "Globex", "2026-10-08", country="CA"),  # another entry: 3
        ],
    )
    assert (await validate_submission(report.id)).value.startswith("ACCEPTED")
    globex = sorted(
        await EndCustomer.filter(manufacturer_id=m, name="Globex").values_list("id", "country")
    )
    first, second = [country for _, country in globex]  # pools are drawn in customer id order
    units = {"US": 4, "CA": 3}
    invoice = {"US": "I8", "CA": "I11"}

    with recording_statements() as seen:  # PostgreSQL: the set-based statements too
        draft = await claims.claim_draft(
            seller, kind=ClaimKind.SHIP_AND_DEBIT, period="2026-10", today=TODAY
        )
        rows = [(x.sku, x.end_customer_name, x.quantity, str(x.amount)) for x in draft.lines]
        # Specific agreements first, the larger credit first; Acme capped at 35 of its 40.
        assert rows[:2] == [
            ("SKU-A", "Initech", 12, "360.00"),
            ("SKU-A", "Acme Robotics", 35, "700.00"),
        ]
        ids = {
            (name, country): i
            for i, name, country in await EndCustomer.filter(manufacturer_id=m).values_list(
                "id", "name", "country"
            )
        }
        general = [(("Globex", "US"), 4), (("Globex", "CA"), 3), (("Hooli", "US"), 4)]
        assert rows[2:] == [
            ("SKU-B", key[0], n, f"{n * 5}.00")
            for key, n in sorted(general, key=lambda g: ids[g[0]])
        ]

        one = await _claim(
            seller,
            [
                ("SKU-A", 25, "Acme Robotics"),
                ("SKU-A", 20, "Initech"),
                ("SKU-A", 5, "Nobody Ltd"),
                ("SKU-B", 6, "Globex"),
            ],
        )
        assert one[0] == [
            (25, [], "APPROVED", "500.00"),
            (12, ["OVER_CLAIM", "RESALE_ABOVE_AUTHORIZED"], "PARTIAL", "360.00"),
            (0, ["NO_AGREEMENT"], "REJECTED", "0.00"),
            (6, [], "APPROVED", "30.00"),
        ]
        # The first pool is emptied before the second is drawn on (net units, not the
        # returned line's gross).
        assert one[1] == sorted(
            [
                (1, "I1", 25),
                (2, "I6", 12),
                (4, invoice[first], units[first]),
                (4, invoice[second], 6 - units[first]),
            ]
        )

        two = await _claim(
            seller,
            [
                ("SKU-A", 30, "Acme Robotics"),
                ("SKU-A", 1, "Initech"),
                ("SKU-B", 2, "Globex"),
                ("SKU-B", 4, "Hooli"),
            ],
        )
        assert two[0] == [
            (
                10,
                ["ALREADY_CLAIMED", "CAP_EXCEEDED", "RESALE_ABOVE_AUTHORIZED"],
                "PARTIAL",
                "200.00",
            ),
            (0, ["ALREADY_CLAIMED", "RESALE_ABOVE_AUTHORIZED"], "REJECTED", "0.00"),
            (1, ["ALREADY_CLAIMED"], "PARTIAL", "5.00"),
            (4, [], "APPROVED", "20.00"),
        ]
        # Acme's units 26..35 are the first line's last 5 and the third line's first 5.
        assert two[1] == sorted([(1, "I1", 5), (1, "I3", 5), (3, invoice[second], 1), (4, "I9", 4)])

        # Nothing is left to claim: the cap is used, every pool is claimed.
        again = await claims.claim_draft(
            seller, kind=ClaimKind.SHIP_AND_DEBIT, period="2026-10", today=TODAY
        )
        assert again.lines == []
    tenant_tables = (
        frozenset(model._meta.db_table for model in Tortoise.apps["models"].values())
        - NOT_DISTRIBUTED
    )
    # PostgreSQL: every statement filters on the tenant, the set-based ones included (the
    # validation job's first reads of its claim, by id, aside: ``claim`` is not checked).
    assert [q for q in seen if untenanted_in(q, tenant_tables - {"claim"})] == []
    assert not is_postgres() or any("claim_allocation" in q and "upto" in q for q in seen)
