"""Expected failures, with stable codes that clients may rely on.

raise DomainError(ErrorCode.NOT_FOUND, "No partner with code 'X'.", field=["partnerCode"])
"""

from __future__ import annotations

from enum import Enum


class ErrorCode(str, Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    INACTIVE = "INACTIVE"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    INVALID_PARENT = "INVALID_PARENT"
    ROLE_NOT_ALLOWED = "ROLE_NOT_ALLOWED"
    ALREADY_REVOKED = "ALREADY_REVOKED"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    INVALID_STATE = "INVALID_STATE"
    SERIALS_MISMATCH = "SERIALS_MISMATCH"
    SERIAL_IN_STOCK = "SERIAL_IN_STOCK"
    SERIAL_NOT_IN_STOCK = "SERIAL_NOT_IN_STOCK"
    DUPLICATE_DOCUMENT = "DUPLICATE_DOCUMENT"
    INVALID_PERIOD = "INVALID_PERIOD"
    FILE_INVALID = "FILE_INVALID"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    CONFLICT_PRIORITY = "CONFLICT_PRIORITY"
    # Refusals of the transport (GraphQL errors' extensions.code), not of a business rule
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    TIMEOUT = "TIMEOUT"
    TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
    TOO_MANY_OPERATIONS = "TOO_MANY_OPERATIONS"


class DomainError(Exception):
    """A business-rule failure: reported in the mutation payload's ``errors``."""

    def __init__(self, code: ErrorCode, message: str, field: list[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class PermissionDenied(Exception):
    """The principal may not do this: a GraphQL error (``FORBIDDEN``), never data."""

    def __init__(self, message: str = "You are not allowed to do this.") -> None:
        super().__init__(message)
        self.message = message


def require(value: str | None, field: str, label: str | None = None) -> str:
    """A trimmed, non-empty string or ``REQUIRED``."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise DomainError(ErrorCode.REQUIRED, f"{label or field} is required.", field=[field])
    return cleaned


def check_code(value: str | None, field: str) -> str:
    """Codes (partner, warehouse, SKU) are 1-64 printable characters without spaces."""
    cleaned = require(value, field)
    if len(cleaned) > 64 or any(ch.isspace() or not ch.isprintable() for ch in cleaned):
        raise DomainError(
            ErrorCode.INVALID,
            f"{field} must be 1 to 64 characters without spaces.",
            field=[field],
        )
    return cleaned


def check_length(value: str, field: str, maximum: int = 200) -> str:
    if len(value) > maximum:
        raise DomainError(
            ErrorCode.INVALID, f"{field} is longer than {maximum} characters.", field=[field]
        )
    return value
