"""``POST /logistics/events``: a carrier says a shipment was delivered.

Headers ``X-Portal-Manufacturer`` (the manufacturer's id) and ``X-Portal-Signature``
(``sha256=`` + hex HMAC-SHA256 of the raw body under the manufacturer's
``logisticsSecret``, the scheme of outbound webhooks). JSON body::

    {"eventId": "EV-1", "documentNo": "DN-1", "deliveredOn": "2026-10-05",
     "carrier": "ACME", "differences": [{"sku": "SKU-A", "kind": "SHORT",
     "quantity": 2, "reasonCode": "MISSING_CARTON", "note": ""}]}

``documentNo`` names a sell-in shipment or a partner supplier's shipping notice (which
ships by transfer; the answer then also has ``noticeId`` and ``transferIds``, and
``shipmentId`` is null).

Answers ``200 {"shipmentId", "status", "deliveredOn", "replayed", "received"}``; an
unsigned or badly signed request ``401 INVALID_SIGNATURE`` (nothing is read or changed),
bad input ``400`` with the rule's code. The rules: ``portal.domain.orders.delivery``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from portal.domain.errors import DomainError, ErrorCode, PermissionDenied
from portal.domain.orders.delivery import (
    DifferenceInput,
    carrier_principal,
    record_delivery,
    verify_signature,
)
from portal.http.errors import error_response, refused
from portal.http.json_body import decode_bounded

MAX_EVENT_BYTES = 512 * 1024


def _manufacturer(header: str | None) -> int | None:
    text = (header or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    return value if isinstance(value, str) else ""


def _differences(raw: Any) -> list[DifferenceInput]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise DomainError(ErrorCode.INVALID, "differences is a list of objects.", ["differences"])
    result = []
    for index, item in enumerate(raw):
        quantity = item.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool):
            raise DomainError(
                ErrorCode.INVALID,
                "quantity is an integer.",
                ["differences", str(index), "quantity"],
            )
        result.append(
            DifferenceInput(
                sku=_text(item, "sku"),
                kind=_text(item, "kind"),
                quantity=quantity,
                reason_code=_text(item, "reasonCode"),
                note=_text(item, "note"),
            )
        )
    return result


async def logistics_event(request: Request) -> JSONResponse:
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_EVENT_BYTES:
        return error_response(
            413, "PAYLOAD_TOO_LARGE", f"An event is at most {MAX_EVENT_BYTES} bytes."
        )
    body = await request.body()
    manufacturer_id = _manufacturer(request.headers.get("x-portal-manufacturer"))
    signature = request.headers.get("x-portal-signature", "")
    if len(body) > MAX_EVENT_BYTES or not await verify_signature(manufacturer_id, body, signature):
        return error_response(
            401, "INVALID_SIGNATURE", "Sign the body with the manufacturer's logistics secret."
        )
    assert manufacturer_id is not None  # a valid signature names a manufacturer
    try:
        data = decode_bounded(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return error_response(400, "INVALID", "The body is not JSON.")
    if not isinstance(data, dict):
        return error_response(400, "INVALID", "The body is a JSON object.")
    try:
        day_text = _text(data, "deliveredOn")
        try:
            delivered_on = date.fromisoformat(day_text) if day_text else None
        except ValueError:
            return error_response(400, "INVALID", "deliveredOn is an ISO date.", ["deliveredOn"])
        result = await record_delivery(
            carrier_principal(manufacturer_id),
            event_id=_text(data, "eventId"),
            document_no=_text(data, "documentNo"),
            delivered_on=delivered_on,
            differences=_differences(data.get("differences")),
            carrier=_text(data, "carrier"),
            source="HTTP",
        )
    except (DomainError, PermissionDenied) as failure:
        return refused(failure)
    target = result.target
    answer: dict[str, Any] = {
        "shipmentId": str(target.shipment.id) if target.shipment else None,
        "status": target.status,
        "deliveredOn": target.delivered_on.isoformat() if target.delivered_on else None,
        "replayed": result.replayed,
        "received": result.received,
    }
    if target.by_transfer and target.notice is not None:
        answer["noticeId"] = str(target.notice.id)
        answer["transferIds"] = [str(t.id) for t in target.transfers]
    return JSONResponse(answer)
