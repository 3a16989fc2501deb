"""Commands that run the suite on this machine: `up`, `serve`, `token`, `seed`."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
from pathlib import Path
from typing import Any

import httpx

from services import stack
from services.cli.config import recorded_gateway
from services.cli.connection import minter, settings
from services.cli.output import table
from services.demo.seed import seed
from services.gateway.composition.composer import compose
from services.gateway.composition.join_print import print_supergraph
from services.gateway.composition.subgraph_schema import read_subgraph
from services.kernel import auth
from services.kernel.graphql_client import GraphQLClient
from services.kernel.settings import Settings
from services.messages import _
from services.registry import SERVICES
from services.stack import one_service, state


def add(commands: Any) -> None:
    up = commands.add_parser("up", help=_("run the embedded stack with demo data"))
    up.add_argument("--no-demo", action="store_true", help=_("start without the demo data"))
    up.add_argument(
        "--fresh",
        action="store_true",
        help=_("start empty: the kept store and event stream are moved aside, not deleted"),
    )
    up.add_argument("--mongodb-uri", help=_("a MongoDB to use instead of the in-memory store"))
    up.add_argument("--nats-url", help=_("an external NATS to use instead of starting one"))
    up.add_argument("--nats-port", type=int, default=4222)
    for service in SERVICES.values():
        up.add_argument(f"--{service.name}-port", type=int, default=service.port)
    up.set_defaults(run=_up)

    serve = commands.add_parser("serve", help=_("run one service"))
    serve.add_argument("service", choices=sorted(SERVICES))
    serve.add_argument("--port", type=int)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--log-level", default="info", choices=("debug", "info", "warning"))
    serve.set_defaults(run=_serve)

    status = commands.add_parser("status", help=_("each part of the running stack and its state"))
    status.set_defaults(run=_status)

    supergraph = commands.add_parser(
        "supergraph", help=_("the suite's supergraph in the join-spec form, for any router")
    )
    supergraph.add_argument("--output", type=Path, help=_("write it here instead of printing it"))
    supergraph.set_defaults(run=_supergraph)

    token = commands.add_parser("token", help=_("mint a development token"))
    token.add_argument("--role", required=True, choices=[r.value for r in auth.Role])
    token.add_argument("--region", help=_("the region of a region operator"))
    token.add_argument("--regions", nargs="*", help=_("the regions an assessor is assigned to"))
    token.add_argument(
        "--subject", help=_("whom the token is for: an assessor's registry id (default dev-ROLE)")
    )
    token.set_defaults(run=_token)

    seeding = commands.add_parser("seed", help=_("load the demo regions and programs"))
    seeding.add_argument(
        "--url", default="http://127.0.0.1:4001/graphql", help=_("catalog or gateway")
    )
    seeding.set_defaults(run=_seed)


def _up(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if args.mongodb_uri:
        env["MONGODB_URI"] = args.mongodb_uri
    if args.nats_url:
        env["NATS_URL"] = args.nats_url
    chosen = Settings.from_env(env).with_development_secret()
    if args.fresh:
        _move_aside(chosen)
    supervisor = stack.supervisor()  # the embedded extra, needed here only
    ports = supervisor.Ports(
        nats=args.nats_port,
        services={name: getattr(args, f"{name}_port") for name in SERVICES},
    )
    served = f"http://127.0.0.1:{ports.services['gateway']}/graphql"
    with recorded_gateway(chosen, served):
        asyncio.run(
            supervisor.run(chosen, ports, demo=not args.no_demo, external_nats=bool(args.nats_url))
        )
    return 0


def _move_aside(chosen: Settings) -> None:
    """`up --fresh`: the embedded store and the stream it agrees with, moved into
    DATA_DIR/set-aside/WHEN, so nothing is lost by mistake."""
    if not chosen.mongo_is_in_memory:
        raise stack.StackError(
            _("--fresh empties the embedded store; a MongoDB's data is its own.")
        )
    if state.read(chosen.data_dir) is not None:
        said = _("A stack is running from {folder}: stop it before starting fresh.")
        raise stack.StackError(said.format(folder=chosen.data_dir))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = chosen.data_dir / "set-aside" / stamp
    moved = []
    for kept in (chosen.store_folder, chosen.data_dir / "nats"):
        if kept.exists():
            aside.mkdir(parents=True, exist_ok=True)
            kept.rename(aside / kept.name)
            moved.append(str(aside / kept.name))
    if moved:
        print(_("Starting fresh: moved aside {folders}.").format(folders=", ".join(moved)))
    else:
        print(_("Starting fresh: nothing was kept yet."))


def _serve(args: argparse.Namespace) -> int:
    port = args.port or SERVICES[args.service].port
    asyncio.run(one_service.serve(args.service, settings(), args.host, port, args.log_level))
    return 0


def _status(args: argparse.Namespace) -> int:
    data_dir = settings().data_dir
    found = state.read(data_dir)
    if found is None:
        print(_("No stack is running from {folder}.").format(folder=data_dir))
        return 1
    supervisor, parts = found
    print(_("Stack supervised by process {process}:").format(process=supervisor) + "\n")
    headers = [_("part"), _("state"), _("process"), _("address"), _("restarts"), _("since")]
    print(table(headers, state.shown(parts)))
    return 0 if all(part.state == "ready" for part in parts) else 1


def _supergraph(args: argparse.Namespace) -> int:
    """Composed from the three subgraphs' schemas, each at its URL in the settings."""
    chosen = settings()
    urls = {"catalog": chosen.catalog_url, "survey": chosen.survey_url,
            "scoring": chosen.scoring_url}  # fmt: skip
    subgraphs = []
    for name, url in urls.items():
        schema = SERVICES[name].schema
        assert schema is not None
        sdl = schema().execute_sync("{ _service { sdl } }").data["_service"]["sdl"]  # type: ignore[index]
        subgraphs.append(read_subgraph(name, url, sdl))
    printed = print_supergraph(compose(subgraphs))
    if args.output:
        args.output.write_text(printed)
        print(_("wrote {path}").format(path=args.output.resolve()))
    else:
        print(printed, end="")
    return 0


def _token(args: argparse.Namespace) -> int:
    role = auth.Role(args.role)
    secret = settings().jwt_secret or ""
    print(auth.mint(secret, role, subject=args.subject, region=args.region, regions=args.regions))
    return 0


def _seed(args: argparse.Namespace) -> int:
    token = minter(settings())(auth.Role.ADMIN, subject="seed")

    async def run() -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            report = await seed(GraphQLClient(http, args.url, token))
        said = _(
            "seeded {regions} regions and {programs} programs "
            "({skipped} regions were already there)"
        )
        print(
            said.format(
                regions=report.regions, programs=report.programs, skipped=report.skipped_regions
            )
        )

    asyncio.run(run())
    return 0
