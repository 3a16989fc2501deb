"""Apollo Federation 2, the gateway's part of it, as a pipeline of its own.

- reading: `subgraph_schema` (one subgraph's SDL as federation sees it) and `join_read`
  (a supergraph file in the join-spec form any standard composer writes);
- composing: `composition` merges the subgraphs into a `supergraph`, refusing conflicts;
  `join_print` writes a supergraph back in the join-spec form;
- planning: `operation` prepares a client's operation, `planner` turns it into a
  `query_plan` of fetches;
- executing: `execution` runs a plan through a `subgraph_calls` carrier and
  `response_shape` cuts the client's response from what came back.

Nothing here knows HTTP, settings or the rest of the gateway: they depend on this.
"""
