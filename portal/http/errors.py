"""The coded JSON error body of the plain HTTP routes (``/uploads``, ``/exports``): the
same ``{"errors": [{field, code, message}]}`` shape as a mutation's payload errors."""

from __future__ import annotations

from starlette.responses import JSONResponse

from portal.domain.errors import DomainError, PermissionDenied


def error_response(
    status: int, code: str, message: str, field: list[str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"field": field, "code": code, "message": message}]}, status_code=status
    )


def refused(failure: DomainError | PermissionDenied) -> JSONResponse:
    """400 with the rule's code for a business failure, 403 for a missing permission."""
    if isinstance(failure, PermissionDenied):
        return error_response(403, "FORBIDDEN", failure.message)
    return error_response(400, failure.code.value, failure.message, failure.field)
