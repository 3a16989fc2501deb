"""One trace follows an assessor's score from the gateway into the survey, onto the stream,
into scoring and on to the scorecard it changed, recorded by the OpenTelemetry SDK in
memory; and a process that is not asked to record spans records none."""

from __future__ import annotations

import asyncio
from pathlib import Path

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from services.kernel import auth, tracing
from services.scoring.domain import scorecards
from tests.security.world import ASSIGNED, REGION, running_world
from tests.streams import stream_messages
from tests.support import SECRET

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER = f"00-{TRACE_ID}-00f067aa0ba902b7-01"  # the caller's own span, as W3C writes it
SCORE = "mutation($i: ScoreAnswerInput!) { scoreAnswer(input: $i) { revision } }"
PUBLISHED = "smartcity.scoring.scorecard.published.v2"


def in_the_trace(exporter: InMemorySpanExporter) -> dict[str, list[ReadableSpan]]:
    """The finished spans of the caller's trace, by name."""
    found: dict[str, list[ReadableSpan]] = {}
    for span in exporter.get_finished_spans():
        if f"{span.context.trace_id:032x}" == TRACE_ID:
            found.setdefault(span.name, []).append(span)
    return found


async def test_one_trace_runs_from_a_mutation_at_the_gateway_to_the_scorecard_it_changed(
    tmp_path: Path,
) -> None:
    exporter = InMemorySpanExporter()
    tracing.record("suite", SimpleSpanProcessor(exporter))
    try:
        async with running_world(tmp_path) as world:
            assessor = auth.mint(SECRET, auth.Role.ASSESSOR, subject=ASSIGNED)
            answer = {"campaignId": world.assessor_campaign, "questionCode": "A.1.1.1",
                      "score": 4}  # fmt: skip
            sent = await world.gateway.client.post(
                "/graphql",
                json={"query": SCORE, "variables": {"i": answer}},
                headers={"Authorization": f"Bearer {assessor}", "traceparent": CALLER},
            )
            assert "errors" not in sent.json(), sent.json()
            card = scorecards.scorecard_id(REGION, world.cycle_id)
            for _ in range(400):  # until scoring has stored the scorecard the score changed
                if f"score {card}" in in_the_trace(exporter):
                    break
                await asyncio.sleep(0.05)
            spans = in_the_trace(exporter)
            on_stream = [e for e, _ in await stream_messages(world.nats.url)]
    finally:
        tracing.stop_recording()

    [request] = spans["graphql request"]
    assert request.kind is SpanKind.SERVER and request.parent is not None
    assert f"{request.parent.span_id:016x}" == "00f067aa0ba902b7"  # the caller's span
    for step in ("graphql validate", "graphql plan", "graphql execute"):
        assert spans[step][0].parent.span_id == request.context.span_id, step
    [fetch] = spans["fetch survey"]
    [subgraph] = [s for s in spans["graphql subgraph"] if s.parent.span_id == fetch.context.span_id]
    assert fetch.kind is SpanKind.CLIENT and subgraph.kind is SpanKind.SERVER
    published = [name for name in spans if name.startswith("publish smartcity.survey.")]
    assert published, sorted(spans)  # the relay's publish of the survey's event
    consumed = [s for name, found in spans.items() if name.startswith("consume ")
                for s in found]  # fmt: skip
    assert any(s.kind is SpanKind.CONSUMER for s in consumed), sorted(spans)
    [scored] = spans[f"score {card}"]
    # within it, the scorecard stored; and storage round trips are spans of their own
    stored = [s for s in spans["mongodb"] if s.parent.span_id == scored.context.span_id]
    assert stored and all(s.kind is SpanKind.CLIENT for s in stored)
    assert any(s.parent.span_id == subgraph.context.span_id for s in spans["mongodb"])
    # the chunk the scorecard was computed in is linked to the score's trace
    linked = [s for s in exporter.get_finished_spans() if s.name == "scoring chunk"
              and any(f"{link.context.trace_id:032x}" == TRACE_ID for link in s.links)]  # fmt: skip
    assert linked and any(s.name == "scoring rules" and s.parent.span_id == linked[0].context.span_id
                          for s in exporter.get_finished_spans())  # fmt: skip
    # and the scorecard's event on the stream carries the same trace on
    cards = [e for e in on_stream if e["type"] == PUBLISHED and e["subject"] == card]
    assert any(TRACE_ID in e.get("traceparent", "") for e in cards)


async def test_without_the_otlp_environment_nothing_is_recorded_or_carried() -> None:
    assert not tracing.configure("survey", {})
    assert not tracing.recording()
    with tracing.span("anything"):
        assert tracing.carried() == {}
        assert tracing.current() is None
    assert tracing.from_carrier({"traceparent": CALLER}) is None
