"""Requests written to hurt, and what each costs the gateway and a subgraph.

    python -m bench.hostile [--regions 514] [--programs 1800] [--variants 20] [--seed 2026]
                            [--report FILE]

The suite runs as `smartcity up` runs it (each part its own supervised process), its
catalog holding `--regions` regions, a tenth of them with a masterplan of ten programs, and
one region (`99.01`) with `--programs` programs.
Each attack is sent `--variants` times, each time made a little different (a comment of
its own) so that no cache answers it, to the gateway and, where it can be, straight to the
catalog with an admin's token. For each process the CPU it spent per request (from
/proc/PID/task/*/schedstat, in nanoseconds) and the memory it still held afterwards
(VmRSS, after all variants) are reported, with the outcome: the error code and the limit,
or "answered". Generated attacks mix fragments, aliases and nesting at random.

Targets (issues 18 and 30): no request costs more than 50 ms of CPU or 10 MB of retained
memory before it is refused or answered; the catalog keeps under 20 MB more after all the
variants of an attack.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.machine import machine
from bench.memory import rss_mb
from services.kernel import auth
from services.kernel.processes import free_port
from services.kernel.settings import Settings
from services.stack.supervisor import Ports, Started, running

SECRET = "h0st1le-Qh7Wk2Zp9Rv4Xn1Lc8Md5Fs3Jg6Yb0Ne7Ua4Oi2Et"
ADMIN = auth.mint(SECRET, auth.Role.ADMIN, subject="bench")
OPERATOR = auth.mint(SECRET, auth.Role.REGION_OPERATOR, subject="bench", region="10.00")
TARGET_CPU_MS, TARGET_RETAINED_MB = 50.0, 10.0
CROWDED = "99.01"  # the region of many programs


@dataclass(frozen=True)
class Attack:
    name: str
    body: Callable[[int], dict[str, Any]]  # the request's JSON, for a variant number
    bearer: str | None = None
    direct: bool = True  # also straight at the catalog


@dataclass
class Cost:
    outcome: str
    cpu_ms: dict[str, float]  # per request, by process
    retained_mb: dict[str, float]  # after every variant, all of them together, by process


def cpu_ns(pid: int) -> int:
    """CPU time of every thread of the process so far."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError):
            continue
    return total


def query(text: str) -> Callable[[int], dict[str, Any]]:
    return lambda n: {"query": f"# variant {n}\n{text}"}


def fragment_bomb(levels: int) -> str:
    """`{ ...F<levels> }` with each fragment spreading the one below twice: 2^levels fields."""
    fragments = ["fragment F0 on Query { regions { code } }"] + [
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)
    ]
    return f"{{ ...F{levels} }} " + " ".join(fragments)


def repeated_in_a_field(levels: int) -> str:
    fragments = ["fragment R0 on Region { code }"] + [
        f"fragment R{i} on Region {{ ...R{i - 1} ...R{i - 1} }}" for i in range(1, levels + 1)
    ]
    return f"{{ regions(first: 1) {{ ...R{levels} }} }} " + " ".join(fragments)


def generated(seed: int) -> str:
    """A random document of fragments, aliases and nesting over regions and programs."""
    rng = random.Random(seed)
    levels = rng.randint(3, 30)
    fields = ["code", "name", "province", "cohort"]
    fragments = [f"fragment G0 on Region {{ {' '.join(rng.sample(fields, 2))} }}"]
    for i in range(1, levels + 1):
        # the fragment below, and a few at random: every fragment is used
        spreads = " ".join(f"...G{rng.randrange(i)}" for _ in range(rng.randint(0, 3)))
        spreads = f"...G{i - 1} {spreads}"
        nested = (
            f" programs(first: {rng.choice([1, 10, 500])}) {{ id region {{ ...G{i - 1} }} }}"
            if rng.random() < 0.3
            else ""
        )
        alias = f" a{i}: code" if rng.random() < 0.3 else ""
        fragments.append(f"fragment G{i} on Region {{ {spreads}{nested}{alias} }}")
    return f"{{ regions(first: {rng.choice([1, 100, 500])}) {{ ...G{levels} }} }} " + " ".join(
        fragments
    )


def attacks(seed: int) -> list[Attack]:
    deep = "{ regions " * 2_000 + "}" * 2_000
    fields = "{ regions { " + "code " * 300 + "} }"
    aliases = "{ " + " ".join(f"a{n}: regions {{ code }}" for n in range(2_000)) + " }"
    nested = (
        "{ regions(first: 500) { programs(first: 500) { region { programs(first: 500) "
        "{ id name } } } } }"
    )
    heavy = "{ regions(first: 50) { code name programs(first: 18) { id name } } }"
    # a page size left out: priced at the argument's default (100), as the catalog serves it
    left_out = ("query($n: Int) { regions(first: $n) { code programs(first: $n) { id region "
                "{ programs(first: $n) { id } } } } }")  # fmt: skip
    left_out_2 = "query($n: Int) { regions(first: $n) { code programs(first: $n) { id } } }"
    crowded = (f'{{ programs(regionCode: "{CROWDED}", first: 100) {{ id region {{ '
               "programs(first: 100) { id name } } } }")  # fmt: skip
    crowded_pages = f'{{ region(code: "{CROWDED}") {{ programs(first: 500) {{ id name }} }} }}'
    page = "{ regions(first: 35) { code name latestScorecard { finalIndex } campaigns { id } } }"
    big = "{ regions { code } }\n#" + "x" * 250_000

    def deep_json(n: int) -> dict[str, Any]:
        return {
            "query": f"# {n}\n{{ regions {{ code }} }}",
            "variables": {"x": json.loads("[" * 900 + "]" * 900)},
        }

    def long_text(n: int) -> dict[str, Any]:
        mutation = "mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }"
        region = {"code": "99.99", "name": "x" * 200_000, "kind": "KOTA", "province": "P",
                  "cohort": "c"}  # fmt: skip
        return {"query": f"# {n}\n{mutation}", "variables": {"i": region}}

    found = [
        Attack("fragment bomb, 2^24 fields (anonymous)", query(fragment_bomb(24))),
        Attack("fragment bomb, 2^60 fields (anonymous)", query(fragment_bomb(60))),
        Attack("repeated fragments inside a field, 2^18", query(repeated_in_a_field(18)), ADMIN),
        Attack("nested lists 500 x 500 x 500 (anonymous)", query(nested)),
        Attack("nested lists 500 x 500 x 500 (admin)", query(nested), ADMIN),
        Attack("one field 300 times", query(fields), ADMIN),
        Attack("2,000 aliases", query(aliases), ADMIN),
        Attack("2,000 levels deep", query(deep), ADMIN),
        Attack("250 KB of comment after a small query", query(big), ADMIN),
        Attack("variables nested 900 deep", deep_json, ADMIN),
        Attack("a 200 KB region name", long_text, ADMIN, direct=False),
        Attack(
            "the heaviest page of programs an anonymous caller may ask (cost 1,950)", query(heavy)
        ),
        Attack(
            "35 regions with their latest scorecard and campaigns (anonymous, cost 1,820)",
            query(page),
        ),
        Attack("the same page, 35 regions (region operator)", query(page), OPERATOR),
        Attack(
            "4 levels, the page size a variable left out (region operator)",
            query(left_out),
            OPERATOR,
        ),
        Attack(
            "4 levels, the page size null (region operator)",
            lambda n: query(left_out)(n) | {"variables": {"n": None}},
            OPERATOR,
        ),
        Attack("2 levels, the page size left out (anonymous)", query(left_out_2)),
        Attack(
            "100 x 100 programs of the 1,800-program region (region operator, cost 10,400)",
            query(crowded),
            OPERATOR,
        ),
        Attack("500 programs of the 1,800-program region (anonymous)", query(crowded_pages)),
    ]
    rng = random.Random(seed)
    found += [
        Attack(
            f"generated #{n} (region operator)", query(generated(rng.randrange(1 << 30))), OPERATOR
        )
        for n in range(10)
    ]
    return found


def outcome_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    errors = body.get("errors") or []
    if not errors:
        return "answered"
    extensions = errors[0].get("extensions") or {}
    limit = extensions.get("limit")
    return extensions.get("code", "?") + (f" ({limit})" if limit else "")


async def cost(
    client: httpx.AsyncClient,
    url: str,
    pids: dict[str, int],
    attack: Attack,
    variants: int,
    bearer: str | None,
) -> Cost:
    """What the variants cost each of `pids` (the process asked, and those it asks)."""
    headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
    rss_before = {name: rss_mb(pid) for name, pid in pids.items()}
    cpu_before = {name: cpu_ns(pid) for name, pid in pids.items()}
    outcome = ""
    for n in range(variants):
        response = await client.post(url, json=attack.body(n), headers=headers)
        outcome = outcome_of(response)
    return Cost(
        outcome,
        {name: (cpu_ns(pid) - cpu_before[name]) / variants / 1e6 for name, pid in pids.items()},
        {name: max(rss_mb(pid) - rss_before[name], 0.0) for name, pid in pids.items()},
    )


async def seed_catalog(
    client: httpx.AsyncClient, gateway: str, regions: int, crowded_programs: int
) -> None:
    """`regions` regions, a tenth of them with a masterplan of ten programs; and one region
    with `crowded_programs` programs."""
    headers = {"authorization": f"Bearer {ADMIN}"}

    async def call(text: str, variables: dict[str, Any]) -> dict[str, Any]:
        body = (await client.post(gateway, json={"query": text, "variables": variables},
                                  headers=headers)).json()  # fmt: skip
        assert "errors" not in body, body
        return dict(body["data"])

    for n in range(regions):
        code = f"{10 + n // 100:02d}.{n % 100:02d}"
        region = {"code": code, "name": f"Kota Uji {n}", "kind": "KOTA",
                  "province": f"Provinsi {n % 34}", "cohort": "regular_2017_2019"}  # fmt: skip
        await call(
            "mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }", {"i": region}
        )
        if n % 10:
            continue
        plan = await call(
            "mutation($i: CreateMasterplanInput!) { createMasterplan(input: $i) { id } }",
            {"i": {"regionCode": code, "periodStart": 2020, "periodEnd": 2030,
                   "title": "Masterplan", "legalBasis": "Perwali"}},
        )  # fmt: skip
        await add_programs(call, plan["createMasterplan"]["id"], 10)
    region = {"code": CROWDED, "name": "Kota Padat", "kind": "KOTA", "province": "Provinsi 0",
              "cohort": "regular_2017_2019"}  # fmt: skip
    await call("mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }",
               {"i": region})  # fmt: skip
    plan = await call(
        "mutation($i: CreateMasterplanInput!) { createMasterplan(input: $i) { id } }",
        {"i": {"regionCode": CROWDED, "periodStart": 2020, "periodEnd": 2030,
               "title": "Masterplan", "legalBasis": "Perwali"}},
    )  # fmt: skip
    await add_programs(call, plan["createMasterplan"]["id"], crowded_programs)


async def add_programs(call: Any, masterplan_id: str, count: int) -> None:
    for p in range(count):
        await call(
            "mutation($i: AddProgramInput!) { addProgram(input: $i) { id } }",
            {"i": {"masterplanId": masterplan_id, "name": f"Program {p}",
                   "dimension": "economy", "subDimension": "welfare", "agency": "Dinas",
                   "startYear": 2024, "targetYear": 2026}},
        )  # fmt: skip


def table(rows: list[tuple[str, Cost, Cost | None]]) -> str:
    lines = [
        "| attack | through the gateway | gateway CPU ms | catalog CPU ms | gateway MB kept "
        "| catalog MB kept | at the catalog (admin) | catalog CPU ms | catalog MB kept |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, through, direct in rows:
        there = (
            f"{direct.outcome} | {direct.cpu_ms['catalog']:.1f} | "
            f"{direct.retained_mb['catalog']:.1f}"
            if direct
            else "- | - | -"
        )
        lines.append(
            f"| {name} | {through.outcome} | {through.cpu_ms['gateway']:.1f} | "
            f"{through.cpu_ms['catalog']:.1f} | {through.retained_mb['gateway']:.1f} | "
            f"{through.retained_mb['catalog']:.1f} | {there} |"
        )
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.from_env(
            {"SMARTCITY_JWT_SECRET": SECRET, "SMARTCITY_DATA_DIR": scratch}
        )
        ports = Ports(free_port(), {name: free_port() for name in ("catalog", "survey", "scoring",
                                                                     "gateway")})  # fmt: skip
        async with running(settings, ports, demo=False, external_nats=False) as started:
            return await _measure(args, started)


async def _measure(args: argparse.Namespace, started: Started) -> int:
    gateway, catalog = started.urls["gateway"], started.urls["catalog"]
    both = {name: started.children[name].pid or 0 for name in ("gateway", "catalog")}
    async with httpx.AsyncClient(timeout=120) as client:
        began = time.perf_counter()
        await seed_catalog(client, gateway, args.regions, args.programs)
        print(f"catalog seeded with {args.regions} regions in {time.perf_counter() - began:.0f} s",
              file=sys.stderr)  # fmt: skip
        rows = []
        for attack in attacks(args.seed):
            through = await cost(client, gateway, both, attack, args.variants, attack.bearer)
            direct = (  # a direct caller needs a token: an admin's, the loosest limits
                await cost(
                    client, catalog, {"catalog": both["catalog"]}, attack, args.variants, ADMIN
                )
                if attack.direct
                else None
            )
            rows.append((attack.name, through, direct))
            print(f"  {attack.name}: {through.outcome}", file=sys.stderr)
    costs = [c for _, through, direct in rows for c in (through, direct) if c]
    worst_cpu = max(sum(c.cpu_ms.values()) for c in costs)
    worst_mb = max(max(c.retained_mb.values()) for c in costs)
    summary = (
        f"Worst CPU per request, every process asked: {worst_cpu:.1f} ms (target "
        f"{TARGET_CPU_MS:g}). Worst memory kept by all {args.variants} variants of one attack: "
        f"{worst_mb:.1f} MB (target {TARGET_RETAINED_MB:g} a request)."
    )
    print(table(rows) + "\n\n" + summary)
    if args.report:
        args.report.write_text(
            f"# Hostile requests, {args.regions} regions\n\n`python -m bench.hostile "
            f"--regions {args.regions} --programs {args.programs} --variants {args.variants} "
            f"--seed {args.seed}` on "
            f"{machine()}, {dt.date.today().isoformat()}.\n\n{table(rows)}\n\n{summary}\n"
        )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=514)
    parser.add_argument("--programs", type=int, default=1_800, help="in region " + CROWDED)
    parser.add_argument("--variants", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--report", type=Path, help="also write the table here, as Markdown")
    sys.exit(asyncio.run(main(parser.parse_args())))
