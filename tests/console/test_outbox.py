"""The outbox every screen keeps its submissions in (IndexedDB), run in the browser: nothing
queued is left behind, whatever arrives while a round of sending is under way, and nothing
is lost while the gateway cannot be reached."""

from __future__ import annotations

from typing import Any

from tests.console.conftest import Console

SCRIPT = """async ({ kind, steps, telling = 0 }) => {
  const { Outbox, Unreachable } = await import("/common/keep.js");
  const delivered = [];
  let reachable = true;
  let release = null;
  const send = async (bodies) => {
    if (!reachable) throw new Unreachable("offline");
    await new Promise((resolve) => { release = resolve; setTimeout(resolve, 30); });
    delivered.push(...bodies);
  };
  // a page told of each change takes `telling` ms to draw it
  const onChange = () => new Promise((resolve) => setTimeout(resolve, telling));
  const outbox = new Outbox(kind, send, { batch: 2, onChange });
  const rounds = [];
  for (const [what, key, value] of steps) {
    if (what === "add") rounds.push(outbox.add(key, value));
    if (what === "offline") reachable = false;
    if (what === "online") { reachable = true; rounds.push(outbox.flush()); }
    if (what === "wait") await Promise.all(rounds);
    if (what === "tick") await new Promise((resolve) => setTimeout(resolve, key ?? 5));
  }
  await Promise.all(rounds);
  return { delivered, left: (await outbox.items()).map((item) => item.body) };
}"""


def outbox(console: Console, kind: str, steps: list[list[Any]], telling: int = 0) -> dict[str, Any]:
    if not console.page.url.startswith(console.address):
        console.open("/signin")
    given = {"kind": kind, "steps": steps, "telling": telling}
    result: dict[str, Any] = console.page.evaluate(SCRIPT, given)
    return result


def test_what_is_queued_while_a_round_is_sending_is_sent_too(console: Console):
    steps = [["add", f"q{n}", n] for n in range(7)]
    steps = [step for add in steps for step in (add, ["tick"])]  # each while the last is sent
    result = outbox(console, "typing", steps)
    assert sorted(result["delivered"]) == list(range(7))
    assert result["left"] == []


def test_what_is_queued_as_a_round_ends_is_sent_in_another(console: Console):
    # the round sends q0 (30 ms), then tells the page (40 ms): q1 arrives meanwhile
    steps = [["add", "q0", 0], ["tick", 45], ["add", "q1", 1], ["wait"]]
    result = outbox(console, "ending", steps, telling=40)
    assert (sorted(result["delivered"]), result["left"]) == ([0, 1], [])


def test_a_newer_value_of_a_key_replaces_the_older_and_the_last_one_is_delivered(console: Console):
    result = outbox(
        console, "rescored", [["add", "a", 1], ["add", "a", 2], ["tick"], ["add", "a", 3]]
    )
    assert result["delivered"][-1] == 3
    assert result["left"] == []


def test_nothing_is_lost_while_the_gateway_cannot_be_reached(console: Console):
    steps = [["offline"], ["add", "x", "x"], ["add", "y", "y"], ["wait"]]
    offline = outbox(console, "offline", steps)
    assert (offline["delivered"], sorted(offline["left"])) == ([], ["x", "y"])
    # a page opened later (the same browser) sends what was kept
    later = outbox(console, "offline", [["online"], ["wait"]])
    assert (sorted(later["delivered"]), later["left"]) == (["x", "y"], [])
