"""Three small subgraphs written for the gateway's conformance tests.

places: Region entities (key `code`), the Place interface, the SearchResult union, a mutation.
surveys: adds Region.campaigns; shares Region.province; a mutation.
scores: adds scores to Region, one needing `population` (@requires), one failing, one slow,
one @inaccessible; Query.topRegions @provides the regions' names.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry
from strawberry.asgi import GraphQL
from strawberry.types import Info

from services.kernel.graphql import SubgraphSchema

REGIONS = [f"R{i:03d}" for i in range(200)]


def index_of(code: str) -> int:
    return int(code[1:])


def region_name(code: str) -> str:
    return f"Region {index_of(code)}"


def province_of(code: str) -> str:
    return f"P{index_of(code) % 3}"


def population_of(code: str) -> int:
    return 1000 * (index_of(code) + 1)


# places


@strawberry.interface
class Place:
    code: str
    name: str


@strawberry.federation.type(keys=["code"])
class Region(Place):
    name: str = strawberry.federation.field(shareable=True)  # scores @provides it
    province: str = strawberry.federation.field(shareable=True)
    population: int

    @classmethod
    def resolve_reference(cls, code: str) -> Region:
        return make_region(code)


@strawberry.type
class Province(Place):
    regions: int


def make_region(code: str) -> Region:
    return Region(
        code=code,
        name=region_name(code),
        province=province_of(code),
        population=population_of(code),
    )


SearchResult = Annotated[Region | Province, strawberry.union("SearchResult")]


@strawberry.type
class PlacesQuery:
    @strawberry.field
    def regions(self, count: int = 100, repeat: int = 1) -> list[Region | None]:
        return [make_region(code) for code in REGIONS[:count] for _ in range(repeat)]

    @strawberry.field
    def region(self, code: str) -> Region | None:
        return make_region(code) if code in REGIONS else None

    @strawberry.field
    def places(self) -> list[Place]:
        return [make_region("R001"), Province(code="P1", name="Province 1", regions=67)]

    @strawberry.field
    def search(self, text: str) -> list[SearchResult]:
        return [Province(code="P2", name="Province 2", regions=66), make_region("R002")]


@strawberry.type
class PlacesMutation:
    @strawberry.mutation
    def rename_region(self, code: str, name: str) -> Region:
        region = make_region(code)
        region.name = name
        return region


places = SubgraphSchema(query=PlacesQuery, mutation=PlacesMutation, types=[Region, Province])


# surveys


@strawberry.type
class Campaign:
    id: str
    region_code: str


@strawberry.federation.type(keys=["code"], name="Region")
class SurveyRegion:
    code: str
    province: str = strawberry.federation.field(shareable=True)

    @strawberry.field
    def campaigns(self) -> list[Campaign] | None:
        return [Campaign(id=f"{self.code}-c1", region_code=self.code)]

    @classmethod
    def resolve_reference(cls, code: str) -> SurveyRegion:
        return cls(code=code, province=province_of(code))


@strawberry.type
class SurveysQuery:
    @strawberry.field
    def campaign_count(self) -> int:
        return len(REGIONS)


@strawberry.type
class SurveysMutation:
    @strawberry.mutation
    def open_campaign(self, code: str) -> Campaign:
        return Campaign(id=f"{code}-new", region_code=code)


surveys = SubgraphSchema(query=SurveysQuery, mutation=SurveysMutation, types=[SurveyRegion])


# scores


@strawberry.type
class Score:
    value: float


@strawberry.federation.type(keys=["code"], name="Region")
class ScoreRegion:
    code: str
    name: str = strawberry.federation.field(external=True)
    population: int = strawberry.federation.field(external=True, default=0)

    @strawberry.field
    def latest_score(self) -> Score | None:
        return Score(value=index_of(self.code) / 10)

    @strawberry.federation.field(requires=["population"])
    def per_capita(self) -> float:
        assert self.population, "population comes from the representation"
        return 1_000_000 / self.population

    @strawberry.field
    def broken_score(self) -> Score | None:
        raise RuntimeError("a database password leaked in this message")

    @strawberry.field
    def strict_score(self) -> Score:
        raise RuntimeError("strict score failed")

    @strawberry.field
    async def slow_score(self) -> Score | None:
        await asyncio.sleep(5)
        return Score(value=0)

    @strawberry.federation.field(inaccessible=True)
    def internal_rank(self) -> int:
        return index_of(self.code)

    @classmethod
    def resolve_reference(cls, code: str, population: int = 0) -> ScoreRegion:
        return cls(code=code, name="", population=population)


@strawberry.type
class ScoresQuery:
    @strawberry.federation.field(provides=["name"])
    def top_regions(self) -> list[ScoreRegion]:
        return [ScoreRegion(code=c, name=f"Top {c}") for c in REGIONS[:2]]

    @strawberry.field
    def seen_headers(self, info: Info) -> list[str]:
        headers = info.context["request"].headers
        return [f"{n}={headers.get(n)}" for n in ("authorization", "traceparent", "x-request-id")]


scores = SubgraphSchema(query=ScoresQuery, types=[ScoreRegion])

SCHEMAS = {"places": places, "surveys": surveys, "scores": scores}


def asgi_apps() -> dict[str, Any]:
    return {name: GraphQL(schema) for name, schema in SCHEMAS.items()}
