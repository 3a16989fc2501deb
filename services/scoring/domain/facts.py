"""What rules can match: each kind of fact and the type of each of its fields.

Every fact of one evaluation belongs to one region and one cycle, so patterns in a rule are
joined on region and cycle by construction. Each fact names its schema under `KIND`.
`id` is reserved by durable_rules; no fact uses it.
"""

from __future__ import annotations

NUMBER, TEXT, FLAG = "number", "text", "flag"
KIND = "_fact"  # which schema a fact follows; no schema field starts with "_"

SCHEMAS: dict[str, dict[str, str]] = {
    "region": {"code": TEXT, "name": TEXT, "cohort": TEXT, "province": TEXT, "kind": TEXT},
    "cycle": {"cycle_id": TEXT, "year": NUMBER, "cohort": TEXT, "stage": TEXT},
    "dimension_score": {
        "dimension": TEXT, "score": NUMBER, "weight": NUMBER,
        "scored_items": NUMBER, "items": NUMBER,
    },
    "final": {"index": NUMBER, "previous_index": NUMBER, "improvement": NUMBER},
    "smart_dimension_score": {"dimension": TEXT, "score": NUMBER},
    "question": {
        "code": TEXT, "dimension": TEXT, "smart_dimension": TEXT, "sub_dimension": TEXT,
        "score": NUMBER, "assessors": NUMBER, "spread": NUMBER,
    },
    "impact_sample": {
        "sub_dimension": TEXT, "respondents": NUMBER, "target": NUMBER, "fill_percent": NUMBER,
    },
    "program": {
        "program_id": TEXT, "name": TEXT, "dimension": TEXT, "sub_dimension": TEXT, "phase": TEXT,
        "start_year": NUMBER, "target_year": NUMBER, "planning_percent": NUMBER,
        "implementation_percent": NUMBER, "planning_percent_on_oct_31": NUMBER,
        "quick_win_proposed": FLAG, "quick_win_decision": TEXT,
    },
}  # fmt: skip


# how many facts of each kind one evaluation (a region in a cycle) holds at most, as rule
# validation estimates a join: the 2023 instrument has 117 questions, a masterplan 50-150
# programs
MOST_PER_EVALUATION = {
    "region": 1, "cycle": 1, "dimension_score": 6, "final": 1, "smart_dimension_score": 6,
    "question": 150, "impact_sample": 18, "program": 200,
}  # fmt: skip


def type_of(value: object) -> str | None:
    if isinstance(value, bool):
        return FLAG
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, str):
        return TEXT
    return None
