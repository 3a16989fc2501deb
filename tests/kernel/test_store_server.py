"""The embedded store's socket answers pymongo as a MongoDB node would, and counts what it is
asked in `serverStatus` as MongoDB does."""

import pymongo

from services.embedded.store_server import StoreServer


def test_server_status_counts_each_operation_as_mongodb_does():
    with StoreServer() as server:
        client = pymongo.MongoClient(server.uri)
        try:
            before = client.admin.command("serverStatus")["opcounters"]
            things = client["store_server_test"]["things"]
            things.insert_many([{"_id": n} for n in range(3)])
            things.update_one({"_id": 1}, {"$set": {"seen": True}})
            assert [t["_id"] for t in things.find({"seen": True})] == [1]
            things.count_documents({})
            after = client.admin.command("serverStatus")["opcounters"]
        finally:
            client.close()
    done = {name: after[name] - before[name] for name in after}
    assert (done["insert"], done["update"], done["query"], done["delete"]) == (1, 1, 1, 0)
    assert done["command"] >= 2  # the counting aggregate, and serverStatus itself
