"""The day's request count carried in the state: taken out before the CDK reads it, added to what it emits."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airbyte_cdk.models import AirbyteMessageSerializer, AirbyteStateMessageSerializer
from airbyte_cdk.sources.streams import NO_CURSOR_STATE_KEY

from learning_connector_kit.daily_requests import DAILY_REQUESTS_KEY, stamped, taken_from_state, utc_day

TODAY = "2026-12-02"


def stream_state(name: str, value: dict) -> dict:
    return {"type": "STREAM", "stream": {"stream_descriptor": {"name": name}, "stream_state": value}}


def state_of(*messages: dict) -> list:
    return [AirbyteStateMessageSerializer.load(message) for message in messages]


def dumped(state: list) -> list[dict]:
    return [AirbyteStateMessageSerializer.dump(message) for message in state]


def test_utc_day_is_the_date_in_utc_whatever_the_zone_of_the_moment() -> None:
    late_evening_west = datetime(2026, 12, 1, 20, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert utc_day(late_evening_west) == TODAY


def test_the_largest_count_of_today_is_taken_and_the_key_removed() -> None:
    state = state_of(
        stream_state("a", {"cursor": "x", DAILY_REQUESTS_KEY: {"day": TODAY, "requests": 12}}),
        stream_state("b", {NO_CURSOR_STATE_KEY: True, DAILY_REQUESTS_KEY: {"day": TODAY, "requests": 40}}),
        stream_state("c", {"cursor": "y"}),
    )
    stripped, requests = taken_from_state(state, TODAY)
    assert requests == 40
    assert dumped(stripped) == [stream_state("a", {"cursor": "x"}), stream_state("b", {NO_CURSOR_STATE_KEY: True}),
                                stream_state("c", {"cursor": "y"})]


def test_a_count_of_an_earlier_day_starts_at_zero() -> None:
    state = state_of(stream_state("a", {"cursor": "x", DAILY_REQUESTS_KEY: {"day": "2026-12-01", "requests": 900}}))
    stripped, requests = taken_from_state(state, TODAY)
    assert requests == 0 and dumped(stripped) == [stream_state("a", {"cursor": "x"})]


def test_a_fresh_state_starts_at_zero() -> None:
    assert taken_from_state(None, TODAY) == (None, 0)
    assert taken_from_state([], TODAY) == ([], 0)


def test_a_count_of_an_unexpected_shape_starts_at_zero() -> None:
    for count in ({"day": TODAY, "requests": "12"}, {"day": TODAY, "requests": -3}, {"day": TODAY, "requests": True}, 12):
        stripped, requests = taken_from_state(state_of(stream_state("a", {DAILY_REQUESTS_KEY: count})), TODAY)
        assert requests == 0 and dumped(stripped) == [stream_state("a", {})]


def test_stamped_adds_the_count_to_a_stream_state_and_keeps_its_cursor() -> None:
    message = AirbyteMessageSerializer.load({"type": "STATE", "state": stream_state("a", {"cursor": "x"})})
    copy = AirbyteMessageSerializer.dump(stamped(message, TODAY, 7))
    assert copy["state"]["stream"]["stream_state"] == {"cursor": "x", DAILY_REQUESTS_KEY: {"day": TODAY, "requests": 7}}
    assert AirbyteMessageSerializer.dump(message)["state"]["stream"]["stream_state"] == {"cursor": "x"}, "a copy"


def test_stamped_leaves_other_messages_alone() -> None:
    record = AirbyteMessageSerializer.load({"type": "RECORD", "record": {"stream": "a", "data": {"id": 1}, "emitted_at": 1}})
    global_state = AirbyteMessageSerializer.load({"type": "STATE", "state": {"type": "GLOBAL", "global": {
        "shared_state": {}, "stream_states": [{"stream_descriptor": {"name": "a"}, "stream_state": {"cursor": "x"}}]}}})
    assert stamped(record, TODAY, 7) is record and stamped(global_state, TODAY, 7) is global_state


def test_a_stamped_state_read_back_gives_its_count_and_its_original_state() -> None:
    message = AirbyteMessageSerializer.load({"type": "STATE", "state": stream_state("a", {"cursor": "x"})})
    stripped, requests = taken_from_state([stamped(message, TODAY, 7).state], TODAY)
    assert requests == 7 and dumped(stripped) == [stream_state("a", {"cursor": "x"})]
