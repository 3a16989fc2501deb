"""Scoring's domain: the methodology, rule sets and their vocabulary, evidence, scorecards
and ranking. Nothing here reads storage or the network."""
