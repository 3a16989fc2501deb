"""The AsyncAPI document and the event schemas under docs/ are what the event classes say."""

import json

import jsonschema
import yaml

from services import asyncapi


def test_the_committed_contract_files_are_up_to_date():
    stale = [
        str(path.relative_to(asyncapi.DOCS.parent))
        for path, text in asyncapi.rendered().items()
        if not path.exists() or path.read_text() != text
    ]
    assert stale == [], "run `python -m services.asyncapi` and commit the result"
    written = {p.name for p in (asyncapi.DOCS / "events").glob("*.json")}
    assert written == {p.name for p in asyncapi.rendered() if p.suffix == ".json"}


def test_every_event_schema_is_a_valid_json_schema():
    for path in (asyncapi.DOCS / "events").glob("*.json"):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_the_asyncapi_document_names_every_subject_and_its_references_resolve():
    document = yaml.safe_load((asyncapi.DOCS / "asyncapi.yaml").read_text())
    assert document["asyncapi"] == "3.0.0"

    def resolve(ref: str):
        node = document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    addresses = {channel["address"] for channel in document["channels"].values()}
    expected = {c.subject for classes in asyncapi.event_classes().values() for c in classes}
    assert addresses == expected and len(expected) == 22
    for operation in document["operations"].values():
        assert operation["action"] == "send"
        channel = resolve(operation["channel"]["$ref"])
        for message in operation["messages"]:
            assert resolve(resolve(message["$ref"])["$ref"])["payload"]["$ref"].startswith(
                "#/components/schemas/"
            )
        assert channel["address"] in expected


def test_an_event_that_breaks_its_schema_is_caught():
    from services.contracts.events.catalog import RegionRegistered
    from services.kernel.events import envelope
    from tests.contracts import check_event

    region = RegionRegistered(code="35.07", name="Kabupaten Malang", kind="kabupaten",
                              province="Jawa Timur", cohort="kppn_ikn", area_km2=None, vision="")  # fmt: skip
    good = envelope(region, "/smartcity/catalog")
    check_event(good)
    for broken in (
        good | {"data": good["data"] | {"area_km2": "large"}},
        good | {"data": {k: v for k, v in good["data"].items() if k != "cohort"}},
        good | {"data": good["data"] | {"extra": 1}},
        good | {"time": "yesterday"},
    ):
        try:
            check_event(broken)
        except AssertionError:
            continue
        raise AssertionError(f"not caught: {broken}")
