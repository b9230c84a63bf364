"""The foundation's 'done when', through the graph with the lifespan running."""

from __future__ import annotations

from portal.domain.catalog.tenants import create_manufacturer
from tests.graph import Graph

CREATE_PARTNER = """
mutation($input: CreatePartnerInput!) {
  createPartner(input: $input) { partner { id code name tier parent { code } } errors { field code message } }
}"""
CREATE_PRODUCT = """
mutation($input: CreateProductInput!) {
  createProduct(input: $input) { product { id sku name serialControlled listPrice } errors { field code message } }
}"""
CREATE_WAREHOUSE = """
mutation($input: CreateWarehouseInput!) {
  createWarehouse(input: $input) { warehouse { id code name partnerCode kind } errors { field code message } }
}"""
ISSUE_TOKEN = """
mutation($input: IssueApiTokenInput!) {
  issueApiToken(input: $input) { token apiToken { id role partnerCode } errors { code message } }
}"""
PARTNERS = "{ partners(first: 50) { totalCount edges { node { code parent { code } } } } }"


async def test_admin_creates_and_reads_back_catalogue(client) -> None:
    _, token = await create_manufacturer("Acme")
    graph = Graph(client, token)
    data = await graph(
        CREATE_PARTNER, input={"code": "D1", "name": "Dist One", "tier": "DISTRIBUTOR"}
    )
    assert data["createPartner"]["errors"] == []
    data = await graph(
        CREATE_PARTNER,
        input={"code": "R1", "name": "Res One", "tier": "RESELLER", "parentCode": "D1"},
    )
    assert data["createPartner"]["partner"]["parent"] == {"code": "D1"}
    data = await graph(
        CREATE_PRODUCT,
        input={"sku": "SKU-1", "name": "Sensor", "serialControlled": True, "listPrice": "12.50"},
    )
    assert data["createProduct"]["product"]["listPrice"] == "12.5000"
    assert data["createProduct"]["product"]["serialControlled"] is True
    data = await graph(
        CREATE_WAREHOUSE, input={"code": "D1-MAIN", "name": "Main", "partnerCode": "D1"}
    )
    assert data["createWarehouse"]["warehouse"]["partnerCode"] == "D1"

    read = await graph(
        "{ viewer { role manufacturer { name } partner { code } }"
        " products { totalCount edges { node { sku listPrice } } }"
        ' warehouses(partnerCode: "D1") { code kind } }'
    )
    assert read["viewer"] == {"role": "ADMIN", "manufacturer": {"name": "Acme"}, "partner": None}
    assert read["products"]["edges"][0]["node"] == {"sku": "SKU-1", "listPrice": "12.5000"}
    assert read["warehouses"] == [{"code": "D1-MAIN", "kind": "OWNED"}]
    partners = await graph(PARTNERS)
    assert partners["partners"]["totalCount"] == 2


async def test_business_failures_are_payload_errors_and_change_nothing(client) -> None:
    _, token = await create_manufacturer("Acme")
    graph = Graph(client, token)
    await graph(CREATE_PARTNER, input={"code": "D1", "name": "Dist", "tier": "DISTRIBUTOR"})
    dup = await graph(CREATE_PARTNER, input={"code": "D1", "name": "Again", "tier": "RESELLER"})
    assert dup["createPartner"] == {
        "partner": None,
        "errors": [
            {
                "field": ["code"],
                "code": "ALREADY_EXISTS",
                "message": "A partner with code 'D1' exists.",
            }
        ],
    }
    bad_parent = await graph(
        CREATE_PARTNER, input={"code": "R9", "name": "X", "tier": "RESELLER", "parentCode": "NOPE"}
    )
    assert bad_parent["createPartner"]["errors"][0]["code"] == "NOT_FOUND"
    blank = await graph(CREATE_PRODUCT, input={"sku": "  ", "name": "x"})
    assert blank["createProduct"]["errors"][0]["code"] == "REQUIRED"
    negative = await graph(CREATE_PRODUCT, input={"sku": "S", "name": "x", "listPrice": "-1"})
    assert negative["createProduct"]["errors"][0]["code"] == "INVALID"
    partners = await graph(PARTNERS)
    assert [e["node"]["code"] for e in partners["partners"]["edges"]] == ["D1"]
    assert (await graph("{ products { totalCount } }"))["products"]["totalCount"] == 0


async def test_idempotency_key_returns_first_result(client) -> None:
    _, token = await create_manufacturer("Acme")
    graph = Graph(client, token)
    body = {"sku": "K1", "name": "Kit", "idempotencyKey": "abc"}
    first = await graph(CREATE_PRODUCT, input=body)
    second = await graph(CREATE_PRODUCT, input=body)
    assert first["createProduct"]["product"]["id"] == second["createProduct"]["product"]["id"]
    assert second["createProduct"]["errors"] == []
    other = await graph(CREATE_PRODUCT, input={**body, "name": "Different"})
    assert other["createProduct"]["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert (await graph("{ products { totalCount } }"))["products"]["totalCount"] == 1


async def test_partner_token_sees_only_its_partner(client) -> None:
    _, token = await create_manufacturer("Acme")
    admin = Graph(client, token)
    for code in ("D1", "D2"):
        await admin(CREATE_PARTNER, input={"code": code, "name": code, "tier": "DISTRIBUTOR"})
        await admin(CREATE_WAREHOUSE, input={"code": f"{code}-W", "name": "w", "partnerCode": code})
    issued = await admin(ISSUE_TOKEN, input={"role": "PARTNER_ADMIN", "partnerCode": "D1"})
    partner = Graph(client, issued["issueApiToken"]["token"])
    assert issued["issueApiToken"]["apiToken"]["partnerCode"] == "D1"
    seen = await partner(PARTNERS + " ")
    assert [e["node"]["code"] for e in seen["partners"]["edges"]] == ["D1"]
    assert [w["code"] for w in (await partner("{ warehouses { code } }"))["warehouses"]] == ["D1-W"]
    hidden = await partner.errors('{ warehouses(partnerCode: "D2") { code } }')
    assert hidden[0]["extensions"]["code"] == "NOT_FOUND"
    viewer = await partner("{ viewer { role partner { code } } }")
    assert viewer["viewer"] == {"role": "PARTNER_ADMIN", "partner": {"code": "D1"}}
    # Its own warehouse only, and no manufacturer roles.
    made = await partner(CREATE_WAREHOUSE, input={"code": "D1-X", "name": "x"})
    assert made["createWarehouse"]["warehouse"]["partnerCode"] == "D1"
    foreign = await partner(
        CREATE_WAREHOUSE, input={"code": "D2-X", "name": "x", "partnerCode": "D2"}
    )
    assert foreign["createWarehouse"]["errors"][0]["code"] == "NOT_FOUND"
    escalate = await partner(ISSUE_TOKEN, input={"role": "ADMIN"})
    assert escalate["issueApiToken"]["errors"][0]["code"] == "ROLE_NOT_ALLOWED"
    forbidden = await partner.errors(
        CREATE_PARTNER, input={"code": "Z", "name": "Z", "tier": "DEALER"}
    )
    assert forbidden[0]["extensions"]["code"] == "FORBIDDEN"


async def test_reseller_sees_its_own_parent_and_no_further(client) -> None:
    """A reseller's page offers its distributor as supplier: its own node shows its parent
    (code and name); that parent's own parent, and other partners, stay hidden."""
    _, token = await create_manufacturer("Acme")
    admin = Graph(client, token)
    await admin(CREATE_PARTNER, input={"code": "D0", "name": "Top", "tier": "DISTRIBUTOR"})
    await admin(
        CREATE_PARTNER,
        input={"code": "D1", "name": "Dist", "tier": "DISTRIBUTOR", "parentCode": "D0"},
    )
    for code in ("R1", "R2"):
        await admin(
            CREATE_PARTNER,
            input={"code": code, "name": code, "tier": "RESELLER", "parentCode": "D1"},
        )
    issued = await admin(ISSUE_TOKEN, input={"role": "PARTNER_ADMIN", "partnerCode": "R1"})
    reseller = Graph(client, issued["issueApiToken"]["token"])
    seen = await reseller(
        "{ partners(first: 50) { edges { node { code parent { code name parent { code } } } } } }"
    )
    assert [e["node"] for e in seen["partners"]["edges"]] == [
        {"code": "R1", "parent": {"code": "D1", "name": "Dist", "parent": None}}
    ]
    issued = await admin(ISSUE_TOKEN, input={"role": "PARTNER_ADMIN", "partnerCode": "D1"})
    distributor = Graph(client, issued["issueApiToken"]["token"])
    seen = await distributor("{ partners(first: 50) { edges { node { code parent { code } } } } }")
    assert [e["node"] for e in seen["partners"]["edges"]] == [
        {"code": "D1", "parent": {"code": "D0"}}
    ]


async def test_second_manufacturer_sees_nothing_of_the_first(client) -> None:
    _, first = await create_manufacturer("Acme")
    _, second = await create_manufacturer("Globex")
    await Graph(client, first)(CREATE_PARTNER, input={"code": "D1", "name": "x", "tier": "DEALER"})
    await Graph(client, first)(CREATE_PRODUCT, input={"sku": "S1", "name": "x"})
    other = Graph(client, second)
    data = await other("{ partners { totalCount } products { totalCount } warehouses { code } }")
    assert data == {"partners": {"totalCount": 0}, "products": {"totalCount": 0}, "warehouses": []}
    errors = await other.errors('{ warehouses(partnerCode: "D1") { code } }')
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    # Same codes are free in the other tenant.
    made = await other(CREATE_PARTNER, input={"code": "D1", "name": "mine", "tier": "DEALER"})
    assert made["createPartner"]["errors"] == []


async def test_unknown_missing_and_revoked_tokens_get_401(client) -> None:
    _, token = await create_manufacturer("Acme")
    admin = Graph(client, token)
    assert (await client.post("/graphql", json={"query": "{ viewer { role } }"})).status_code == 401
    assert (await Graph(client, "cpt_nope").raw("{ viewer { role } }")).status_code == 401
    issued = await admin(ISSUE_TOKEN, input={"role": "CHANNEL_MANAGER", "label": "cm"})
    manager = Graph(client, issued["issueApiToken"]["token"])
    assert (await manager("{ viewer { role } }"))["viewer"]["role"] == "CHANNEL_MANAGER"
    revoked = await admin(
        "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { revokedAt } errors { code } } }",
        id=issued["issueApiToken"]["apiToken"]["id"],
    )
    assert revoked["revokeApiToken"]["apiToken"]["revokedAt"] is not None
    response = await manager.raw("{ viewer { role } }")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
