"""Schemathesis generates queries and mutations from the schema and sends them, with a
valid admin token, to a live `portal serve` with demo data: none may answer 5xx."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st

from portal.schema import build_schema
from portal.settings import Settings
from tests.conftest import ROOT
from tests.loopback import wait_for_health

schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
        st.text(max_size=8),
    ).map(schemathesis.graphql.nodes.String),
)
# Files arrive by multipart only; an inline value must be refused cleanly, never a 5xx.
schemathesis.graphql.scalar("Upload", st.text(max_size=8).map(schemathesis.graphql.nodes.String))
schema = schemathesis.graphql.from_file(build_schema(Settings()).as_str())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    db = Path(tmp_path_factory.mktemp("live")) / "live.sqlite3"
    env = {**os.environ, "PORTAL_DATABASE_URL": f"sqlite://{db}", "PORTAL_ENV": "development"}
    env.pop("PORTAL_REDIS_URL", None)
    seeded = subprocess.run(
        [sys.executable, "-m", "portal.cli", "demo", "--no-serve"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    token = next(
        line.split()[-1] for line in seeded.stdout.splitlines() if line.startswith("Admin token")
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "portal.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(db.with_suffix(".log"), "w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, server)
        yield base, token
    finally:
        server.terminate()
        server.wait(timeout=20)


@schema.parametrize()
@hypothesis.settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
)
def test_no_server_errors(case, live_server) -> None:  # type: ignore[no-untyped-def]
    base, token = live_server
    response = case.call(
        base_url=f"{base}/graphql", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert response.status_code < 500, response.text
    body = response.json()
    for error in body.get("errors") or []:
        assert error.get("extensions", {}).get("code") != "INTERNAL_ERROR", (case.body, error)
