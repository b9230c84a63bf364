"""``schema.graphql`` is the checked-in SDL of the graph, written by ``portal schema``."""

from __future__ import annotations

from pathlib import Path

from portal.cli import schema_sdl

CHECKED_IN = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_schema_graphql_is_current() -> None:
    assert CHECKED_IN.read_text(encoding="utf-8") == schema_sdl(), (
        "schema.graphql is stale: run `portal schema -o schema.graphql` and commit it"
    )
