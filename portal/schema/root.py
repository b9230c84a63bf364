"""Wires queries and mutations to their resolvers; each field names its permission."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from portal.domain.access.principal import Action
from portal.resolvers.access import tokens as r_access
from portal.resolvers.catalog import partners as r_partners
from portal.resolvers.catalog import products as r_products
from portal.resolvers.catalog import warehouses as r_warehouses
from portal.resolvers.designs import registrations as r_designs
from portal.resolvers.incentives import claims as r_incentives
from portal.resolvers.integrations import connectors as r_integrations
from portal.resolvers.jobs import failures as r_jobs
from portal.resolvers.ledger import inventory as r_inventory
from portal.resolvers.ledger import returns as r_returns
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
from portal.schema.common import Connection
from portal.schema.designs.types import DesignRegistration, DesignRegistrationPayload
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
    LedgerEntry,
    Shipment,
    ShipmentPayload,
    StockBalance,
    Transfer,
    TransferPayload,
)
from portal.schema.ledger.returns import LedgerEntryPayload, ReturnPayload, StockReturn
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
    incentive_liability: list[AgreementLiability] = strawberry.field(
        resolver=r_incentives.resolve_incentive_liability,
        permission_classes=INVENTORY,
        description="Per price agreement: eligible-unclaimed, claimed, approved, credited.",
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
    receive_return: ReturnPayload = strawberry.mutation(
        resolver=r_returns.receive_return, permission_classes=[allow(Action.RECORD_SHIPMENT)]
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
