"""The environment section of each ``portal COMMAND --help``: the settings the command
reads, with their defaults taken from ``Settings`` itself (so the help cannot drift).

    parser.add_parser("serve", epilog=environment_help(SERVER), formatter_class=HelpFormatter)
"""

from __future__ import annotations

import argparse

from portal.settings import Settings

DATABASE = ("database_url", "worker_statement_timeout_ms")
SERVER = (
    "database_url",
    "redis_url",
    "env",
    "max_body_bytes",
    "max_page_size",
    "statement_timeout_ms",
)
WORKER = (
    "redis_url",
    "database_url",
    "worker_statement_timeout_ms",
    "job_timeout_seconds",
    "job_max_attempts",
    "validation_chunk_rows",
    "ingest_work_mem_mb",
)


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Options with their defaults; description and epilog kept as written."""


def _default(name: str) -> str:
    value = Settings.model_fields[name].default
    return "unset" if value is None else str(value)


def environment_help(names: tuple[str, ...]) -> str:
    width = max(len(f"PORTAL_{name}") for name in names)
    lines = [
        f"  {f'PORTAL_{name.upper()}':<{width}}  (default: {_default(name)})" for name in names
    ]
    return "environment:\n" + "\n".join(lines) + "\n  every setting: docs/settings.md"
