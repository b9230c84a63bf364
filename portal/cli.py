"""The ``portal`` command line (see ``docs/commands.md``)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

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
    import uvicorn

    from portal.app import create_app

    uvicorn.run(create_app(), host=host, port=port, proxy_headers=True, log_level="info")


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
        sys.stdout.flush()

    asyncio.run(seed())
    if not args.no_serve:
        _serve(args.host, args.port)
    return 0


def _cmd_check_ledger(args: argparse.Namespace) -> int:
    from portal.db import close_database, open_database
    from portal.domain.ledger.check import ledger_mismatches

    async def run() -> list[str]:
        await open_database(Settings())
        try:
            return await ledger_mismatches()
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
        await open_database(Settings())
        try:
            tenants = Manufacturer.all()
            if args.manufacturer:
                tenants = tenants.filter(name=args.manufacturer)
            total = 0
            for manufacturer in await tenants:
                total += await full_recompute(manufacturer.id, args.period, through=args.through)
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
    parser = argparse.ArgumentParser(prog="portal", description="Channel inventory portal")
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create a tenant and print its ADMIN token")
    init.add_argument("--manufacturer", required=True)
    init.set_defaults(run=_cmd_init)

    for name, helptext, run in (
        ("serve", "serve the app", _cmd_serve),
        ("demo", "seed a demo tenant and serve it", _cmd_demo),
    ):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8000)
        sub.set_defaults(run=run)
        if name == "demo":
            sub.add_argument("--no-serve", action="store_true", help="seed and print only")

    worker = commands.add_parser("worker", help="run an arq worker (needs PORTAL_REDIS_URL)")
    worker.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    worker.set_defaults(run=_cmd_worker)

    check = commands.add_parser("check-ledger", help="verify balances equal their ledger sums")
    check.set_defaults(run=_cmd_check_ledger)

    reconcile = commands.add_parser("reconcile", help="recompute a period's reconciliation in full")
    reconcile.add_argument("--period", required=True)
    reconcile.add_argument("--through", help="every period from --period to this one, at once")
    reconcile.add_argument("--manufacturer", help="only this tenant (default: all)")
    reconcile.set_defaults(run=_cmd_reconcile)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(run=_cmd_migrate)

    schema = commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    schema.add_argument("--output", "-o", default="-", help="a file (default: standard output)")
    schema.set_defaults(run=_cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
