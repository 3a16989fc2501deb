"""Planning: a client's operation over the supergraph turned into fetches.

`operation` prepares the operation (fragments inlined, `@skip`/`@include` decided);
`planner` places each selection in fetches (`fetch_selection`), using what each subgraph
can answer where the plan stands (`reach`) and what each way to have a field costs
(`costs`), into a `query_plan`. It reads the supergraph of `composition`, and knows nothing
of HTTP or of how fetches are carried.
"""
