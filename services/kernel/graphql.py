"""GraphQL helpers shared by the subgraphs: error codes, request context, entity loading."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Self, TypeVar

import strawberry
from graphql import GraphQLError, parse
from strawberry.dataloader import DataLoader
from strawberry.extensions import MaxTokensLimiter, SchemaExtension
from strawberry.federation.schema import FederationAny
from strawberry.federation.schema_directives import Cost as CostDirective
from strawberry.federation.schema_directives import ListSize as ListSizeDirective
from strawberry.types.base import StrawberryObjectDefinition

from services.kernel import dead_letters, errors
from services.kernel.auth import Principal, Role
from services.kernel.dead_letters import DeadLetterDesk
from services.kernel.field_costs import FieldCost, declared_costs
from services.kernel.input_conversion import compile_inputs
from services.kernel.live import LiveChanges
from services.kernel.operation_guard import DocumentCaches, OperationGuard, SubgraphLimits
from services.kernel.repository import MAX_PAGE, Page
from services.kernel.representations import check as representations_check

log = logging.getLogger(__name__)

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
Q = TypeVar("Q")  # a listing's filter

INTERNAL = "INTERNAL_SERVER_ERROR"
MASKED_MESSAGE = "Internal server error"
MAX_TOKENS = 4_500  # a little above the gateway's; parsing costs some 5-9 µs a token


@dataclass
class KeyedByCode:
    """The base of a region as a subgraph that does not own regions sees it: the key it
    shares with the catalog, resolved to itself so the subgraph can add its own fields."""

    code: str

    @classmethod
    def resolve_reference(cls, code: str) -> Self:
        return cls(code=code)


def _user_error_extensions(error: errors.UserError) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": error.code}
    if error.field:
        extensions["field"] = error.field
    if isinstance(error, errors.InvalidInput):
        extensions["problems"] = [{"field": p.field, "message": p.message} for p in error.problems]
    return extensions


def _argument_refused(original: Exception) -> bool:
    """A field's argument checked as the field starts (a null for a non-null argument): the
    caller's mistake, unlike an error of the field's own value."""
    return isinstance(original, GraphQLError) and original.message.startswith("Argument '")


def translate(error: GraphQLError) -> GraphQLError:
    """Keep what the caller caused, with its code; mask everything else."""
    original = error.original_error
    if isinstance(original, errors.UserError):
        extensions = _user_error_extensions(original)
        message = original.message
    elif original is None or error.path is None or _argument_refused(original):
        # parse, validation and variable errors come before execution, and an argument's
        # value (a null for a non-null argument) is checked as a field starts: the request
        # is wrong
        extensions = {"code": "BAD_USER_INPUT", **(error.extensions or {})}
        field = errors.variable_field(error.message)
        if field:
            extensions.setdefault("field", field)
        message = error.message
    else:
        log.error("internal error at %s", error.path, exc_info=original)
        extensions = {"code": INTERNAL}
        message = MASKED_MESSAGE
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


class ErrorCodes(SchemaExtension):
    """Gives every error an `extensions.code` of the contract and masks internal ones."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors_found = getattr(result, "errors", None)
        if result is not None and errors_found:
            result.errors = [translate(e) for e in errors_found]


# the cost of a storage round trip a field makes for each parent it is resolved under (some
# 0.8 ms over the embedded store), as the objects one could read in that time
ROUND_TRIP = 20
# the cost of a field read for a whole page of parents at once (through a DataLoader): the
# page shares its round trips, and each parent adds the few objects read for it
BATCHED = 2


DEFAULT_PAGE = 100  # a page's size when `first` is left out
SMALL_PAGE = 20  # of a list a parent holds a few of: a region's masterplans or scorecards


def first_of(items: Sequence[T], first: int) -> list[T]:
    """The first `first` of a list held in memory, `first` checked as a page's is."""
    return list(items[: Page(first).first])


def paged(*slicing_arguments: str, weight: int = 0) -> list[object]:
    """`@listSize` of a list field whose page size an argument (`first` by default) sets;
    `@cost` when resolving it costs more than the items it returns (`weight`)."""
    return [_list_size(slicing_arguments=list(slicing_arguments) or ["first"]), *weighed(weight)]


def assumed(size: int, weight: int = 0) -> list[object]:
    """`@listSize` of a list field whose length no argument sets: its realistic most."""
    return [_list_size(assumed_size=size), *weighed(weight)]


def _list_size(**given: Any) -> object:
    """Only the arguments given: a composer takes an explicit null for a missing list."""
    return ListSizeDirective(**given, require_one_slicing_argument=False)


def weighed(weight: int) -> list[object]:
    """`@cost(weight:)` of a field that costs more to resolve than what it returns."""
    return [CostDirective(weight=weight)] if weight else []


@dataclass
class RequestContext:
    """What every resolver sees: the caller, and per-request loaders set by the service."""

    principal: Principal
    loaders: Any = None
    limits: SubgraphLimits | None = None  # set for each request by the service's view
    undelivered: DeadLetterDesk | None = None  # the same
    live: LiveChanges | None = None  # the same
    # a long-lived request (a subscription) reads afresh for each change it is told of
    fresh_loaders: Callable[[], Any] | None = None

    def renew_loaders(self) -> None:
        if self.fresh_loaders is not None:
            self.loaders = self.fresh_loaders()


@strawberry.federation.type(shareable=True, description="An event parked as undeliverable.")
class UndeliveredEvent:
    event_id: str
    event_type: str
    subject: str
    reason: str
    size_bytes: int
    parked_at: dt.datetime


UNDELIVERED_SIZE = assumed(dead_letters.SHOWN)
UNDELIVERED = (
    "Admins: this service's latest events the stream refused for what they are (too large, "
    "say), newest first; the events behind each were published."
)


async def undelivered_events(info: strawberry.Info[RequestContext, None]) -> list[UndeliveredEvent]:
    info.context.principal.require_role(Role.ADMIN)
    parked = await info.context.undelivered.latest() if info.context.undelivered else []
    return [UndeliveredEvent(**vars(letter)) for letter in parked]


@strawberry.federation.type(shareable=True, description="What sending parked events again did.")
class ReplayedEvents:
    replayed: list[str] = strawberry.field(description="Sent, and no longer parked.")
    still_undeliverable: list[str] = strawberry.field(
        description="Refused again (see undeliveredEvents for why), or the stream was away."
    )
    unknown: list[str] = strawberry.field(description="Named, but not parked here.")


REPLAY = (
    "Admins: sends this service's parked events again after a fix, those named or every one "
    f"(at most {dead_letters.SHOWN}, oldest first); each sent is no longer parked."
)


async def replay_undelivered_events(
    info: strawberry.Info[RequestContext, None], event_ids: list[str] | None = None
) -> ReplayedEvents:
    info.context.principal.require_role(Role.ADMIN)
    if event_ids is not None and not 1 <= len(event_ids) <= dead_letters.SHOWN:
        raise errors.BadUserInput(f"name 1 to {dead_letters.SHOWN} events", "eventIds")
    if info.context.undelivered is None:
        return ReplayedEvents(replayed=[], still_undeliverable=[], unknown=list(event_ids or ()))
    done = await info.context.undelivered.replay(event_ids)
    return ReplayedEvents(**vars(done))


def undelivered_events_field() -> Any:
    """The query field of a service's parked events (`<service>UndeliveredEvents`)."""
    return strawberry.field(
        resolver=undelivered_events, description=UNDELIVERED, directives=UNDELIVERED_SIZE
    )


def replay_undelivered_events_field() -> Any:
    """The mutation that sends a service's parked events again."""
    return strawberry.mutation(resolver=replay_undelivered_events, description=REPLAY)


def keyed_loader(
    fetch_many: Callable[[list[K]], Awaitable[Iterable[V]]], key_of: Callable[[V], K]
) -> DataLoader[K, V | None]:
    """A DataLoader that fetches all keys of one tick in one call and keeps input order."""

    async def load(keys: Sequence[K]) -> list[V | None]:
        found = {key_of(item): item for item in await fetch_many(list(dict.fromkeys(keys)))}
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def grouped_loader(
    fetch_many: Callable[[list[K]], Awaitable[Iterable[V]]], key_of: Callable[[V], K]
) -> DataLoader[K, list[V]]:
    """A DataLoader of each key's items (a region's scorecards, say): the keys of one tick
    are fetched in one call, and the items grouped by `key_of`."""

    async def load(keys: Sequence[K]) -> list[list[V]]:
        groups: dict[K, list[V]] = {key: [] for key in keys}
        for item in await fetch_many(list(groups)):
            groups.setdefault(key_of(item), []).append(item)
        return [groups[key] for key in keys]

    return DataLoader(load_fn=load)


def paged_loader(
    listing: Callable[[tuple[K, ...], Q, str | None, int], Awaitable[Iterable[V]]],
    parent_of: Callable[[V], K],
) -> DataLoader[tuple[K, Q, Page], list[V]]:
    """A DataLoader of each parent's page of items (a region's programs, say), asked as
    `(parent, filter, page)`: the parents asking with the same filter and page (every region
    of a page of regions, usually) are read in one listing of their items after `page.after`
    in key order, grouped by parent and cut to `page.first`. The listing reads twice what the
    page may serve at most (a page of storage at least); when it was cut there, a parent left
    short (behind a crowded one) is read again on its own."""

    async def load(keys: Sequence[tuple[K, Q, Page]]) -> list[list[V]]:
        asked: dict[tuple[Q, Page], list[K]] = {}
        for parent, where, page in keys:
            asked.setdefault((where, page), []).append(parent)
        answers: dict[tuple[K, Q, Page], list[V]] = {}
        for (where, page), parents in asked.items():
            groups = await _pages(listing, parent_of, tuple(dict.fromkeys(parents)), where, page)
            for parent, items in groups.items():
                answers[(parent, where, page)] = items[: page.first]
        return [answers[key] for key in keys]

    return DataLoader(load_fn=load)


async def _pages(
    listing: Callable[[tuple[K, ...], Q, str | None, int], Awaitable[Iterable[V]]],
    parent_of: Callable[[V], K],
    parents: tuple[K, ...],
    where: Q,
    page: Page,
) -> dict[K, list[V]]:
    # a round trip's worth at least, so a page of a few parents takes one whatever they hold
    most = max(2 * page.first * len(parents), MAX_PAGE)
    groups: dict[K, list[V]] = {parent: [] for parent in parents}
    found = list(await listing(parents, where, page.after, most))
    for item in found:
        groups.setdefault(parent_of(item), []).append(item)
    if len(found) >= most:
        for parent in [p for p in parents if len(groups[p]) < page.first]:
            groups[parent] = list(await listing((parent,), where, page.after, page.first))
    return groups


class SubgraphSchema(strawberry.federation.Schema):
    """A federation 2.9 subgraph schema whose errors carry the contract's codes."""

    def __init__(self, **kwargs: Any) -> None:
        caches = DocumentCaches()
        extensions = [
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            *kwargs.pop("extensions", ()),
            lambda: OperationGuard(caches, lambda: self.field_costs),
            ErrorCodes,
        ]
        super().__init__(extensions=extensions, federation_version="2.9", **kwargs)
        compile_inputs(
            [
                found.definition
                for found in self.schema_converter.type_map.values()
                if isinstance(found.definition, StrawberryObjectDefinition)
            ],
            self.config.name_converter.from_field,
        )

    @cached_property
    def field_costs(self) -> dict[tuple[str, str], FieldCost]:
        """Each field's `@cost` and `@listSize`, as the schema's own SDL declares them; the
        entities a gateway asks for are as many as the representations it sends."""
        declared = declared_costs(parse(self.as_str(), no_location=True))
        entities = FieldCost(slicing_arguments=("representations",))
        return declared | {("Query", "_entities"): entities}

    @cached_property
    def _entity_resolvers(self) -> dict[str, Callable[..., Any] | None]:
        """Each entity type's reference resolver; None where strawberry builds it itself."""
        union = self._schema.type_map.get("_Entity")
        return {
            member.name: getattr(
                getattr(self.schema_converter.type_map[member.name].definition, "origin", None),
                "resolve_reference",
                None,
            )
            for member in getattr(union, "types", ())
        }

    def entities_resolver(
        self, info: strawberry.Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        """Representations are checked whole before any is resolved."""
        representations_check(representations, self._entity_resolvers)
        return super().entities_resolver(info, representations)

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Caller errors are not logged; `translate` logs the internal ones."""
