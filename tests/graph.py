"""A small GraphQL client for tests."""

from __future__ import annotations

from typing import Any

import httpx


class Graph:
    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.token = token

    async def raw(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.token}"},
        )

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.raw(query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def errors(self, query: str, **variables: Any) -> list[dict[str, Any]]:
        response = await self.raw(query, variables)
        assert response.status_code in (200, 400), response.text
        body = response.json()
        assert body.get("errors"), body
        return body["errors"]
