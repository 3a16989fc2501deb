"""The survey's copy of what other services publish, kept from their events."""
