"""The manifest against a mocked school: what is requested, when reading stops, what is emitted."""
from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
import requests
import yaml
from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.sources.declarative.models.declarative_component_schema import HTTPAPIBudget as HTTPAPIBudgetModel
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.streams.call_rate import CallRateLimitHit
from airbyte_cdk.test.state_builder import StateBuilder
from jsonschema import Draft7Validator

from learnworlds_testing import API, CLIENT_ID, CLIENT_SECRET, CONFIG, TOKEN_URL, page, records_of, run_read, token_response
from source_learnworlds import SourceLearnworlds

COURSE = {"id": "sleep-science", "title": "Sleep science", "created": 1700000000.25, "modified": 1726000000}


def course(number: int) -> dict:
    return {**COURSE, "id": f"course-{number}", "modified": 1726000000 + number}


@pytest.fixture
def school(requests_mock):
    """A school that mints token-1, then token-2, ..."""
    requests_mock.post(TOKEN_URL, [{"json": token_response(f"token-{n}")} for n in range(1, 4)])
    return requests_mock


def get_calls(mock, path: str) -> list:
    return [call for call in mock.request_history if call.method == "GET" and call.path == f"/admin/api/v2/{path}".lower()]


def test_pages_are_read_until_meta_total_pages(school):
    pages = {1: page([course(1), course(2)], 1, 2), 2: page([course(3)], 2, 2)}
    school.get(f"{API}/courses", json=lambda request, context: pages[min(int(request.qs.get("page", ["1"])[0]), 2)])
    output = run_read(["courses"])
    assert [r["id"] for r in records_of(output, "courses")] == ["course-1", "course-2", "course-3"]
    assert [call.qs.get("page") for call in get_calls(school, "courses")] == [None, ["2"]]


def test_every_call_sends_the_client_and_the_minted_token(school):
    school.get(f"{API}/courses", json=page([COURSE]))
    run_read(["courses"])
    call = get_calls(school, "courses")[0]
    assert call.headers["Lw-Client"] == CLIENT_ID and call.headers["Authorization"] == "Bearer token-1"


def test_users_come_two_hundred_a_page_suspended_ones_included(school):
    school.get(f"{API}/users", json=page([{"id": "u1", "created": 1700000000}], per_page=200))
    output = run_read(["users"])
    assert get_calls(school, "users")[0].qs == {"items_per_page": ["200"], "include_suspended": ["true"]}
    assert records_of(output, "users") == [{"id": "u1", "created": "2023-11-14T22:13:20Z"}]


def test_timestamps_become_rfc3339_and_other_numbers_stay(school):
    school.get(f"{API}/courses", json=page([{**COURSE, "final_price": 52}]))
    record = records_of(run_read(["courses"]), "courses")[0]
    assert record["created"] == "2023-11-14T22:13:20.250000Z"
    assert record["modified"] == "2024-09-10T20:26:40Z"
    assert record["final_price"] == 52


def test_a_rejected_token_is_replaced_once_and_the_call_retried(school):
    school.get(f"{API}/courses", [{"status_code": 401, "json": {"errors": [{"code": "401", "context": "access_denied",
                                                                            "message": "denied"}], "success": False}},
                                  {"json": page([COURSE])}])
    output = run_read(["courses"])
    assert len(records_of(output, "courses")) == 1
    assert len(get_calls(school, "courses")) == 2
    assert [call.method for call in school.request_history] == ["POST", "GET", "POST", "GET"], "one new token, one retry"
    assert get_calls(school, "courses")[-1].headers["Authorization"] == "Bearer token-2"


def test_a_new_token_rejected_as_well_blames_the_credentials(school):
    school.get(f"{API}/courses", status_code=401, json={"errors": [{"code": "401", "context": "access_denied", "message": "denied"}]})
    error = run_read(["courses"], fails=True).errors[0].trace.error
    assert error.failure_type.value == "config_error"
    assert "'client_id'" in error.message and "'credentials.client_secret'" in error.message
    assert [call.method for call in school.request_history] == ["POST", "GET", "POST", "GET"]


def test_a_bad_request_says_what_learnworlds_said(school):
    school.get(f"{API}/courses", status_code=400, json={"error": "You need to provide a valid access query parameters value"})
    messages = [message.trace.error.message for message in run_read(["courses"], fails=True).errors]
    assert any("You need to provide a valid access query parameters value" in message for message in messages), messages


def test_a_rejected_pre_issued_token_fails_at_once_naming_the_field(requests_mock):
    requests_mock.get(f"{API}/courses", status_code=401, json={"errors": [{"code": "401", "context": None, "message": "Invalid"}]})
    config = {**CONFIG, "credentials": {"auth_type": "access_token", "access_token": "static-1"}}
    output = run_read(["courses"], config=config, fails=True)
    assert len(get_calls(requests_mock, "courses")) == 1
    error = output.errors[0].trace.error  # the stream's own error; the last one sums up the sync
    assert error.failure_type.value == "config_error" and "'credentials.access_token'" in error.message


def test_an_unknown_client_is_a_config_error_naming_client_id(requests_mock):
    requests_mock.get(f"{API}/courses", status_code=400, json={
        "errors": [{"code": 400, "context": "client_id", "message": "Missing client_id or client cannot be found."}], "success": False})
    config = {**CONFIG, "credentials": {"auth_type": "access_token", "access_token": "static-1"}}
    error = run_read(["courses"], config=config, fails=True).errors[0].trace.error
    assert error.failure_type.value == "config_error" and "'client_id'" in error.message and "Lw-Client" in error.message


def test_check_with_a_wrong_secret_fails_naming_the_fields_without_the_secret(requests_mock):
    requests_mock.post(TOKEN_URL, status_code=401, json={
        "errors": [{"code": "401", "context": "invalid_client", "message": "Client authentication failed"}], "success": False})
    status = SourceLearnworlds(config=CONFIG).check(logger=logging.getLogger("test"), config=CONFIG)
    assert status.status.value == "FAILED"
    assert "'credentials.client_secret'" in status.message and CLIENT_SECRET not in status.message


def test_event_logs_ask_for_what_came_after_the_state_oldest_first(school):
    logs = [{"user": {"id": "u1", "username": "ada"}, "created": 1750000000.5, "activity": "login", "description": "Logged in"},
            {"user": {"id": "u2", "username": "bo"}, "created": 1750000100, "activity": "logout", "description": "Logged out"}]
    school.get(f"{API}/event-logs", json=page(logs, per_page=50))
    state = StateBuilder().with_stream_state("event_logs", {"created": "2025-06-15T15:06:40.000000Z"}).build()
    output = run_read(["event_logs"], sync_mode=SyncMode.incremental, state=state)
    call = get_calls(school, "event-logs")[0]
    assert call.qs["sort"] == ["asc"] and float(call.qs["created_after"][0]) == 1750000000.0
    assert [r["user_id"] for r in records_of(output, "event_logs")] == ["u1", "u2"]
    assert output.most_recent_state.stream_state.__dict__ == {"created": "2025-06-15T15:08:20.000000Z"}


def test_created_after_is_whole_seconds_rounded_down_and_the_state_record_is_not_sent_again(school):
    payments = [{"id": "at-state", "created": 1750000000.25}, {"id": "same-second-later", "created": 1750000000.75},
                {"id": "earlier-in-the-second", "created": 1750000000.125}]
    school.get(f"{API}/payments", json=page(payments, per_page=200))
    state = StateBuilder().with_stream_state("payments", {"created": "2025-06-15T15:06:40.250000Z"}).build()
    output = run_read(["payments"], sync_mode=SyncMode.incremental, state=state)
    assert get_calls(school, "payments")[0].qs["created_after"] == ["1750000000"]
    assert [r["id"] for r in records_of(output, "payments")] == ["same-second-later"]


def test_payments_start_at_the_start_date(school):
    school.get(f"{API}/payments", json=page([], per_page=200, total_pages=0))
    run_read(["payments"], sync_mode=SyncMode.incremental)
    assert float(get_calls(school, "payments")[0].qs["created_after"][0]) == 1704067200.0


def test_client_side_cursors_emit_only_what_changed_since_the_state(school):
    school.get(f"{API}/bundles", json=page([{"id": "old", "modified": 1726000000}, {"id": "new", "modified": 1726000500}]))
    state = StateBuilder().with_stream_state("bundles", {"modified": "2024-09-10T20:30:00.000000Z"}).build()
    output = run_read(["bundles"], sync_mode=SyncMode.incremental, state=state)
    assert [r["id"] for r in records_of(output, "bundles")] == ["new"]


def test_the_first_sync_emits_records_modified_before_the_start_date(school):
    school.get(f"{API}/bundles", json=page([{"id": "old", "modified": 1600000000}, {"id": "new", "modified": 1726000500}]))
    for sync_mode in (SyncMode.full_refresh, SyncMode.incremental):
        output = run_read(["bundles"], sync_mode=sync_mode)
        assert [r["id"] for r in records_of(output, "bundles")] == ["old", "new"], sync_mode


def test_a_group_of_exactly_one_page_is_read_once(school):
    members = [{"id": f"u{n}", "created": 1700000000} for n in range(20)]
    school.get(f"{API}/user_groups", json=page([{"id": "g1", "modified": 1726000000}]))
    school.get(f"{API}/user_groups/g1/users", json=members)  # every page: the API repeats the last one
    output = run_read(["user_group_users"])
    assert len(records_of(output, "user_group_users")) == 20
    assert [call.qs.get("page") for call in get_calls(school, "user_groups/g1/users")] == [None, ["2"]]


def test_fan_out_streams_add_their_parent_id(school):
    school.get(f"{API}/courses", json=page([course(1), course(2)]))
    for number in (1, 2):
        school.get(f"{API}/courses/course-{number}/analytics", json={"students": number})
    output = run_read(["course_analytics"])
    assert sorted((r["course_id"], r["students"]) for r in records_of(output, "course_analytics")) == [("course-1", 1), ("course-2", 2)]


def test_learning_units_carry_their_course_and_section_and_feed_unit_analytics(school):
    school.get(f"{API}/courses", json=page([course(1)]))
    school.get(f"{API}/courses/course-1/contents", json={"id": "course-1", "title": "One", "sections": [
        {"id": "s1", "title": "Intro", "learningUnits": [{"id": "lu1", "type": "pdf"}, {"id": "lu2", "type": "assessmentV2"}]}]})
    school.get(f"{API}/courses/course-1/units/lu1/analytics", json={"type": "pdf", "viewers": 3})
    school.get(f"{API}/courses/course-1/units/lu2/analytics", json={"type": "assessmentV2", "viewers": 1})
    school.get(f"{API}/assessments/lu2/responses", json=page([{"id": "r1", "modified": 1726000000}]))
    output = run_read(["course_learning_units", "course_unit_analytics", "assessment_responses"])
    assert sorted((r["course_id"], r["section_id"], r["id"]) for r in records_of(output, "course_learning_units")) == [
        ("course-1", "s1", "lu1"), ("course-1", "s1", "lu2")]
    assert sorted((r["unit_id"], r["viewers"]) for r in records_of(output, "course_unit_analytics")) == [("lu1", 3), ("lu2", 1)]
    assert [(r["assessment_id"], r["course_id"]) for r in records_of(output, "assessment_responses")] == [("lu2", "course-1")]
    assert len(get_calls(school, "assessments/lu1/responses")) == 0, "only assessment units have responses"


def test_certificates_are_asked_per_course(school):
    school.get(f"{API}/courses", json=page([course(1)]))
    school.get(f"{API}/certificates", json=page([{"id": "c1", "issued": 1726000000, "course_id": "course-1"}]))
    output = run_read(["certificates"])
    assert get_calls(school, "certificates")[0].qs == {"course_id": ["course-1"]}
    assert records_of(output, "certificates")[0]["issued"] == "2024-09-10T20:26:40Z"


def test_a_body_cut_off_on_the_way_is_asked_again(school):
    full = json.dumps(page([course(1), course(2)]))
    school.get(f"{API}/courses", [{"text": full[: len(full) // 2]}, {"text": full}])
    assert len(records_of(run_read(["courses"]), "courses")) == 2
    assert len(get_calls(school, "courses")) == 2


def test_empty_answers_are_answers_not_faults(school):
    school.get(f"{API}/event-logs", json=page([]))
    school.get(f"{API}/users", json=page([{"id": "u1", "created": 1700000000}], per_page=200))
    school.get(f"{API}/users/u1/seats", text="null")
    school.get(f"{API}/users/u1/user-groups", json=[])
    output = run_read(["user_seats", "user_group_memberships"])
    assert not output.records
    assert len(get_calls(school, "users/u1/seats")) == len(get_calls(school, "users/u1/user-groups")) == 1


def test_a_child_that_no_longer_exists_is_skipped(school):
    school.get(f"{API}/courses", json=page([course(1), course(2)]))
    school.get(f"{API}/courses/course-1/analytics", status_code=404, json={"error": "Sorry the resource your trying to access does not exist."})
    school.get(f"{API}/courses/course-2/analytics", json={"students": 2})
    assert [r["course_id"] for r in records_of(run_read(["course_analytics"]), "course_analytics")] == ["course-2"]


def test_a_top_level_list_that_does_not_exist_fails_naming_the_endpoint(school):
    school.get(f"{API}/leads", status_code=404, json={"error": "Sorry the resource your trying to access does not exist."})
    output = run_read(["leads"])
    assert not output.records
    assert any(e.trace.error.failure_type == FailureType.config_error and "list /v2/leads does not exist" in e.trace.error.message
               and "'leads'" in e.trace.error.message for e in output.errors)


# -- the manifest's declarations ---------------------------------------------------------------------------
MANIFEST = yaml.safe_load(SourceLearnworlds.manifest_path.read_text())


def test_the_rate_limit_is_one_shared_moving_window_from_the_config():
    config = {**CONFIG, "requests_per_10_seconds": 12}
    budget = ModelToComponentFactory().create_component(HTTPAPIBudgetModel, MANIFEST["api_budget"], config)

    def call(path: str) -> None:
        budget.acquire_call(requests.Request("GET", f"{API}/{path}").prepare(), block=False)

    for path in ["courses", "users"] * 6:  # every endpoint draws on the same 12 calls
        call(path)
    with pytest.raises(CallRateLimitHit) as refused:
        call("payments")
    assert timedelta(seconds=10) < refused.value.time_to_wait <= timedelta(seconds=10.3)


def test_fan_out_streams_say_they_cost_one_request_per_parent():
    source = SourceLearnworlds(config=CONFIG)
    catalog = {stream.name: stream for stream in source.discover(logging.getLogger("test"), CONFIG).streams}
    fan_out = [stream["name"] for stream in source.resolved_manifest["streams"]
               if stream["retriever"].get("partition_router", {}).get("type") == "SubstreamPartitionRouter"]
    assert len(fan_out) > 20
    for name in fan_out:
        assert "one request per" in catalog[name].json_schema["description"].lower(), name


SPEC = MANIFEST["spec"]["connection_specification"]


@pytest.mark.parametrize("url, valid", [
    ("https://myschool.learnworlds.com", True), ("https://academy.example.com/", True), ("http://127.0.0.1:8765", True),
    ("http://localhost:80", True), ("http://[::1]:9000", True), ("http://myschool.learnworlds.com", False),
    ("https://myschool.learnworlds.com/admin/api", False), ("ftp://example.com", False),
])
def test_school_url_must_be_https_except_on_loopback(url, valid):
    errors = list(Draft7Validator(SPEC).iter_errors({**CONFIG, "school_url": url}))
    assert (not errors) is valid, errors


def test_secrets_are_marked_and_fields_ordered():
    options = {option["title"]: option["properties"] for option in SPEC["properties"]["credentials"]["oneOf"]}
    assert options["Client credentials"]["client_secret"]["airbyte_secret"] is True
    assert options["Access token"]["access_token"]["airbyte_secret"] is True
    orders = [field["order"] for field in SPEC["properties"].values()]
    assert sorted(orders) == list(range(len(orders)))
    assert SPEC["properties"]["requests_per_10_seconds"]["default"] == 30
