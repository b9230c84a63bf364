"""The schema's execution shortcuts give graphql-core's results, errors included.

PlainFieldsExecutor completes objects of resolver-less fields in one loop; ValidateOperations
validates a text once and checks the variables every time; ReconciliationRow.from_values
builds rows without the dataclass constructor. Each is compared here with the ordinary way.
"""

from __future__ import annotations

import enum
import typing
from decimal import Decimal
from typing import Any

import pytest
import strawberry
from graphql.execution.executor import Executor
from strawberry.extensions import FieldExtension, MaskErrors
from strawberry.permission import BasePermission
from strawberry.scalars import JSON
from strawberry.schema.config import StrawberryConfig

from portal.models.enums import ExceptionReason, ExceptionStatus, ReconciliationStatus
from portal.schema import build_schema
from portal.schema.limits.validation import ValidDocuments
from portal.schema.plain_fields import PlainFieldsExecutor
from portal.schema.reconciliation.types import ROW_VALUES, ReconciliationRow
from portal.settings import Settings


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Leaf:
    name: str
    size: int
    colour: Colour
    note: str | None
    ident: strawberry.ID
    ratio: float


@strawberry.type
class Branch:
    label: str
    leaves: list[Leaf]
    first: Leaf | None
    tags: list[str]

    @strawberry.field
    def computed(self) -> int:
        return len(self.leaves)


def leaf(n: int, **changes: Any) -> Leaf:
    values: dict[str, Any] = {
        "name": f"l{n}",
        "size": n,
        "colour": Colour.RED if n % 2 else Colour.BLUE,
        "note": None if n % 3 else "x",
        "ident": strawberry.ID(str(n)),
        "ratio": n / 4,
    }
    values.update(changes)
    return Leaf(**values)


BRANCHES: list[Branch] = []


@strawberry.type
class Query:
    @strawberry.field
    def branches(self) -> list[Branch]:
        return BRANCHES

    @strawberry.field
    async def later(self) -> list[Branch]:
        return BRANCHES


def branch(label: str, leaves: list[Leaf]) -> Branch:
    return Branch(label=label, leaves=leaves, first=leaves[0] if leaves else None, tags=["a"])


PLAIN = strawberry.Schema(query=Query)
FAST = strawberry.Schema(query=Query, execution_context_class=PlainFieldsExecutor)

QUERIES = [
    "{ branches { label tags leaves { name size colour note ident ratio } first { name } } }",
    "{ later { label leaves { n: name s: size size } computed } }",
    "query($on: Boolean!) { branches { leaves { name size @include(if: $on) colour } } }",
    "fragment F on Leaf { name colour } { branches { first { ...F size } leaves { ...F } } }",
    "{ branches { leaves { ... on Leaf { note ratio } } __typename } }",
]

BAD_VALUES = [
    ("name", None),  # null where String! is required
    ("size", 2**40),  # outside Int's 32 bits
    ("size", "seven"),  # not an Int at all
    ("colour", "GREEN"),  # not a Colour
    ("ratio", float("nan")),
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("bad", [None, *BAD_VALUES], ids=lambda b: repr(b))
async def test_plain_fields_give_graphql_cores_data_and_errors(
    query: str, bad: tuple[str, Any] | None
) -> None:
    leaves = [leaf(n) for n in range(1, 6)]
    if bad is not None:
        setattr(leaves[2], *bad)
    BRANCHES[:] = [branch("b1", leaves), branch("b2", []), branch("b3", [leaf(9)])]
    variables = {"on": True}
    expected = await PLAIN.execute(query, variable_values=variables)
    got = await FAST.execute(query, variable_values=variables)
    assert got.data == expected.data
    assert [e.formatted for e in got.errors or []] == [e.formatted for e in expected.errors or []]
    if bad is not None and query == QUERIES[0]:  # it selects every field of every leaf
        assert expected.errors, "the bad value is an error in graphql-core too"


async def test_plain_fields_skip_graphql_cores_per_field_execution(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    BRANCHES[:] = [branch("b", [leaf(n) for n in range(1, 201)])]
    calls = {"n": 0}
    original = Executor.execute_field

    def counted(self: Executor, *args: Any) -> Any:
        calls["n"] += 1
        return original(self, *args)

    monkeypatch.setattr(Executor, "execute_field", counted)
    query = "{ branches { label leaves { name size colour note ident ratio } } }"
    await PLAIN.execute(query)
    ordinary = calls["n"]
    calls["n"] = 0
    result = await FAST.execute(query)
    assert result.errors is None and len(result.data["branches"][0]["leaves"]) == 200  # type: ignore[index]
    assert ordinary > 1200 and calls["n"] == 1  # the root field only: the rest in one loop


COSTLY = "query($n: Int) { partners(first: $n) { edges { node { code } } } }"


async def test_a_validated_text_still_has_its_cost_and_variables_checked() -> None:
    schema = build_schema(Settings(env="test", max_query_cost=100))
    small = await schema.execute(COSTLY, variable_values={"n": 5}, context_value=None)
    # the document is valid (the resolver then fails without a principal, which is fine here)
    assert not any(
        (e.extensions or {}).get("code") == "QUERY_TOO_COSTLY" for e in small.errors or []
    )
    big = await schema.execute(COSTLY, variable_values={"n": 100}, context_value=None)
    assert [(e.extensions or {}).get("code") for e in big.errors or []] == ["QUERY_TOO_COSTLY"]
    assert big.data is None
    nul = await schema.execute(COSTLY, variable_values={"n": 5, "x": "a\x00"}, context_value=None)
    assert [(e.extensions or {}).get("code") for e in nul.errors or []] == ["INVALID"]


async def test_an_invalid_text_is_refused_every_time() -> None:
    schema = build_schema(Settings(env="test"))
    for _ in range(2):
        result = await schema.execute("{ partners { edges { node { nope } } } }")
        assert result.data is None
        assert result.errors and "nope" in result.errors[0].message
    literal = '{ partners(first: 1, search: "a\\u0000") { edges { node { code } } } }'
    for _ in range(2):
        result = await schema.execute(literal)
        assert [(e.extensions or {}).get("code") for e in result.errors or []] == ["INVALID"]
        assert result.data is None


def test_rows_from_values_equal_rows_from_the_constructor() -> None:
    values: dict[str, Any] = {name: n for n, name in enumerate(ROW_VALUES)}
    values.update(
        period="2026-05",
        status=ReconciliationStatus.EXCEPTION.value,
        exception_status=ExceptionStatus.OPEN,
        reason=ExceptionReason.TIMING.value,
        owner_email="o@example.com",
        partner_code="P",
        warehouse_code="W",
        sku="S",
        gap_pct=None,
    )
    fast = ReconciliationRow.from_values(values)
    figures = {name: values[name] for name in ROW_VALUES if name in fast.__dict__}
    figures.update(
        id=strawberry.ID(str(values["id"])),
        status=ReconciliationStatus.EXCEPTION,
        exception_status=ExceptionStatus.OPEN,
        reason=ExceptionReason.TIMING,
        owner="o@example.com",
        stock_submission_id=strawberry.ID(str(values["stock_submission_id"])),
        keys=(values["partner_id"], values["warehouse_id"], values["product_id"]),
        pk=values["id"],
    )
    built = ReconciliationRow(**figures)
    assert vars(fast) == vars(built)
    assert fast == built


class Deny(BasePermission):
    message = "denied"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


class Redact(FieldExtension):
    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        return "***"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Pet(Named):
    name: str


@strawberry.type
class Car:
    name: str


Nullish = typing.NewType("Nullish", object)
NULLISH = StrawberryConfig(
    scalar_map={
        Nullish: strawberry.scalar(name="Nullish", serialize=lambda v: None, parse_value=str)
    }
)


@strawberry.type
class Odd:
    name: str
    secret: str = strawberry.field(permission_classes=[Deny])
    iban: str = strawberry.field(extensions=[Redact()])
    tags: list[str]
    pet: Pet | None = None
    odd: Nullish | None = None
    amount: Decimal | None = None
    details: JSON | None = None


def odd(**changes: Any) -> Odd:
    values: dict[str, Any] = {"name": "n", "secret": "s3cret", "iban": "DE00", "tags": ["a"]}
    values.update(changes)
    return Odd(**values)


ODD_ROWS: list[Odd] = []


@strawberry.type
class OddQuery:
    @strawberry.field
    def rows(self) -> list[Odd | None]:
        return ODD_ROWS


ODD_PLAIN = strawberry.Schema(query=OddQuery, types=[Pet], extensions=[MaskErrors], config=NULLISH)
ODD_FAST = strawberry.Schema(
    query=OddQuery,
    types=[Pet],
    extensions=[MaskErrors],
    config=NULLISH,
    execution_context_class=PlainFieldsExecutor,
)
ODD_CASES = [  # (changes to the second row, the query): each an error or an exception
    ({}, "{ rows { name secret } }"),  # a permission class on an attribute field
    ({}, "{ rows { name iban } }"),  # a field extension on an attribute field
    ({"tags": ["a", None]}, "{ rows { tags } }"),  # a null inside [String!]
    ({"tags": range(3)}, "{ rows { tags } }"),  # an iterable, not a list (ints: refused)
    ({"tags": ("t", "u")}, "{ rows { tags } }"),  # a tuple
    ({"pet": Car(name="car")}, "{ rows { pet { name } } }"),  # an object of another type
    ({"odd": 1}, "{ rows { odd } }"),  # a scalar whose serialisation gives null
    ({"amount": RuntimeError("to 10.0.0.5 refused")}, "{ rows { amount } }"),  # an error
    ({"details": ValueError("internal")}, "{ rows { details name } }"),
]


@pytest.mark.parametrize(("changes", "query"), ODD_CASES)
async def test_plain_fields_leave_what_is_not_plain_to_graphql_core(
    changes: dict[str, Any], query: str
) -> None:
    ODD_ROWS[:] = [odd(), odd(**changes), odd()]
    expected = await ODD_PLAIN.execute(query)
    got = await ODD_FAST.execute(query)
    assert got.data == expected.data
    assert [e.formatted for e in got.errors or []] == [e.formatted for e in expected.errors or []]
    assert expected.errors or "iban" in query or "tags" in query


def test_a_long_text_is_not_kept() -> None:
    documents = ValidDocuments(maxsize=2, max_length=100)
    documents.add("{ a }")
    documents.add("#" + "x" * 200 + "\n{ a }")
    assert "{ a }" in documents and "#" + "x" * 200 + "\n{ a }" not in documents
    documents.add("{ b }")
    documents.add("{ c }")
    assert "{ a }" not in documents and "{ c }" in documents  # the least recently used out
