"""Small input-cleaning helpers shared by resolvers."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger.shipments import LineInput
from portal.schema.ledger.inventory import MovementLineInput


def page_limit(info: Info) -> int:
    return int(info.context.settings.max_page_size)


def object_id(raw: strawberry.ID) -> int:
    try:
        return int(raw)
    except ValueError:
        raise DomainError(ErrorCode.NOT_FOUND, "No such object.", ["id"]) from None


def line_inputs(lines: list[MovementLineInput]) -> list[LineInput]:
    return [LineInput(line.sku, line.quantity, list(line.serials)) for line in lines]
