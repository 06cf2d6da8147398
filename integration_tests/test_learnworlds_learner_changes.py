"""source-learnworlds' per-learner streams read only the learners who changed, against a school that
lives through a day (`simulate_day`). Expectations come from the sandbox's dataset and request log.

The school's rate limit is off, but the connector still paces itself to 30 requests per 10 s.
"""
from __future__ import annotations

import re
from typing import Optional

import pytest

from integration_tests.connector_runner import ConnectorRun, configured_catalog, run_connector
from integration_tests.test_learnworlds_e2e import assert_stream_matches, expected_records
from sandbox import sandbox_config

CONNECTOR = "learnworlds"
# Two of the five per-learner streams keep the test short (30 requests / 10 s); all five share one definition.
LEARNER_STREAMS = ("user_enrollments", "user_progress")
LEARNER_PATH = re.compile(r"^/admin/api/v2/users/(?P<user>[^/]+)/(?:courses|progress|products|seats|user-groups)$")
# Longer than the year between the school's data and today: no full pass unless a test asks for one.
NO_SCHEDULED_FULL_PASS = 3650


@pytest.fixture
def school(fresh_sandbox):
    return fresh_sandbox(scale="small", apps=[CONNECTOR], learnworlds={"rate_limit": None, "user_count": 30})


def config_for(school, full_pass_days: int) -> dict:
    return sandbox_config(CONNECTOR, school.url, start_date="2015-01-01T00:00:00Z", learner_full_pass_days=full_pass_days)


def read(config: dict, state: Optional[list] = None) -> ConnectorRun:
    discovered = run_connector(CONNECTOR, "discover", config=config).catalog
    run = run_connector(CONNECTOR, "read", config=config, catalog=configured_catalog(discovered, streams=LEARNER_STREAMS),
                        state=state)
    assert run.exit_code == 0 and not run.errors, (run.errors, run.output[-3000:])
    run.streams = {stream["name"]: stream for stream in discovered["streams"]}
    return run


def learners_requested(school, since: int) -> set[str]:
    entries = school.log.entries(app=CONNECTOR)[since:]
    return {match["user"] for entry in entries if (match := LEARNER_PATH.match(entry.path))}


def rows_of(served: dict, stream: str, learners: set[str]) -> list[dict]:
    return [row for row in served[stream] if row["user_id"] in learners]


def test_a_later_sync_reads_only_the_learners_with_an_event_and_their_rows_are_current(school):
    dataset = school.app(CONNECTOR).dataset
    config = config_for(school, NO_SCHEDULED_FULL_PASS)
    first = read(config)
    everyone = {user["id"] for user in dataset.users}
    assert learners_requested(school, 0) == everyone
    served = expected_records(dataset)
    for stream in LEARNER_STREAMS:
        assert_stream_matches(stream, first.records_of(stream), served[stream], first.streams[stream])
    assert sorted(first.stream_state("user_progress")["parent_state"]) == ["learner_events", "learners"]

    day = dataset.simulate_day(1, active_share=0.3, silent_share=0.2)
    newcomer = dataset.add_users(1, at=day.started_at + 7200)[0]
    requests_before = len(school.log.entries(app=CONNECTOR))
    second = read(config, state=first.final_state())

    changed = set(day.changed_with_event) | {newcomer["id"]}
    assert learners_requested(school, requests_before) == changed  # nobody else, not even the silent edits
    served = expected_records(dataset)
    for stream in LEARNER_STREAMS:
        assert {row["user_id"] for row in second.records_of(stream)} <= changed
        assert_stream_matches(stream, second.records_of(stream), rows_of(served, stream, changed), second.streams[stream])
    per_learner_requests = len(learners_requested_entries(school, requests_before))
    assert per_learner_requests == len(changed) * len(LEARNER_STREAMS)

    requests_before = len(school.log.entries(app=CONNECTOR))
    third = read(config, state=second.final_state())
    assert not learners_requested(school, requests_before)
    assert not any(third.records_of(stream) for stream in LEARNER_STREAMS)


def learners_requested_entries(school, since: int) -> list:
    return [entry for entry in school.log.entries(app=CONNECTOR)[since:] if LEARNER_PATH.match(entry.path)]


def test_the_full_pass_picks_up_a_change_that_left_no_event(school):
    dataset = school.app(CONNECTOR).dataset
    first = read(config_for(school, NO_SCHEDULED_FULL_PASS))
    day = dataset.simulate_day(1, active_share=0.3, silent_share=0.3)
    silent = set(day.changed_without_event)
    assert silent

    change_pass = read(config_for(school, NO_SCHEDULED_FULL_PASS), state=first.final_state())
    assert not silent & {row["user_id"] for row in change_pass.records_of("user_enrollments")}

    requests_before = len(school.log.entries(app=CONNECTOR))
    full_pass = read(config_for(school, 0), state=change_pass.final_state())
    assert learners_requested(school, requests_before) == {user["id"] for user in dataset.users}
    served = expected_records(dataset)
    assert_stream_matches("user_enrollments", full_pass.records_of("user_enrollments"), served["user_enrollments"],
                          full_pass.streams["user_enrollments"])
    before = {(row["user_id"], row["course_id"]): row.get("expires") for row in first.records_of("user_enrollments")}
    after = {(row["user_id"], row["course_id"]): row.get("expires") for row in full_pass.records_of("user_enrollments")}
    assert {user for (user, course), expires in after.items() if before.get((user, course)) != expires} >= silent
