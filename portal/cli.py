"""The ``portal`` command line (see ``docs/commands.md``)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from portal.cli_environment import DATABASE, SERVER, WORKER, HelpFormatter, environment_help
from portal.settings import Settings


def _cmd_init(args: argparse.Namespace) -> int:
    from portal.db import close_database, open_database
    from portal.domain.catalog.tenants import create_manufacturer
    from portal.domain.errors import DomainError

    async def run() -> int:
        await open_database(Settings())
        try:
            _, token = await create_manufacturer(args.manufacturer)
        except DomainError as error:
            print(f"error: {error.code.value}: {error.message}", file=sys.stderr)
            return 1
        finally:
            await close_database()
        print(token)
        return 0

    return asyncio.run(run())


def _serve(host: str, port: int) -> None:
    import gc

    import uvicorn

    from portal.app import create_app

    app = create_app()
    # What startup built (modules, the schema) lives as long as the process: out of the
    # collector's way, a full collection no longer walks it (a 500-row reconciliation page
    # spent 2.6 ms per request in collections, 0.9 ms with the startup heap frozen).
    gc.collect()
    gc.freeze()
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="info")


def _cmd_serve(args: argparse.Namespace) -> int:
    _serve(args.host, args.port)
    return 0


def _cmd_worker(args: argparse.Namespace) -> int:
    from workers.settings import build_worker

    build_worker(Settings(), burst=args.burst).run()
    return 0


def _cmd_migrate(args: argparse.Namespace) -> int:
    from portal.migrate import migrate

    asyncio.run(migrate(Settings()))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from portal.db import close_database, open_database
    from portal.demo import seed_demo

    async def seed() -> None:
        await open_database(Settings())
        try:
            tokens = await seed_demo()
        finally:
            await close_database()
        url = f"http://{args.host}:{args.port}"
        print(f"Portal:          {url}/")
        print(f"GraphQL:         {url}/graphql")
        print(f"Admin token:     {tokens.admin}")
        print(f"Manager token:   {tokens.manager}")
        print(f"Partner token:   {tokens.partner}   ({tokens.partner_code})")
        print(f"Partner page:    {url}/#token={tokens.partner}")
        print(f"Manager page:    {url}/#token={tokens.manager}")
        if not args.no_serve:
            print(f"Serving on {url} (another port: portal demo --port N; Ctrl+C stops)")
        sys.stdout.flush()

    asyncio.run(seed())
    if not args.no_serve:
        _serve(args.host, args.port)
    return 0


def _cmd_check_ledger(args: argparse.Namespace) -> int:
    from portal.db import close_database, open_database
    from portal.domain.ledger.check import ledger_mismatches
    from portal.domain.orders.check import reservation_mismatches

    async def run() -> list[str]:
        await open_database(Settings())
        try:
            return await ledger_mismatches() + await reservation_mismatches()
        finally:
            await close_database()

    problems = asyncio.run(run())
    for problem in problems:
        print(problem, file=sys.stderr)
    print("ledger OK" if not problems else f"{len(problems)} mismatch(es)")
    return 1 if problems else 0


def _cmd_reconcile(args: argparse.Namespace) -> int:
    from portal.db import close_database, open_database
    from portal.domain.errors import DomainError
    from portal.domain.reconciliation.recompute import full_recompute
    from portal.models import Manufacturer

    async def run() -> int:
        settings = Settings()
        await open_database(settings)
        try:
            tenants = Manufacturer.all()
            if args.manufacturer:
                tenants = tenants.filter(name=args.manufacturer)
            total = 0
            for manufacturer in await tenants:
                total += await full_recompute(
                    manufacturer.id,
                    args.period,
                    through=args.through,
                    concurrency=settings.recompute_concurrency,
                )
            span = f"{args.period} to {args.through}" if args.through else args.period
            print(f"{total} reconciliation rows recomputed for {span}")
            return 0
        except DomainError as error:
            print(f"error: {error.code.value}: {error.message}", file=sys.stderr)
            return 1
        finally:
            await close_database()

    return asyncio.run(run())


def schema_sdl() -> str:
    """The GraphQL schema in SDL, as checked in at ``schema.graphql``."""
    from portal.schema import build_schema

    return str(build_schema(Settings(env="development"))) + "\n"


def _cmd_schema(args: argparse.Namespace) -> int:
    text = schema_sdl()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portal",
        description="Channel inventory portal. `portal COMMAND --help` shows each command's "
        "options with their defaults and the environment variables it reads.",
        epilog=environment_help(SERVER),
        formatter_class=HelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, helptext: str, description: str, env: tuple[str, ...]) -> Any:
        return commands.add_parser(
            name,
            help=helptext,
            description=textwrap.fill(description, 79),
            epilog=environment_help(env) if env else "environment: none read",
            formatter_class=HelpFormatter,
        )

    init = command(
        "init",
        "create a tenant and print its ADMIN token",
        "Create a tenant and print its ADMIN API token, alone on one line.",
        DATABASE,
    )
    init.add_argument("--manufacturer", required=True, help="the tenant's name (required)")
    init.set_defaults(run=_cmd_init)

    serve = command(
        "serve",
        "serve the app",
        "Serve the portal over HTTP (uvicorn) on --host:--port, 127.0.0.1:8000 unless told. "
        "On SQLite it creates the schema; without PORTAL_REDIS_URL it runs jobs in-process.",
        SERVER,
    )
    demo = command(
        "demo",
        "seed a demo tenant and serve it on port 8000",
        "Seed (or reuse) the tenant 'Demo Manufacturer', print fresh tokens and page URLs, "
        "then serve it like `portal serve`: it binds 127.0.0.1:8000 unless --host/--port "
        "say otherwise (port taken? `portal demo --port 8001`).",
        SERVER,
    )
    for sub, run in ((serve, _cmd_serve), (demo, _cmd_demo)):
        sub.add_argument("--host", default="127.0.0.1", help="the address to bind")
        sub.add_argument("--port", type=int, default=8000, help="the TCP port to bind")
        sub.set_defaults(run=run)
    demo.add_argument("--no-serve", action="store_true", help="seed and print only")

    worker = command(
        "worker",
        "run an arq worker (needs PORTAL_REDIS_URL)",
        "Run an arq worker: the queued jobs and the periodic schedule. Needs PORTAL_REDIS_URL.",
        WORKER,
    )
    worker.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    worker.set_defaults(run=_cmd_worker)

    check = command(
        "check-ledger",
        "verify balances equal their ledger sums and reservations <= on hand",
        "Verify that every balance equals its ledger sum and in-transit its open documents, "
        "that contracts' remaining equals their owner's balance, and that order reservations "
        "equal their sum and never exceed on hand; exit 1 on any mismatch.",
        DATABASE,
    )
    check.set_defaults(run=_cmd_check_ledger)

    reconcile = command(
        "reconcile",
        "recompute a period's reconciliation in full",
        "Recompute the reconciliation of a period (or a range of periods) in full.",
        DATABASE,
    )
    reconcile.add_argument("--period", required=True, help="2026-10 or 2026-W43 (required)")
    reconcile.add_argument("--through", help="every period from --period to this one, at once")
    reconcile.add_argument("--manufacturer", help="only this tenant (unset: every tenant)")
    reconcile.set_defaults(run=_cmd_reconcile)

    migrate = command(
        "migrate",
        "apply database migrations",
        "Apply the versioned migrations (PostgreSQL); on SQLite create missing tables.",
        DATABASE,
    )
    migrate.set_defaults(run=_cmd_migrate)

    schema = command(
        "schema",
        "print the GraphQL schema (SDL)",
        "Print the GraphQL schema in SDL, as checked in at schema.graphql.",
        (),
    )
    schema.add_argument("--output", "-o", default="-", help="a file ('-': standard output)")
    schema.set_defaults(run=_cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
