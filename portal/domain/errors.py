"""Expected failures, with stable codes that clients may rely on.

raise DomainError(ErrorCode.NOT_FOUND, "No partner with code 'X'.", field=["partnerCode"])
"""

from __future__ import annotations

from enum import Enum

from tortoise.exceptions import IntegrityError


class ErrorCode(str, Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    INACTIVE = "INACTIVE"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    IDEMPOTENCY_KEY_IN_PROGRESS = "IDEMPOTENCY_KEY_IN_PROGRESS"
    INVALID_PARENT = "INVALID_PARENT"
    ROLE_NOT_ALLOWED = "ROLE_NOT_ALLOWED"
    ALREADY_REVOKED = "ALREADY_REVOKED"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    INVALID_STATE = "INVALID_STATE"
    SERIALS_MISMATCH = "SERIALS_MISMATCH"
    BATCH_MISMATCH = "BATCH_MISMATCH"  # a returned batch its sources did not ship
    SERIAL_IN_STOCK = "SERIAL_IN_STOCK"
    SERIAL_NOT_IN_STOCK = "SERIAL_NOT_IN_STOCK"
    DUPLICATE_DOCUMENT = "DUPLICATE_DOCUMENT"
    INVALID_PERIOD = "INVALID_PERIOD"
    FILE_INVALID = "FILE_INVALID"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    CONFLICT_PRIORITY = "CONFLICT_PRIORITY"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    DATE_OUT_OF_RANGE = "DATE_OUT_OF_RANGE"
    TOO_MANY_LINES = "TOO_MANY_LINES"  # a graph submission over its line limit: upload a file
    VALIDATION_FAILED = "VALIDATION_FAILED"  # a submission's validation failed for good
    TOO_MANY_ISSUES = "TOO_MANY_ISSUES"  # issues past the cap are counted, not listed
    JOB_ITEM_FAILED = "JOB_ITEM_FAILED"  # an item a shared job set aside (jobFailures)
    URL_NOT_ALLOWED = "URL_NOT_ALLOWED"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"  # a claim's agreements in two currencies
    CHECK_ALREADY_OPEN = "CHECK_ALREADY_OPEN"  # one open inventory check per warehouse
    NOT_COUNTED = "NOT_COUNTED"  # an inventory check submitted with lines not counted
    RETURN_EXCEEDS_SHIPPED = "RETURN_EXCEEDS_SHIPPED"  # more returned than shipped - returned
    INVALID_SIGNATURE = "INVALID_SIGNATURE"  # POST /logistics/events: unsigned or badly signed
    DELIVERY_EXCEEDS_SHIPPED = "DELIVERY_EXCEEDS_SHIPPED"  # short + damaged over what shipped
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


def unique_violation(error: BaseException) -> DomainError | None:
    """``ALREADY_EXISTS`` for a unique-constraint violation that escaped a domain check.

    Two concurrent writers can both pass an "exists?" check; the database's unique
    constraint then refuses the second. That is the same business failure as the check's,
    never an internal error. Other integrity errors (a missing foreign key, a null) stay
    unexpected: ``None``.
    """
    if not isinstance(error, IntegrityError):
        return None
    cause = error.__cause__ or (error.args[0] if error.args else None)
    if getattr(cause, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(error):
        return DomainError(ErrorCode.ALREADY_EXISTS, "This object exists already.")
    return None


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
    """Codes (partner, warehouse, SKU): see :func:`portal.domain.bounds.text.clean_code`."""
    from portal.domain.bounds.text import clean_code  # bounds.text raises DomainError

    return clean_code(value, field)


def check_length(value: str, field: str, maximum: int = 200) -> str:
    """Optional free text: see :func:`portal.domain.bounds.text.clean_text`."""
    from portal.domain.bounds.text import clean_text

    return clean_text(value, field, max_length=maximum, required=False)
