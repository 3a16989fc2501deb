"""Running rules in durable_rules, in worker processes that each hold one rule set version."""
