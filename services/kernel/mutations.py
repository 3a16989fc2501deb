"""A mutation that runs one use case on its `input` and answers the changed aggregate.

Most mutations of a subgraph have one shape: take `input`, turn it into a command, run the
use case for the caller against the service's repositories, answer the aggregate as its
output type, with every user error located under `input`. `use_case_mutation` makes that
field from the three parts that differ, instead of a resolver written out each time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import strawberry

from services.kernel.auth import Principal
from services.kernel.errors import located

UseCase = Callable[[Any, Principal, Any], Awaitable[Any]]


def use_case_mutation(
    use_case: UseCase,
    input_type: type[Any],
    output: type[Any],
    *,
    repositories: str,
    description: str | None = None,
    directives: Sequence[object] = (),
) -> Any:
    """The mutation `(input: input_type): output` running `use_case` with the context's
    attribute `repositories` (the service's repositories)."""

    async def resolve(info: strawberry.Info, input: Any) -> Any:
        with located("input"):
            changed = await use_case(
                input.command(), info.context.principal, getattr(info.context, repositories)
            )
        return output.from_domain(changed)

    resolve.__annotations__ = {"info": strawberry.Info, "input": input_type, "return": output}
    return strawberry.mutation(resolver=resolve, description=description, directives=directives)
