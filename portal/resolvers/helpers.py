"""Small input-cleaning helpers shared by resolvers."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from portal.domain.errors import DomainError, ErrorCode
from portal.domain.ledger.shipments import LineInput
from portal.domain.pagination import MAX_BIGINT_ID
from portal.schema.ledger.inventory import MovementLineInput


def page_limit(info: Info) -> int:
    return int(info.context.settings.max_page_size)


def selects(info: Info, name: str) -> bool:
    """Whether the query asks for field ``name`` (camelCase) of this resolver's result,
    directly or through a fragment."""

    def within(selections: list[Any]) -> bool:
        for selection in selections:
            if getattr(selection, "name", None) == name:
                return True
            if within(getattr(selection, "selections", []) or []) and not hasattr(
                selection, "arguments"
            ):  # a fragment's fields are the result's own; a field's are its child's
                return True
        return False

    return any(within(field.selections) for field in info.selected_fields)


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
    return [LineInput(line.sku, line.quantity, list(line.serials), line.batch_no) for line in lines]
