"""Enumerations stored in the database and surfaced in the graph under the same names."""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    ADMIN = "ADMIN"
    CHANNEL_MANAGER = "CHANNEL_MANAGER"
    SHIPPING = "SHIPPING"
    PARTNER_ADMIN = "PARTNER_ADMIN"
    PARTNER_INVENTORY = "PARTNER_INVENTORY"
    PARTNER_SALES = "PARTNER_SALES"
    PARTNER_VIEWER = "PARTNER_VIEWER"

    @property
    def is_partner_role(self) -> bool:
        return self.value.startswith("PARTNER_")


class PartnerTier(str, Enum):
    DISTRIBUTOR = "DISTRIBUTOR"
    SUB_DISTRIBUTOR = "SUB_DISTRIBUTOR"
    RESELLER = "RESELLER"
    DEALER = "DEALER"


class WarehouseKind(str, Enum):
    OWNED = "OWNED"
    CONSIGNMENT = "CONSIGNMENT"


class PeriodGranularity(str, Enum):
    MONTHLY = "MONTHLY"
    WEEKLY = "WEEKLY"


class ReceiptMode(str, Enum):
    MANUAL = "MANUAL"
    ON_SHIPPING = "ON_SHIPPING"
    AFTER_DAYS = "AFTER_DAYS"


class FileRejectionPolicy(str, Enum):
    REJECT_FILE = "REJECT_FILE"
    SKIP_BAD_ROWS = "SKIP_BAD_ROWS"


class JobStatus(str, Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


class LedgerKind(str, Enum):
    OPENING = "OPENING"
    SELL_IN = "SELL_IN"
    SELL_THROUGH = "SELL_THROUGH"
    CUSTOMER_RETURN = "CUSTOMER_RETURN"
    TRANSFER_OUT = "TRANSFER_OUT"
    TRANSFER_IN = "TRANSFER_IN"
    RETURN_TO_MANUFACTURER = "RETURN_TO_MANUFACTURER"
    ADJUSTMENT = "ADJUSTMENT"


class Owner(str, Enum):
    PARTNER = "PARTNER"
    MANUFACTURER = "MANUFACTURER"


class ShipmentStatus(str, Enum):
    SHIPPED = "SHIPPED"
    RECEIVED = "RECEIVED"


class TransferStatus(str, Enum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    SHIPPED = "SHIPPED"
    RECEIVED = "RECEIVED"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"


class SerialStatus(str, Enum):
    IN_TRANSIT = "IN_TRANSIT"
    IN_STOCK = "IN_STOCK"
    GONE = "GONE"  # sold, returned to the manufacturer or written off


class ReturnStatus(str, Enum):
    REQUESTED = "REQUESTED"
    RECEIVED = "RECEIVED"
    CANCELLED = "CANCELLED"


class SubmissionKind(str, Enum):
    POS = "POS"
    STOCK = "STOCK"


class SubmissionStatus(str, Enum):
    QUEUED = "QUEUED"
    VALIDATING = "VALIDATING"
    ACCEPTED = "ACCEPTED"
    ACCEPTED_WITH_WARNINGS = "ACCEPTED_WITH_WARNINGS"
    REJECTED = "REJECTED"

    @property
    def final(self) -> bool:
        return self in (
            SubmissionStatus.ACCEPTED,
            SubmissionStatus.ACCEPTED_WITH_WARNINGS,
            SubmissionStatus.REJECTED,
        )

    @property
    def accepted(self) -> bool:
        return self in ACCEPTED_STATUSES


ACCEPTED_STATUSES = (SubmissionStatus.ACCEPTED, SubmissionStatus.ACCEPTED_WITH_WARNINGS)


class SubmissionSource(str, Enum):
    GRAPHQL = "GRAPHQL"
    FILE = "FILE"


class IssueSeverity(str, Enum):
    ERROR = "ERROR"
    WARNING = "WARNING"


class ReconciliationStatus(str, Enum):
    OK = "OK"
    WITHIN_TOLERANCE = "WITHIN_TOLERANCE"
    EXCEPTION = "EXCEPTION"
    MISSING_REPORT = "MISSING_REPORT"


class ExceptionStatus(str, Enum):
    OPEN = "OPEN"
    INVESTIGATING = "INVESTIGATING"
    RESOLVED = "RESOLVED"


class ExceptionReason(str, Enum):
    DELAYED_POS = "DELAYED_POS"
    UNRECORDED_TRANSFER = "UNRECORDED_TRANSFER"
    UNPROCESSED_RETURN = "UNPROCESSED_RETURN"
    DAMAGE = "DAMAGE"
    TIMING = "TIMING"
    REPORTING_ERROR = "REPORTING_ERROR"
    OTHER = "OTHER"


class DesignStatus(str, Enum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WON = "WON"
    LOST = "LOST"
    EXPIRED = "EXPIRED"


class ClaimKind(str, Enum):
    SHIP_AND_DEBIT = "SHIP_AND_DEBIT"
    PRICE_PROTECTION = "PRICE_PROTECTION"
    REBATE = "REBATE"


class ClaimStatus(str, Enum):
    SUBMITTED = "SUBMITTED"
    VALIDATING = "VALIDATING"
    VALIDATED = "VALIDATED"
    APPROVED = "APPROVED"
    PARTIALLY_APPROVED = "PARTIALLY_APPROVED"
    REJECTED = "REJECTED"
    CREDITED = "CREDITED"


class ClaimLineStatus(str, Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    PARTIAL = "PARTIAL"
    REJECTED = "REJECTED"
