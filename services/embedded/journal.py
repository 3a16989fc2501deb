"""The embedded store's journal: every write command the store applied, in the order it applied
them, appended to a file before the command's reply is sent, so a write acknowledged is on
disk.

A record is its body's length and CRC-32 (little-endian, four bytes each), then the body: the
command as BSON. Commits are grouped: a command waits for a flush to the disk that covers its
own record, and one flush covers every record appended before it, so writers arriving
together share one `fsync`.

A record cut short (the process killed while writing it) or whose checksum does not match
is where the journal ends: `read` gives the records before it and where it starts, and the
caller cuts the file there.
"""

from __future__ import annotations

import os
import struct
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HEADER = struct.Struct("<II")
MOST_RECORD_BYTES = 64 * 1024 * 1024  # a command is at most 48 MB on the wire


class Journal:
    """Appends to one journal file; `durable(n)` returns once record `n` is on disk."""

    def __init__(self, path: Path, *, sync: bool = True) -> None:
        self.path = path
        self.sync = sync  # fsync each group; off, a flush to the OS (survives a killed process)
        self.file = path.open("ab")
        self.bytes = self.file.tell()
        self.appended = 0
        self.written = 0
        self.writing = False
        self.condition = threading.Condition()

    def append(self, body: bytes) -> int:
        """Called in the order the store applies commands (under its lock); the record's
        number, for `durable`."""
        self.file.write(HEADER.pack(len(body), zlib.crc32(body)) + body)
        self.bytes += HEADER.size + len(body)
        self.appended += 1
        return self.appended

    def durable(self, number: int) -> None:
        """Returns once record `number` is on disk: the first waiter flushes for everyone
        waiting, and those who came meanwhile wait for the next flush."""
        with self.condition:
            while self.written < number:
                if self.writing:
                    self.condition.wait()
                    continue
                self.writing = True
                covered = self.appended
                self.condition.release()
                try:
                    self.file.flush()
                    if self.sync:
                        os.fsync(self.file.fileno())
                finally:
                    self.condition.acquire()
                    self.writing = False
                    self.condition.notify_all()
                self.written = max(self.written, covered)

    def close(self) -> None:
        with self.condition:
            self.file.flush()
            if self.sync:
                os.fsync(self.file.fileno())
            self.file.close()


@dataclass
class Read:
    records: list[bytes] = field(default_factory=list)
    torn_at: int | None = None  # where a record cut short or damaged starts
    size: int = 0


def read(path: Path) -> Read:
    """Every whole record of the file, and where a torn one starts, if any."""
    found = Read()
    data = path.read_bytes()
    found.size = len(data)
    at = 0
    while at < len(data):
        if at + HEADER.size > len(data):
            found.torn_at = at
            break
        length, checksum = HEADER.unpack_from(data, at)
        body = data[at + HEADER.size : at + HEADER.size + length]
        if length > MOST_RECORD_BYTES or len(body) < length or zlib.crc32(body) != checksum:
            found.torn_at = at
            break
        found.records.append(body)
        at += HEADER.size + length
    return found


def records_of(path: Path) -> Iterator[bytes]:
    yield from read(path).records
