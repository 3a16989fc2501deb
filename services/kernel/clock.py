"""The time as every service keeps it: aware datetimes in UTC."""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A datetime read back from storage, which drops the zone of what it stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
