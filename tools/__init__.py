"""Maintainers' tools that are not part of the suite's distribution."""
