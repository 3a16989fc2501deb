"""`smartcity events dead-letters`: the events each service parked as undeliverable, and
sending them again after a fix, through the gateway."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from services.cli import connection
from services.cli.output import table
from services.messages import _

SERVICES = ("catalog", "survey", "scoring")
FIELDS = "eventId eventType subject reason sizeBytes parkedAt"
LIST = "{ " + " ".join(f"{s}UndeliveredEvents {{ {FIELDS} }}" for s in SERVICES) + " }"
REPLAY = "mutation($ids: [String!]) { %sReplayUndeliveredEvents(eventIds: $ids) { replayed stillUndeliverable unknown } }"  # noqa: E501


def add(commands: Any) -> None:
    events = commands.add_parser("events", help=_("the events the services publish"))
    actions = events.add_subparsers(dest="action", required=True)
    dead = actions.add_parser(
        "dead-letters", help=_("list the events parked as undeliverable, or send them again")
    )
    replay = dead.add_mutually_exclusive_group()
    replay.add_argument("--replay", nargs="+", metavar="EVENT_ID", help=_("send these again"))
    replay.add_argument("--replay-all", action="store_true", help=_("send every one again"))
    dead.set_defaults(run=_dead_letters)
    connection.add_gateway_options(dead)


def _dead_letters(args: argparse.Namespace) -> int:
    if args.replay or args.replay_all:
        return _replay(args, args.replay)
    listed = asyncio.run(_list(args))
    rows = [[service, e["parkedAt"][:19], e["eventId"], e["eventType"], e["sizeBytes"],
             e["reason"]] for service, e in listed]  # fmt: skip
    if not rows:
        print(_("no event is parked as undeliverable"))
        return 0
    print(table([_("service"), _("parked"), _("event"), _("type"), _("bytes"), _("reason")], rows))
    return 0


async def _list(args: argparse.Namespace) -> list[tuple[str, dict[str, Any]]]:
    async with connection.gateway(args) as gateway:
        found = await gateway(LIST)
    return [(s, event) for s in SERVICES for event in found[f"{s}UndeliveredEvents"]]


def _replay(args: argparse.Namespace, event_ids: list[str] | None) -> int:
    async def run() -> list[dict[str, list[str]]]:
        """Each service's report; for every event, rounds until one sends nothing more (a
        round sends a service's oldest hundred)."""
        reports: list[dict[str, list[str]]] = []
        async with connection.gateway(args) as gateway:
            while True:
                round_ = [
                    (await gateway(REPLAY % s, {"ids": event_ids}))[f"{s}ReplayUndeliveredEvents"]
                    for s in SERVICES
                ]
                reports += round_
                if event_ids is not None or not any(r["replayed"] for r in round_):
                    return reports

    reports = asyncio.run(run())
    replayed = [i for r in reports for i in r["replayed"]]
    refused = list(
        dict.fromkeys(i for r in reports[-len(SERVICES) :] for i in r["stillUndeliverable"])
    )
    unknown = [i for i in event_ids or () if all(i in r["unknown"] for r in reports)]
    for event_id in replayed:
        print(_("{event}: sent").format(event=event_id))
    for event_id in refused:
        print(_("{event}: refused again; see its reason in the list").format(event=event_id))
    for event_id in unknown:
        print(_("{event}: no service holds it parked").format(event=event_id), file=sys.stderr)
    return 0 if not refused and not unknown else 1
