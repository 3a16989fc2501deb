"""Identifiers that sort by creation time, so keyset pagination follows insertion order."""

import secrets
import time


def new_id() -> str:
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(6)}"
