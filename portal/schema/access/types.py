"""Graph types of the viewer, API tokens and the manufacturer's settings."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry

from portal.models import ApiToken as TokenModel
from portal.models import ManufacturerSettings as SettingsModel
from portal.schema.catalog.partners import Partner
from portal.schema.common import UserError
from portal.schema.enums import (
    CountVariancePolicy,
    FileRejectionPolicy,
    InsufficientStockPolicy,
    OrderingMode,
    PeriodGranularity,
    ReceiptMode,
    Role,
)


@strawberry.type
class Manufacturer:
    id: strawberry.ID
    name: str


@strawberry.type
class Viewer:
    role: Role
    manufacturer: Manufacturer
    partner: Partner | None


@strawberry.type
class ApiToken:
    id: strawberry.ID
    role: Role
    label: str
    prefix: str = strawberry.field(description="The first characters, to recognise a token.")
    partner_code: str | None
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None

    @classmethod
    def from_model(cls, token: TokenModel, partner_code: str | None) -> ApiToken:
        return cls(
            id=strawberry.ID(str(token.id)),
            role=token.role,
            label=token.label,
            prefix=token.prefix,
            partner_code=partner_code,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


@strawberry.input
class IssueApiTokenInput:
    role: Role
    partner_code: str | None = None
    label: str = ""


@strawberry.input
class RevokeApiTokenInput:
    id: strawberry.ID


@strawberry.type
class IssueApiTokenPayload:
    token: str | None = strawberry.field(description="The secret, shown only this once.")
    api_token: ApiToken | None
    errors: list[UserError]


@strawberry.type
class ApiTokenPayload:
    api_token: ApiToken | None
    errors: list[UserError]


@strawberry.type
class ManufacturerSettings:
    period_granularity: PeriodGranularity
    submission_due_days: int
    tolerance_units: int
    tolerance_percent: Decimal
    shipment_receipt_mode: ReceiptMode
    receipt_after_days: int
    auto_receive_transfers: bool
    file_rejection_policy: FileRejectionPolicy
    count_variance_policy: CountVariancePolicy
    document_approval_threshold: int = strawberry.field(
        description="Inventory documents above this total quantity wait for approval (0: never)."
    )
    erp_base_url: str | None
    erp_configured: bool = strawberry.field(description="An ERP API key is set (never shown).")
    logistics_configured: bool = strawberry.field(
        description="A logistics secret is set: POST /logistics/events accepts signed events."
    )
    ordering_mode: OrderingMode
    insufficient_stock_policy: InsufficientStockPolicy
    show_availability: bool
    allow_reservation_adjustment: bool
    returns_against_orders: bool
    returns_against_shipments: bool
    source_free_returns: bool
    exchanges: bool
    multi_order_shipping: bool

    @classmethod
    def from_model(cls, s: SettingsModel) -> ManufacturerSettings:
        return cls(
            period_granularity=s.period_granularity,
            submission_due_days=s.submission_due_days,
            tolerance_units=s.tolerance_units,
            tolerance_percent=s.tolerance_percent,
            shipment_receipt_mode=s.shipment_receipt_mode,
            receipt_after_days=s.receipt_after_days,
            auto_receive_transfers=s.auto_receive_transfers,
            file_rejection_policy=s.file_rejection_policy,
            count_variance_policy=s.count_variance_policy,
            document_approval_threshold=s.document_approval_threshold,
            erp_base_url=s.erp_base_url,
            erp_configured=bool(s.erp_base_url and s.erp_api_key),
            logistics_configured=bool(s.logistics_secret),
            ordering_mode=s.ordering_mode,
            insufficient_stock_policy=s.insufficient_stock_policy,
            show_availability=s.show_availability,
            allow_reservation_adjustment=s.allow_reservation_adjustment,
            returns_against_orders=s.returns_against_orders,
            returns_against_shipments=s.returns_against_shipments,
            source_free_returns=s.source_free_returns,
            exchanges=s.exchanges,
            multi_order_shipping=s.multi_order_shipping,
        )


@strawberry.input
class UpdateSettingsInput:
    period_granularity: PeriodGranularity | None = None
    submission_due_days: int | None = None
    tolerance_units: int | None = None
    tolerance_percent: Decimal | None = None
    shipment_receipt_mode: ReceiptMode | None = None
    receipt_after_days: int | None = None
    auto_receive_transfers: bool | None = None
    file_rejection_policy: FileRejectionPolicy | None = None
    count_variance_policy: CountVariancePolicy | None = None
    document_approval_threshold: int | None = strawberry.field(
        default=None, description="0 to 1,000,000; 0: documents never wait for approval."
    )
    erp_base_url: str | None = strawberry.field(default=None, description='"" clears it.')
    erp_api_key: str | None = strawberry.field(default=None, description="Write-only.")
    logistics_secret: str | None = strawberry.field(
        default=None,
        description='Write-only: signs POST /logistics/events (16 to 200 characters; "" clears).',
    )
    ordering_mode: OrderingMode | None = None
    insufficient_stock_policy: InsufficientStockPolicy | None = None
    show_availability: bool | None = None
    allow_reservation_adjustment: bool | None = None
    returns_against_orders: bool | None = None
    returns_against_shipments: bool | None = None
    source_free_returns: bool | None = None
    exchanges: bool | None = None
    multi_order_shipping: bool | None = None


@strawberry.type
class SettingsPayload:
    settings: ManufacturerSettings | None
    errors: list[UserError]
