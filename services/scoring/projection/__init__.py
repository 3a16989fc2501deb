"""Scoring's own projection of catalog and survey events: the evidence each scorecard is
computed from.

`projector` applies events, `evidence_reader` assembles a region's evidence for a cycle
from what was applied, and `keys` says where each piece is kept. Every update is idempotent
and order-tolerant, so a redelivered or replayed event changes nothing.

A region's evidence for a cycle is kept in buckets, each a document found by its `_id`: one
for the campaigns, one per instrument section for the assessors' scores, one per
sub-dimension for the citizens' answer sums; a region's programs share one document. Every
write touches one bounded document, however many responses a region gathers, and a
region's evidence is a few dozen reads by key, never a scan.
"""
