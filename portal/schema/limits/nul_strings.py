"""Refuse any operation with a NUL character in a string, literal or variable.

    Schema(..., extensions=[RefuseNulStrings, ... ValidateOperations(checks=[nul_variables])])

PostgreSQL cannot store NUL in text, and no value of this API needs one: the operation is
refused before it runs, with ``extensions.code`` ``INVALID``, whatever field would have
received the string.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, StringValueNode, ValidationRule
from strawberry.extensions import AddValidationRules
from strawberry.types import ExecutionContext

from portal.domain.errors import ErrorCode

NUL = "\x00"
MESSAGE = "Strings may not contain the NUL character (U+0000)."


def holds_nul(value: Any) -> bool:
    """Whether a decoded JSON value has a NUL in a string (keys included), iteratively."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False


def nul_error(node: StringValueNode | None = None) -> GraphQLError:
    return GraphQLError(MESSAGE, node, extensions={"code": ErrorCode.INVALID.value})


class NulStringRule(ValidationRule):
    """NUL in a literal: part of the document's validation (cached with it)."""

    def enter_string_value(self, node: StringValueNode, *_args: object) -> None:
        if NUL in node.value:
            self.report_error(nul_error(node))


class RefuseNulStrings(AddValidationRules):
    """The literals' rule; the variables are checked by :func:`nul_variables`."""

    def __init__(self) -> None:
        super().__init__([NulStringRule])


def nul_variables(context: ExecutionContext) -> list[GraphQLError]:
    """NUL in a variable's value (run by ValidateOperations on each operation)."""
    return [nul_error()] if holds_nul(context.variables or {}) else []
