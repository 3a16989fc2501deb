"""The in-process store reads documents by `_id` directly and still applies the whole filter;
what it hands out and takes in are copies."""

import datetime as dt

import mongomock
import pytest
from bson import ObjectId

from services.kernel.memorystore import InMemoryClient, pinned_keys


@pytest.fixture
def things():
    collection = InMemoryClient()["memorystore_test"]["things"]
    collection.insert_many(
        [
            {"_id": f"t{n}", "size": n, "outbox": [{"id": f"e{n}"}] if n % 2 else []}
            for n in range(10)
        ]
    )
    yield collection
    collection.drop()


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ({"_id": "a"}, ["a"]),
        ({"_id": 7, "version": 2}, [7]),
        ({"_id": {"$in": ["a", "b", "a"]}}, ["a", "b"]),
        ({"_id": {"$gt": "a"}}, None),
        ({"_id": {"$in": ["a"], "$ne": "b"}}, None),
        ({"_id": {"sub": 1}}, None),
        ({"_id": True}, None),
        ({"size": 3}, None),
        ({}, None),
    ],
)
def test_only_queries_that_pin_the_id_are_answered_by_key(query, keys):
    assert pinned_keys(query) == keys


def test_lookups_by_id_match_what_a_scan_finds(things):
    plain = mongomock.MongoClient()["plain"]["things"]
    plain.insert_many(list(things.find()))
    for query in [
        {"_id": "t3"},
        {"_id": "t3", "size": 4},
        {"_id": {"$in": ["t1", "t2", "missing"]}},
        {"_id": {"$in": ["t1", "t2"]}, "outbox.id": {"$exists": True}},
        {"size": {"$gte": 8}},
    ]:
        assert sorted(d["_id"] for d in things.find(query)) == sorted(
            d["_id"] for d in plain.find(query)
        ), query


def test_updates_by_id_change_just_those_documents(things):
    result = things.update_many(
        {"_id": {"$in": ["t1", "t3"]}}, {"$pull": {"outbox": {"id": {"$in": ["e1", "e3"]}}}}
    )
    assert result.matched_count == 2
    assert sorted(d["_id"] for d in things.find({"outbox.id": {"$exists": True}})) == [
        "t5",
        "t7",
        "t9",
    ]
    assert things.update_one({"_id": "t2", "size": 99}, {"$set": {"size": 0}}).matched_count == 0


def test_object_ids_are_found_by_key(things):
    key = things.insert_one({"size": 100}).inserted_id
    assert isinstance(key, ObjectId)
    assert things.find_one({"_id": key})["size"] == 100


def test_documents_read_and_written_are_copies_of_what_is_stored(things):
    moment = dt.datetime(2023, 10, 31, tzinfo=dt.UTC)
    written = {"_id": "nested", "by": {"a1": [1, {"deep": 2}]}, "at": moment, "tags": ("x",)}
    things.insert_one(written)
    written["by"]["a1"][1]["deep"] = 99
    read = things.find_one({"_id": "nested"})
    read["by"]["a1"].append(3)
    things.update_one({"_id": "nested"}, {"$set": {"by.a2": [4]}})
    stored = things.find_one({"_id": "nested"})
    assert stored["by"] == {"a1": [1, {"deep": 2}], "a2": [4]}
    assert stored["at"].replace(tzinfo=dt.UTC) == moment  # stored naive, as pymongo reads it
    assert stored["tags"] == ["x"]


def test_the_in_memory_client_replaces_nothing_of_mongomocks() -> None:
    import copy

    import mongomock.collection
    import mongomock.database

    keyed = InMemoryClient()["memorystore_test"]["things"]
    plain = mongomock.MongoClient()["memorystore_test"]["things"]
    assert type(keyed).__name__ == "KeyedCollection"
    assert type(plain) is mongomock.collection.Collection
    assert mongomock.database.Collection is mongomock.collection.Collection
    assert mongomock.collection.copy is copy
