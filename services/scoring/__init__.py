"""Scoring: rule sets admins edit at run time, scorecards, rankings and simulations."""
