"""Wires queries and mutations to their resolvers; each field names its permission."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from portal.domain.access.principal import Action
from portal.resolvers.access import tokens as r_access
from portal.resolvers.catalog import partners as r_partners
from portal.resolvers.catalog import products as r_products
from portal.resolvers.catalog import warehouses as r_warehouses
from portal.resolvers.checks import documents as r_documents
from portal.resolvers.checks import sheets as r_checks
from portal.resolvers.contracts import contracts as r_contracts
from portal.resolvers.demand import plans as r_demand
from portal.resolvers.designs import registrations as r_designs
from portal.resolvers.incentives import claims as r_incentives
from portal.resolvers.incentives import price_protection as r_price_protection
from portal.resolvers.incentives import rebates as r_rebates
from portal.resolvers.integrations import connectors as r_integrations
from portal.resolvers.jobs import failures as r_jobs
from portal.resolvers.ledger import inventory as r_inventory
from portal.resolvers.ledger import returns as r_returns
from portal.resolvers.orders import delivery as r_delivery
from portal.resolvers.orders import orders as r_orders
from portal.resolvers.orders import returns as r_order_returns
from portal.resolvers.reconciliation import rows as r_reconciliation
from portal.resolvers.reporting import submissions as r_submissions
from portal.schema.access.types import (
    ApiToken,
    ApiTokenPayload,
    IssueApiTokenPayload,
    ManufacturerSettings,
    SettingsPayload,
    Viewer,
)
from portal.schema.catalog.partners import Partner, PartnerPayload
from portal.schema.catalog.products import Product, ProductPayload, SkuMapping, SkuMappingPayload
from portal.schema.catalog.warehouses import Warehouse, WarehousePayload
from portal.schema.checks.documents import InventoryDocument, InventoryDocumentPayload
from portal.schema.checks.types import InventoryCheck, InventoryCheckPayload
from portal.schema.common import Connection
from portal.schema.contracts.types import (
    CallOffNotification,
    Charge,
    InventoryContract,
    InventoryContractPayload,
)
from portal.schema.demand.types import (
    AccountForecastPayload,
    AccountForecastRow,
    AgreementPerformanceRow,
    ForecastAccuracyRow,
    ForecastDraft,
    ForecastPayload,
    SalesAgreement,
    SalesAgreementPayload,
)
from portal.schema.designs.types import DesignRegistration, DesignRegistrationPayload
from portal.schema.incentives.price_protection import (
    PriceProtectionProgram,
    PriceProtectionProgramDetail,
    PriceProtectionProgramPayload,
)
from portal.schema.incentives.rebates import (
    RebateLiability,
    RebateProgram,
    RebateProgramPayload,
    RebateStatement,
)
from portal.schema.incentives.types import (
    AgreementLiability,
    Claim,
    ClaimDraft,
    ClaimPayload,
    CreditMemo,
    PriceAgreement,
    PriceAgreementPayload,
)
from portal.schema.integrations.types import ErpSyncRun, JobPayload, RegisterWebhookPayload, Webhook
from portal.schema.jobs.types import JobFailure
from portal.schema.ledger.inventory import (
    BatchBalance,
    LedgerEntry,
    Shipment,
    ShipmentPayload,
    StockBalance,
    Transfer,
    TransferPayload,
)
from portal.schema.ledger.returns import LedgerEntryPayload, ReturnPayload, StockReturn
from portal.schema.orders.delivery import DeliveryEventPayload
from portal.schema.orders.returns import ReturnOptions
from portal.schema.orders.types import (
    Availability,
    Order,
    OrderPayload,
    ShippingNotice,
    ShippingNoticePayload,
    SupplyStockPayload,
)
from portal.schema.permissions import allow
from portal.schema.reconciliation.types import (
    ChannelSummaryRow,
    ReconciliationRow,
    ReconciliationRowPayload,
)
from portal.schema.reporting.submissions import (
    ComplianceRow,
    MappingTemplate,
    MappingTemplatePayload,
    PosDraft,
    StockSnapshotDraft,
    Submission,
    SubmissionPayload,
)

CATALOG = [allow(Action.VIEW_CATALOG)]
INVENTORY = [allow(Action.VIEW_INVENTORY)]
MOVE = [allow(Action.MOVE_STOCK)]
SUBMIT = [allow(Action.SUBMIT_REPORTS)]
CONTRACTS = [allow(Action.MANAGE_CONTRACTS)]
COUNT = [allow(Action.COUNT_STOCK)]
PLAN = [allow(Action.PLAN_DEMAND)]


@strawberry.type
class Query:
    viewer: Viewer = strawberry.field(resolver=r_access.resolve_viewer, permission_classes=CATALOG)
    partners: Connection[Partner] = strawberry.field(
        resolver=r_partners.resolve_partners, permission_classes=CATALOG
    )
    products: Connection[Product] = strawberry.field(
        resolver=r_products.resolve_products, permission_classes=CATALOG
    )
    warehouses: list[Warehouse] = strawberry.field(
        resolver=r_warehouses.resolve_warehouses, permission_classes=CATALOG
    )
    sku_mappings: Connection[SkuMapping] = strawberry.field(
        resolver=r_products.resolve_sku_mappings, permission_classes=CATALOG
    )
    api_tokens: Connection[ApiToken] = strawberry.field(
        resolver=r_access.resolve_api_tokens, permission_classes=[allow(Action.MANAGE_TOKENS)]
    )
    settings: ManufacturerSettings = strawberry.field(
        resolver=r_access.resolve_settings, permission_classes=[allow(Action.VIEW_SETTINGS)]
    )
    stock_balances: Connection[StockBalance] = strawberry.field(
        resolver=r_inventory.resolve_stock_balances, permission_classes=INVENTORY
    )
    batch_balances: list[BatchBalance] = strawberry.field(
        resolver=r_inventory.resolve_batch_balances,
        permission_classes=INVENTORY,
        description="Per-batch stock of a batch-controlled SKU (batches holding stock).",
    )
    ledger_entries: Connection[LedgerEntry] = strawberry.field(
        resolver=r_inventory.resolve_ledger_entries,
        permission_classes=INVENTORY,
        description="Movement history of a warehouse (and SKU): why a balance is what it is.",
    )
    shipments: Connection[Shipment] = strawberry.field(
        resolver=r_inventory.resolve_shipments, permission_classes=INVENTORY
    )
    transfers: Connection[Transfer] = strawberry.field(
        resolver=r_inventory.resolve_transfers, permission_classes=INVENTORY
    )
    returns: Connection[StockReturn] = strawberry.field(
        resolver=r_returns.resolve_returns, permission_classes=INVENTORY
    )
    submission: Submission | None = strawberry.field(
        resolver=r_submissions.resolve_submission, permission_classes=INVENTORY
    )
    submissions: Connection[Submission] = strawberry.field(
        resolver=r_submissions.resolve_submissions, permission_classes=INVENTORY
    )
    pos_draft: PosDraft = strawberry.field(
        resolver=r_submissions.resolve_pos_draft,
        permission_classes=INVENTORY,
        description="One row per (warehouse, SKU, end customer) reported in the prior period.",
    )
    stock_snapshot_draft: StockSnapshotDraft = strawberry.field(
        resolver=r_submissions.resolve_stock_draft,
        permission_classes=INVENTORY,
        description="One row per (warehouse, SKU) with the calculated closing quantity.",
    )
    mapping_templates: list[MappingTemplate] = strawberry.field(
        resolver=r_submissions.resolve_templates, permission_classes=INVENTORY
    )
    submission_compliance: list[ComplianceRow] = strawberry.field(
        resolver=r_submissions.resolve_compliance, permission_classes=INVENTORY
    )
    reconciliation: Connection[ReconciliationRow] = strawberry.field(
        resolver=r_reconciliation.resolve_reconciliation, permission_classes=INVENTORY
    )
    channel_summary: list[ChannelSummaryRow] = strawberry.field(
        resolver=r_reconciliation.resolve_channel_summary, permission_classes=INVENTORY
    )
    design_registrations: Connection[DesignRegistration] = strawberry.field(
        resolver=r_designs.resolve_designs, permission_classes=INVENTORY
    )
    price_agreements: Connection[PriceAgreement] = strawberry.field(
        resolver=r_incentives.resolve_price_agreements, permission_classes=INVENTORY
    )
    claim_draft: ClaimDraft = strawberry.field(
        resolver=r_incentives.resolve_claim_draft,
        permission_classes=INVENTORY,
        description="Every provable, not yet claimed quantity of the period, prefilled.",
    )
    claims: Connection[Claim] = strawberry.field(
        resolver=r_incentives.resolve_claims, permission_classes=INVENTORY
    )
    claim: Claim | None = strawberry.field(
        resolver=r_incentives.resolve_claim, permission_classes=INVENTORY
    )
    credit_memos: Connection[CreditMemo] = strawberry.field(
        resolver=r_incentives.resolve_credit_memos, permission_classes=INVENTORY
    )
    incentive_liability: Connection[AgreementLiability] = strawberry.field(
        resolver=r_incentives.resolve_incentive_liability,
        permission_classes=INVENTORY,
        description="Per price agreement: eligible-unclaimed, claimed, approved, credited.",
    )
    price_protection_programs: Connection[PriceProtectionProgram] = strawberry.field(
        resolver=r_price_protection.resolve_price_protection_programs,
        permission_classes=INVENTORY,
        description="Programs opened by list-price drops, newest first.",
    )
    price_protection_program: PriceProtectionProgramDetail | None = strawberry.field(
        resolver=r_price_protection.resolve_price_protection_program,
        permission_classes=INVENTORY,
        description="One program (null when unknown), with its eligible units.",
    )
    rebate_programs: Connection[RebateProgram] = strawberry.field(
        resolver=r_rebates.resolve_rebate_programs,
        permission_classes=INVENTORY,
        description="Volume and growth rebate programs, newest first.",
    )
    rebate_statement: RebateStatement = strawberry.field(
        resolver=r_rebates.resolve_rebate_statement,
        permission_classes=INVENTORY,
        description="A partner's attainment, rate, next threshold and accrual (its own only).",
    )
    rebate_liability: RebateLiability = strawberry.field(
        resolver=r_rebates.resolve_rebate_liability,
        permission_classes=INVENTORY,
        description="A program's accrued, paid and open amounts and accrual per period (staff).",
    )
    inventory_contracts: Connection[InventoryContract] = strawberry.field(
        resolver=r_contracts.resolve_inventory_contracts, permission_classes=INVENTORY
    )
    call_off_notifications: Connection[CallOffNotification] = strawberry.field(
        resolver=r_contracts.resolve_call_off_notifications, permission_classes=INVENTORY
    )
    charges: Connection[Charge] = strawberry.field(
        resolver=r_contracts.resolve_charges, permission_classes=INVENTORY
    )
    availability: list[Availability] = strawberry.field(
        resolver=r_orders.resolve_availability,
        permission_classes=INVENTORY,
        description="On hand, reserved and available per warehouse of a supplier.",
    )
    orders: Connection[Order] = strawberry.field(
        resolver=r_orders.resolve_orders, permission_classes=INVENTORY
    )
    order: Order | None = strawberry.field(
        resolver=r_orders.resolve_order, permission_classes=INVENTORY
    )
    shipping_notices: Connection[ShippingNotice] = strawberry.field(
        resolver=r_orders.resolve_shipping_notices,
        permission_classes=INVENTORY,
        description="Received by the partner, issued by it as a supplier, or (staff) all.",
    )
    return_options: ReturnOptions = strawberry.field(
        resolver=r_order_returns.resolve_return_options,
        permission_classes=INVENTORY,
        description="Which returns requestReturn accepts (the return form's choices).",
    )
    inventory_checks: Connection[InventoryCheck] = strawberry.field(
        resolver=r_checks.resolve_inventory_checks, permission_classes=INVENTORY
    )
    inventory_check: InventoryCheck | None = strawberry.field(
        resolver=r_checks.resolve_inventory_check,
        permission_classes=INVENTORY,
        description="One check sheet: page its lines here (a phone counts a page at a time).",
    )
    inventory_documents: Connection[InventoryDocument] = strawberry.field(
        resolver=r_documents.resolve_inventory_documents,
        permission_classes=INVENTORY,
        description="A partner's opening-stock, inbound and outbound documents, newest last.",
    )
    inventory_document: InventoryDocument | None = strawberry.field(
        resolver=r_documents.resolve_inventory_document, permission_classes=INVENTORY
    )
    sales_agreements: Connection[SalesAgreement] = strawberry.field(
        resolver=r_demand.resolve_sales_agreements, permission_classes=INVENTORY
    )
    sales_agreement_performance: list[AgreementPerformanceRow] = strawberry.field(
        resolver=r_demand.resolve_agreement_performance,
        permission_classes=INVENTORY,
        description="Per line: committed, actual sell-in, remaining obligation, variance.",
    )
    forecast_draft: ForecastDraft = strawberry.field(
        resolver=r_demand.resolve_forecast_draft,
        permission_classes=INVENTORY,
        description="Prefilled from the last forecast, else the trailing 3-period average.",
    )
    account_forecast: list[AccountForecastRow] = strawberry.field(
        resolver=r_demand.resolve_account_forecast, permission_classes=PLAN
    )
    forecast_accuracy: list[ForecastAccuracyRow] = strawberry.field(
        resolver=r_demand.resolve_forecast_accuracy, permission_classes=PLAN
    )
    webhooks: list[Webhook] = strawberry.field(
        resolver=r_integrations.resolve_webhooks, permission_classes=[allow(Action.MANAGE_SETTINGS)]
    )
    erp_sync_runs: Connection[ErpSyncRun] = strawberry.field(
        resolver=r_integrations.resolve_erp_sync_runs,
        permission_classes=[allow(Action.VIEW_SETTINGS)],
    )
    job_failures: Connection[JobFailure] = strawberry.field(
        resolver=r_jobs.resolve_job_failures,
        permission_classes=[allow(Action.MANAGE_SETTINGS)],
        description="Items of shared background jobs that failed for this manufacturer.",
    )


@strawberry.type
class Mutation:
    create_partner: PartnerPayload = strawberry.mutation(
        resolver=r_partners.create_partner, permission_classes=[allow(Action.MANAGE_PARTNERS)]
    )
    update_partner: PartnerPayload = strawberry.mutation(
        resolver=r_partners.update_partner, permission_classes=[allow(Action.MANAGE_PARTNERS)]
    )
    create_product: ProductPayload = strawberry.mutation(
        resolver=r_products.create_product, permission_classes=[allow(Action.MANAGE_PRODUCTS)]
    )
    update_product: ProductPayload = strawberry.mutation(
        resolver=r_products.update_product, permission_classes=[allow(Action.MANAGE_PRODUCTS)]
    )
    set_list_price: ProductPayload = strawberry.mutation(
        resolver=r_products.set_list_price, permission_classes=[allow(Action.MANAGE_PRODUCTS)]
    )
    map_partner_sku: SkuMappingPayload = strawberry.mutation(
        resolver=r_products.map_partner_sku, permission_classes=[allow(Action.MANAGE_SKU_MAPPINGS)]
    )
    unmap_partner_sku: SkuMappingPayload = strawberry.mutation(
        resolver=r_products.unmap_partner_sku,
        permission_classes=[allow(Action.MANAGE_SKU_MAPPINGS)],
    )
    create_warehouse: WarehousePayload = strawberry.mutation(
        resolver=r_warehouses.create_warehouse, permission_classes=[allow(Action.MANAGE_WAREHOUSES)]
    )
    update_warehouse: WarehousePayload = strawberry.mutation(
        resolver=r_warehouses.update_warehouse, permission_classes=[allow(Action.MANAGE_WAREHOUSES)]
    )
    issue_api_token: IssueApiTokenPayload = strawberry.mutation(
        resolver=r_access.issue_api_token, permission_classes=[allow(Action.MANAGE_TOKENS)]
    )
    revoke_api_token: ApiTokenPayload = strawberry.mutation(
        resolver=r_access.revoke_api_token, permission_classes=[allow(Action.MANAGE_TOKENS)]
    )
    update_settings: SettingsPayload = strawberry.mutation(
        resolver=r_access.update_settings, permission_classes=[allow(Action.MANAGE_SETTINGS)]
    )
    record_shipment: ShipmentPayload = strawberry.mutation(
        resolver=r_inventory.record_shipment, permission_classes=[allow(Action.RECORD_SHIPMENT)]
    )
    receive_shipment: ShipmentPayload = strawberry.mutation(
        resolver=r_inventory.receive_shipment, permission_classes=[allow(Action.RECEIVE_SHIPMENT)]
    )
    raise_transfer: TransferPayload = strawberry.mutation(
        resolver=r_inventory.raise_transfer, permission_classes=MOVE
    )
    approve_transfer: TransferPayload = strawberry.mutation(
        resolver=r_inventory.approve_transfer, permission_classes=[allow(Action.APPROVE_MOVEMENTS)]
    )
    reject_transfer: TransferPayload = strawberry.mutation(
        resolver=r_inventory.reject_transfer, permission_classes=[allow(Action.APPROVE_MOVEMENTS)]
    )
    ship_transfer: TransferPayload = strawberry.mutation(
        resolver=r_inventory.ship_transfer, permission_classes=MOVE
    )
    receive_transfer: TransferPayload = strawberry.mutation(
        resolver=r_inventory.receive_transfer, permission_classes=MOVE
    )
    cancel_transfer: TransferPayload = strawberry.mutation(
        resolver=r_inventory.cancel_transfer, permission_classes=MOVE
    )
    raise_return: ReturnPayload = strawberry.mutation(
        resolver=r_returns.raise_return, permission_classes=MOVE
    )
    request_return: ReturnPayload = strawberry.mutation(
        resolver=r_order_returns.request_return,
        permission_classes=MOVE,
        description="Return ordered goods: against orders, a shipment, or source-free.",
    )
    receive_return: ReturnPayload = strawberry.mutation(
        resolver=r_returns.receive_return, permission_classes=[allow(Action.RECEIVE_RETURN)]
    )
    cancel_return: ReturnPayload = strawberry.mutation(
        resolver=r_returns.cancel_return, permission_classes=MOVE
    )
    post_adjustment: LedgerEntryPayload = strawberry.mutation(
        resolver=r_returns.post_adjustment, permission_classes=[allow(Action.APPROVE_MOVEMENTS)]
    )
    reverse_ledger_entry: LedgerEntryPayload = strawberry.mutation(
        resolver=r_returns.reverse_ledger_entry,
        permission_classes=[allow(Action.APPROVE_MOVEMENTS)],
    )
    sync_erp: JobPayload = strawberry.mutation(
        resolver=r_integrations.sync_erp, permission_classes=[allow(Action.MANAGE_SETTINGS)]
    )
    submit_pos: SubmissionPayload = strawberry.mutation(
        resolver=r_submissions.submit_pos, permission_classes=SUBMIT
    )
    submit_stock_snapshot: SubmissionPayload = strawberry.mutation(
        resolver=r_submissions.submit_stock_snapshot, permission_classes=SUBMIT
    )
    register_design: DesignRegistrationPayload = strawberry.mutation(
        resolver=r_designs.register_design, permission_classes=[allow(Action.REGISTER_DESIGNS)]
    )
    review_design: DesignRegistrationPayload = strawberry.mutation(
        resolver=r_designs.review_design, permission_classes=[allow(Action.REVIEW_DESIGNS)]
    )
    close_design: DesignRegistrationPayload = strawberry.mutation(
        resolver=r_designs.close_design, permission_classes=[allow(Action.REGISTER_DESIGNS)]
    )
    create_price_agreement: PriceAgreementPayload = strawberry.mutation(
        resolver=r_incentives.create_price_agreement,
        permission_classes=[allow(Action.MANAGE_AGREEMENTS)],
    )
    submit_claim: ClaimPayload = strawberry.mutation(
        resolver=r_incentives.submit_claim, permission_classes=[allow(Action.SUBMIT_CLAIMS)]
    )
    review_claim: ClaimPayload = strawberry.mutation(
        resolver=r_incentives.review_claim, permission_classes=[allow(Action.REVIEW_CLAIMS)]
    )
    announce_price_drop: PriceProtectionProgramPayload = strawberry.mutation(
        resolver=r_price_protection.announce_price_drop,
        permission_classes=[allow(Action.MANAGE_AGREEMENTS)],
        description="Record a dropped list price and open its price protection program.",
    )
    create_rebate_program: RebateProgramPayload = strawberry.mutation(
        resolver=r_rebates.create_rebate_program,
        permission_classes=[allow(Action.MANAGE_AGREEMENTS)],
        description="Create a volume or growth rebate program; its accruals follow the ledger.",
    )
    close_rebate_program: RebateProgramPayload = strawberry.mutation(
        resolver=r_rebates.close_rebate_program,
        permission_classes=[allow(Action.REVIEW_CLAIMS)],
        description="Settle: one credit memo per partner for accrued less paid; then closed.",
    )
    pay_rebate_interim: RebateProgramPayload = strawberry.mutation(
        resolver=r_rebates.pay_rebate_interim,
        permission_classes=[allow(Action.REVIEW_CLAIMS)],
        description="An interim payout: accrued less paid, per partner; the program stays open.",
    )
    create_inventory_contract: InventoryContractPayload = strawberry.mutation(
        resolver=r_contracts.create_inventory_contract, permission_classes=CONTRACTS
    )
    initialize_contract_line: InventoryContractPayload = strawberry.mutation(
        resolver=r_contracts.initialize_contract_line, permission_classes=CONTRACTS
    )
    take_over_ownership: InventoryContractPayload = strawberry.mutation(
        resolver=r_contracts.take_over_ownership, permission_classes=CONTRACTS
    )
    return_contract_stock: InventoryContractPayload = strawberry.mutation(
        resolver=r_contracts.return_contract_stock, permission_classes=CONTRACTS
    )
    extend_contract: InventoryContractPayload = strawberry.mutation(
        resolver=r_contracts.extend_contract, permission_classes=CONTRACTS
    )
    report_consumption: InventoryContractPayload = strawberry.mutation(
        resolver=r_contracts.report_consumption,
        permission_classes=[allow(Action.REPORT_CONSUMPTION)],
    )
    place_order: OrderPayload = strawberry.mutation(
        resolver=r_orders.place_order, permission_classes=[allow(Action.PLACE_ORDERS)]
    )
    confirm_order: OrderPayload = strawberry.mutation(
        resolver=r_orders.confirm_order, permission_classes=[allow(Action.MANAGE_ORDERS)]
    )
    reject_order: OrderPayload = strawberry.mutation(
        resolver=r_orders.reject_order, permission_classes=[allow(Action.MANAGE_ORDERS)]
    )
    cancel_order: OrderPayload = strawberry.mutation(
        resolver=r_orders.cancel_order, permission_classes=[allow(Action.CANCEL_ORDERS)]
    )
    adjust_reservation: OrderPayload = strawberry.mutation(
        resolver=r_orders.adjust_reservation, permission_classes=[allow(Action.MANAGE_ORDERS)]
    )
    create_shipping_notice: ShippingNoticePayload = strawberry.mutation(
        resolver=r_orders.create_shipping_notice,
        permission_classes=[allow(Action.SHIP_ORDERS)],
        description="Ship confirmed orders: the sell-in shipment or the supplier's transfer.",
    )
    record_delivery_event: DeliveryEventPayload = strawberry.mutation(
        resolver=r_delivery.record_delivery_event,
        permission_classes=[allow(Action.RECORD_SHIPMENT)],
        description="A shipment was delivered (the carrier's event, entered by staff).",
    )
    adjust_supply_stock: SupplyStockPayload = strawberry.mutation(
        resolver=r_orders.adjust_supply_stock,
        permission_classes=[allow(Action.ADJUST_SUPPLY)],
        description="Shipping staff change the on hand of a manufacturer warehouse.",
    )
    start_inventory_check: InventoryCheckPayload = strawberry.mutation(
        resolver=r_checks.start_inventory_check, permission_classes=COUNT
    )
    record_counts: InventoryCheckPayload = strawberry.mutation(
        resolver=r_checks.record_counts, permission_classes=COUNT
    )
    submit_inventory_check: InventoryCheckPayload = strawberry.mutation(
        resolver=r_checks.submit_inventory_check, permission_classes=COUNT
    )
    review_inventory_check: InventoryCheckPayload = strawberry.mutation(
        resolver=r_checks.review_inventory_check,
        permission_classes=[allow(Action.REVIEW_CHECKS)],
    )
    record_inventory_document: InventoryDocumentPayload = strawberry.mutation(
        resolver=r_documents.record_inventory_document,
        permission_classes=MOVE,
        description="Opening stock, goods received from elsewhere, or a non-sale issue: "
        "posted at once, or PENDING_APPROVAL above the documentApprovalThreshold.",
    )
    review_inventory_document: InventoryDocumentPayload = strawberry.mutation(
        resolver=r_documents.review_inventory_document,
        permission_classes=[allow(Action.REVIEW_CHECKS)],
        description="Approve (it posts) or reject (with a note) a pending document.",
    )
    create_sales_agreement: SalesAgreementPayload = strawberry.mutation(
        resolver=r_demand.create_sales_agreement, permission_classes=PLAN
    )
    submit_forecast: ForecastPayload = strawberry.mutation(
        resolver=r_demand.submit_forecast, permission_classes=[allow(Action.SUBMIT_FORECASTS)]
    )
    adjust_account_forecast: AccountForecastPayload = strawberry.mutation(
        resolver=r_demand.adjust_account_forecast, permission_classes=PLAN
    )
    register_webhook: RegisterWebhookPayload = strawberry.mutation(
        resolver=r_integrations.register_webhook, permission_classes=[allow(Action.MANAGE_SETTINGS)]
    )
    update_exception: ReconciliationRowPayload = strawberry.mutation(
        resolver=r_reconciliation.update_exception,
        permission_classes=[allow(Action.COMMENT_EXCEPTIONS)],
    )
    upload_submission: SubmissionPayload = strawberry.mutation(
        resolver=r_submissions.upload_submission,
        permission_classes=SUBMIT,
        description="Multipart upload (GraphQL multipart request spec) of a CSV or XLSX.",
    )
    save_mapping_template: MappingTemplatePayload = strawberry.mutation(
        resolver=r_submissions.save_template, permission_classes=SUBMIT
    )
    delete_mapping_template: MappingTemplatePayload = strawberry.mutation(
        resolver=r_submissions.delete_template, permission_classes=SUBMIT
    )


@strawberry.type
class Subscription:
    submission_progress: AsyncGenerator[Submission, None] = strawberry.subscription(
        resolver=r_submissions.submission_progress, permission_classes=INVENTORY
    )
