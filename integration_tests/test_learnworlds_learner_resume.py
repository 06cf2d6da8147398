"""source-learnworlds: a full pass of the learners, killed (SIGKILL) right after a checkpoint taken in the
middle of it, resumes after that checkpoint and loses no change made during or after the pass.

The CDK emits the per-learner streams' state at most once every 600 s while a pass runs, so the killed
pass must last longer: the connector is paced to 3 requests per 10 s (the config's share of the quota)
over ~215 requests, which keeps the sandbox idle instead of serving thousands of learners. This is the
suite's only long test (~11 minutes). Expectations come from the sandbox's dataset and request log.
"""
from __future__ import annotations

import signal
import time
from datetime import datetime
from typing import Any, Optional

import pytest

from integration_tests.connector_runner import configured_catalog, run_connector, run_connector_until
from integration_tests.test_learnworlds_e2e import assert_stream_matches, expected_records, key_of
from integration_tests.test_learnworlds_learner_changes import NO_SCHEDULED_FULL_PASS, learners_requested
from sandbox import sandbox_config

CONNECTOR = "learnworlds"
STREAM = "user_progress"  # one request per learner; the five per-learner streams share one definition
USERS = 160
# ~215 requests (a token, one event-log page, 53 registration windows since 2014, 160 learners) at 3 per
# 10.3 s: about 740 s, so the checkpoint due after 600 s falls inside the learner list.
PACED = 3
# The event log is read from here: the learners with an event in the last days come first, every other
# learner in the registration windows after them, as in a scheduled full pass.
EVENTS_SINCE = "2025-11-25T00:00:00Z"
CDK_STATE_INTERVAL = 600


def epoch(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def positions(message: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The parents' positions saved in a STATE message of the stream, else None."""
    if message.get("type") != "STATE" or message["state"].get("type") != "STREAM":
        return None
    state = message["state"]["stream"]
    if state["stream_descriptor"]["name"] != STREAM:
        return None
    return (state.get("stream_state") or {}).get("parent_state") or {}


def learner_list_position(message: dict[str, Any]) -> Optional[float]:
    saved = (positions(message) or {}).get("learners") or {}
    return epoch(saved["created"]) if saved.get("created") else None


@pytest.mark.reliability
def test_a_pass_killed_after_a_checkpoint_resumes_after_it_and_loses_no_change(fresh_sandbox):
    school = fresh_sandbox(scale="tiny", apps=[CONNECTOR], learnworlds={"rate_limit": None, "user_count": USERS})
    dataset = school.app(CONNECTOR).dataset
    config = sandbox_config(CONNECTOR, school.url, start_date=EVENTS_SINCE, learner_full_pass_days=NO_SCHEDULED_FULL_PASS)
    discovered = run_connector(CONNECTOR, "discover", config=config).catalog
    catalog = configured_catalog(discovered, streams=[STREAM])
    stream = next(s for s in discovered["streams"] if s["name"] == STREAM)
    registered = {user["id"]: user["created"] for user in dataset.users}
    started = time.monotonic()
    states_at: list[float] = []
    records_seen = 0
    day_during_pass = []

    def checkpoint_inside_the_pass(message: dict[str, Any]) -> bool:
        nonlocal records_seen
        if message.get("type") == "RECORD":
            records_seen += 1
            if records_seen == 40:  # the school lives on while the pass runs (its event log was read already)
                day_during_pass.append(dataset.simulate_day(1, active_share=0.2, silent_share=0.2))
        if positions(message) is None:
            return False
        states_at.append(round(time.monotonic() - started))
        position = learner_list_position(message)
        return position is not None and min(registered.values()) < position < max(registered.values())

    first = run_connector_until(CONNECTOR, "read", checkpoint_inside_the_pass,
                                config={**config, "requests_per_10_seconds": PACED}, catalog=catalog)
    assert first.exit_code == -signal.SIGKILL, ("the pass ended before a checkpoint inside it", states_at, first.output[-3000:])
    assert day_during_pass, "the pass emitted fewer than 40 records before its checkpoint"
    print(f"STATE messages of {STREAM} at seconds {states_at}; killed after the last")
    # The CDK throttles the pass's checkpoints to one per 600 s (its clock starts when the first learner is
    # done, with a checkpoint then if the parents have a position yet); seen here on arrival, give or take.
    assert states_at[-1] >= CDK_STATE_INTERVAL - 30, states_at
    assert all(later - earlier >= CDK_STATE_INTERVAL - 30 for earlier, later in zip(states_at, states_at[1:])), states_at
    checkpoint = first.state_messages[-1]
    position = learner_list_position(first.messages[-1])
    event_position = epoch(positions(first.messages[-1])["learner_events"]["created"])
    read_before = {user for user, created in registered.items() if created <= position}
    read_by_the_pass = learners_requested(school, 0)
    assert read_before <= read_by_the_pass  # the checkpoint claims only learners that were read
    requests_before = len(school.log.entries(app=CONNECTOR))

    day_after = dataset.simulate_day(2, active_share=0.2, silent_share=0.2)
    newcomer = dataset.add_users(1, at=day_after.started_at + 7200)[0]
    resumed_at = time.monotonic()
    resumed = run_connector(CONNECTOR, "read", config=config, catalog=catalog, state=[checkpoint])
    assert resumed.exit_code == 0 and not resumed.errors, (resumed.errors, resumed.output[-3000:])
    print(f"killed after {len(read_by_the_pass)} of {USERS} learners, checkpoint after {len(read_before)}; "
          f"the resume made {len(school.log.entries(app=CONNECTOR)) - requests_before} requests "
          f"({len(learners_requested(school, requests_before))} learners) in {time.monotonic() - resumed_at:.0f} s")

    with_event = {log["user"]["id"] for log in dataset.event_logs if log["created"] > event_position}
    changed_during_or_after = set(day_during_pass[0].changed_with_event) | set(day_after.changed_with_event)
    assert changed_during_or_after <= with_event
    assert changed_during_or_after & read_before, "no learner read before the kill changed: the test proves nothing"
    not_yet_read = {user["id"] for user in dataset.users if user["created"] > position}
    assert newcomer["id"] in not_yet_read and not_yet_read - {newcomer["id"]}
    # Resumed after the checkpoint, not from the first learner: nobody at or before it unless they had an event.
    assert learners_requested(school, requests_before) == not_yet_read | with_event
    windows = [entry for entry in school.log.entries(app=CONNECTOR)[requests_before:]
               if entry.path == "/admin/api/v2/users" and entry.param("registration_after")]
    assert windows and min(float(entry.param("registration_after")) for entry in windows) >= position - 0.001

    # What a destination keeps (the row of each primary key with the newest cursor) is current for every learner the resume read.
    primary_key = stream["source_defined_primary_key"]
    cursor = stream["default_cursor_field"][0]
    latest: dict[tuple, dict] = {}
    for row in first.records_of(STREAM) + resumed.records_of(STREAM):
        kept = latest.setdefault(key_of(row, primary_key), row)
        if epoch(row[cursor]) > epoch(kept[cursor]):
            latest[key_of(row, primary_key)] = row
    served = expected_records(dataset)[STREAM]
    reread = not_yet_read | with_event
    assert_stream_matches(STREAM, [row for row in latest.values() if row["user_id"] in reread],
                          [row for row in served if row["user_id"] in reread], stream)
    # The learners read only before the kill, with no change since, were read whole before the checkpoint.
    untouched = read_before - with_event - set(day_during_pass[0].changed_without_event) - set(day_after.changed_without_event)
    assert_stream_matches(STREAM, [row for row in first.records_of(STREAM) if row["user_id"] in untouched],
                          [row for row in served if row["user_id"] in untouched], stream)
