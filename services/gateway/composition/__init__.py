"""Composition: subgraphs read and composed into a supergraph by the federation 2 rules.

- reading: `subgraph_schema` (one subgraph's SDL as federation sees it), `field_sets` (what
  a key, @requires or @provides selects there) and `join_read` (a supergraph file in the
  join-spec form any standard composer writes);
- composing (`composer`): `federation1` reads federation 1 subgraphs as federation 2,
  `subgraph_checks` checks each subgraph's directives, `merge` merges the types into
  `merged_schema`, `satisfiability` finds query paths no plan could answer; the result is a
  `supergraph`, which `join_print` writes in the join-spec form; `problems` name what
  refuses a composition.

Nothing here knows HTTP, settings, planning or the rest of the gateway.
"""
