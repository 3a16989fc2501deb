"""What callers ask scoring to do, as plain data.

A command is also the declaration of its GraphQL input: each input in `schema/inputs.py`
subclasses its command. Annotations here are evaluated (no `from __future__ import
annotations`), so GraphQL reads them as types wherever the subclass lives.
"""

from dataclasses import dataclass


@dataclass
class DraftRuleSet:
    """A rule set document to store as the next version, valid or not."""

    text: str
    based_on: int | None = None  # the version it was edited from, for the audit trail
