import pytest

from learning_connector_kit import schemas

FILES = {
    "common/person.json": {
        "definitions": {
            "name": {"type": ["null", "string"]},
            "person": {"type": "object", "properties": {"name": {"$ref": "common/person.json#/definitions/name"}}},
        }
    },
    "common/loop.json": {"$ref": "common/loop.json"},
    "demo/people.json": {
        "type": "object",
        "additionalProperties": True,
        "properties": {
            "owner": {"$ref": "common/person.json#/definitions/person", "description": "who owns it"},
            "local": {"$ref": "#/definitions/kept"},
        },
        "definitions": {"kept": {"type": "integer"}},
    },
}


@pytest.fixture(autouse=True)
def fake_schema_files(monkeypatch):
    schemas._load_resolved.cache_clear()
    monkeypatch.setattr(schemas, "_read_schema_file", lambda path: FILES[path])
    yield
    schemas._load_resolved.cache_clear()


def test_references_to_common_definitions_are_inlined_recursively():
    schema = schemas.load_stream_schema("demo", "people")
    owner = schema["properties"]["owner"]
    assert owner["properties"]["name"] == {"type": ["null", "string"]}
    assert owner["description"] == "who owns it", "keys beside $ref are kept"
    assert schema["properties"]["local"] == {"type": "integer"}, "references within the file are inlined too"
    assert "definitions" not in schema


def test_loaded_schema_is_a_private_copy():
    schemas.load_stream_schema("demo", "people")["properties"].clear()
    assert schemas.load_stream_schema("demo", "people")["properties"]


def test_circular_references_are_reported():
    with pytest.raises(ValueError, match="Circular"):
        schemas._inline_references({"$ref": "common/loop.json"}, {})


def test_loader_component_takes_the_stream_name_from_parameters():
    loader = schemas.SharedSchemaLoader(config={}, parameters={"name": "people"}, connector="demo")
    assert loader.get_json_schema()["properties"]["owner"]["type"] == "object"
