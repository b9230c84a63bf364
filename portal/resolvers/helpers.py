"""Small input-cleaning helpers shared by resolvers."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger.shipments import LineInput
from portal.domain.pagination import MAX_BIGINT_ID
from portal.schema.ledger.inventory import MovementLineInput


def page_limit(info: Info) -> int:
    return int(info.context.settings.max_page_size)


def object_id(raw: strawberry.ID, maximum: int = MAX_BIGINT_ID) -> int:
    """The row id an ``ID`` names; ``NOT_FOUND`` for one that cannot exist (not a number, or
    beyond the id column: ``maximum`` is ``MAX_INT_ID`` for tables with 32-bit ids)."""
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 0 < value <= maximum:
        raise DomainError(ErrorCode.NOT_FOUND, "No such object.", ["id"])
    return value


def line_inputs(lines: list[MovementLineInput]) -> list[LineInput]:
    return [LineInput(line.sku, line.quantity, list(line.serials)) for line in lines]
