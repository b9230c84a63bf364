"""Every command's ``--help`` shows its options' defaults and the environment it reads;
``portal demo`` says which port it binds and how to change it."""

from __future__ import annotations

import pytest

from portal.cli import main

COMMANDS = ["init", "serve", "demo", "worker", "migrate", "check-ledger", "reconcile", "schema"]


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_defaults_and_environment(capsys, command: str) -> None:  # type: ignore[no-untyped-def]
    text = _help(capsys, command)
    assert "environment:" in text
    if command != "schema":  # the schema is built from code alone
        assert "PORTAL_DATABASE_URL" in text and "(default: sqlite://portal.sqlite3)" in text
    if command in ("serve", "demo"):
        assert "--port PORT" in text and "(default: 8000)" in text
        assert "(default: 127.0.0.1)" in text and "PORTAL_REDIS_URL" in text
    if command == "worker":
        assert "PORTAL_REDIS_URL" in text and "(default: unset)" in text


def test_demo_says_it_binds_port_8000_and_how_to_change_it(capsys) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(_help(capsys, "demo").split())
    assert "binds 127.0.0.1:8000" in text and "portal demo --port 8001" in text
    assert "serve it on port 8000" in " ".join(_help(capsys).split())
