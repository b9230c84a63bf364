"""Demo inventory contracts of DIST-NA: a supplier consignment (SCS) in its consignment
warehouse, supplied by sell-in shipments (``SCS-<contract>-<line>``, received two days
after shipping), consumed by a POS report of the current month (three call-offs and charges), a
customer buffer (CBS) for Acme Robotics in its main warehouse, and a wholesaler buffer
(WBS) kept for it at the central distribution centre; all initialised."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from portal.domain.access.principal import Principal
from portal.domain.contracts.contracts import ContractLineInput, create_inventory_contract
from portal.domain.contracts.initialization import initialize_contract_line
from portal.domain.ledger.shipments import receive_shipment
from portal.domain.periods import period_containing
from portal.domain.reporting import submissions
from portal.domain.reporting.validation import validate_submission
from portal.models import InventoryContractLine
from portal.models.enums import InventoryContractType, PeriodGranularity, SubmissionKind

PARTNER = "DIST-NA"
CONSIGNMENT = "DIST-NA-CONS"
T = InventoryContractType
SCS_LINES = [
    ("SKU-0001", 120, "18.50", 14),
    ("SKU-0002", 80, "24.00", 9),
    ("SKU-0005", 60, "41.25", 5),
]


class _Parked:
    async def dispatch(self, job_id: int, dispatch_no: int) -> None:
        return None


async def seed_contracts(admin: Principal, today: date) -> None:
    start, end = today - timedelta(days=60), today + timedelta(days=120)
    made = []
    for contract_type, warehouse, customer, lines in (
        (
            T.SCS,
            CONSIGNMENT,
            None,
            [
                ContractLineInput(sku, quantity, Decimal(price))
                for sku, quantity, price, _ in SCS_LINES
            ],
        ),
        (
            T.CBS,
            "DIST-NA-MAIN",
            ("Acme Robotics", "US", ""),
            [ContractLineInput("SKU-0003", 25, Decimal("30.00"))],
        ),
        (T.WBS, "MFG-CENTRAL", None, [ContractLineInput("SKU-0004", 60, Decimal("35.00"))]),
    ):
        made.append(
            await create_inventory_contract(
                admin,
                partner_code=PARTNER,
                contract_type=contract_type,
                warehouse_code=warehouse,
                customer=customer,
                valid_from=start,
                valid_to=end,
                lines=lines,
            )
        )
    for contract in made:
        for line in await InventoryContractLine.filter(
            manufacturer_id=admin.manufacturer_id, contract_id=contract.id
        ).order_by("line_no"):
            await initialize_contract_line(admin, line.id, on=start + timedelta(days=2))
            line = await InventoryContractLine.get(id=line.id)
            if line.shipment_id is not None and line.reception_date is None:
                await receive_shipment(
                    admin, line.shipment_id, received_on=start + timedelta(days=4)
                )
    # The partner's sales from the consignment warehouse this month consume the SCS lines.
    pos = await submissions.submit(
        admin,
        _Parked(),
        kind=SubmissionKind.POS,
        period=period_containing(today, PeriodGranularity.MONTHLY).name,
        partner_code=PARTNER,
        lines=[
            {
                "warehouse_code": CONSIGNMENT,
                "sku": sku,
                "quantity": sold,
                "sold_on": today.isoformat(),
                "end_customer_name": "Globex Manufacturing",
                "end_customer_country": "US",
            }
            for sku, _, _, sold in SCS_LINES
        ],
    )
    await validate_submission(pos.id)
