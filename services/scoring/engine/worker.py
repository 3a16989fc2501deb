"""What runs inside a rules worker process: one durable_rules host holding one ruleset.

durable_rules never releases the GIL and cannot unload a ruleset, so each version lives in
processes of its own, which are retired whole when another version becomes active.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.connection
import os
import resource
import threading
import time
from collections.abc import Callable
from typing import Any

from services.scoring.domain.changes import Change
from services.scoring.domain.evidence import Evidence
from services.scoring.engine import whole
from services.scoring.engine.compiler import SEEN
from services.scoring.engine.whole import Fired

_host: Any = None
_name = ""
_fired: list[Fired] = []
_sessions = itertools.count()
OUT_OF_MEMORY = 75  # the exit status of a worker that reached its memory limit


def _record(rule: str) -> Callable[[Any], None]:
    def action(closure: Any) -> None:
        if rule == SEEN:
            return
        matched = getattr(closure, "_m", None) or {}
        try:
            _fired.append((rule, {alias: _plain(fact) for alias, fact in matched.items()}))
        except MemoryError:
            _out_of_memory()  # durable_rules would keep an action's exception to itself

    return action


def _out_of_memory() -> None:
    """Past its memory limit the engine's state cannot be trusted: the pool replaces us."""
    os._exit(OUT_OF_MEMORY)


def _plain(fact: Any) -> dict[str, Any]:
    data = fact._d if hasattr(fact, "_d") else fact
    return {k: v for k, v in dict(data).items() if k != "sid" and not k.startswith("$")}


def load(name: str, ruleset: dict[str, Any], memory_bytes: int | None = None) -> None:
    """Process initializer: the memory limit, then the compiled ruleset with an action per
    rule."""
    global _host, _name
    _exit_with_the_service()
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    from durable import engine

    class SynchronousHost(engine.Host):
        def _run(self) -> None:
            """No background dispatch threads: they would race this process's evaluations
            inside the engine, which is not thread-safe; every evaluation here is synchronous."""

    with_actions = {rule: {**body, "run": _record(rule)} for rule, body in ruleset.items()}
    _host, _name = SynchronousHost(), name
    _host.set_rulesets({name: with_actions})


def _exit_with_the_service() -> None:
    """A pool's workers wait on a queue whose writing end they hold themselves, so they
    would outlive a service that was killed; they watch it instead and exit with it."""
    service = multiprocessing.parent_process()
    if service is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([service.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-the-service", daemon=True).start()


def ready() -> bool:
    """Answers once the process has started and loaded its rule set."""
    return _host is not None


def evaluate(sessions: list[list[dict[str, Any]]]) -> tuple[list[list[Fired]], float]:
    """Each session's facts asserted in a fresh session, which is deleted afterwards; with
    the seconds durable_rules took."""
    started = time.perf_counter()
    results = [_fire(facts) for facts in sessions]
    return results, time.perf_counter() - started


def score(
    method: whole.Method, evidences: list[Evidence]
) -> tuple[list[whole.Scored | whole.Unweighted], float]:
    """Each region's evidence scored whole here (`engine.whole`); with the seconds
    durable_rules took."""
    fire, busy = _timed_fire()
    return whole.score(method, evidences, fire), busy[0]


def try_changes(
    method: whole.Method, base: Evidence, changes: list[Change]
) -> tuple[list[whole.WhatIf | whole.Unweighted], float]:
    """The evidence once each change is made, made and scored whole here: the evidence
    crosses to the worker once a batch, not once a change."""
    fire, busy = _timed_fire()
    return whole.try_changes(method, base, changes, fire), busy[0]


def _timed_fire() -> tuple[Callable[[list[dict[str, Any]]], list[Fired]], list[float]]:
    """`_fire`, and the seconds it has taken so far."""
    busy = [0.0]

    def fire(facts: list[dict[str, Any]]) -> list[Fired]:
        started = time.perf_counter()
        try:
            return _fire(facts)
        finally:
            busy[0] += time.perf_counter() - started

    return fire, busy


def _fire(facts: list[dict[str, Any]]) -> list[Fired]:
    """The rules that fired on the facts, asserted in a fresh session deleted afterwards."""
    _fired.clear()
    if _host is not None and facts:
        sid = f"s{next(_sessions)}"
        try:
            _host.assert_facts(_name, [{**fact, "sid": sid} for fact in facts])
            _host.delete_state(_name, sid)
        except MemoryError:
            _out_of_memory()
    return list(_fired)
