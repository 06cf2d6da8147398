"""Issue 9, item 3: each LearnWorlds parent list is read once per sync and shared by its child streams.

Requests are counted from the sandbox's log per path and query; records are compared with the
sandbox's dataset (helpers of the end-to-end test).
"""
from __future__ import annotations

import json
import re
import time
from collections import Counter

import pytest

from integration_tests.connector_runner import configured_catalog, run_connector
from integration_tests.test_learnworlds_e2e import CONNECTOR, EARLY_START, assert_stream_matches, expected_records
from sandbox import sandbox_config

API = "/admin/api/v2"
# Lists a stream of the same name also reads for itself, because its cursor filters what it emits:
# one read for the stream, one shared by every child. `/courses/{id}/contents` is also read by
# `course_contents` and `course_sections`, whose records are the contents themselves.
READ_TWICE = {f"{API}/courses", f"{API}/promotions", f"{API}/bundles", f"{API}/subscription-plans",
              f"{API}/seats", f"{API}/user_groups"}
CONTENTS = re.compile(rf"{API}/courses/[^/]+/contents")
# Parent lists whose children run in the sync below (each page is counted on its own).
PARENT_LISTS = (*READ_TWICE, f"{API}/affiliates", f"{API}/users/segments", f"{API}/community/spaces", f"{API}/event-logs",
                f"{API}/users")


def request_counts(entries) -> Counter:
    return Counter((entry.path, json.dumps(sorted(entry.query.items()))) for entry in entries)


@pytest.fixture(scope="module")
def discovered(sandbox) -> dict:
    config = sandbox_config(CONNECTOR, sandbox.url, start_date=EARLY_START)
    run = run_connector(CONNECTOR, "discover", config=config)
    assert run.exit_code == 0, run.output[-2000:]
    return run.catalog


def test_one_sync_of_every_stream_reads_each_parent_list_once(fresh_sandbox, discovered):
    running = fresh_sandbox(scale="tiny", apps=[CONNECTOR])
    dataset = running.app(CONNECTOR).dataset
    config = sandbox_config(CONNECTOR, running.url, start_date=EARLY_START, form_ids=sorted(dataset.form_responses))
    run = run_connector(CONNECTOR, "read", config=config, catalog=configured_catalog(discovered, incremental=False))
    assert run.exit_code == 0 and not run.errors, (run.errors, run.output[-3000:])

    api_requests = [entry for entry in running.log.entries(app=CONNECTOR) if entry.path.startswith(API)]
    counts = request_counts(api_requests)
    expected = {key: 2 if key[0] in READ_TWICE else 3 if CONTENTS.fullmatch(key[0]) else 1 for key in counts}
    assert counts == expected, {key: (count, expected[key]) for key, count in counts.items() if count != expected[key]}
    # The count covered the parent lists: each was requested (several child streams read each of them).
    requested = {path for path, _ in counts}
    assert set(PARENT_LISTS) <= requested and any(CONTENTS.fullmatch(path) for path in requested)
    # The five per-learner streams read each registration window once, the last one (ending "now") included.
    windows = Counter(entry.param("registration_after") for entry in api_requests
                      if entry.path == f"{API}/users" and entry.param("registration_after") is not None)
    assert len(windows) > 40 and set(windows.values()) == {1}, windows

    streams = {stream["name"]: stream for stream in discovered["streams"]}
    served = expected_records(dataset)
    for name in streams:
        assert served[name], f"the sandbox serves no {name}: the comparison would prove nothing"
        assert_stream_matches(name, run.records_of(name), served[name], streams[name])


COURSE_CHILDREN = ("course_analytics", "course_users", "certificates", "course_unit_analytics", "assessment_responses")


def test_a_parent_page_cut_off_is_read_again_and_every_child_gets_every_record(fresh_sandbox, discovered):
    running = fresh_sandbox(scale="tiny", apps=[CONNECTOR])
    dataset = running.app(CONNECTOR).dataset
    # The first answer of the course list (the shared parent of every stream below) arrives cut in half.
    running.set_faults(truncate_rate=1.0, max_faults=1, path_pattern=rf"^{API}/courses$")
    config = sandbox_config(CONNECTOR, running.url, start_date=EARLY_START)
    time.sleep(0.1)
    run = run_connector(CONNECTOR, "read", config=config, catalog=configured_catalog(discovered, streams=COURSE_CHILDREN, incremental=False))
    assert run.exit_code == 0 and not run.errors, (run.errors, run.output[-3000:])

    course_list = [entry for entry in running.log.entries(app=CONNECTOR) if entry.path == f"{API}/courses"]
    assert [entry.fault for entry in course_list] == ["truncate", ""], "one cut-off answer, then one whole one, for all five streams"
    streams = {stream["name"]: stream for stream in discovered["streams"]}
    served = expected_records(dataset)
    for name in COURSE_CHILDREN:
        assert served[name], name
        assert_stream_matches(name, run.records_of(name), served[name], streams[name])
