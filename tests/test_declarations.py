"""Each aggregate's dataclass is the one declaration of its fields.

Its document is derived from it (`kernel/stored.py`) and its GraphQL output type is filled
from it by name (`kernel/output_types.py`). The layers that must stay explicit are checked
against it here, field by field and type by type, with every deliberate difference named:
- the GraphQL output type (the API);
- the published event (the contract between services);
- the command and its GraphQL input.
A field added to an aggregate is stored at once, and this test names every other layer that
has not said what it does with it. Where an aggregate's fields are a dataclass of their own
(catalog's `RegionFields`, `MasterplanFields`, `QuickWinFields`, `EvaluationCycleFields`),
its GraphQL type (and for a region its command and input) subclass that declaration, and a
field added there reaches them too; only the published event stays a deliberate second
edit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from dataclasses import dataclass, field
from typing import Any

import pytest
import strawberry

from services.catalog import commands as catalog_commands
from services.catalog import domain as catalog
from services.catalog.domain.regions import RegionFields
from services.catalog.schema import inputs as catalog_inputs
from services.catalog.schema import types as catalog_types
from services.contracts.events import catalog as catalog_events
from services.contracts.events import survey as survey_events
from services.kernel.aggregate import Aggregate
from services.kernel.docstore import StoredAggregate
from services.kernel.event_schemas import value_schema
from services.kernel.stored import StoredForm, declared_fields
from services.survey import commands as survey_commands
from services.survey import domain as survey
from services.survey.schema import inputs as survey_inputs
from services.survey.schema import types as survey_types


@dataclass(frozen=True)
class Layers:
    aggregate: type[Any]
    output: type[Any]
    event: type[Any]
    command: type[Any]
    input: type[Any]
    not_shown: frozenset[str] = frozenset()  # in the aggregate, not in the GraphQL type
    computed: frozenset[str] = frozenset()  # in the GraphQL type and the event, computed
    not_published: frozenset[str] = frozenset()  # kept by the service, not in the event
    server_set: frozenset[str] = frozenset()  # set by the service, not asked of the caller


ALL = {
    "Region": Layers(
        catalog.Region, catalog_types.Region, catalog_events.RegionRegistered,
        catalog_commands.CreateRegion, catalog_inputs.CreateRegionInput,
    ),
    "Masterplan": Layers(
        catalog.Masterplan, catalog_types.Masterplan, catalog_events.MasterplanCreated,
        catalog_commands.CreateMasterplan, catalog_inputs.CreateMasterplanInput,
        server_set=frozenset({"id"}),
    ),
    "Program": Layers(
        catalog.Program, catalog_types.Program, catalog_events.ProgramAdded,
        catalog_commands.AddProgram, catalog_inputs.AddProgramInput,
        computed=frozenset({"planning_percent", "implementation_percent"}),
        not_published=frozenset({"progress_reports"}),  # published one by one, as reported
        server_set=frozenset({"id", "region_code", "progress_reports"}),
    ),
    "QuickWin": Layers(
        catalog.QuickWin, catalog_types.QuickWin, catalog_events.QuickWinProposed,
        catalog_commands.ProposeQuickWin, catalog_inputs.ProposeQuickWinInput,
        not_published=frozenset({"status", "reason", "proposed_by", "decided_by"}),  # decided
        server_set=frozenset({"id", "region_code", "status", "reason", "proposed_by", "decided_by"}),
    ),
    "EvaluationCycle": Layers(
        catalog.EvaluationCycle, catalog_types.EvaluationCycle, catalog_events.CycleOpened,
        catalog_commands.CreateEvaluationCycle, catalog_inputs.CreateEvaluationCycleInput,
        not_published=frozenset({"status"}),  # told by the event's type: opened or closed
        server_set=frozenset({"id", "status"}),
    ),
    "Campaign": Layers(
        survey.Campaign, survey_types.Campaign, survey_events.CampaignOpened,
        survey_commands.OpenCampaign, survey_inputs.OpenCampaignInput,
        not_shown=frozenset({"issued", "opened_by", "slot", "token_requests"}),
        not_published=frozenset({"issued", "opened_by", "status", "slot", "token_requests"}),
        server_set=frozenset({"id", "issued", "opened_by", "status", "slot", "token_requests"}),
    ),
    "Assignment": Layers(
        survey.Assignment, survey_types.Assignment, survey_events.AssessorsAssigned,
        survey_commands.AssignAssessors, survey_inputs.AssignAssessorsInput,
        not_shown=frozenset({"id"}), server_set=frozenset({"id"}),
    ),
}  # fmt: skip


def _shown(cls: type[Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.init and f.name[0] != "_"}


def _json(annotation: Any) -> Any:
    """The JSON shape a value takes on the wire, less enumerations and formats."""
    if annotation is dt.date or annotation is dt.datetime:
        return {"type": "string"}
    try:
        schema = value_schema(annotation)
    except TypeError:  # a GraphQL scalar or output type: compared by name only
        return None
    return _plain_schema(schema)


def _plain_schema(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _plain_schema(v) for k, v in schema.items() if k not in ("enum", "format")}
    if isinstance(schema, list):
        return [_plain_schema(v) for v in schema]
    return schema


def problems_of(layers: Layers) -> list[str]:
    """Every field on which a layer disagrees with the aggregate, and not by a named choice."""
    declared = declared_fields(layers.aggregate)
    found = []
    for name, fields, expected in [
        ("GraphQL type", _shown(layers.output), set(declared) - layers.not_shown | layers.computed),
        ("event", typing.get_type_hints(layers.event), set(declared) - layers.not_published
         | layers.computed),
        ("command", _shown(layers.command), set(declared) - layers.server_set),
        ("GraphQL input", _shown(layers.input), set(declared) - layers.server_set),
    ]:  # fmt: skip
        fields = {k: v for k, v in fields.items() if k not in ("subject", "version", "key_field")}
        for missing in sorted(expected - set(fields)):
            found.append(f"the {name} lacks {missing}")
        for extra in sorted(set(fields) - expected):
            found.append(f"the {name} has {extra}, which the aggregate does not declare")
        if name == "event":
            for field_name in sorted(expected & set(fields) & set(declared)):
                if _json(fields[field_name]) != _json(declared[field_name]):
                    found.append(f"the event's {field_name} is not the aggregate's type")
    return found


@pytest.mark.parametrize("aggregate", ALL)
def test_every_layer_of_an_aggregate_agrees_with_its_declaration(aggregate: str) -> None:
    assert problems_of(ALL[aggregate]) == []


class _Base(StoredAggregate):
    meta = {"abstract": True, "db_alias": "declarations-test"}


def test_a_field_added_to_a_regions_declaration_reaches_every_layer_but_the_event() -> None:
    """`RegionFields` declares a region once; its aggregate, GraphQL type, command and input
    are built on it as they are in the catalog, here on a copy that gained a field."""
    fields = dataclasses.make_dataclass(
        "RegionFieldsWithMotto", [("motto", str, field(default=""))],
        bases=(RegionFields,), kw_only=True,
    )  # fmt: skip
    aggregate = dataclasses.make_dataclass(
        "RegionWithMotto", [], bases=(Aggregate, fields), kw_only=True
    )
    output = strawberry.type(type("RegionWithMottoType", (fields,), {}))
    command = dataclasses.make_dataclass("CreateRegionWithMotto", [], bases=(fields,), kw_only=True)
    input_type = strawberry.input(type("CreateRegionWithMottoInput", (command,), {}))

    stored = StoredForm(aggregate, _Base, collection="regions_with_motto", key="code")
    assert "motto" in stored.document._fields

    def region(given: Any) -> Any:
        return output(**vars(given))

    region.__annotations__ = {"given": input_type, "return": output}
    query = strawberry.type(type("Query", (), {"region": strawberry.field(resolver=region)}))
    shown = str(strawberry.Schema(query=query))
    assert "motto: String!" in shown.split("type RegionWithMottoType")[1]
    assert 'motto: String! = ""' in shown.split("input CreateRegionWithMottoInput")[1]
    layers = Layers(aggregate, output, catalog_events.RegionRegistered, command, input_type)
    assert problems_of(layers) == ["the event lacks motto"]
