"""Schemathesis' GraphQL mode against the gateway of a running suite: every query and
mutation, with arguments and selections generated from the composed schema. Whatever it
sends gets data or an error with a contract code, never a server error, and every service
stays up."""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.e2e.suite import Suite

EXAMPLES_PER_OPERATION = 12
CLEAR_CODES = {"BAD_REQUEST", "BAD_USER_INPUT", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND",
               "CONFLICT", "COST_LIMIT"}  # fmt: skip


def _unclear(response) -> str | None:
    if response.status_code >= 500:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}, not JSON: {response.text[:200]}"
    codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or ()}
    if not codes <= CLEAR_CODES:
        return f"codes {codes}: {body['errors'][0].get('message')}"
    return None


@pytest.mark.integration
@pytest.mark.timeout(600)
def test_generated_operations_get_data_or_a_clear_error(suite: Suite):
    headers = {"Authorization": f"Bearer {suite.up.value_of('Admin token:')}"}
    schema = schemathesis.graphql.from_url(suite.gateway, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40  # every query and mutation of the composed schema
    unclear: list[str] = []

    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            problem = _unclear(case.call(headers=headers, timeout=30))
            if problem:
                unclear.append(f"{case.operation.label}: {problem}\n{case.body}")

        check()

    assert not unclear, "\n\n".join(unclear[:10])
    for label in ("Gateway:", "Catalog:", "Survey:", "Scoring:"):
        ready = httpx.get(suite.up.value_of(label).replace("/graphql", "/readyz"), timeout=10)
        assert ready.status_code == 200, label
