"""What the embedded store's folder says at start, by its notice's key: the messages
`smartcity up` and `smartcity backup` print (the catalogue translates them)."""

from __future__ import annotations

from services.messages import N_

NOTICES = {
    "store.snapshotDamaged": N_(
        "The store's snapshot {snapshot} cannot be read ({reason}): starting from the one "
        "before it and the writes journalled since."
    ),
    "store.journalTorn": N_(
        "The store's journal {journal} ended in a write cut short ({bytes} bytes, never "
        "acknowledged): dropped."
    ),
    "store.journalSetAside": N_(
        "The store's journal {journal} follows a damaged one: set aside, not replayed."
    ),
}
