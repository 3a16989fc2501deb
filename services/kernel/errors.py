"""Errors a caller can cause, each with the GraphQL error code of the contract."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
WEB_ADDRESS = re.compile(r"^https?://[^\s/$.?#].[^\s]*\Z")
# graphql-core's words for a variable that does not coerce: `Variable '$i' has invalid value
# at .opensOn: ...`, `Variable '$n' got invalid value ...`
VARIABLE_REFUSED = re.compile(
    r"^Variable '\$([A-Za-z_][A-Za-z0-9_]*)'(?: (?:has|got) invalid value at ([^:; ]+))?"
)


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


class UserError(Exception):
    """A request that is wrong: shown to the caller with its code and field, nothing written."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def problems(self) -> list[Problem]:
        return [Problem(self.field or "", self.message)]


class BadUserInput(UserError):
    code = "BAD_USER_INPUT"


class InvalidInput(BadUserInput):
    """Several problems found at once, each located by its field."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        """`total`: the problems found, when only the first of them are given."""
        first, total = problems[0], total or len(problems)
        summary = first.message if total == 1 else f"{total} invalid fields"
        super().__init__(summary, first.field)
        self._problems = problems

    @property
    def problems(self) -> list[Problem]:
        return list(self._problems)


class Busy(UserError):
    """Not the caller's mistake: the service is at its limit of this work; ask again."""

    code = "BUSY"


class NotFound(UserError):
    code = "NOT_FOUND"


class Conflict(UserError):
    code = "CONFLICT"


class Unauthenticated(UserError):
    code = "UNAUTHENTICATED"


class Forbidden(UserError):
    code = "FORBIDDEN"


MAX_PROBLEMS = 50  # shown of one input; a list of answers may hold one a line


class ProblemCollector:
    """Collects the problems of an input, then raises them together: the first
    `MAX_PROBLEMS` of them, and how many there were."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.problems: list[Problem] = []
        self.found = 0

    def add(self, field: str, message: str) -> None:
        self.found += 1
        if len(self.problems) < MAX_PROBLEMS:
            path = f"{self.prefix}.{field}" if self.prefix else field
            self.problems.append(Problem(path, message))

    def check(self, condition: bool, field: str, message: str) -> None:
        if not condition:
            self.add(field, message)

    def text(self, field: str, value: str, limit: int = 300) -> None:
        """A required text of at most `limit` characters."""
        self.check(bool(value.strip()), field, f"{field} must not be empty")
        self.check(len(value) <= limit, field, f"{field} is longer than {limit} characters")

    def link(self, field: str, value: str) -> None:
        ok = WEB_ADDRESS.match(value) is not None and len(value) <= 2000
        self.check(ok, field, f"{field} must be an http(s) URL")

    def raise_if_any(self) -> None:
        if self.problems:
            raise InvalidInput(self.problems, self.found)


class StaleWrite(Conflict):
    """The aggregate changed between load and save; the use case may simply run again."""


async def retry_when_stale(attempt: Callable[[], Awaitable[T]], tries: int = 5) -> T:
    """Runs a load-change-save use case again when another writer got there first."""
    for _ in range(tries - 1):
        try:
            return await attempt()
        except StaleWrite:
            continue
    return await attempt()


def variable_field(message: str) -> str | None:
    """Where a refused variable's value went wrong, as `variables.i.opensOn`."""
    found = VARIABLE_REFUSED.match(message)
    if found is None:
        return None
    name, inside = found.groups()
    return f"variables.{name}{inside or ''}"


def relocate(error: UserError, prefix: str) -> None:
    """Puts the error's fields under `prefix`, e.g. `input` makes `code` into `input.code`."""

    def join(field: str) -> str:
        return f"{prefix}.{field}" if field else prefix

    if isinstance(error, InvalidInput):
        error._problems = [Problem(join(p.field), p.message) for p in error._problems]
    if error.field:
        error.field = join(error.field)


class located:
    """Relocates the fields of any user error raised inside under `prefix`."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __enter__(self) -> None:
        return None

    def __exit__(self, _type: object, error: BaseException | None, _tb: object) -> None:
        if isinstance(error, UserError):
            relocate(error, self.prefix)
