"""The `smartcity` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence

import httpx

from services.kernel import auth, errors
from services.kernel.settings import Settings
from services.registry import SERVICES


def _settings() -> Settings:
    return Settings.from_env(os.environ).with_development_secret()


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    service = SERVICES[args.service]
    app = service.create_app(_settings())
    port = args.port or service.port
    # requests are counted at /metrics; a log line per request would cost more than routing it
    uvicorn.run(app, host=args.host, port=port, log_level="info", access_log=False)
    return 0


def _token(args: argparse.Namespace) -> int:
    settings = _settings()
    role = auth.Role(args.role)
    print(auth.mint(settings.jwt_secret or "", role, region=args.region, regions=args.regions))
    return 0


def _seed(args: argparse.Namespace) -> int:
    from services.catalog.seed import seed

    settings = _settings()
    token = auth.mint(settings.jwt_secret or "", auth.Role.ADMIN, subject="seed")

    async def run() -> None:
        async with httpx.AsyncClient(timeout=30) as client:
            report = await seed(client, args.url, token)
        print(
            f"seeded {report.regions} regions and {report.programs} programs "
            f"({report.skipped_regions} regions were already there)"
        )

    asyncio.run(run())
    return 0


def _up(args: argparse.Namespace) -> int:
    from services import stack

    env = dict(os.environ)
    if args.mongodb_uri:
        env["MONGODB_URI"] = args.mongodb_uri
    if args.nats_url:
        env["NATS_URL"] = args.nats_url
    settings = Settings.from_env(env).with_development_secret()
    ports = stack.Ports(
        nats=args.nats_port,
        services={name: getattr(args, f"{name}_port") for name in SERVICES},
    )
    try:
        asyncio.run(
            stack.run(settings, ports, demo=not args.no_demo, external_nats=bool(args.nats_url))
        )
    except stack.StackError as exc:
        print(f"smartcity: {exc}", file=sys.stderr)
        return 1
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="smartcity", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run one service")
    serve.add_argument("service", choices=sorted(SERVICES))
    serve.add_argument("--port", type=int)
    serve.add_argument("--host", default="127.0.0.1")
    serve.set_defaults(run=_serve)

    token = commands.add_parser("token", help="mint a development token")
    token.add_argument("--role", required=True, choices=[r.value for r in auth.Role])
    token.add_argument("--region", help="the region of a region operator")
    token.add_argument("--regions", nargs="*", help="the regions an assessor is assigned to")
    token.set_defaults(run=_token)

    up = commands.add_parser("up", help="run the embedded stack with demo data")
    up.add_argument("--no-demo", action="store_true", help="start without the demo data")
    up.add_argument("--mongodb-uri", help="a MongoDB to use instead of the in-memory store")
    up.add_argument("--nats-url", help="an external NATS to use instead of starting one")
    up.add_argument("--nats-port", type=int, default=4222)
    for service in SERVICES.values():
        up.add_argument(f"--{service.name}-port", type=int, default=service.port)
    up.set_defaults(run=_up)

    seed = commands.add_parser("seed", help="load the demo regions and programs")
    seed.add_argument("--url", default="http://127.0.0.1:4001/graphql", help="catalog or gateway")
    seed.set_defaults(run=_seed)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except (httpx.HTTPError, OSError) as exc:
        print(f"smartcity: {exc}", file=sys.stderr)
        return 1
    except (errors.UserError, ValueError) as exc:
        print(f"smartcity: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
