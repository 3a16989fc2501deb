"""Execution: a query plan run against the subgraphs, and the client's response cut from
what they answered.

`executor` runs a plan's steps through a `subgraph_calls` carrier; `subgraphs` is the one
the gateway uses (pooled HTTP for remote subgraphs, a direct call for in-process ones,
identical reads under way at once shared by `in_flight`, each request signed with the
gateway's `credential`); `response_shape` cuts the response the client asked for.
"""
