"""The in-process store behind a MongoDB wire-protocol socket, outliving the services.

No MongoDB server can run on these machines. A service killed with SIGKILL takes an
in-process store with it, which a deployment's MongoDB would have kept. This server keeps
the suite's in-process store (`mongomock`, with the suite's `_id` index) in the process that
supervises the services (`smartcity up`, or a test) and answers pymongo's commands on a
loopback port, so services run as their own processes with
`MONGODB_URI=mongodb://127.0.0.1:PORT`, exactly the code path of a deployment, and can be
killed and started again over the data they had acknowledged.

Given a folder (`StoreFolder`), it keeps the store there: every write is journalled before
its reply is sent, snapshots are taken in MongoDB's dump layout, and the next start loads
them; without one, the store lives as long as the process.

It speaks what pymongo and mongoengine send: the handshake (OP_QUERY or OP_MSG), CRUD,
findAndModify, aggregate, count and distinct, cursors, and index and collection commands.
Every command runs under one lock, as one MongoDB node would apply it, and is counted in
`serverStatus`'s `opcounters` as MongoDB counts it.
"""

from __future__ import annotations

import itertools
import logging
import socket
import socketserver
import struct
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import bson
import mongomock
from bson import Int64
from mongomock.collection import Collection
from pymongo import ReturnDocument

from services.embedded import dump_layout, memorystore
from services.embedded.store_folder import Notice, StoreFolder

log = logging.getLogger(__name__)

OP_REPLY, OP_QUERY, OP_MSG = 1, 2004, 2013
HEADER = struct.Struct("<iiii")
BATCH_BYTES = 4 * 1024 * 1024
MAX_MESSAGE_BYTES = 48 * 1024 * 1024
# MongoDB's opcounters: the CRUD commands by their operation, every other command as one
OPERATIONS = {"insert": "insert", "find": "query", "update": "update", "delete": "delete",
              "getmore": "getmore"}  # fmt: skip


class CommandError(Exception):
    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


class Store:
    """The commands, applied to one mongomock client."""

    def __init__(self, folder: StoreFolder | None = None) -> None:
        self.client = memorystore.InMemoryClient("mongodb://localhost")
        self.folder = folder  # where it is kept on disk; None: in memory only
        self.lock = threading.Lock()
        self.cursors: dict[int, tuple[str, Iterator[dict[str, Any]]]] = {}
        self.cursor_ids = itertools.count(1)
        self.connections = itertools.count(1)
        self.opcounters: Counter[str] = Counter(dict.fromkeys(OPERATIONS.values(), 0))
        self.opcounters["command"] = 0

    def execute(self, command: dict[str, Any]) -> dict[str, Any]:
        name = next(iter(command))
        self.opcounters[OPERATIONS.get(name.lower(), "command")] += 1
        handler: Callable[[dict[str, Any]], dict[str, Any]] | None = getattr(
            self, f"_{name.lower()}", None
        )
        if handler is None:
            return {"ok": 0.0, "errmsg": f"no such command: '{name}'", "code": 59}
        record = None
        try:
            with self.lock:
                try:
                    return {**handler(command), "ok": 1.0}
                finally:  # applied, even in part: journalled, so a replay does the same
                    if self.folder is not None:
                        record = self.folder.record(name.lower(), command)
        except CommandError as error:
            return {"ok": 0.0, "errmsg": str(error), "code": error.code}
        except mongomock.DuplicateKeyError as error:
            return {"ok": 0.0, "errmsg": str(error), "code": 11000}
        except mongomock.OperationFailure as error:
            return {"ok": 0.0, "errmsg": str(error), "code": error.code or 2}
        finally:
            if record is not None:
                self._durable(record)

    # kept on disk

    def open(self) -> list[Notice]:
        """The store as its folder last had it (nothing to do in memory only)."""
        if self.folder is None:
            return []
        with self.lock:
            folder, self.folder = self.folder, None  # what is replayed is not journalled again
            try:
                return folder.load(self.replayed, self.clear)
            finally:
                self.folder = folder

    def replayed(self, command: dict[str, Any]) -> dict[str, Any]:
        """A command applied as it was first applied, and not journalled again."""
        name = next(iter(command)).lower()
        handler: Callable[[dict[str, Any]], dict[str, Any]] = getattr(self, f"_{name}")
        try:
            return handler(command)
        except (CommandError, mongomock.DuplicateKeyError, mongomock.OperationFailure):
            return {}  # as it failed when it was first applied

    def clear(self) -> None:
        for database in self.client.list_database_names():
            self.client.drop_database(database)

    def _durable(self, record: int) -> None:
        """Returns once the command's record is on disk; then takes a snapshot in the
        background if the journal has grown enough for one."""
        assert self.folder is not None
        self.folder.durable(record)
        if self.folder.snapshot_due and self.folder.snapshotting.acquire(blocking=False):
            threading.Thread(target=self._snapshot_now, daemon=True).start()

    def _snapshot_now(self) -> None:
        assert self.folder is not None
        try:
            with self.lock:
                if self.folder.snapshot_due:
                    self.folder.snapshot(self.contents)
        except OSError:
            log.exception("store: a snapshot could not be written; the journal keeps every write")
        finally:
            self.folder.snapshotting.release()

    def contents(self) -> Iterator[tuple[str, str, Iterator[dict[str, Any]], list[dict[str, Any]]]]:
        """Every collection: its database, name, documents and indexes (under the lock)."""
        for database in sorted(self.client.list_database_names()):
            for name in sorted(self.client[database].list_collection_names()):
                collection: Collection = self.client[database][name]  # type: ignore[assignment]
                yield (database, name, memorystore.stored_documents(collection),
                       dump_layout.index_specs(collection.index_information()))  # fmt: skip

    def close(self) -> None:
        """At a clean stop: the store written whole as a snapshot, and its journal closed."""
        if self.folder is not None:
            with self.lock:
                self.folder.close(self.contents)

    def _collection(self, command: dict[str, Any]) -> Collection:
        collection: Collection = self.client[command["$db"]][next(iter(command.values()))]  # type: ignore[assignment]
        return collection

    def _namespace(self, command: dict[str, Any]) -> str:
        return f"{command['$db']}.{next(iter(command.values()))}"

    # the handshake and housekeeping

    def _hello(self, command: dict[str, Any]) -> dict[str, Any]:
        return {"helloOk": True, "ismaster": True, "isWritablePrimary": True,
                "maxBsonObjectSize": 16 * 1024 * 1024, "maxMessageSizeBytes": 48_000_000,
                "maxWriteBatchSize": 100_000, "logicalSessionTimeoutMinutes": 30,
                "connectionId": next(self.connections), "minWireVersion": 0,
                "maxWireVersion": 21, "readOnly": False}  # fmt: skip

    _ismaster = _hello

    def _ping(self, command: dict[str, Any]) -> dict[str, Any]:
        return {}

    _endsessions = _ping

    def _buildinfo(self, command: dict[str, Any]) -> dict[str, Any]:
        return {"version": "7.0.0", "versionArray": [7, 0, 0, 0]}

    def _serverstatus(self, command: dict[str, Any]) -> dict[str, Any]:
        return {"opcounters": {name: Int64(count) for name, count in self.opcounters.items()}}

    # reading

    def _find(self, command: dict[str, Any]) -> dict[str, Any]:
        limit = abs(int(command.get("limit", 0)))
        found = self._collection(command).find(
            command.get("filter") or {},
            projection=command.get("projection") or None,
            sort=list((command.get("sort") or {}).items()) or None,
            skip=int(command.get("skip", 0)),
            limit=limit,
        )
        single = bool(command.get("singleBatch")) or int(command.get("limit", 0)) < 0
        return self._first_batch(command, iter(found), command.get("batchSize"), single)

    def _aggregate(self, command: dict[str, Any]) -> dict[str, Any]:
        found = self._collection(command).aggregate(command.get("pipeline") or [])
        return self._first_batch(
            command, iter(found), (command.get("cursor") or {}).get("batchSize")
        )

    def _first_batch(
        self,
        command: dict[str, Any],
        found: Iterator[dict[str, Any]],
        size: Any,
        single: bool = False,
    ) -> dict[str, Any]:
        batch, more = _batch(found, size)
        cursor_id = 0
        if more and not single:
            cursor_id = next(self.cursor_ids)
            self.cursors[cursor_id] = (self._namespace(command), found)
        return {
            "cursor": {"id": Int64(cursor_id), "ns": self._namespace(command), "firstBatch": batch}
        }

    def _getmore(self, command: dict[str, Any]) -> dict[str, Any]:
        cursor_id = int(command["getMore"])
        if cursor_id not in self.cursors:
            raise CommandError(f"cursor id {cursor_id} not found", 43)
        namespace, found = self.cursors[cursor_id]
        batch, more = _batch(found, command.get("batchSize"))
        if not more:
            del self.cursors[cursor_id]
        return {
            "cursor": {"id": Int64(cursor_id if more else 0), "ns": namespace, "nextBatch": batch}
        }

    def _killcursors(self, command: dict[str, Any]) -> dict[str, Any]:
        killed = [c for c in command.get("cursors", []) if self.cursors.pop(int(c), None)]
        return {
            "cursorsKilled": killed,
            "cursorsNotFound": [],
            "cursorsAlive": [],
            "cursorsUnknown": [],
        }

    def _count(self, command: dict[str, Any]) -> dict[str, Any]:
        options = {k: int(command[k]) for k in ("skip", "limit") if command.get(k)}
        return {
            "n": self._collection(command).count_documents(command.get("query") or {}, **options)
        }

    def _distinct(self, command: dict[str, Any]) -> dict[str, Any]:
        return {
            "values": self._collection(command).distinct(command["key"], command.get("query") or {})
        }

    # writing

    def _insert(self, command: dict[str, Any]) -> dict[str, Any]:
        collection, inserted, problems = self._collection(command), 0, []
        for index, document in enumerate(command.get("documents", [])):
            try:
                collection.insert_one(document)
                inserted += 1
            except mongomock.DuplicateKeyError as error:
                problems.append({"index": index, "code": 11000, "errmsg": str(error)})
                if command.get("ordered", True):
                    break
        return {"n": inserted} | ({"writeErrors": problems} if problems else {})

    def _update(self, command: dict[str, Any]) -> dict[str, Any]:
        collection, matched, modified, upserted, problems = self._collection(command), 0, 0, [], []
        for index, spec in enumerate(command.get("updates", [])):
            try:
                result = _update_one(collection, spec)
            except mongomock.DuplicateKeyError as error:
                problems.append({"index": index, "code": 11000, "errmsg": str(error)})
                if command.get("ordered", True):
                    break
                continue
            if result.upserted_id is not None:
                upserted.append({"index": index, "_id": result.upserted_id})
                matched += 1
            else:
                matched += result.matched_count
                modified += result.modified_count
        reply: dict[str, Any] = {"n": matched, "nModified": modified}
        return reply | ({"upserted": upserted} if upserted else {}) | (
            {"writeErrors": problems} if problems else {})  # fmt: skip

    def _delete(self, command: dict[str, Any]) -> dict[str, Any]:
        collection, deleted = self._collection(command), 0
        for spec in command.get("deletes", []):
            remove = collection.delete_one if spec.get("limit") == 1 else collection.delete_many
            deleted += remove(spec.get("q") or {}).deleted_count
        return {"n": deleted}

    def _findandmodify(self, command: dict[str, Any]) -> dict[str, Any]:
        collection = self._collection(command)
        query, sort = command.get("query") or {}, list((command.get("sort") or {}).items()) or None
        projection = command.get("fields") or None
        if command.get("remove"):
            value = collection.find_one_and_delete(query, projection=projection, sort=sort)
            return {"lastErrorObject": {"n": int(value is not None)}, "value": value}
        update, upsert = command.get("update") or {}, bool(command.get("upsert"))
        existed = collection.find_one(query, sort=sort) is not None
        after = ReturnDocument.AFTER if command.get("new") else ReturnDocument.BEFORE
        if update and all(key.startswith("$") for key in update):
            value = collection.find_one_and_update(
                query, update, projection=projection, sort=sort, upsert=upsert,
                return_document=after, array_filters=command.get("arrayFilters"),
            )  # fmt: skip
        else:
            value = collection.find_one_and_replace(
                query,
                update,
                projection=projection,
                sort=sort,
                upsert=upsert,
                return_document=after,
            )
        status: dict[str, Any] = {"n": int(existed or upsert), "updatedExisting": existed}
        return {"lastErrorObject": status, "value": value}

    # indexes and collections

    def _createindexes(self, command: dict[str, Any]) -> dict[str, Any]:
        collection = self._collection(command)
        before = len(collection.index_information())
        for index in command.get("indexes", []):
            options = {k: v for k, v in index.items() if k not in ("key", "v")}
            collection.create_index(list(index["key"].items()), **options)
        return {"numIndexesBefore": before, "numIndexesAfter": len(collection.index_information())}

    def _listindexes(self, command: dict[str, Any]) -> dict[str, Any]:
        found = [
            {"v": 2, "key": dict(info["key"]), "name": name}
            | {k: v for k, v in info.items() if k not in ("key", "v")}
            for name, info in self._collection(command).index_information().items()
        ]
        return self._first_batch(command, iter(found), None)

    def _listcollections(self, command: dict[str, Any]) -> dict[str, Any]:
        names = self.client[command["$db"]].list_collection_names()
        found = [
            {"name": n, "type": "collection", "options": {}, "info": {"readOnly": False}}
            for n in names
        ]
        return {
            "cursor": {
                "id": Int64(0),
                "ns": f"{command['$db']}.$cmd.listCollections",
                "firstBatch": found,
            }
        }

    def _listdatabases(self, command: dict[str, Any]) -> dict[str, Any]:
        names = sorted(self.client.list_database_names())
        listed = [{"name": n, "sizeOnDisk": 0, "empty": False} for n in names]
        return {"databases": listed, "totalSize": 0}

    def _create(self, command: dict[str, Any]) -> dict[str, Any]:
        database = self.client[command["$db"]]
        if command["create"] not in database.list_collection_names():
            database.create_collection(command["create"])
        return {}

    def _drop(self, command: dict[str, Any]) -> dict[str, Any]:
        self.client[command["$db"]].drop_collection(command["drop"])
        return {}

    def _dropdatabase(self, command: dict[str, Any]) -> dict[str, Any]:
        self.client.drop_database(command["$db"])
        return {}


def _update_one(collection: Collection, spec: dict[str, Any]) -> Any:
    change, upsert, multi = spec.get("u") or {}, bool(spec.get("upsert")), bool(spec.get("multi"))
    if change and not all(key.startswith("$") for key in change):
        return collection.replace_one(spec.get("q") or {}, change, upsert=upsert)
    apply = collection.update_many if multi else collection.update_one
    return apply(spec.get("q") or {}, change, upsert=upsert, array_filters=spec.get("arrayFilters"))


def _batch(found: Iterator[dict[str, Any]], size: Any) -> tuple[list[dict[str, Any]], bool]:
    """The next documents of a cursor, up to `size` or a few megabytes; and whether more follow."""
    limit = int(size) if size else None
    batch: list[dict[str, Any]] = []
    used = 0
    for document in found:
        batch.append(document)
        used += len(bson.encode(document))
        if (limit is not None and len(batch) >= limit) or used >= BATCH_BYTES:
            return batch, True
    return batch, False


class _Connection(socketserver.BaseRequestHandler):
    server: StoreServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        try:
            while True:
                header = _read(sock, HEADER.size)
                length, request_id, _, opcode = HEADER.unpack(header)
                if not HEADER.size <= length <= MAX_MESSAGE_BYTES:
                    return  # not a client of ours: MongoDB's own limit is 48 MB
                body = _read(sock, length - HEADER.size)
                reply = self._answer(opcode, body)
                if reply is not None:
                    sock.sendall(_message(request_id, *reply))
        except (ConnectionError, OSError):
            return

    def _answer(self, opcode: int, body: bytes) -> tuple[int, bytes] | None:
        if opcode == OP_QUERY:  # pymongo's first hello on a new connection
            _, rest = body[:4], body[4:]
            namespace, rest = rest.split(b"\0", 1)
            size = struct.unpack("<i", rest[8:12])[0]
            command = dict(bson.decode(rest[8 : 8 + size]))
            command = dict(command.get("$query", command))
            command["$db"] = namespace.decode().split(".")[0]
            reply = bson.encode(self.server.store.execute(command))
            return OP_REPLY, struct.pack("<iqii", 0, 0, 0, 1) + reply
        if opcode != OP_MSG:
            return None
        flags = struct.unpack("<I", body[:4])[0]
        command = _sections(body[4:-4] if flags & 1 else body[4:])
        reply = bson.encode(self.server.store.execute(command))
        if flags & 2:  # moreToCome: the client wants no answer
            return None
        return OP_MSG, struct.pack("<IB", 0, 0) + reply


def _sections(data: bytes) -> dict[str, Any]:
    command: dict[str, Any] = {}
    sequences: dict[str, list[Any]] = {}
    at = 0
    while at < len(data):
        kind = data[at]
        at += 1
        size = struct.unpack("<i", data[at : at + 4])[0]
        if kind == 0:
            command = dict(bson.decode(data[at : at + size]))
        else:
            identifier, documents = data[at + 4 : at + size].split(b"\0", 1)
            sequences[identifier.decode()] = list(bson.decode_iter(documents))
        at += size
    return command | sequences


def _read(sock: socket.socket, count: int) -> bytes:
    chunks, wanted = [], count
    while wanted:
        chunk = sock.recv(wanted)
        if not chunk:
            raise ConnectionError("the client closed the connection")
        chunks.append(chunk)
        wanted -= len(chunk)
    return b"".join(chunks)


_replies = itertools.count(1)


def _message(responding_to: int, opcode: int, body: bytes) -> bytes:
    return HEADER.pack(HEADER.size + len(body), next(_replies), responding_to, opcode) + body


class StoreServer(socketserver.ThreadingTCPServer):
    """`with StoreServer() as store:` serves on a free loopback port until the block ends."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, folder: StoreFolder | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Connection)
        self.store = Store(folder)
        self.notices = self.store.open()  # what its folder held, loaded before serving
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def uri(self) -> str:
        host, port = self.server_address[:2]
        return f"mongodb://{host!s}:{port}"

    def __enter__(self) -> StoreServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self.store.close()
