"""OpenTelemetry traces across the suite: spans recorded and exported over OTLP when the
standard environment asks for it, and nothing done at all when it does not.

A process records spans once `configure` finds `OTEL_EXPORTER_OTLP_ENDPOINT` (or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set; the exporter reads the other standard
`OTEL_EXPORTER_OTLP_*` variables itself. Until then `span` starts nothing and the other
functions give nothing, so a process that exports no trace pays a flag's test per span.

A trace's context travels as W3C Trace Context: in the `traceparent` and `tracestate`
headers of a request (from a client to the gateway, from the gateway to each subgraph), and
in the same-named extensions of a CloudEvent on the stream (the CloudEvents distributed
tracing extension), so one trace follows a mutation from the gateway into the subgraph that
recorded its events and on to the consumers that applied them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context, get_current
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.trace import Link
from opentelemetry.trace import SpanKind as SpanKind  # the kinds a caller names
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
CARRIED = ("traceparent", "tracestate")  # a header's or a CloudEvent extension's name

_propagator = TraceContextTextMapPropagator()
_tracer: trace.Tracer | None = None  # set while spans are recorded
_provider: TracerProvider | None = None


def configure(service: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Records this process's spans and exports them over OTLP (HTTP) when the environment
    names an endpoint; whether it does."""
    if not any(environ.get(name) for name in ENDPOINTS):
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    record(service, BatchSpanProcessor(OTLPSpanExporter()))
    return True


def record(service: str, processor: SpanProcessor) -> TracerProvider:
    """Records spans into `processor` (an exporter's, or a test's in-memory one)."""
    global _tracer, _provider
    name = os.environ.get("OTEL_SERVICE_NAME") or f"smartcity-{service}"
    _provider = TracerProvider(resource=Resource.create({"service.name": name}))
    _provider.add_span_processor(processor)
    _tracer = _provider.get_tracer("smartcity")
    return _provider


def stop_recording() -> None:
    """Stops recording, once the spans recorded are exported."""
    global _tracer, _provider
    if _provider is not None:
        _provider.shutdown()
    _tracer, _provider = None, None


def recording() -> bool:
    return _tracer is not None


@contextlib.contextmanager
def span(
    name: str,
    *,
    kind: SpanKind = SpanKind.INTERNAL,
    parent: Context | None = None,
    links: list[Link] | None = None,
    attributes: Mapping[str, str | int] | None = None,
) -> Iterator[None]:
    """A span around the block, the current one inside it (child of `parent` when given,
    else of the current span); nothing when spans are not recorded."""
    if _tracer is None:
        yield
        return
    with _tracer.start_as_current_span(
        name, context=parent, kind=kind, links=links, attributes=attributes
    ):
        yield


def from_carrier(carrier: Mapping[str, Any]) -> Context | None:
    """The trace context `traceparent` and `tracestate` carry (request headers or a
    CloudEvent), or None when there is none or spans are not recorded."""
    if _tracer is None or not carrier.get("traceparent"):
        return None
    found = {name: str(carrier[name]) for name in CARRIED if carrier.get(name)}
    context = _propagator.extract(found)
    valid = trace.get_current_span(context).get_span_context().is_valid
    return context if valid else None


def carried() -> dict[str, str]:
    """The current span's context as `traceparent` (and `tracestate`), to send on; empty
    when no span is recorded."""
    if _tracer is None:
        return {}
    found: dict[str, str] = {}
    _propagator.inject(found)
    return found


def current() -> Context | None:
    """The context of the span under way, to continue its trace later; None without one."""
    if _tracer is None or not trace.get_current_span().get_span_context().is_valid:
        return None
    return get_current()


def link_to(context: Context | None) -> list[Link]:
    """A link to the span `context` names, for work that many traces caused."""
    if context is None:
        return []
    span_context = trace.get_current_span(context).get_span_context()
    return [Link(span_context)] if span_context.is_valid else []
