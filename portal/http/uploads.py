"""``POST /uploads``: a partner file (CSV or XLSX) becomes a queued submission.

Multipart form: ``kind`` (POS or STOCK), ``period``, ``file``, optional ``mapping``
(template name), ``dryRun`` (true/false), ``partnerCode`` (manufacturer principals);
optional ``Idempotency-Key`` header. Answers ``202 {"submissionId": "…"}``; bad input
gets 400 with coded errors, a body over the size limit 413.
"""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse

from portal.domain.access.principal import Principal
from portal.domain.errors import DomainError, PermissionDenied
from portal.domain.reporting.submissions import submit
from portal.http.auth import principal_or_401
from portal.http.errors import error_response, refused
from portal.models.enums import SubmissionKind


async def upload(request: Request) -> JSONResponse:
    principal = await principal_or_401(request.headers, request.app.state.usage_recorder)
    if not isinstance(principal, Principal):
        return principal
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return error_response(
            400, "INVALID", "Send multipart/form-data with kind, period and file."
        )
    try:
        async with request.form(max_files=1, max_fields=10, max_part_size=64 * 1024) as form:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                return error_response(400, "REQUIRED", "The file part is required.", ["file"])
            kind_text = str(form.get("kind") or "").upper()
            if kind_text not in SubmissionKind.__members__:
                return error_response(400, "INVALID", "kind is POS or STOCK.", ["kind"])
            data = await file.read()
            submission = await submit(
                principal,
                request.app.state.queue,
                kind=SubmissionKind(kind_text),
                period=str(form.get("period") or ""),
                file=(data, file.filename or "upload"),
                mapping=str(form.get("mapping") or "") or None,
                dry_run=str(form.get("dryRun") or "").lower() in ("1", "true", "yes"),
                partner_code=str(form.get("partnerCode") or "") or None,
                idempotency_key=request.headers.get("idempotency-key"),
            )
    except (DomainError, PermissionDenied) as failure:
        return refused(failure)
    return JSONResponse(
        {"submissionId": str(submission.id), "status": submission.status.value}, status_code=202
    )
