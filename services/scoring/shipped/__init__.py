"""What scoring ships with: the default rule set, installed as version 1."""
