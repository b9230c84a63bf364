"""Execution of objects whose selected fields are all plain reads, in one loop.

    Schema(..., execution_context_class=PlainFieldsExecutor)

graphql-core executes every field of every object the same way: resolve info, resolver,
middleware, completion by type. A 500-row page of 12 scalars is 6,500 such fields, most of
the request's time. When every field selected on an object is read from an attribute
(strawberry's resolver-less fields: no arguments, permission classes or field extensions)
and is a scalar, an enum, an object whose selected fields are again all such reads, or a
list of those, and no extension resolves fields, this executor reads and serializes them in
one loop, with the coercion graphql-core applies to leaves. Anything else, and any value
that would be an error (a null where the type is non-null, a value the scalar refuses, an
object of another type), goes the ordinary way for that object, so results, errors, paths
and masking are those of graphql-core.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLID,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    Undefined,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

# What graphql-core's Int, String and ID give back unchanged: an int within 32 bits, a str.
_AS_IS: dict[object, tuple[type, int, int]] = {
    GraphQLInt: (int, -(2**31), 2**31 - 1),
    GraphQLString: (str, 0, 0),
    GraphQLID: (str, 0, 0),
}
_LEAF, _OBJECT, _LIST = 0, 1, 2

# How a value of a type is completed: (kind, whether non-null, what the kind needs):
# a leaf's output coercion and as-is type; an object's type and field details; a list's item.
_Completion = tuple[int, bool, Any]
# A field: response name, how its value is read from the source, how it is completed.
_Field = tuple[str, Callable[[Any], Any], _Completion]


class _Refused(Exception):
    """A value the loop leaves to the ordinary execution (which reports it)."""


class PlainFieldsExecutor(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # id(grouped field set) -> (that set, kept alive so its id is not reused; its plan)
        self._plans: dict[int, tuple[object, list[_Field] | None]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        *rest: Any,
    ) -> Any:
        plan = self._plan_of(parent_type, grouped_field_set)
        if plan is not None:
            try:
                return self._read(plan, source_value)
            except _Refused:
                pass
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, *rest)

    def _plan_of(
        self, parent_type: GraphQLObjectType, grouped_field_set: Mapping[str, Any]
    ) -> list[_Field] | None:
        kept = self._plans.get(id(grouped_field_set))
        if kept is None:
            kept = (grouped_field_set, self._plan(parent_type, grouped_field_set))
            self._plans[id(grouped_field_set)] = kept
        return kept[1]

    def _plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: Mapping[str, Any]
    ) -> list[_Field] | None:
        middleware = self.middleware_manager
        if middleware is not None and middleware.middlewares:
            return None  # an extension resolves fields: every field goes through it
        plan: list[_Field] = []
        for response_name, details in grouped_field_set.items():
            node = getattr(details[0], "node", None)
            if node is None or node.arguments or node.directives:
                return None  # directives: @stream and the like are graphql-core's
            field_def = parent_type.fields.get(node.name.value)
            if field_def is None or field_def.args:
                return None
            read = _reader(field_def.extensions, field_def.resolve)
            completion = _completion(field_def.type, details)
            if read is None or completion is None:
                return None
            plan.append((response_name, read, completion))
        return plan

    def _read(self, plan: list[_Field], source: Any) -> dict[str, Any]:
        results: dict[str, Any] = {}
        try:
            for response_name, read, completion in plan:
                results[response_name] = self._complete(completion, read(source))
        except _Refused:
            raise
        except Exception as error:  # the ordinary way reports it, located on its field
            raise _Refused from error
        return results

    def _complete(self, completion: _Completion, value: Any) -> Any:
        kind, non_null, needs = completion
        if value is None:
            if non_null:
                raise _Refused
            return None
        if kind == _LEAF:
            coerce, as_is = needs
            if as_is is not None and type(value) is as_is[0]:
                if as_is[0] is str or as_is[1] <= value <= as_is[2]:
                    return value
            if self.is_awaitable(value):
                raise _Refused
            coerced = coerce(value)
            if coerced is None or coerced is Undefined:
                raise _Refused
            return coerced
        if kind == _OBJECT:
            object_type, details = needs
            grouped_field_set, deferred, *_ = self.collect_subfields(object_type, details)
            plan = self._plan_of(object_type, grouped_field_set)
            if plan is None or deferred:
                raise _Refused
            return self._read(plan, value)
        if not isinstance(value, list | tuple):
            raise _Refused
        return [self._complete(needs, item) for item in value]


def _reader(
    extensions: Mapping[str, Any], resolve: Callable[..., Any] | None
) -> Callable[[Any], Any] | None:
    """How a resolver-less field reads its value; None for any other field."""
    if not getattr(resolve, "_is_default", False):
        return None
    field = extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    name = getattr(field, "python_name", None)
    if getattr(field, "default_resolver", None) is getattr and name:
        return attrgetter(name)
    return lambda source: resolve(source, None)  # type: ignore[misc]


def _completion(type_: GraphQLOutputType, details: Any) -> _Completion | None:
    non_null = is_non_null_type(type_)
    named = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if is_leaf_type(named):
        return (_LEAF, non_null, (named.coerce_output_value, _AS_IS.get(named)))
    if is_object_type(named) and named.is_type_of is None:
        return (_OBJECT, non_null, (named, details))
    if is_list_type(named):
        item = _completion(named.of_type, details)
        return (_LIST, non_null, item) if item is not None else None
    return None
