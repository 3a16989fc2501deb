"""Apollo Federation 2, the gateway's part of it, as a pipeline of its own.

- reading: `subgraph_schema` (one subgraph's SDL as federation sees it), `field_sets`
  (what a key, @requires or @provides selects there) and `join_read` (a supergraph file in
  the join-spec form any standard composer writes);
- composing (`composition`): `federation1` reads federation 1 subgraphs as federation 2,
  `subgraph_checks` checks each subgraph's directives, `merge` merges the types into
  `merged_schema`, `satisfiability` finds query paths no plan could answer; the result is
  a `supergraph`, which `join_print` writes in the join-spec form; `problems` name what
  refuses a composition;
- planning: `operation` prepares a client's operation; `planner` places each selection in
  fetches (`fetch_selection`), using what each subgraph can answer (`plan_reach`) and what
  each way to have a field costs (`plan_costs`), into a `query_plan`;
- executing: `execution` runs a plan through a `subgraph_calls` carrier and
  `response_shape` cuts the client's response from what came back.

Nothing here knows HTTP, settings or the rest of the gateway: they depend on this.
"""
