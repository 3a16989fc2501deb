"""Scoring's use cases."""
