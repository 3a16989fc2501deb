"""Each subgraph's federation directives checked on their own, before any merging: what a
key, @requires or @provides names exists there; the leaves @requires and @provides name are
@external (they come from elsewhere); every @external field is used; an interface field is
never @external; an @interfaceObject has a key."""

from __future__ import annotations

from services.gateway.composition import field_sets
from services.gateway.composition.problems import Problem
from services.gateway.composition.subgraph_schema import Subgraph, named_type


def check_subgraph(subgraph: Subgraph) -> list[Problem]:
    problems: list[Problem] = []
    where = f"in subgraph {subgraph.name}"
    for type_name, subgraph_type in subgraph.types.items():
        for key in subgraph_type.keys:
            usage = f'@key(fields: "{key.text}") on {type_name}'
            for target in field_sets.walk(subgraph, type_name, key.fields):
                if target.found is None:
                    problems.append(_missing("KEY_INVALID_FIELDS", usage, where, target))
        if subgraph_type.interface_object and not subgraph_type.keys:
            problems.append(
                Problem(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f"@interfaceObject {type_name} {where} has no @key",
                )
            )
        for name, declared in subgraph_type.fields.items():
            coordinate = f"{type_name}.{name}"
            if declared.external and subgraph_type.kind == "interface":
                problems.append(
                    Problem(
                        "EXTERNAL_ON_INTERFACE",
                        f"interface field {coordinate} is @external {where}",
                    )
                )
            for directive, owner in (
                ("requires", type_name),
                ("provides", named_type(declared.type)),
            ):
                selection = getattr(declared, directive)
                if selection is None:
                    continue
                usage = f"@{directive} on {coordinate}"
                code = directive.upper()
                if directive == "provides" and (
                    subgraph.types.get(owner) is None
                    or subgraph.types[owner].kind in ("scalar", "enum")
                ):
                    problems.append(
                        Problem(
                            "PROVIDES_ON_NON_OBJECT_FIELD",
                            f"{usage} {where}: {owner} has no fields",
                        )
                    )
                    continue
                for target in field_sets.walk(subgraph, owner, selection):
                    if target.found is None:
                        problems.append(_missing(f"{code}_INVALID_FIELDS", usage, where, target))
                    elif target.leaf and not (target.found.external or target.below_external):
                        problems.append(
                            Problem(
                                f"{code}_FIELDS_MISSING_EXTERNAL",
                                f"{usage} {where} names {target.owner}.{target.name}, which "
                                "that subgraph resolves itself (it is not @external there)",
                            )
                        )
    used = field_sets.used_fields(subgraph)
    for type_name, subgraph_type in subgraph.types.items():
        for name, declared in subgraph_type.fields.items():
            if declared.external and (type_name, name) not in used:
                problems.append(
                    Problem(
                        "EXTERNAL_UNUSED",
                        f"field {type_name}.{name} is @external {where} but no key, @requires "
                        "or @provides uses it, nor does an interface",
                    )
                )
    return problems


def _missing(code: str, usage: str, where: str, target: field_sets.FieldSetTarget) -> Problem:
    return Problem(
        code,
        f"{usage} {where} names {target.owner}.{target.name}, which that subgraph does not define",
    )
