"""Refuse operations whose estimated cost is over a limit, before they run.

    cost = QueryCost(max_cost=5000, default_page_size=20, max_page_size=100)
    errors = cost.errors(execution_context)  # run by ValidateOperations, once per operation

Every field costs 1, plus its children's cost times its multiplier: a field with a
``first`` argument (a connection or a paged list) multiplies by ``first`` (its default page
size when not given, the operation's default when given by a variable left out; at most
``max_page_size``); any other field, the ``edges`` of a
connection (its connection counted the page) and the short plain lists (document lines,
conflicts: bounded, loaded in batches) by 1. Aliases and fragments count wherever they are
spread; introspection fields cost 1. An operation
over the limit gets one error, ``extensions.code`` ``QUERY_TOO_COSTLY`` with its ``cost``
and the ``limit``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_variable_values
from strawberry.types import ExecutionContext

from portal.domain.errors import ErrorCode


class QueryCost:
    """The limit, checked on each operation once its document is valid (see validation.py)."""

    def __init__(self, *, max_cost: int, default_page_size: int, max_page_size: int) -> None:
        self.max_cost = max_cost
        self.default_page_size = default_page_size
        self.max_page_size = max_page_size

    def errors(self, context: ExecutionContext) -> list[GraphQLError]:
        document = context.graphql_document
        if document is None:
            return []
        schema = context.schema._schema
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        errors = []
        for node in document.definitions:
            if not isinstance(node, OperationDefinitionNode):
                continue
            root = schema.get_root_type(node.operation)
            if root is None:
                continue
            # the values execution will use: the operation's defaults filled in, each
            # coerced to its type (100.0 is the Int 100); invalid ones are refused anyway
            values = get_variable_values(
                schema, node.variable_definitions or (), context.variables or {}
            )
            variables = values.coerced if isinstance(values, VariableValues) else {}
            cost = CostEstimate(self, schema, fragments, variables).of(node.selection_set, root)
            if cost > self.max_cost:
                errors.append(
                    GraphQLError(
                        f"The operation's estimated cost {cost} exceeds the limit of "
                        f"{self.max_cost}: ask for smaller pages or fewer nested lists.",
                        node,
                        extensions={
                            "code": ErrorCode.QUERY_TOO_COSTLY.value,
                            "cost": cost,
                            "limit": self.max_cost,
                        },
                    )
                )
        return errors


class CostEstimate:
    """The cost of one operation; each fragment is costed once (memoised)."""

    def __init__(
        self,
        limiter: QueryCost,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.limiter = limiter
        self.schema = schema
        self.named_fragments = fragments
        self.variables = variables
        self.fragment_costs: dict[str, int] = {}

    def of(self, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.of(selection.selection_set, inner or parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
        return total

    def fragment(self, name: str) -> int:
        if name not in self.fragment_costs:
            self.fragment_costs[name] = 0  # a cycle (refused by validation) costs nothing more
            fragment = self.named_fragments.get(name)
            if fragment is not None:
                inner = self.schema.get_type(fragment.type_condition.name.value)
                if inner is not None:
                    self.fragment_costs[name] = self.of(fragment.selection_set, inner)
        return self.fragment_costs[name]

    def field(self, node: FieldNode, parent: GraphQLNamedType) -> int:
        fields = (
            parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        )
        definition = fields.get(node.name.value)
        if definition is None or node.selection_set is None:
            return 1
        children = self.of(node.selection_set, get_named_type(definition.type))
        multiplier = self.page_size(node) if "first" in definition.args else 1
        return 1 + multiplier * children

    def page_size(self, node: FieldNode) -> int:
        value: object = None
        for argument in node.arguments or ():
            if argument.name.value == "first":
                if isinstance(argument.value, IntValueNode):
                    value = int(argument.value.value)
                elif isinstance(argument.value, VariableNode):
                    value = self.variables.get(argument.value.name.value)
        if not isinstance(value, int) or isinstance(value, bool):
            return self.limiter.default_page_size
        return max(0, min(value, self.limiter.max_page_size))
