"""The GraphQL schema and its hardening.

    schema = build_schema(settings)

Depth, token and alias limits are always on; unexpected errors are masked; batching is
off (strawberry's default); introspection is off in production.
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

from portal.domain.errors import DomainError, PermissionDenied
from portal.schema.root import Mutation, Query, Subscription
from portal.settings import Settings

MASKED_MESSAGE = "Unexpected error."


def _should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, DomainError | PermissionDenied):
        return False
    # strawberry's permission failures carry our FORBIDDEN code; they are not unexpected.
    return not (error.extensions or {}).get("code")


def build_schema(settings: Settings) -> Schema:
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaskErrors(should_mask_error=_should_mask, error_message=MASKED_MESSAGE),
    ]
    if settings.production:
        extensions.append(DisableIntrospection)
    return Schema(query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions)
