"""The services the suite runs, their default ports and app factories."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from starlette.applications import Starlette
from strawberry import Schema

from services.kernel.settings import Settings


def _catalog(settings: Settings) -> Starlette:
    from services.catalog.app import create_app

    return create_app(settings)


def _survey(settings: Settings) -> Starlette:
    from services.survey.app import create_app

    return create_app(settings)


def _scoring(settings: Settings) -> Starlette:
    from services.scoring.app import create_app

    return create_app(settings)


def _gateway(settings: Settings) -> Starlette:
    from services.gateway.app import create_app

    return create_app(settings)


def _schema(name: str) -> Callable[[], Schema]:
    def schema() -> Schema:
        found: Schema = importlib.import_module(f"services.{name}.schema").schema
        return found

    return schema


@dataclass(frozen=True)
class Service:
    name: str
    port: int
    create_app: Callable[[Settings], Starlette]
    schema: Callable[[], Schema] | None = None  # a subgraph's, imported when asked for


SERVICES: dict[str, Service] = {
    "catalog": Service("catalog", 4001, _catalog, _schema("catalog")),
    "survey": Service("survey", 4002, _survey, _schema("survey")),
    "scoring": Service("scoring", 4003, _scoring, _schema("scoring")),
    "gateway": Service("gateway", 4000, _gateway),  # last: it composes the others' schemas
}
