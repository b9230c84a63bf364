"""Hide "Did you mean …" from error messages (production, where introspection is off).

    Schema(..., config=StrawberryConfig(disable_field_suggestions=True),
           extensions=[HideSuggestions])

strawberry's ``disable_field_suggestions`` covers unknown fields only; this covers the rest
of graphql-core's suggestions too (arguments, enum values, input fields, types), in
validation and in variable coercion, so that a refused document names nothing it did not
already contain.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import StreamExecutionResult

MARKER = " Did you mean"


def without_suggestion(message: str) -> str:
    return message.split(MARKER, 1)[0] if MARKER in message else message


def hide_suggestions(errors: list[GraphQLError] | None) -> None:
    for error in errors or ():
        error.message = without_suggestion(error.message)


class HideSuggestions(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        hide_suggestions(getattr(self.execution_context.result, "errors", None))
        hide_suggestions(self.execution_context.pre_execution_errors)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        hide_suggestions(getattr(result, "errors", None))
        yield None
