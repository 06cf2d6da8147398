from datetime import datetime, timezone

from learning_connector_kit import epoch_timestamps
from learning_connector_kit.epoch_timestamps import EpochTimestampsToRfc3339, convert_timestamps
from learning_connector_kit.timestamps import epoch_seconds_to_rfc3339

TIMESTAMP = {"type": ["null", "string"], "format": "date-time"}
SCHEMA = {
    "type": "object",
    "properties": {
        "created": TIMESTAMP,
        "price": {"type": ["null", "number"]},
        "course": {"type": ["null", "object"], "properties": {"modified": TIMESTAMP}},
        "sections": {"type": ["null", "array"], "items": {"type": "object", "properties": {"drip": {
            "type": ["null", "object"], "properties": {"date": TIMESTAMP}}}}},
        "moments": {"type": ["null", "array"], "items": TIMESTAMP},
    },
}


def iso(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ")


def test_numbers_at_date_time_places_are_converted_wherever_they_nest():
    record = {
        "created": 1587639230.083278, "price": 52, "course": {"modified": 1626088013},
        "sections": [{"drip": {"date": 1518792296}}, {"drip": None}], "moments": [1700000000.5, None],
    }
    convert_timestamps(record, SCHEMA, epoch_seconds_to_rfc3339)
    assert record == {
        "created": iso(1587639230.083278), "price": 52, "course": {"modified": iso(1626088013)},
        "sections": [{"drip": {"date": iso(1518792296)}}, {"drip": None}], "moments": [iso(1700000000.5), None],
    }
    assert record["created"] == "2020-04-23T10:53:50.083278Z", "microseconds are kept"


def test_values_that_are_not_epoch_numbers_are_left_alone():
    record = {"created": "2024-01-01T00:00:00Z", "course": {"modified": True}, "unknown": 1700000000}
    convert_timestamps(record, SCHEMA, epoch_seconds_to_rfc3339)
    assert record == {"created": "2024-01-01T00:00:00Z", "course": {"modified": True}, "unknown": 1700000000}


def test_a_number_no_date_can_hold_is_kept_for_the_schema_check_and_the_record_lives_on():
    record = {"created": 1e22, "course": {"modified": 1626088013}}
    convert_timestamps(record, SCHEMA, epoch_seconds_to_rfc3339)
    assert record == {"created": 1e22, "course": {"modified": iso(1626088013)}}


def test_the_transformation_reads_the_stream_schema(monkeypatch):
    monkeypatch.setattr(epoch_timestamps, "load_stream_schema", lambda connector, stream: {"connector": connector, "stream": stream, **SCHEMA})
    transformation = EpochTimestampsToRfc3339(parameters={"name": "courses"}, connector="learnworlds")
    record = {"created": 1700000000.25}
    transformation.transform(record)
    assert record["created"] == "2023-11-14T22:13:20.250000Z"
