"""The cursor each incremental stream advertises exists in its records' schema (destinations dedupe on it), and
the per-learner streams' `learner_changed_at` grows from one sync to the next."""
from __future__ import annotations

from datetime import datetime

import pytest

from integration_tests.connector_runner import CONNECTORS, configured_catalog, run_connector
from sandbox import sandbox_config


@pytest.mark.parametrize("connector", sorted(CONNECTORS))
def test_every_advertised_cursor_field_is_in_the_streams_schema(sandbox, connector):
    discovered = run_connector(connector, "discover", config=sandbox_config(connector, sandbox.url)).catalog
    incremental = [stream for stream in discovered["streams"] if "incremental" in stream["supported_sync_modes"]]
    assert incremental
    for stream in incremental:
        path = stream.get("default_cursor_field")
        assert path, f"{stream['name']}: incremental without a default cursor field"
        schema = stream["json_schema"]
        for part in path:
            assert part in schema.get("properties", {}), f"{stream['name']}: cursor {path} is not in its schema"
            schema = schema["properties"][part]
        assert schema.get("format") == "date-time", f"{stream['name']}: cursor {path} is not a date-time: {schema}"


LEARNER_STREAMS = ("user_enrollments", "user_progress")  # the other three take user_progress's transformations


def read_times(run, stream: str) -> list[datetime]:
    return [datetime.fromisoformat(row["learner_changed_at"].replace("Z", "+00:00")) for row in run.records_of(stream)]


def test_learner_rows_carry_the_time_they_were_read_and_it_grows_from_sync_to_sync(fresh_sandbox):
    school = fresh_sandbox(scale="tiny", apps=["learnworlds"], learnworlds={"rate_limit": None})
    config = sandbox_config("learnworlds", school.url, start_date="2015-01-01T00:00:00Z", learner_full_pass_days=3650)
    catalog = configured_catalog(run_connector("learnworlds", "discover", config=config).catalog, streams=LEARNER_STREAMS)
    before_first = datetime.now().astimezone()
    first = run_connector("learnworlds", "read", config=config, catalog=catalog)
    assert first.exit_code == 0 and not first.errors, first.output[-3000:]
    school.app("learnworlds").dataset.simulate_day(1, active_share=1.0, silent_share=0)
    second = run_connector("learnworlds", "read", config=config, catalog=catalog, state=first.final_state())
    assert second.exit_code == 0 and not second.errors, second.output[-3000:]
    for stream in LEARNER_STREAMS:
        first_times, second_times = read_times(first, stream), read_times(second, stream)
        assert first_times and second_times, stream
        assert before_first <= min(first_times) and max(first_times) < min(second_times), stream
        # The cursor's own value is saved (the newest read time) beside the parents' positions.
        saved = second.stream_state(stream)
        assert set(saved["parent_state"]) == {"learner_events", "learners"}
        assert datetime.fromisoformat(saved["state"]["learner_changed_at"].replace("Z", "+00:00")) == max(second_times)
