"""The in-process store reads documents by `_id` directly and still applies the whole filter;
what it hands out and takes in are copies."""

import contextlib
import datetime as dt
from collections import OrderedDict

import mongomock
import pytest
from bson import SON, ObjectId
from hypothesis import given, settings
from hypothesis import strategies as st
from mongomock.filtering import filter_applies

from services.embedded import memorystore
from services.embedded.memorystore import InMemoryClient, pinned_keys


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


def test_projections_give_what_mongomocks_give(things):
    plain = mongomock.MongoClient()["plain"]["things"]
    plain.insert_many(list(things.find()))
    things.update_one({"_id": "t1"}, {"$set": {"nested": {"a": [1, {"b": 2}]}}})
    plain.update_one({"_id": "t1"}, {"$set": {"nested": {"a": [1, {"b": 2}]}}})
    for projection in [
        None, {}, {"outbox": 0}, {"outbox": 0, "_id": 0}, {"size": 1}, {"size": 1, "_id": 0},
        {"_id": 1}, {"_id": 0}, {"nested": 1}, {"nested.a": 1}, {"missing": 1},
        {"outbox": {"$slice": 1}},
    ]:  # fmt: skip
        assert list(things.find({}, projection)) == list(plain.find({}, projection)), projection
    read = things.find_one({"_id": "t1"}, {"nested": 1})
    read["nested"]["a"][1]["b"] = 99
    assert things.find_one({"_id": "t1"})["nested"] == {"a": [1, {"b": 2}]}


def test_queries_for_texts_find_what_a_scan_finds():
    keyed = InMemoryClient()["memorystore_test"]["regions"]
    plain = mongomock.MongoClient()["plain"]["regions"]
    documents = [
        {"_id": "a", "region_code": "12.07", "cohort": "x", "size": 1},
        {"_id": "b", "region_code": "63.03", "cohort": "y", "size": 2},
        {"_id": "c", "region_code": ["12.07", "99.01"], "cohort": "x", "size": 3},  # an array
        {"_id": "d", "cohort": "x", "size": 4},  # no region code
        {"_id": "e", "region_code": 1207, "cohort": "y", "size": 5},  # not a text
        {"_id": "f", "region_code": {"nested": "12.07"}, "size": 6},
    ]
    keyed.insert_many([dict(d) for d in documents])
    plain.insert_many([dict(d) for d in documents])
    for query in [
        {"region_code": "12.07"},
        {"region_code": {"$in": ["12.07", "63.03", "99.01"]}},
        {"region_code": {"$in": []}},
        {"region_code": {"$in": ["12.07"]}, "cohort": "x", "size": {"$gt": 1}},
        {"region_code": {"$in": ["12.07", "63.03"]}, "_id": {"$gt": "a"}},
        {"cohort": "x", "$or": [{"size": 1}, {"size": 4}]},
        {"region_code": {"$in": [1207]}},
    ]:
        assert sorted(d["_id"] for d in keyed.find(query)) == sorted(
            d["_id"] for d in plain.find(query)
        ), query
    keyed.drop()


def test_a_page_is_what_a_scan_finds_and_only_the_page_is_copied(things, monkeypatch):
    plain = mongomock.MongoClient()["plain"]["things"]
    plain.insert_many(list(things.find()))
    pages = [
        lambda c: c.find({}, {"outbox": 0}).sort("_id", 1).limit(3),
        lambda c: c.find({"_id": {"$gt": "t3"}}).sort("_id", 1).limit(2),
        lambda c: c.find({"size": {"$gte": 2}}).sort("size", -1).skip(1).limit(3),
        lambda c: c.find({}).sort("_id", 1).limit(50),
    ]
    for page in pages:
        assert list(page(things)) == list(page(plain))
    copied = []
    copy_page = type(things)._copy_only_fields

    def counting(collection, document, *args):
        copied.append(document["_id"])
        return copy_page(collection, document, *args)

    monkeypatch.setattr(type(things), "_copy_only_fields", counting)
    found = things.find({}).sort("_id", 1).limit(3)
    assert [d["_id"] for d in found] == ["t0", "t1", "t2"]
    assert copied == ["t0", "t1", "t2"]


def test_a_cursor_hands_out_what_it_computed_once(things, monkeypatch):
    plain = mongomock.MongoClient()["plain"]["things"]
    plain.insert_many(list(things.find()))
    reads = [
        lambda c: c.find({}).sort("_id", -1),
        lambda c: c.find({"size": {"$gte": 3}}).skip(2),
        lambda c: c.find({}, {"outbox": 0}).sort("size", 1).skip(1).limit(4),
    ]
    for read in reads:
        assert list(read(things)) == list(read(plain))
    computed = []
    compute = memorystore.PagedCursor._compute_results

    def counting(cursor, *args, **kwargs):
        computed.append(cursor)
        return compute(cursor, *args, **kwargs)

    monkeypatch.setattr(memorystore.PagedCursor, "_compute_results", counting)
    cursor = things.find({}).sort("_id", 1)
    assert len(list(cursor)) == 10
    assert len(computed) == 1  # mongomock's computes (and slices) again for each document
    cursor.rewind()
    assert [d["_id"] for d in cursor][:2] == ["t0", "t1"]


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


def test_the_in_memory_client_replaces_nothing_of_mongomocks_but_how_it_copies_and_patches() -> (
    None
):
    import copy

    import mongomock.collection
    import mongomock.database

    keyed = InMemoryClient()["memorystore_test"]["things"]
    plain = mongomock.MongoClient()["memorystore_test"]["things"]
    assert type(keyed).__name__ == "KeyedCollection"
    assert type(plain) is mongomock.collection.Collection
    assert mongomock.database.Collection is mongomock.collection.Collection
    # its collection module copies BSON data plainly: equal, and sharing no container
    copying = mongomock.collection.copy
    document = {"a": [{"b": 1}], "c": "text", "when": dt.datetime(2023, 1, 1)}
    copied = copying.deepcopy(document)
    assert copied == document
    assert copied["a"] is not document["a"] and copied["a"][0] is not document["a"][0]
    odd = {1, 2}  # anything else is the real module's to copy
    assert copying.deepcopy(odd) == odd and copying.deepcopy(odd) is not odd
    assert copying.copy is copy.copy
    # and patches datetimes with its own function, the rest of its helpers untouched
    patching = mongomock.collection.helpers
    assert patching.patch_datetime_awareness_in_document is memorystore.patched_datetimes
    assert patching.hashdict is mongomock.helpers.hashdict


MOMENTS = st.datetimes(timezones=st.one_of(st.none(), st.timezones()))
BSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(),
              MOMENTS, st.dates(), st.builds(ObjectId)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=3), inner, max_size=3),
        st.builds(lambda d: OrderedDict(d), st.dictionaries(st.text(max_size=3), inner, max_size=3)),
        st.builds(lambda d: SON(d), st.dictionaries(st.text(max_size=3), inner, max_size=3)),
    ),
    max_leaves=12,
)  # fmt: skip


@given(BSON_VALUES)
@settings(max_examples=300, deadline=None)
def test_datetimes_are_patched_as_mongomock_patches_them(value) -> None:
    patched = memorystore.patched_datetimes(value)
    wanted = mongomock.helpers.patch_datetime_awareness_in_document(value)
    assert patched == wanted
    assert repr(patched) == repr(wanted)  # the same types too, down to every container


PENDING = {"outbox.id": {"$exists": True}}
WRITES = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("push"), st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("pull"), st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("clear"), st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("replace"), st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("upsert"), st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("delete"), st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("drop"), st.integers(0, 9), st.integers(0, 2)),
)


def _write(collection, kind: str, n: int, events: int) -> None:
    key, outbox = f"t{n}", [{"id": f"e{n}-{e}"} for e in range(events)]
    with contextlib.suppress(mongomock.DuplicateKeyError):
        match kind:
            case "insert":
                collection.insert_one({"_id": key, "outbox": outbox})
            case "push":
                collection.update_one({"_id": key}, {"$push": {"outbox": {"id": f"p{n}"}}})
            case "pull":
                collection.update_many({}, {"$pull": {"outbox": {"id": f"e{n}-0"}}})
            case "clear":
                collection.update_one({"_id": key}, {"$set": {"outbox": []}})
            case "replace":
                collection.replace_one({"_id": key}, {"outbox": outbox, "size": events})
            case "upsert":
                collection.find_one_and_update(
                    {"_id": key}, {"$set": {"outbox": outbox}}, upsert=True
                )
            case "delete":
                collection.delete_one({"_id": key})
            case "drop":
                collection.drop()
                collection.create_index("outbox.id", sparse=True)


@settings(max_examples=150, deadline=None)
@given(st.lists(WRITES, max_size=30))
def test_what_is_pending_is_what_a_scan_finds_whatever_was_written(writes):
    """The sparse index the outbox declares answers its query as mongomock's scan would,
    through inserts, in-place updates, replacements, upserts, deletes and drops."""
    keyed = InMemoryClient()["memorystore_test"]["pending"]
    plain = mongomock.MongoClient()["memorystore_test"]["pending"]
    for collection in (keyed, plain):
        collection.drop()
        collection.create_index("outbox.id", sparse=True)
    for kind, n, events in writes:
        for collection in (keyed, plain):
            _write(collection, kind, n, events)
        assert sorted(d["_id"] for d in keyed.find(PENDING)) == sorted(
            d["_id"] for d in plain.find(PENDING)
        )
        assert keyed.count_documents({**PENDING, "size": 2}) == plain.count_documents(
            {**PENDING, "size": 2}
        )


def test_finding_what_is_pending_tests_only_the_pending_documents(monkeypatch):
    """As MongoDB reads a sparse index: a sweep costs what is pending, not what was written."""
    outboxes = InMemoryClient()["memorystore_test"]["outboxes"]
    outboxes.drop()
    outboxes.create_index("outbox.id", sparse=True)
    outboxes.insert_many(
        [{"_id": n, "outbox": [{"id": f"e{n}"}] if n % 100 == 0 else []} for n in range(1000)]
    )
    tested = []

    def counting(query, document, *args, **kwargs):
        tested.append(document["_id"])
        return filter_applies(query, document, *args, **kwargs)

    monkeypatch.setattr(memorystore, "filter_applies", counting)
    assert [d["_id"] for d in outboxes.find(PENDING)] == list(range(0, 1000, 100))
    assert sorted(tested) == list(range(0, 1000, 100))
