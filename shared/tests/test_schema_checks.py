import logging

from airbyte_cdk.models import AirbyteMessage, AirbyteRecordMessage, ConfiguredAirbyteCatalogSerializer, Type

from learning_connector_kit.schema_checks import compile_type_check, reported_schema_mismatches

SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "score": {"type": ["null", "number"]},
        "count": {"type": "integer"},
        "active": {"type": "boolean"},
        "details": {"type": ["null", "object"], "properties": {"duration": {"type": "object", "properties": {"unit": {"type": "string"}}}}},
        "activities": {"type": "array", "items": {"type": "object", "properties": {"value": {"type": "integer"}}}},
        "free": {},
    },
}


def mismatches(record):
    return compile_type_check(SCHEMA)(record) or []


def test_values_of_the_declared_types_pass():
    record = {"id": "a", "score": 1, "count": 2, "active": False, "details": None, "activities": [{"value": 3}], "free": [1, "x"]}
    assert mismatches(record) == []
    assert mismatches({**record, "score": 2.5, "details": {"duration": {"unit": "SECOND"}}}) == []


def test_wrong_types_are_found_at_any_depth():
    record = {"id": 5, "count": True, "details": {"duration": "about an hour"}, "activities": [{"value": 1}, {"value": "12"}], "extra": "ignored"}
    assert mismatches(record) == [
        ("id", "integer", "string"),
        ("count", "boolean", "integer"),
        ("details.duration", "string", "object"),
        ("activities[].value", "string", "integer"),
    ]


def test_mismatches_are_reported_once_per_stream_and_field_and_records_pass_unchanged(caplog):
    catalog = ConfiguredAirbyteCatalogSerializer.load(
        {"streams": [{"stream": {"name": "things", "json_schema": SCHEMA, "supported_sync_modes": ["full_refresh"]}, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]}
    )
    records = [AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream="things", data={"id": 1, "n": i}, emitted_at=0)) for i in range(3)]
    with caplog.at_level(logging.WARNING):
        delivered = list(reported_schema_mismatches(records, catalog, logging.getLogger("test")))
    assert delivered == records
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "'things'" in warnings[0] and "'id'" in warnings[0]
