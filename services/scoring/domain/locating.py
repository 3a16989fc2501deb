"""Where in a rule set document a problem's path points: the line an editor underlines.

A path names mapping keys and list positions (`rules[3].when.all[0].where[1].op`). It is
followed through the document's YAML node tree (JSON is read the same way) as far as the
document goes; a path whose last step is missing, such as a required field left out,
points at the nearest enclosing node that is there.
"""

from __future__ import annotations

import dataclasses
import re

import yaml

from services.scoring.domain.rules import Problem

STEP = re.compile(r"([^.\[\]]+)|\[([0-9]+)\]")


def located(text: str, problems: list[Problem]) -> list[Problem]:
    """The problems, each with the line of the document its path points to, if any."""
    if not problems:
        return problems
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        root = None
    return [dataclasses.replace(p, line=p.line or _line(root, p.path)) for p in problems]


def _line(root: yaml.Node | None, path: str) -> int | None:
    if root is None:
        return None
    node, line = root, None
    for key, index in STEP.findall(path):
        found = _child(node, key, int(index) if index else None)
        if found is None:
            break
        line, node = found
    return line


def _child(node: yaml.Node, key: str, index: int | None) -> tuple[int, yaml.Node] | None:
    """The line of the step (the key's, for a mapping entry) and the node it leads to."""
    if index is not None and isinstance(node, yaml.SequenceNode):
        if index < len(node.value):
            item = node.value[index]
            return item.start_mark.line + 1, item
    elif key and isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node.start_mark.line + 1, value_node
    return None
