"""Every query and mutation, called by another partner and another manufacturer,
aimed at the victim's objects: nothing of the victim leaks, nothing of it changes.

The table below must name every field of the schema: a new query or mutation fails
this test until it is added here.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from portal.domain.access.principal import Principal
from portal.domain.access.tokens import create_token
from portal.domain.catalog.tenants import create_manufacturer
from portal.models import (
    ApiToken,
    CallOffNotification,
    Charge,
    Claim,
    ClaimAllocation,
    ClaimLine,
    CreditMemo,
    CreditMemoLine,
    DeliveryDifference,
    DeliveryEvent,
    DesignRegistration,
    EndCustomer,
    Forecast,
    ForecastAdjustment,
    ForecastLine,
    InventoryCheck,
    InventoryCheckLine,
    InventoryContract,
    InventoryContractLine,
    InventoryDocument,
    InventoryDocumentLine,
    LedgerEntry,
    ManufacturerSettings,
    MappingTemplate,
    Order,
    OrderLine,
    Partner,
    PartnerSkuMapping,
    PriceAgreement,
    PriceAgreementLine,
    PriceProtectionProgram,
    Product,
    ProductPrice,
    RebateAccrual,
    RebatePayout,
    RebateProgram,
    RebateProgramPartner,
    ReconciliationRow,
    Reservation,
    SalesAgreement,
    SalesAgreementLine,
    SerialUnit,
    Shipment,
    ShippingNotice,
    ShippingNoticeLine,
    StockBalance,
    StockReturn,
    Submission,
    SupplyMovement,
    SupplyStock,
    Transfer,
    Warehouse,
    WebhookEndpoint,
)
from portal.models.enums import PartnerTier, Role, SubmissionKind
from portal.schema import build_schema
from portal.settings import Settings
from tests.graph import Graph
from tests.jobs import ParkedQueue

SECRET = "Zebra"  # in every name of partner D1's own data: no other principal sees it
CATALOG = "Quokka"  # in the victim manufacturer's shared data: its partners may see it

QUERIES: dict[str, tuple[str, dict[str, Any]]] = {
    "viewer": ("{ viewer { role manufacturer { name } partner { code name } } }", {}),
    "partners": ('{ partners(search: "D1") { totalCount edges { node { code name } } } }', {}),
    "products": ("{ products { totalCount edges { node { sku name } } } }", {}),
    "warehouses": ('{ warehouses(partnerCode: "D1") { code name } }', {}),
    "skuMappings": ('{ skuMappings(partnerCode: "D1") { edges { node { partnerSku sku } } } }', {}),
    "apiTokens": ("{ apiTokens { edges { node { label partnerCode } } } }", {}),
    "settings": ("{ settings { toleranceUnits } }", {}),
    "stockBalances": (
        '{ stockBalances(partnerCode: "D1") { totalCount edges { node { warehouseCode quantity } } } }',
        {},
    ),
    "ledgerEntries": (
        '{ ledgerEntries(warehouseCode: "D1-W") { totalCount edges { node { quantity batchNo } } } }',
        {},
    ),
    "batchBalances": ('{ batchBalances(sku: "SKU-L") { warehouseCode sku batchNo quantity } }', {}),
    "shipments": (
        "{ shipments { totalCount edges { node { documentNo partnerCode deliveredOn deliveryDifferences { sku reasonCode note } } } } }",
        {},
    ),
    "transfers": ("{ transfers { totalCount edges { node { fromWarehouseCode } } } }", {}),
    "returns": (
        "{ returns { totalCount edges { node { rmaNo warehouseCode partnerCode createdAt } } } }",
        {},
    ),
    "returnOptions": (
        "{ returnOptions { againstOrders againstShipments sourceFree exchanges } }",
        {},
    ),
    "reconciliation": (
        '{ reconciliation(period: "2026-10", partnerCode: "D1") { totalCount edges { node { warehouseCode gap owner history { details } adjustmentComponents { source reason quantity } } } } }',
        {},
    ),
    "channelSummary": (
        '{ channelSummary(periodFrom: "2026-10", periodTo: "2026-10", partnerCode: "D1") { sellIn calculatedInventory adjustmentComponents { source reason quantity } } }',
        {},
    ),
    "webhooks": ("{ webhooks { url } }", {}),
    "designRegistrations": (
        '{ designRegistrations(partnerCode: "D1") { totalCount edges { node { projectName partnerCode conflicts { partnerCode registrationId } } } } }',
        {},
    ),
    "erpSyncRuns": ("{ erpSyncRuns { totalCount edges { node { status error } } } }", {}),
    "jobFailures": (
        "{ jobFailures(includeResolved: true) { totalCount edges { node { itemKey message } } } }",
        {},
    ),
    "submission": ('{ submission(id: "1") { status fileName errors { totalCount } } }', {}),
    "submissions": (
        '{ submissions(partnerCode: "D1") { totalCount edges { node { fileName } } } }',
        {},
    ),
    "posDraft": (
        '{ posDraft(period: "2026-11", partnerCode: "D1") { lines { sku endCustomer { name } } } }',
        {},
    ),
    "stockSnapshotDraft": (
        '{ stockSnapshotDraft(period: "2026-11", partnerCode: "D1") { lines { sku quantity } } }',
        {},
    ),
    "mappingTemplates": ('{ mappingTemplates(partnerCode: "D1") { name } }', {}),
    "priceAgreements": (
        '{ priceAgreements(partnerCode: "D1") { totalCount edges { node { partnerCode endCustomer { name } lines { sku } } } } }',
        {},
    ),
    "claimDraft": (
        '{ claimDraft(kind: SHIP_AND_DEBIT, period: "2026-10", partnerCode: "D1") { partnerCode lines { sku endCustomerName quantity } } }',
        {},
    ),
    "claims": (
        '{ claims(partnerCode: "D1") { totalCount edges { node { partnerCode programId lines { endCustomerName evidence { units } } creditMemos { number } } } } }',
        {},
    ),
    "claim": (
        '{ claim(id: "1") { partnerCode programId reviewNote lines { endCustomerName codes } } }',
        {},
    ),
    "creditMemos": (
        '{ creditMemos(partnerCode: "D1") { totalCount edges { node { number partnerCode lines { reason } } } } }',
        {},
    ),
    "incentiveLiability": (
        '{ incentiveLiability(partnerCode: "D1") { totalCount edges { node { agreement { endCustomer { name } } claimed credited } } } }',
        {},
    ),
    "priceProtectionPrograms": (
        "{ priceProtectionPrograms { totalCount edges { node { id sku oldPrice newPrice closesOn } } } }",
        {},
    ),
    "priceProtectionProgram": (
        '{ priceProtectionProgram(id: "1") { id sku eligible { partnerCode warehouseCode warehouseName onHand inTransit units amount } } }',
        {},
    ),
    "rebatePrograms": (
        "{ rebatePrograms { totalCount edges { node { id name tiers { threshold rate }"
        " payouts { partnerCode kind interval amount claimId } } } } }",
        {},
    ),
    "rebateStatement": (
        '{ rebateStatement(programId: "1", partnerCode: "D1") { partnerCode attained accrued paid failingPeriods } }',
        {},
    ),
    "rebateLiability": (
        '{ rebateLiability(programId: "1") { programId currency partners accrued paid open accruals { period accrued } } }',
        {},
    ),
    "availability": (
        '{ availability(sku: "SKU-1") { warehouseCode onHand reserved available'
        " batches { batchNo onHand } } }",
        {},
    ),
    "orders": (
        '{ orders(partnerCode: "D1") { totalCount edges { node { number partnerCode reason shipToWarehouseCode lines { sku reserved reservations { warehouseCode quantity } } } } } }',
        {},
    ),
    "order": ('{ order(id: "1") { number partnerCode reason lines { sku quantity } } }', {}),
    "shippingNotices": (
        "{ shippingNotices { totalCount edges { node { documentNo partnerCode supplierPartnerCode shipmentId lines { sku quantity serials warehouseCode } deliveredOn receivedOn deliveryDifferences { sku reasonCode note } } } } }",
        {},
    ),
    "inventoryChecks": (
        '{ inventoryChecks(partnerCode: "D1") { totalCount edges { node { warehouseCode partnerCode lines { totalCount edges { node { sku book counted variance serials } } } } } } }',
        {},
    ),
    "inventoryCheck": (
        '{ inventoryCheck(id: "1") { warehouseCode reviewNote lines(uncountedOnly: false) { edges { node { sku book counted } } } } }',
        {},
    ),
    "inventoryDocuments": (
        '{ inventoryDocuments(partnerCode: "D1") { totalCount edges { node { documentNo note warehouseCode partnerCode lines { sku quantity } } } } }',
        {},
    ),
    "inventoryDocument": (
        '{ inventoryDocument(id: "1") { documentNo note reviewNote lines { sku quantity } } }',
        {},
    ),
    "salesAgreements": (
        '{ salesAgreements(partnerCode: "D1") { totalCount edges { node { name partnerCode lines { sku committedQuantity } } } } }',
        {},
    ),
    "salesAgreementPerformance": (
        '{ salesAgreementPerformance(id: "1") { sku committed actual } }',
        {},
    ),
    "forecastDraft": (
        '{ forecastDraft(periodFrom: "2026-11", horizon: 2, partnerCode: "D1") { lines { sku period quantity } } }',
        {},
    ),
    "accountForecast": (
        '{ accountForecast(periodFrom: "2026-10", periodTo: "2026-11", partnerCode: "D1") { partnerCode total history { note } } }',
        {},
    ),
    "forecastAccuracy": (
        '{ forecastAccuracy(periodFrom: "2026-10", periodTo: "2026-11", partnerCode: "D1") { sku mape } }',
        {},
    ),
    "submissionCompliance": (
        '{ submissionCompliance(period: "2026-10") { partnerCode partnerName } }',
        {},
    ),
    "inventoryContracts": (
        '{ inventoryContracts(partnerCode: "D1") { totalCount edges { node { partnerCode warehouseCode endCustomerName lines { id sku remaining shipment { documentNo warehouseCode partnerCode } } } } } }',
        {},
    ),
    "callOffNotifications": (
        '{ callOffNotifications(partnerCode: "D1") { totalCount edges { node { partnerCode sku quantity endCustomerName shipment { documentNo warehouseCode } } } } }',
        {},
    ),
    "charges": (
        '{ charges(partnerCode: "D1") { totalCount edges { node { partnerCode sku amount } } } }',
        {},
    ),
}

M = "mutation($input: {type}!) {{ {name}(input: $input) {{ errors {{ code }} }} }}"
MUTATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "createPartner": (
        "CreatePartnerInput",
        {"code": "R9", "name": "x", "tier": "RESELLER", "parentCode": "D1"},
    ),
    "updatePartner": ("UpdatePartnerInput", {"code": "D1", "name": "hijacked", "active": False}),
    "createProduct": ("CreateProductInput", {"sku": "SKU-1", "name": "x"}),
    "updateProduct": ("UpdateProductInput", {"sku": "SKU-1", "name": "hijacked", "active": False}),
    "setListPrice": (
        "SetListPriceInput",
        {"sku": "SKU-1", "price": "0", "validFrom": "2020-01-01"},
    ),
    "mapPartnerSku": (
        "MapPartnerSkuInput",
        {"partnerSku": "P-9", "sku": "SKU-1", "partnerCode": "D1"},
    ),
    "unmapPartnerSku": ("UnmapPartnerSkuInput", {"partnerSku": "P-1", "partnerCode": "D1"}),
    "createWarehouse": ("CreateWarehouseInput", {"code": "W9", "name": "x", "partnerCode": "D1"}),
    "updateWarehouse": (
        "UpdateWarehouseInput",
        {"code": "D1-W", "name": "hijacked", "active": False},
    ),
    "issueApiToken": ("IssueApiTokenInput", {"role": "PARTNER_ADMIN", "partnerCode": "D1"}),
    "revokeApiToken": ("RevokeApiTokenInput", {"id": "1"}),
    "updateSettings": ("UpdateSettingsInput", {"toleranceUnits": 99}),
    "recordShipment": (
        "RecordShipmentInput",
        {
            "partnerCode": "D1",
            "warehouseCode": "D1-W",
            "documentNo": "X-1",
            "shippedOn": "2026-10-01",
            "lines": [{"sku": "SKU-1", "quantity": 1}],
        },
    ),
    "receiveShipment": ("ReceiveShipmentInput", {"id": "1"}),
    "raiseTransfer": (
        "RaiseTransferInput",
        {
            "fromWarehouseCode": "D1-W",
            "toWarehouseCode": "D2-W",
            "toPartnerCode": "D2",
            "lines": [{"sku": "SKU-1", "quantity": 1}],
        },
    ),
    "approveTransfer": ("TransferActionInput", {"id": "1"}),
    "rejectTransfer": ("TransferActionInput", {"id": "1"}),
    "shipTransfer": ("TransferActionInput", {"id": "1"}),
    "receiveTransfer": ("TransferActionInput", {"id": "1"}),
    "cancelTransfer": ("TransferActionInput", {"id": "1"}),
    "raiseReturn": (
        "RaiseReturnInput",
        {"warehouseCode": "D1-W", "lines": [{"sku": "SKU-1", "quantity": 1}]},
    ),
    "requestReturn": (
        "RequestReturnInput",
        {"orderIds": ["2"], "lines": [{"sku": "SKU-1", "quantity": 1}]},
    ),
    # An id no return has: a return an earlier call raised (to the manufacturer) would be
    # refused to partners by permission, on whichever backend gave it id 1.
    "receiveReturn": ("ReturnActionInput", {"id": "999999"}),
    "cancelReturn": ("ReturnActionInput", {"id": "1"}),
    "postAdjustment": (
        "PostAdjustmentInput",
        {"warehouseCode": "D1-W", "sku": "SKU-1", "quantity": -1, "reason": "DAMAGE"},
    ),
    "reverseLedgerEntry": ("ReverseLedgerEntryInput", {"id": "1"}),
    "syncErp": ("", {}),
    "registerDesign": (
        "RegisterDesignInput",
        {
            "endCustomer": {"name": "x", "country": "US"},
            "projectName": "p",
            "expectedCloseOn": "2027-01-01",
            "lines": [{"sku": "SKU-1", "expectedQuantity": 1}],
            "partnerCode": "D1",
        },
    ),
    "reviewDesign": (
        "ReviewDesignInput",
        {"id": "1", "decision": "APPROVE", "expiresOn": "2030-01-01"},
    ),
    "closeDesign": ("CloseDesignInput", {"id": "1", "outcome": "WON"}),
    "registerWebhook": ("RegisterWebhookInput", {"url": "https://attacker.example/hook"}),
    "createPriceAgreement": (
        "CreatePriceAgreementInput",
        {
            "partnerCode": "D1",
            "validFrom": "2026-10-01",
            "validTo": "2026-12-31",
            "endCustomer": {"name": "x", "country": "US"},
            "lines": [{"sku": "SKU-1", "bookCost": "5", "authorizedPrice": "4"}],
        },
    ),
    "submitClaim": (
        "SubmitClaimInput",
        {
            "kind": "SHIP_AND_DEBIT",
            "period": "2026-10",
            "partnerCode": "D1",
            "lines": [{"sku": "SKU-1", "quantity": 1, "endCustomerName": "x"}],
        },
    ),
    "reviewClaim": ("ReviewClaimInput", {"id": "1", "decision": "REJECT", "note": "no"}),
    "createRebateProgram": (
        "CreateRebateProgramInput",
        {
            "name": "x",
            "periodFrom": "2026-10",
            "periodTo": "2026-12",
            "measure": "SELL_IN_VALUE",
            "mode": "RETROACTIVE",
            "partnerCodes": ["D1"],
            "skus": ["SKU-1"],
            "tiers": [{"threshold": "0", "rate": "1"}],
        },
    ),
    "payRebateInterim": ("IdInput", {"id": "1"}),
    "closeRebateProgram": ("IdInput", {"id": "1"}),
    "announcePriceDrop": (
        "AnnouncePriceDropInput",
        {"sku": "SKU-1", "newPrice": "1", "effectiveOn": "2026-12-20", "claimWindowDays": 30},
    ),
    "createInventoryContract": (
        "CreateInventoryContractInput",
        {
            "partnerCode": "D1",
            "type": "CBS",
            "warehouseCode": "D1-W",
            "endCustomer": {"name": "x", "country": "US"},
            "validFrom": "2026-10-01",
            "validTo": "2026-12-31",
            "lines": [{"sku": "SKU-1", "quantity": 1, "unitPrice": "4"}],
        },
    ),
    "initializeContractLine": ("ContractLineActionInput", {"lineId": "1"}),
    "takeOverOwnership": ("ContractQuantityInput", {"lineId": "1", "quantity": 1}),
    "returnContractStock": ("ContractQuantityInput", {"lineId": "1", "quantity": 1}),
    "extendContract": ("ExtendContractInput", {"id": "1", "validTo": "2027-06-30"}),
    "reportConsumption": (
        "ReportConsumptionInput",
        {
            "contractId": "1",
            "lines": [{"sku": "SKU-1", "quantity": 1, "consumedOn": "2026-10-20"}],
            "idempotencyKey": "sweep",
        },
    ),
    "placeOrder": (
        "PlaceOrderInput",
        {
            "supplyWarehouseCode": "M-W",
            "shipToWarehouseCode": "D1-W",
            "lines": [{"sku": "SKU-1", "quantity": 1}],
        },
    ),
    "confirmOrder": ("OrderActionInput", {"id": "2"}),
    "rejectOrder": ("OrderActionInput", {"id": "2", "reason": "no"}),
    "cancelOrder": ("OrderActionInput", {"id": "2"}),
    "adjustReservation": (
        "AdjustReservationInput",
        {"id": "2", "lines": [{"sku": "SKU-1", "warehouseCode": "M-W", "quantity": 0}]},
    ),
    "createShippingNotice": (
        "CreateShippingNoticeInput",
        {"orderIds": ["2"], "documentNo": "X-N"},
    ),
    "recordDeliveryEvent": (
        "RecordDeliveryEventInput",
        {
            "eventId": "X-EV",
            "shipmentId": "2",
            "differences": [{"sku": "SKU-1", "kind": "SHORT", "quantity": 1, "reasonCode": "X"}],
        },
    ),
    "adjustSupplyStock": (
        "AdjustSupplyStockInput",
        {"warehouseCode": "M-W", "sku": "SKU-1", "quantity": 1, "reason": "COUNT"},
    ),
    "startInventoryCheck": (
        "StartInventoryCheckInput",
        {"warehouseCode": "D1-W", "source": "ALL_PRODUCTS", "blind": False},
    ),
    "recordCounts": ("RecordCountsInput", {"id": "2", "lines": [{"sku": "SKU-1", "counted": 9}]}),
    "submitInventoryCheck": ("IdInput", {"id": "2"}),
    "reviewInventoryCheck": (
        "ReviewInventoryCheckInput",
        {"id": "1", "decision": "APPROVE", "note": "ok"},
    ),
    "recordInventoryDocument": (
        "RecordInventoryDocumentInput",
        {
            "kind": "INBOUND",
            "warehouseCode": "D1-W",
            "reason": "FOUND",
            "lines": [{"sku": "SKU-1", "quantity": 1}],
        },
    ),
    "reviewInventoryDocument": (
        "ReviewInventoryDocumentInput",
        {"id": "1", "decision": "APPROVE", "note": "ok"},
    ),
    "createSalesAgreement": (
        "CreateSalesAgreementInput",
        {
            "partnerCode": "D1",
            "name": "x",
            "periodFrom": "2026-10",
            "periodTo": "2026-10",
            "lines": [{"sku": "SKU-1", "period": "2026-10", "committedQuantity": 1}],
        },
    ),
    "submitForecast": (
        "SubmitForecastInput",
        {"partnerCode": "D1", "lines": [{"sku": "SKU-1", "period": "2026-11", "quantity": 1}]},
    ),
    "adjustAccountForecast": (
        "AdjustAccountForecastInput",
        {"partnerCode": "D1", "sku": "SKU-1", "period": "2026-10", "adjustment": 5, "note": "x"},
    ),
    "updateException": (
        "UpdateExceptionInput",
        {"rowId": "1", "note": "x", "status": "RESOLVED", "correctionQuantity": 5},
    ),
    "uploadSubmission": ("UPLOAD", {"kind": "STOCK", "period": "2026-10", "partnerCode": "D1"}),
    "submitPos": (
        "SubmitPosInput",
        {
            "period": "2026-10",
            "partnerCode": "D1",
            "lines": [
                {
                    "warehouseCode": "D1-W",
                    "sku": "SKU-1",
                    "quantity": 1,
                    "soldOn": "2026-10-02",
                    "endCustomer": {"name": "x", "country": "US"},
                }
            ],
        },
    ),
    "submitStockSnapshot": (
        "SubmitStockSnapshotInput",
        {
            "period": "2026-10",
            "partnerCode": "D1",
            "lines": [{"warehouseCode": "D1-W", "sku": "SKU-1", "quantity": 1}],
        },
    ),
    "saveMappingTemplate": (
        "SaveMappingTemplateInput",
        {"name": "m", "kind": "POS", "columns": [], "partnerCode": "D1"},
    ),
    "deleteMappingTemplate": (
        "DeleteMappingTemplateInput",
        {"name": f"{SECRET}-map", "partnerCode": "D1"},
    ),
}


async def _victim_state(manufacturer_id: int) -> list[Any]:
    scoped = {"manufacturer_id": manufacturer_id}
    state: list[Any] = []
    for model in (
        Partner,
        Product,
        Warehouse,
        PartnerSkuMapping,
        ApiToken,
        ManufacturerSettings,
        LedgerEntry,
        StockBalance,
        Shipment,
        Transfer,
        SerialUnit,
        StockReturn,
        Submission,
        MappingTemplate,
        EndCustomer,
        ReconciliationRow,
        WebhookEndpoint,
        DesignRegistration,
        PriceAgreement,
        PriceAgreementLine,
        PriceProtectionProgram,
        RebateProgram,
        RebateProgramPartner,
        RebateAccrual,
        RebatePayout,
        Claim,
        ClaimLine,
        ClaimAllocation,
        CreditMemo,
        CreditMemoLine,
        InventoryContract,
        InventoryContractLine,
        CallOffNotification,
        Charge,
        Order,
        OrderLine,
        Reservation,
        SupplyStock,
        SupplyMovement,
        ShippingNotice,
        ShippingNoticeLine,
        DeliveryEvent,
        DeliveryDifference,
        InventoryCheck,
        InventoryCheckLine,
        InventoryDocument,
        InventoryDocumentLine,
        SalesAgreement,
        SalesAgreementLine,
        Forecast,
        ForecastLine,
        ForecastAdjustment,
    ):
        rows = await model.filter(**scoped).order_by("id").values()
        volatile = {"last_used_at", "updated_at"}
        state.append([{k: v for k, v in r.items() if k not in volatile} for r in rows])
    state.append(
        await ProductPrice.filter(product__manufacturer_id=manufacturer_id).order_by("id").values()
    )
    return state


async def _seed_victim() -> tuple[int, str]:
    from portal.domain.catalog import partners, products, warehouses
    from portal.domain.ledger import returns, shipments, transfers
    from portal.domain.ledger.shipments import LineInput
    from portal.domain.reporting import mapping_templates as mappings
    from portal.domain.reporting import submissions

    manufacturer, _ = await create_manufacturer(f"{CATALOG} Victim Corp")
    admin = Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN)
    for code in ("D1", "D2"):
        await partners.create_partner(
            admin, code=code, name=f"{SECRET} {code}", tier=PartnerTier.DISTRIBUTOR
        )
        await warehouses.create_warehouse(
            admin, code=f"{code}-W", name=f"{SECRET} wh", partner_code=code
        )
    await warehouses.create_warehouse(admin, code="D1-W2", name=f"{SECRET} wh2", partner_code="D1")
    await products.create_product(admin, sku="SKU-1", name=f"{CATALOG} sensor", list_price=5)
    await products.map_partner_sku(admin, partner_sku="P-1", sku="SKU-1", partner_code="D1")
    d1 = await Partner.get(code="D1")
    shipment = await shipments.record_shipment(
        admin,
        partner_code="D1",
        warehouse_code="D1-W",
        document_no=f"{SECRET}-1",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-1", 10)],
    )
    await shipments.receive_shipment(admin, shipment.id)
    await shipments.record_shipment(
        admin,
        partner_code="D1",
        warehouse_code="D1-W",
        document_no=f"{SECRET}-2",
        shipped_on=date(2026, 10, 2),
        lines=[LineInput("SKU-1", 5)],
    )
    d1_principal = Principal(
        manufacturer_id=manufacturer.id, role=Role.PARTNER_ADMIN, partner_id=d1.id
    )
    await transfers.raise_transfer(
        d1_principal,
        from_warehouse_code="D1-W",
        to_warehouse_code="D1-W2",
        lines=[LineInput("SKU-1", 2)],
    )
    await submissions.submit(
        d1_principal,
        ParkedQueue(),
        kind=SubmissionKind.STOCK,
        period="2026-10",
        file=(b"warehouse_code,sku,quantity\nD1-W,SKU-1,3\n", f"{SECRET}.csv"),
    )
    await mappings.save_template(
        d1_principal,
        name=f"{SECRET}-map",
        kind=SubmissionKind.STOCK,
        columns={"sku": f"{SECRET} col"},
    )
    await returns.raise_return(
        d1_principal, warehouse_code="D1-W", lines=[LineInput("SKU-1", 1)], rma_no=f"{SECRET}-RMA"
    )
    from portal.domain.designs.registrations import DesignLineInput, register_design
    from portal.domain.integrations.outbound import OutboundPolicy
    from portal.domain.integrations.webhooks import register_webhook
    from portal.domain.reconciliation.recompute import drain_dirty
    from portal.models import ReconciliationRow

    await register_design(
        d1_principal,
        customer_name=f"{SECRET} Customer",
        country="US",
        project_name=f"{SECRET} project",
        expected_close_on=date(2027, 1, 1),
        lines=[DesignLineInput("SKU-1", 5)],
    )
    await drain_dirty(today=date(2026, 11, 5))
    await ReconciliationRow.filter(manufacturer_id=manufacturer.id).update(
        owner_email=f"{SECRET}@victim.test"
    )
    await register_webhook(
        admin, url=f"https://{SECRET}.example/hook", events=[], outbound=OutboundPolicy()
    )
    from portal.domain.job_failures import record_failure

    await record_failure(manufacturer.id, "reconcile", f"{SECRET} item", RuntimeError("x"))
    await create_token(
        manufacturer.id, Role.PARTNER_ADMIN, partner_id=d1.id, label=f"{SECRET} token"
    )
    await _seed_incentives(admin, d1_principal)
    await _seed_contracts(admin)
    await _seed_orders(admin, d1_principal)
    await _seed_checks(d1_principal)
    # A batch-controlled SKU (after the counts: every product is counted) with D1's lot.
    await products.create_product(admin, sku="SKU-L", name="lot", batch_controlled=True)
    lots = await shipments.record_shipment(
        admin,
        partner_code="D1",
        warehouse_code="D1-W",
        document_no=f"{SECRET}-L",
        shipped_on=date(2026, 10, 1),
        lines=[LineInput("SKU-L", 4, batch_no=f"{SECRET}-LOT")],
    )
    await shipments.receive_shipment(admin, lots.id)
    await _seed_documents(d1_principal)
    await _seed_demand(d1_principal)
    d2 = await Partner.get(code="D2")
    _, other_partner = await create_token(manufacturer.id, Role.PARTNER_ADMIN, partner_id=d2.id)
    return manufacturer.id, other_partner


async def _seed_incentives(admin: Principal, d1: Principal) -> None:
    """D1's agreement with a secret customer, POS proving it, a credited claim (memo)
    and one awaiting review."""
    from decimal import Decimal

    from portal.domain.incentives import agreements, claims
    from portal.domain.reporting import submissions
    from portal.domain.reporting.validation import validate_submission
    from portal.models.enums import ClaimKind

    manager = Principal(admin.manufacturer_id, Role.CHANNEL_MANAGER)
    customer = f"{SECRET} Customer"
    await agreements.create_price_agreement(
        manager,
        partner_code="D1",
        customer=(customer, "US", ""),
        valid_from=date(2026, 10, 1),
        valid_to=date(2026, 12, 31),
        lines=[agreements.AgreementLineInput("SKU-1", Decimal("5"), Decimal("4"), 100)],
    )
    pos = await submissions.submit(
        admin,
        ParkedQueue(),
        kind=SubmissionKind.POS,
        period="2026-10",
        partner_code="D1",
        lines=[
            {
                "warehouse_code": "D1-W",
                "sku": "SKU-1",
                "quantity": 3,
                "sold_on": "2026-10-05",
                "end_customer_name": customer,
                "end_customer_country": "US",
            }
        ],
    )
    await validate_submission(pos.id)
    for quantity, approve in ((2, True), (1, False)):
        claim = await claims.submit_claim(
            d1,
            ParkedQueue(),
            kind=ClaimKind.SHIP_AND_DEBIT,
            period="2026-10",
            lines=[claims.ClaimLineInput("SKU-1", quantity, customer)],
        )
        await claims.validate_claim(claim.id)
        if approve:
            await claims.review_claim(manager, ParkedQueue(), claim.id, approve=True)
            await claims.credit_claim(claim.id)  # its memo, as the credit_claim job would
    from datetime import timedelta

    from portal.domain.incentives.price_protection import announce_price_drop

    await announce_price_drop(  # a price drop with D1's stock eligible
        manager,
        sku="SKU-1",
        new_price=Decimal("4"),
        effective_on=date.today() + timedelta(days=7),
        claim_window_days=30,
    )
    from portal.domain.incentives.rebate_settlement import pay_interim
    from portal.domain.incentives.rebates import create_program
    from portal.models.enums import RebateMeasure, RebateMode

    rebate = await create_program(  # D1's rebate on its sell-in, paid once on account
        manager,
        name=f"{SECRET} rebate",
        period_from="2026-01",
        period_to="2026-12",
        measure=RebateMeasure.SELL_IN_VALUE,
        mode=RebateMode.RETROACTIVE,
        partner_codes=["D1"],
        skus=["SKU-1"],
        tiers=[(Decimal("0"), Decimal("1.5"))],
    )
    await pay_interim(manager, rebate.id)


async def _seed_contracts(admin: Principal) -> None:
    """D1's customer buffer for a secret customer, initialised (activated); a deferred
    indent consumed; a deposit in a secret warehouse, bought and dispatched."""
    from decimal import Decimal

    from portal.domain.contracts.consumption import ConsumptionInput, report_consumption
    from portal.domain.contracts.contracts import ContractLineInput, create_inventory_contract
    from portal.domain.contracts.initialization import initialize_contract_line
    from portal.models.enums import InventoryContractType

    made = await create_inventory_contract(
        admin,
        partner_code="D1",
        contract_type=InventoryContractType.CBS,
        warehouse_code="D1-W",
        customer=(f"{SECRET} Buffer Customer", "US", ""),
        valid_from=date(2026, 10, 1),
        valid_to=date(2026, 12, 31),
        lines=[ContractLineInput("SKU-1", 2, Decimal("4"))],
    )
    line = await InventoryContractLine.get(contract_id=made.id)
    await initialize_contract_line(admin, line.id, on=date(2026, 10, 3))
    # A deferred indent consumed by a secret customer: a call-off and a charge.
    indent = await create_inventory_contract(
        admin,
        partner_code="D1",
        contract_type=InventoryContractType.DIS,
        warehouse_code=None,
        customer=(f"{SECRET} Indent Customer", "US", ""),
        valid_from=date(2026, 10, 1),
        valid_to=date(2026, 12, 31),
        lines=[ContractLineInput("SKU-1", 5, Decimal("4"))],
    )
    line = await InventoryContractLine.get(contract_id=indent.id)
    await initialize_contract_line(admin, line.id, on=date(2026, 10, 3))
    await report_consumption(
        admin,
        contract_id=indent.id,
        lines=[ConsumptionInput("SKU-1", 2, date(2026, 10, 4))],
    )
    # A deposit (WDS) in a secret warehouse: its purchase and a dispatch to D1-W2 are
    # shipments (the dispatch's call-off names it).
    from portal.domain.catalog import warehouses

    deposit = f"{SECRET}-DEP"
    await warehouses.create_warehouse(admin, code=deposit, name=deposit, partner_code="D1")
    held = await create_inventory_contract(
        admin,
        partner_code="D1",
        contract_type=InventoryContractType.WDS,
        warehouse_code=deposit,
        customer=None,
        valid_from=date(2026, 10, 1),
        valid_to=date(2026, 12, 31),
        lines=[ContractLineInput("SKU-1", 4, Decimal("4"))],
    )
    line = await InventoryContractLine.get(contract_id=held.id)
    await initialize_contract_line(admin, line.id, on=date(2026, 10, 3))
    await report_consumption(
        admin,
        contract_id=held.id,
        lines=[ConsumptionInput("SKU-1", 1, date(2026, 10, 4))],
        to_warehouse_code="D1-W2",
    )


async def _seed_orders(admin: Principal, d1: Principal) -> None:
    """Manufacturer supply at M-W; D1's cancelled order (a secret reason) and open one."""
    from portal.domain.catalog import warehouses
    from portal.domain.orders import orders, supply

    await warehouses.create_warehouse(admin, code="M-W", name="Plant")
    await supply.adjust_supply(admin, warehouse_code="M-W", sku="SKU-1", quantity=9, reason="ERP")
    for _ in range(2):
        await orders.place_order(
            d1,
            supplier_code=None,
            supply_warehouse_code="M-W",
            ship_to_warehouse_code="D1-W",
            lines=[orders.OrderLineInput("SKU-1", 2)],
        )
    await orders.cancel_order(d1, 1, f"{SECRET} reason")
    # A third order, shipped (a notice to D1) and delivered with a secret difference note.
    from portal.domain.orders import delivery, notices

    third = await orders.place_order(
        d1,
        supplier_code=None,
        supply_warehouse_code="M-W",
        ship_to_warehouse_code="D1-W",
        lines=[orders.OrderLineInput("SKU-1", 2)],
    )
    await orders.confirm_order(admin, third.id)
    notice = await notices.create_shipping_notice(
        admin, order_ids=[third.id], document_no=f"{SECRET}-DN"
    )
    await delivery.record_delivery(
        admin,
        event_id=f"{SECRET}-EV",
        shipment_id=notice.shipment_id,
        differences=[delivery.DifferenceInput("SKU-1", "DAMAGED", 1, "WET", f"{SECRET} note")],
    )


async def _seed_checks(d1: Principal) -> None:
    """D1's blind count of D1-W, submitted (check 1), and a counted draft of D1-W2 (2)."""
    from portal.domain.checks import review, sheets
    from portal.models.enums import CheckSource

    for code in ("D1-W", "D1-W2"):
        check = await sheets.start_inventory_check(
            d1,
            warehouse_code=code,
            source=CheckSource.ALL_PRODUCTS,
            blind=True,
            count_date=date(2026, 10, 20),
        )
        await sheets.record_counts(d1, check.id, [sheets.CountInput("SKU-1", 4)])
        if code == "D1-W":
            await review.submit_inventory_check(d1, check.id)


async def _seed_documents(d1: Principal) -> None:
    """D1's outbound over the approval threshold, pending (document 1), with a secret note."""
    from portal.domain.checks import documents
    from portal.models.enums import InventoryDocumentKind, InventoryDocumentReason

    await ManufacturerSettings.filter(manufacturer_id=d1.manufacturer_id).update(
        document_approval_threshold=1
    )
    await documents.record_inventory_document(
        d1,
        None,
        kind=InventoryDocumentKind.OUTBOUND,
        warehouse_code="D1-W",
        reason=InventoryDocumentReason.SAMPLE,
        lines=[documents.DocumentLineInput("SKU-1", 2)],
        business_date=date(2026, 10, 21),
        document_no=f"{SECRET}-OUT",
        note=f"{SECRET} sample",
    )


async def _seed_demand(d1: Principal) -> None:
    """D1's commitment (a secret name), its forecast and the manager's secret note."""
    from portal.domain.demand import account, agreements, forecasts

    manager = Principal(d1.manufacturer_id, Role.CHANNEL_MANAGER)
    await agreements.create_sales_agreement(
        manager,
        partner_code="D1",
        name=f"{SECRET} commitment",
        period_from="2026-10",
        period_to="2026-11",
        lines=[agreements.CommitmentInput("SKU-1", "2026-10", 7)],
    )
    await forecasts.submit_forecast(d1, lines=[forecasts.ForecastCell("SKU-1", "2026-11", 9)])
    await account.adjust_account_forecast(
        manager,
        partner_code="D1",
        sku="SKU-1",
        period="2026-10",
        adjustment=2,
        note=f"{SECRET} note",
    )


async def _upload(client, token: str, name: str, payload: dict[str, Any]):  # type: ignore[no-untyped-def]
    operations = {
        "query": f"mutation($input: UploadSubmissionInput!) {{ {name}(input: $input) {{ errors {{ code }} }} }}",
        "variables": {"input": {**payload, "file": None}},
    }
    return await client.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("s.csv", b"warehouse_code,sku,quantity\nD1-W,SKU-1,1\n", "text/csv")},
        headers={"Authorization": f"Bearer {token}", "Apollo-Require-Preflight": "1"},
    )


def _schema_fields() -> tuple[set[str], set[str]]:
    schema = build_schema(Settings()).as_str()
    graphql_schema = __import__("graphql").build_schema(schema)
    return set(graphql_schema.query_type.fields), set(graphql_schema.mutation_type.fields)


def test_the_sweep_covers_every_field() -> None:
    queries, mutations = _schema_fields()
    assert queries == set(QUERIES)
    assert mutations == set(MUTATIONS)


async def test_other_partner_and_other_manufacturer_see_and_change_nothing(client) -> None:
    victim_id, other_partner = await _seed_victim()
    # D2's own warehouse name is also "Zebra wh" (same tenant); drop D2's names from the check.
    await Partner.filter(code="D2").update(name="Other partner")
    await Warehouse.filter(code="D2-W").update(name="Other wh")
    _, other_manufacturer = await create_manufacturer("Globex")
    before = await _victim_state(victim_id)

    for token in (other_partner, other_manufacturer):
        graph = Graph(client, token)
        hidden = (SECRET,) if token == other_partner else (SECRET, CATALOG)
        for name, (query, variables) in QUERIES.items():
            response = await graph.raw(query, variables)
            assert response.status_code == 200, (name, response.text)
            assert not any(h in response.text for h in hidden), (name, response.text)
        for name, (input_type, payload) in MUTATIONS.items():
            if input_type == "UPLOAD":  # multipart, per the GraphQL multipart request spec
                response = await _upload(client, token, name, payload)
            elif input_type:
                response = await graph.raw(M.format(type=input_type, name=name), {"input": payload})
            else:  # a mutation without input
                response = await graph.raw(f"mutation {{ {name} {{ errors {{ code }} }} }}")
            assert response.status_code == 200, (name, response.text)
            assert not any(h in response.text for h in hidden), (name, response.text)
            body = response.json()
            if token == other_partner:  # the other manufacturer may act on its own tenant
                assert body.get("errors") or body["data"][name]["errors"], (name, body)

    assert await _victim_state(victim_id) == before


# Who may call each mutation: one table, independent of the rule table it checks. A
# mutation of the schema missing here fails the sweep. The inputs are those of MUTATIONS
# with the overrides below: the strictest case of a mutation whose rule depends on its
# input (a consignment warehouse, a comment on an exception), and no destructive change
# to the partner the tokens belong to.
_MANUFACTURER_ADMINS = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER})
_STOCK_WORKERS = frozenset(
    {Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_INVENTORY}
)
_RECEIVERS = frozenset({Role.ADMIN, Role.SHIPPING, Role.PARTNER_ADMIN, Role.PARTNER_INVENTORY})
_SHIPPERS = frozenset({Role.ADMIN, Role.SHIPPING})
_ADMIN = frozenset({Role.ADMIN})
_TOKEN_ADMINS = frozenset({Role.ADMIN, Role.PARTNER_ADMIN})
_DESIGNERS = frozenset({Role.ADMIN, Role.PARTNER_ADMIN, Role.PARTNER_SALES})
_ORDER_MANAGERS = frozenset(
    {Role.ADMIN, Role.CHANNEL_MANAGER, Role.SHIPPING, Role.PARTNER_ADMIN, Role.PARTNER_INVENTORY}
)

ALLOWED: dict[str, frozenset[Role]] = {
    "createPartner": _MANUFACTURER_ADMINS,
    "updatePartner": _MANUFACTURER_ADMINS,
    "createProduct": _ADMIN,
    "updateProduct": _ADMIN,
    "setListPrice": _ADMIN,
    "mapPartnerSku": _STOCK_WORKERS,
    "unmapPartnerSku": _STOCK_WORKERS,
    "createWarehouse": _ADMIN,  # CONSIGNMENT: manufacturer-owned stock
    "updateWarehouse": _ADMIN,  # a CONSIGNMENT warehouse
    "issueApiToken": _TOKEN_ADMINS,
    "revokeApiToken": _TOKEN_ADMINS,
    "updateSettings": _ADMIN,
    "recordShipment": _SHIPPERS,
    "receiveShipment": _RECEIVERS,
    "raiseTransfer": _STOCK_WORKERS,
    "approveTransfer": _MANUFACTURER_ADMINS,
    "rejectTransfer": _MANUFACTURER_ADMINS,
    "shipTransfer": _STOCK_WORKERS,
    "receiveTransfer": _STOCK_WORKERS,
    "cancelTransfer": _STOCK_WORKERS,
    "raiseReturn": _STOCK_WORKERS,
    "requestReturn": _STOCK_WORKERS,
    "receiveReturn": _RECEIVERS,  # a partner: only returns coming back to it as supplier
    "cancelReturn": _STOCK_WORKERS,
    "postAdjustment": _MANUFACTURER_ADMINS,
    "reverseLedgerEntry": _MANUFACTURER_ADMINS,
    "syncErp": _ADMIN,
    "registerDesign": _DESIGNERS,
    "reviewDesign": _MANUFACTURER_ADMINS,
    "closeDesign": _DESIGNERS,
    "registerWebhook": _ADMIN,
    "createPriceAgreement": _MANUFACTURER_ADMINS,
    "submitClaim": frozenset(
        {Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_SALES}
    ),
    "reviewClaim": _MANUFACTURER_ADMINS,
    "announcePriceDrop": _MANUFACTURER_ADMINS,
    "createRebateProgram": _MANUFACTURER_ADMINS,
    "payRebateInterim": _MANUFACTURER_ADMINS,
    "closeRebateProgram": _MANUFACTURER_ADMINS,
    "createInventoryContract": _MANUFACTURER_ADMINS,
    "initializeContractLine": _MANUFACTURER_ADMINS,
    "reportConsumption": _STOCK_WORKERS,
    "takeOverOwnership": _MANUFACTURER_ADMINS,
    "returnContractStock": _MANUFACTURER_ADMINS,
    "extendContract": _MANUFACTURER_ADMINS,
    "placeOrder": frozenset(
        {
            Role.ADMIN,
            Role.CHANNEL_MANAGER,
            Role.PARTNER_ADMIN,
            Role.PARTNER_INVENTORY,
            Role.PARTNER_SALES,
        }
    ),
    "confirmOrder": _ORDER_MANAGERS,
    "rejectOrder": _ORDER_MANAGERS,
    "cancelOrder": frozenset(Role) - {Role.PARTNER_VIEWER},
    "adjustReservation": _ORDER_MANAGERS,
    "adjustSupplyStock": _SHIPPERS,
    "recordDeliveryEvent": _SHIPPERS,
    "createShippingNotice": frozenset(
        {Role.ADMIN, Role.SHIPPING, Role.PARTNER_ADMIN, Role.PARTNER_INVENTORY}
    ),
    "startInventoryCheck": _STOCK_WORKERS,
    "recordCounts": _STOCK_WORKERS,
    "submitInventoryCheck": _STOCK_WORKERS,
    "reviewInventoryCheck": _MANUFACTURER_ADMINS,
    "recordInventoryDocument": _STOCK_WORKERS,
    "reviewInventoryDocument": _MANUFACTURER_ADMINS,
    "createSalesAgreement": _MANUFACTURER_ADMINS,
    "submitForecast": frozenset(
        {Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_SALES}
    ),
    "adjustAccountForecast": _MANUFACTURER_ADMINS,
    "updateException": _STOCK_WORKERS,  # a comment only; managing it is APPROVE_MOVEMENTS
    "uploadSubmission": _STOCK_WORKERS,
    "submitPos": _STOCK_WORKERS,
    "submitStockSnapshot": _STOCK_WORKERS,
    "saveMappingTemplate": _STOCK_WORKERS,
    "deleteMappingTemplate": _STOCK_WORKERS,
}

ROLE_SWEEP_INPUTS: dict[str, dict[str, Any]] = {
    "updatePartner": {"code": "D2", "name": "renamed"},
    "updateProduct": {"sku": "SKU-1", "name": "renamed"},
    "createWarehouse": {"code": "C9", "name": "x", "partnerCode": "D1", "kind": "CONSIGNMENT"},
    "updateWarehouse": {"code": "D1-C", "name": "renamed", "active": False},
    "revokeApiToken": {"id": "999999"},
    # The role gate only: on SQLite the sweep's own raiseReturn made return 1, a return to
    # the manufacturer, which a partner may not receive (RECORD_SHIPMENT, checked after it
    # is found); no such return: NOT_FOUND for every role the table allows.
    "receiveReturn": {"id": "999999"},
    "updateException": {"rowId": "1", "note": "a comment"},
}


def _forbidden(body: dict[str, Any]) -> bool:
    return any(e.get("extensions", {}).get("code") == "FORBIDDEN" for e in body.get("errors", []))


async def _call(client, token: str, name: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    input_type, payload = MUTATIONS[name]
    payload = ROLE_SWEEP_INPUTS.get(name, payload)
    if input_type == "UPLOAD":
        response = await _upload(client, token, name, payload)
    elif input_type:
        response = await Graph(client, token).raw(
            M.format(type=input_type, name=name), {"input": payload}
        )
    else:
        response = await Graph(client, token).raw(f"mutation {{ {name} {{ errors {{ code }} }} }}")
    assert response.status_code == 200, (name, response.text)
    body: dict[str, Any] = response.json()
    return body


def test_the_role_table_names_every_mutation() -> None:
    _, mutations = _schema_fields()
    assert set(ALLOWED) == mutations


async def test_every_role_may_call_exactly_the_mutations_of_its_table(client) -> None:
    from portal.domain.catalog import partners, products, warehouses
    from portal.models.enums import WarehouseKind

    manufacturer, _ = await create_manufacturer("Roles Corp")
    admin = Principal(manufacturer_id=manufacturer.id, role=Role.ADMIN)
    for code in ("D1", "D2"):
        await partners.create_partner(admin, code=code, name=code, tier=PartnerTier.DISTRIBUTOR)
        await warehouses.create_warehouse(admin, code=f"{code}-W", name="w", partner_code=code)
    await warehouses.create_warehouse(
        admin, code="D1-C", name="c", partner_code="D1", kind=WarehouseKind.CONSIGNMENT
    )
    await products.create_product(admin, sku="SKU-1", name="s", list_price=5)
    d1 = await Partner.get(code="D1")

    wrong: list[tuple[str, str, str]] = []
    for role in Role:
        partner_id = d1.id if role.is_partner_role else None
        _, token = await create_token(manufacturer.id, role, partner_id=partner_id)
        for name in MUTATIONS:
            allowed = role in ALLOWED[name]
            if _forbidden(await _call(client, token, name)) == allowed:
                wrong.append((role.value, name, "refused" if allowed else "let through"))
    assert wrong == []
