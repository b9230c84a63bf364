"""Execution of objects whose selected fields are all plain reads, in one loop.

    Schema(..., execution_context_class=PlainFieldsExecutor)

graphql-core executes every field of every object the same way: resolve info, resolver,
middleware, completion by type. A 500-row page of 12 scalars is 6,500 such fields, most of
the request's time. When every field selected on an object is read from an attribute
(strawberry's resolver-less fields: no arguments, permission classes or field extensions)
and is a scalar, an enum, an object whose selected fields are again all such reads, or a
list of those, and no extension resolves fields, this executor reads and serializes them in
one loop, with the coercion graphql-core applies to leaves. Anything else (a deferred or
directed field, a field strawberry does not call basic), and any value that would be an
error (a null where the type is non-null, a value the scalar refuses, an object of another
type, an exception instance), goes the ordinary way for that object, so results, errors,
paths and masking are those of graphql-core; tests/test_graph_execution.py compares them.
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
    is_enum_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

# The kinds of completion. graphql-core's Int gives back an int within 32 bits unchanged,
# String and ID a str; any other value of theirs, and any other leaf, goes to its coercion.
_STR, _INT, _LEAF, _ENUM, _OBJECT, _LIST = range(6)
_AS_STR = (GraphQLString, GraphQLID)
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_PLANS_KEPT = 1_000

# How a value of a type is completed: (kind, whether non-null, what the kind needs):
# a leaf's output coercion (an enum's with its memo of coerced values); an object's type
# and field details; a list's item completion.
_Completion = tuple[int, bool, Any]
# A field: response name, how its value is read from the source, then its completion.
_Field = tuple[str, Callable[[Any], Any], int, bool, Any]


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
            if len(self._plans) >= _PLANS_KEPT:  # a subscription's events: new sets each
                self._plans.clear()
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
            if any(getattr(d, "defer_usage", None) is not None for d in details):
                return None  # a deferred fragment's field: graphql-core delivers it later
            field_def = parent_type.fields.get(node.name.value)
            if field_def is None or field_def.args:
                return None
            read = _reader(field_def.extensions, field_def.resolve)
            completion = _completion(field_def.type, details)
            if read is None or completion is None:
                return None
            plan.append((response_name, read, *completion))
        return plan

    def _read(self, plan: list[_Field], source: Any) -> dict[str, Any]:
        results: dict[str, Any] = {}
        try:
            for response_name, read, kind, non_null, needs in plan:
                value = read(source)
                if value is None:
                    if non_null:
                        raise _Refused
                    results[response_name] = None
                elif kind == _STR and type(value) is str:
                    results[response_name] = value
                elif kind == _INT and type(value) is int and _INT_MIN <= value <= _INT_MAX:
                    results[response_name] = value
                else:
                    results[response_name] = self._complete(kind, needs, value)
        except _Refused:
            raise
        except Exception as error:  # the ordinary way reports it, located on its field
            raise _Refused from error
        return results

    def _complete(self, kind: int, needs: Any, value: Any) -> Any:
        """A value that is not None (a null is settled by the caller)."""
        if isinstance(value, Exception):
            raise _Refused  # graphql-core raises it as the field's error
        if kind <= _ENUM:
            if kind == _ENUM:
                coerce, memo = needs
                key = (type(value), value)  # members are hashable; a str is not a member
                coerced = memo.get(key)
                if coerced is None:
                    coerced = memo[key] = _coerced(coerce, value, self.is_awaitable)
                return coerced
            return _coerced(needs, value, self.is_awaitable)
        if kind == _OBJECT:
            object_type, details = needs
            grouped_field_set, deferred, *_ = self.collect_subfields(object_type, details)
            plan = self._plan_of(object_type, grouped_field_set)
            if plan is None or deferred:
                raise _Refused
            return self._read(plan, value)
        if not isinstance(value, list | tuple):
            raise _Refused
        item_kind, item_non_null, item_needs = needs
        items: list[Any] = []
        for item in value:
            if item is None:
                if item_non_null:
                    raise _Refused
                items.append(None)
            else:
                items.append(self._complete(item_kind, item_needs, item))
        return items


def _coerced(coerce: Callable[[Any], Any], value: Any, is_awaitable: Callable[[Any], bool]) -> Any:
    if is_awaitable(value):
        raise _Refused
    coerced = coerce(value)
    if coerced is None or coerced is Undefined:
        raise _Refused
    return coerced


def _reader(
    extensions: Mapping[str, Any], resolve: Callable[..., Any] | None
) -> Callable[[Any], Any] | None:
    """How a resolver-less field reads its value; None for any other field.

    strawberry itself decided the field is basic (no resolver, permission classes, field
    extensions or exception handlers) when it built ``_get_basic_result`` for it."""
    field = extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if (
        getattr(resolve, "__name__", "") != "_get_basic_result"
        or not getattr(resolve, "_is_default", False)
        or not getattr(field, "is_basic_field", False)
    ):
        return None
    name = getattr(field, "python_name", None)
    if getattr(field, "default_resolver", None) is getattr and name:
        return attrgetter(name)
    return lambda source: resolve(source, None)  # type: ignore[misc]


def _completion(type_: GraphQLOutputType, details: Any) -> _Completion | None:
    non_null = is_non_null_type(type_)
    named = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if is_leaf_type(named):
        coerce = named.coerce_output_value
        if named in _AS_STR:
            return (_STR, non_null, coerce)
        if named is GraphQLInt:
            return (_INT, non_null, coerce)
        if is_enum_type(named):
            return (_ENUM, non_null, (coerce, {}))
        return (_LEAF, non_null, coerce)
    if is_object_type(named) and named.is_type_of is None:
        return (_OBJECT, non_null, (named, details))
    if is_list_type(named):
        item = _completion(named.of_type, details)
        return (_LIST, non_null, item) if item is not None else None
    return None
