"""The GraphQL schema and its hardening.

    schema = build_schema(settings)

Depth, token, alias and cost limits are always on, and strings with NUL are refused (a
valid text's validation is not repeated for the next operation with the same text; the cost
and the variables are checked every time); objects of plain fields run in one loop
(plain_fields.py);
unexpected errors are masked (statement timeouts and bad variable values are not
unexpected); batching is off (strawberry's default); introspection and "Did you mean"
suggestions are off in production.
"""

from __future__ import annotations

from collections.abc import Callable

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig

from portal.db import is_statement_timeout
from portal.domain.errors import DomainError, PermissionDenied
from portal.domain.pagination import DEFAULT_PAGE_SIZE
from portal.schema.limits.cost import QueryCost
from portal.schema.limits.nul_strings import RefuseNulStrings, nul_variables
from portal.schema.limits.suggestions import HideSuggestions
from portal.schema.limits.validation import ValidateOperations, ValidDocuments
from portal.schema.plain_fields import PlainFieldsExecutor
from portal.schema.root import Mutation, Query, Subscription
from portal.settings import Settings

MASKED_MESSAGE = "Unexpected error."
DOCUMENTS_KEPT = 256  # the valid texts each schema remembers (each of 20,000 chars at most)


def _should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, DomainError | PermissionDenied | GraphQLError):
        return False  # a GraphQLError's cause: a variable's value refused by its type
    if is_statement_timeout(original):
        return False
    # strawberry's permission failures carry our FORBIDDEN code; they are not unexpected.
    return not (error.extensions or {}).get("code")


def build_schema(settings: Settings) -> Schema:
    cost = QueryCost(
        max_cost=settings.max_query_cost,
        default_page_size=DEFAULT_PAGE_SIZE,
        max_page_size=settings.max_page_size,
    )
    documents = ValidDocuments(maxsize=DOCUMENTS_KEPT)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        RefuseNulStrings,
        lambda: ValidateOperations(documents, checks=[nul_variables, cost.errors]),
        lambda: MaskErrors(should_mask_error=_should_mask, error_message=MASKED_MESSAGE),
    ]
    if settings.production:
        extensions += [DisableIntrospection, HideSuggestions]
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        execution_context_class=PlainFieldsExecutor,
        config=StrawberryConfig(disable_field_suggestions=settings.production),
    )
