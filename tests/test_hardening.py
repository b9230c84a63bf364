"""Limits and production settings of the graph and the HTTP surface."""

from __future__ import annotations

import httpx

from portal.app import create_app
from portal.domain.catalog.tenants import create_manufacturer
from portal.settings import Settings
from tests.graph import Graph


async def test_thousand_aliases_are_refused(client) -> None:
    _, token = await create_manufacturer("Acme")
    query = "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(1000)) + " }"
    response = await Graph(client, token).raw(query)
    body = response.json()
    assert body.get("data") is None
    assert any("tokens" in e["message"] or "aliases" in e["message"] for e in body["errors"])


async def test_too_many_aliases_refused_even_when_short(client) -> None:
    _, token = await create_manufacturer("Acme")
    query = "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(25)) + " }"
    errors = (await Graph(client, token).raw(query)).json()["errors"]
    assert "aliases" in errors[0]["message"]


async def test_deep_query_is_refused(client) -> None:
    _, token = await create_manufacturer("Acme")
    nested = "code"
    for _ in range(15):
        nested = f"parent {{ {nested} }}"
    query = f"{{ partners {{ edges {{ node {{ {nested} }} }} }} }}"
    errors = (await Graph(client, token).raw(query)).json()["errors"]
    assert "exceeds maximum operation depth" in errors[0]["message"]


async def test_page_size_is_capped(client) -> None:
    _, token = await create_manufacturer("Acme")
    errors = await Graph(client, token).errors("{ partners(first: 5000) { totalCount } }")
    assert errors[0]["extensions"]["code"] == "INVALID"
    assert "first must be between 0 and 100" in errors[0]["message"]


async def test_bad_cursor_is_a_clear_error(client) -> None:
    _, token = await create_manufacturer("Acme")
    errors = await Graph(client, token).errors('{ partners(after: "garbage!") { totalCount } }')
    assert errors[0]["extensions"]["code"] == "INVALID"


async def test_batching_is_off(client) -> None:
    _, token = await create_manufacturer("Acme")
    response = await client.post(
        "/graphql",
        json=[{"query": "{ viewer { role } }"}, {"query": "{ viewer { role } }"}],
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400


async def test_oversized_body_gets_413(client, app) -> None:
    limit = app.state.settings.max_body_bytes
    response = await client.post(
        "/graphql", content=b"x" * (limit + 1), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_health_reports_database_and_queue(client, settings) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["queue"] == "ok"
    assert body["jobs"] == ("in-process" if settings.embedded else "arq")


async def test_frontend_stub_is_served(client) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert "Channel inventory portal" in response.text
    for module, uses in {
        "app.js": "./reports.js",
        "reports.js": "submitStockSnapshot",
        "manager.js": "updateException",
        "transfers.js": "raiseTransfer",
        "designs.js": "registerDesign",
        "live.js": "connection_init",
    }.items():
        script = await client.get(f"/{module}")
        assert script.status_code == 200 and uses in script.text, module
        assert "javascript" in script.headers["content-type"]


async def test_unexpected_errors_are_masked(client, monkeypatch) -> None:
    from portal.domain.catalog import partners

    _, token = await create_manufacturer("Acme")

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internals")

    monkeypatch.setattr(partners, "visible_partners", boom)
    errors = await Graph(client, token).errors("{ partners { totalCount } }")
    assert errors[0]["message"] == "Unexpected error."
    assert errors[0]["extensions"]["code"] == "INTERNAL_ERROR"
    assert "secret" not in str(errors)


async def test_production_turns_off_introspection_and_graphiql(tmp_path) -> None:
    settings = Settings(database_url=f"sqlite://{tmp_path / 'p.sqlite3'}", env="production")
    app = create_app(settings, scheduler_interval=None)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://p"
        ) as client:
            _, token = await create_manufacturer("Acme")
            errors = await Graph(client, token).errors("{ __schema { types { name } } }")
            assert "introspection" in errors[0]["message"].lower()
            page = await client.get("/graphql", headers={"accept": "text/html"})
            assert page.status_code == 401


async def test_development_serves_graphiql(client) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
