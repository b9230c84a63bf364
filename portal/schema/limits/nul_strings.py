"""Refuse any operation with a NUL character in a string, literal or variable.

    Schema(..., extensions=[RefuseNulStrings])

PostgreSQL cannot store NUL in text, and no value of this API needs one: the operation is
refused before it runs, with ``extensions.code`` ``INVALID``, whatever field would have
received the string.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, StringValueNode, ValidationRule
from strawberry.extensions import SchemaExtension

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


class RefuseNulStrings(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        variables_hold_nul = holds_nul(self.execution_context.variables or {})

        class NulStringRule(ValidationRule):
            def enter_document(self, *_args: object) -> None:
                if variables_hold_nul:
                    self.report_error(nul_error())

            def enter_string_value(self, node: StringValueNode, *_args: object) -> None:
                if NUL in node.value:
                    self.report_error(nul_error(node))

        self.execution_context.validation_rules = (
            *self.execution_context.validation_rules,
            NulStringRule,
        )
        yield
