"""Issue #12, outbound calls: webhooks and the ERP connector reach only public addresses
(and the networks an operator admits), never echo a remote answer, and one bad endpoint or
tenant never stops the others. Through the graph and the jobs that run the calls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from ipaddress import ip_network
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from portal.app import create_app
from portal.domain.catalog.tenants import create_manufacturer
from portal.domain.integrations.erp import ErpUnavailable, schedule_all, sync_erp
from portal.domain.integrations.outbound import OutboundPolicy, OutboundRefused
from portal.domain.integrations.outbound_http import fetch, guarded_client
from portal.jobs.kinds import DELIVER_WEBHOOKS, ERP_SYNC
from portal.jobs.records import submit_job
from portal.models import (
    ErpSyncRun,
    Job,
    ManufacturerSettings,
    OutboxEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from portal.models.enums import JobStatus
from portal.settings import Settings
from tests.graph import Graph
from tests.jobs import run_jobs
from tests.loopback import serve_app

SECRET = "INTERNAL-STACKTRACE db=10.9.8.7 password=hunter2"
REFUSED_FORMS = [
    "http://2130706433/hook",  # 127.0.0.1 as a decimal integer
    "http://0x7f000001/hook",  # ... as hex
    "http://017700000001/hook",  # ... as octal
    "http://localhost/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://10.0.0.5/hook",
    "http://172.16.3.4/hook",
    "http://192.168.1.1/hook",
    "http://100.64.0.1/hook",  # CGNAT
    "http://0.0.0.0/hook",
    "http://224.0.0.1/hook",  # multicast
]
REGISTER = """mutation($u: String!) { registerWebhook(input: {url: $u}) {
  webhook { url } errors { field code message } } }"""
SET_ERP = """mutation($u: String!) { updateSettings(input: {erpBaseUrl: $u, erpApiKey: "k"}) {
  settings { erpBaseUrl } errors { field code message } } }"""
WEBHOOKS = "{ webhooks { url recentDeliveries { status lastStatusCode lastError } } }"


@pytest.fixture
async def strict_app(settings: Settings) -> AsyncIterator[Any]:
    """The portal as shipped: no network admitted beyond public addresses."""
    strict = settings.model_copy(update={"outbound_allow_networks": []})
    application = create_app(strict, scheduler_interval=None)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def strict_client(strict_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=strict_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as http:
        yield http


async def _admin(name: str = "Acme") -> tuple[int, str]:
    manufacturer, token = await create_manufacturer(name)
    return manufacturer.id, token


async def _event(manufacturer_id: int, key: str) -> None:
    await OutboxEvent.create(
        manufacturer_id=manufacturer_id,
        event_type="exception.opened",
        payload={"key": key},
        dedupe_key=key,
    )


async def _deliver(app: Any) -> Job:
    job = await submit_job(app.state.queue, DELIVER_WEBHOOKS)
    await run_jobs(app)
    return await Job.get(id=job.id)


class Recorder:
    """A loopback server that answers every request with ``status`` and ``body``."""

    def __init__(self, status: int = 200, body: str = "ok") -> None:
        self.hits: list[str] = []
        self.status, self.body = status, body

    async def endpoint(self, request: Request) -> Response:
        self.hits.append(request.url.path)
        if request.url.path.endswith(("/products", "/shipments", "/inventory")):
            return JSONResponse({"items": [], "next_page": None}, status_code=self.status)
        return PlainTextResponse(self.body, status_code=self.status)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self.endpoint, methods=["GET", "POST"])])


def _redirecting_to(target: str) -> Starlette:
    async def redirect(request: Request) -> Response:
        return RedirectResponse(f"{target}{request.url.path}", status_code=307)

    return Starlette(routes=[Route("/{path:path}", redirect, methods=["GET", "POST"])])


async def test_every_internal_address_form_is_refused_when_stored(strict_client) -> None:
    _, token = await _admin()
    graph = Graph(strict_client, token)
    for url in REFUSED_FORMS:
        hook = (await graph(REGISTER, u=url))["registerWebhook"]
        assert hook["webhook"] is None, url
        assert [(e["code"], e["field"]) for e in hook["errors"]] == [
            ("URL_NOT_ALLOWED", ["url"])
        ], url
        erp = (await graph(SET_ERP, u=url.replace("/hook", "/api")))["updateSettings"]
        assert erp["settings"] is None, url
        assert [e["code"] for e in erp["errors"]] == ["URL_NOT_ALLOWED"], url
        assert erp["errors"][0]["message"] == (  # which address a name resolves to is not told
            "erpBaseUrl: The URL points at an address that is not allowed."
        ), url
    assert await WebhookEndpoint.all().count() == 0
    assert await ManufacturerSettings.filter(erp_base_url__isnull=False).count() == 0


async def test_malformed_urls_crlf_and_credentials_are_refused(strict_client) -> None:
    _, token = await _admin()
    graph = Graph(strict_client, token)
    for url in [
        "https://hooks.example.com/in\r\nX-Injected: 1",
        "https://hooks.example.com/a b",
        "https://user:pass@hooks.example.com/in",
        "https://user@hooks.example.com/in",
        "ftp://hooks.example.com/in",
        "file:///etc/passwd",
        "https:///nohost",
        "https://hooks.example.com:0/in",
        "https://hooks.example.com:70000/in",
    ]:
        hook = (await graph(REGISTER, u=url))["registerWebhook"]
        assert [e["code"] for e in hook["errors"]] == ["URL_NOT_ALLOWED"], url
        erp = (await graph(SET_ERP, u=url))["updateSettings"]
        assert [e["code"] for e in erp["errors"]] == ["URL_NOT_ALLOWED"], url
    assert await WebhookEndpoint.all().count() == 0


async def test_a_stored_loopback_url_is_refused_at_connection(strict_app, strict_client) -> None:
    """The name may point elsewhere by the time of the call: every connection is checked."""
    manufacturer_id, token = await _admin()
    receiver = Recorder()
    async with serve_app(receiver.app(), "a receiver") as base:
        await WebhookEndpoint.create(
            manufacturer_id=manufacturer_id, url=f"{base}/hook", events=[], secret="s"
        )
        await _event(manufacturer_id, "e1")
        job = await _deliver(strict_app)
    assert job.status == JobStatus.DONE, job.error
    assert receiver.hits == []
    listed = (await Graph(strict_client, token)(WEBHOOKS))["webhooks"][0]["recentDeliveries"]
    assert listed == [
        {
            "status": "FAILED",
            "lastStatusCode": None,
            "lastError": "Not sent: The URL points at an address that is not allowed.",
        }
    ]


async def test_a_redirect_to_an_internal_address_is_refused(client, app) -> None:
    """127.0.0.1 is admitted (the test settings); the redirect leads to 127.0.0.2."""
    manufacturer_id, token = await _admin()
    graph = Graph(client, token)
    internal = Recorder()
    async with (
        serve_app(internal.app(), "an internal service", host="127.0.0.2") as inside,
        serve_app(_redirecting_to(inside), "a redirecting server") as outside,
    ):
        hook = (await graph(REGISTER, u=f"{outside}/hook"))["registerWebhook"]
        assert hook["errors"] == []
        erp = (await graph(SET_ERP, u=f"{outside}/api"))["updateSettings"]
        assert erp["errors"] == []
        await _event(manufacturer_id, "e1")
        assert (await _deliver(app)).status == JobStatus.DONE
        queued = await graph("mutation { syncErp { errors { code } } }")
        assert queued["syncErp"]["errors"] == []
        await run_jobs(app)
    assert internal.hits == []
    delivery = await WebhookDelivery.get()
    assert (delivery.status, delivery.last_error) == (
        "FAILED",
        "Not sent: The URL points at an address that is not allowed.",
    )
    run = await ErpSyncRun.get()
    assert run.status == "FAILED"
    assert (
        run.error
        == "ERP URL not allowed (products): The URL points at an address that is not allowed."
    )


class Leaky:
    """Tells its secrets in every body: 401 to the ERP's first call, 502 after, 500 to
    webhooks."""

    def __init__(self) -> None:
        self.gets = 0

    async def endpoint(self, request: Request) -> Response:
        if request.method == "POST":
            return PlainTextResponse(SECRET, status_code=500)
        self.gets += 1
        return PlainTextResponse(SECRET, status_code=401 if self.gets == 1 else 502)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self.endpoint, methods=["GET", "POST"])])


async def test_no_remote_answer_is_echoed(client, app) -> None:
    manufacturer_id, token = await _admin()
    graph = Graph(client, token)
    async with serve_app(Leaky().app(), "a leaky service") as base:
        assert (await graph(REGISTER, u=f"{base}/hook"))["registerWebhook"]["errors"] == []
        assert (await graph(SET_ERP, u=f"{base}/api"))["updateSettings"]["errors"] == []
        await _event(manufacturer_id, "e1")
        await _deliver(app)
        await graph("mutation { syncErp { errors { code } } }")
        await run_jobs(app)
        async with guarded_client(OutboundPolicy([ip_network("127.0.0.1/32")])) as http:
            with pytest.raises(ErpUnavailable):  # 5xx: retried, then given up
                await sync_erp(manufacturer_id, http, attempts=1)
    runs = await graph("{ erpSyncRuns { edges { node { status error httpStatus } } } }")
    errors = sorted((edge["node"] for edge in runs["erpSyncRuns"]["edges"]), key=str)
    assert errors == [
        {"status": "FAILED", "error": "ERP answered HTTP 401 (products)", "httpStatus": 401},
        {
            "status": "FAILED",
            "error": "ERP answered HTTP 502 (products) (after 1 attempts)",
            "httpStatus": None,
        },
    ]
    hooks = await graph(WEBHOOKS)
    assert hooks["webhooks"][0]["recentDeliveries"] == [
        {"status": "PENDING", "lastStatusCode": 500, "lastError": "Receiver answered HTTP 500."}
    ]
    assert "hunter2" not in str(await WebhookDelivery.all().values())


async def test_a_legacy_bad_row_does_not_stop_other_tenants(app, client) -> None:
    """Rows stored before the fix (CR/LF, credentials, loopback-by-name): each fails on its
    own delivery, the job finishes, and the other tenant gets its event."""
    bad_id, bad_token = await _admin("Legacy")
    good_id, good_token = await _admin("Good")
    receiver = Recorder()
    async with serve_app(receiver.app(), "a receiver") as base:
        for url in [
            "http://hooks.example.com/in\r\nX-Injected: 1",
            "https://user:s3cr3tpw@hooks.example.com/in?q=1",
            "http://[::1]:9/in",
        ]:
            await WebhookEndpoint.create(manufacturer_id=bad_id, url=url, events=[], secret="s")
        await _event(bad_id, "bad-first")
        assert (await Graph(client, good_token)(REGISTER, u=f"{base}/hook"))["registerWebhook"][
            "errors"
        ] == []
        await _event(good_id, "good-after")
        job = await _deliver(app)
    assert job.status == JobStatus.DONE, job.error
    assert receiver.hits == ["/hook"]
    listed = (await Graph(client, bad_token)(WEBHOOKS))["webhooks"]
    assert [w["url"] for w in listed] == [
        "(malformed URL)",
        "https://***@hooks.example.com/in?q=1",  # credentials never listed back
        "http://[::1]:9/in",
    ]
    assert [w["recentDeliveries"][0]["status"] for w in listed] == ["FAILED"] * 3
    assert "s3cr3tpw" not in str(listed) and "user" not in str([w["url"] for w in listed])
    good = (await Graph(client, good_token)(WEBHOOKS))["webhooks"][0]["recentDeliveries"]
    assert good == [{"status": "DELIVERED", "lastStatusCode": 200, "lastError": None}]


async def test_one_tenants_erp_failure_does_not_touch_another(app) -> None:
    bad_id, _ = await _admin("Legacy")
    good_id, _ = await _admin("Good")
    erp = Recorder()
    async with serve_app(erp.app(), "an ERP") as base:
        await ManufacturerSettings.filter(manufacturer_id=bad_id).update(
            erp_base_url="http://erp.example.com/api\r\nX-Injected: 1"
        )
        await ManufacturerSettings.filter(manufacturer_id=good_id).update(
            erp_base_url=f"{base}/api"
        )
        assert await schedule_all(app.state.queue) == 2
        await run_jobs(app)
    # both tenants' syncs ran to the end (other periodic work may share the queue)
    assert await Job.filter(kind=ERP_SYNC, status=JobStatus.DONE).count() == 2
    runs = {r.manufacturer_id: r for r in await ErpSyncRun.all()}
    assert runs[good_id].status == "OK", runs[good_id].error
    assert runs[bad_id].status == "FAILED"
    assert runs[bad_id].error == (
        "ERP URL not allowed (products): The URL contains whitespace or control characters."
    )
    assert erp.hits == ["/api/products", "/api/shipments", "/api/inventory"]


async def test_answers_are_bounded_and_redirects_limited(db) -> None:
    async def big(request: Request) -> Response:
        return PlainTextResponse("x" * 300_000)

    async def loop(request: Request) -> Response:
        return RedirectResponse(str(request.url), status_code=302)

    server = Starlette(routes=[Route("/big", big), Route("/loop", loop)])
    async with (
        serve_app(server, "a heavy server") as base,
        guarded_client(OutboundPolicy([ip_network("127.0.0.1/32")])) as http,
    ):
        reply = await fetch(http, "GET", f"{base}/big", max_bytes=1000, deadline=10)
        assert (reply.status, len(reply.body), reply.truncated) == (200, 1000, True)
        with pytest.raises(OutboundRefused, match="More than 3 redirects"):
            await fetch(http, "GET", f"{base}/loop", max_bytes=1000, deadline=10)


async def test_two_delivery_runs_at_once_send_each_event_once(app) -> None:
    """Two delivery runs at the same time (two workers, or a round overlapping a slow one)
    both see the same pending deliveries; each event still reaches the receiver once."""
    import asyncio

    from portal.domain.integrations.webhooks import deliver_due, fan_out

    manufacturer_id, _ = await _admin()
    hits: list[str] = []

    async def slow(request: Request) -> Response:
        hits.append((await request.json())["data"]["key"])
        await asyncio.sleep(0.3)  # both runs have read the pending rows by now
        return PlainTextResponse("ok")

    receiver = Starlette(routes=[Route("/hook", slow, methods=["POST"])])
    async with serve_app(receiver, "a slow receiver") as base:
        await WebhookEndpoint.create(
            manufacturer_id=manufacturer_id, url=f"{base}/hook", events=[], secret="s"
        )
        for key in ("one", "two", "three"):
            await _event(manufacturer_id, key)
        await fan_out()
        policy = OutboundPolicy([ip_network("127.0.0.1/32")])
        async with guarded_client(policy) as http:
            first, second = await asyncio.gather(deliver_due(http), deliver_due(http))
    assert sorted(hits) == ["one", "three", "two"]
    assert first + second == 3
    assert await WebhookDelivery.filter(status="DELIVERED").count() == 3
