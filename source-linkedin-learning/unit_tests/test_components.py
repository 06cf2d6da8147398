"""The custom components, each against the API behaviour that justifies it."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from datetime import datetime, timezone

import pytest
import requests
import requests_mock
import yaml
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.types import StreamSlice
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

import source_linkedin_learning
from learning_connector_kit.tokens import ClientCredentialsAuthenticator
from source_linkedin_learning.components import (
    ActivityReportFields,
    CompletePagesExtractor,
    ContentHierarchyExtractor,
    RequestBudget,
    activity_column,
    next_quota_reset,
)

TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"
QUOTA_BODY = {"status": 429, "serviceErrorCode": 101, "message": "Resource level throttle limit for calls to this resource is reached."}


def response(status: int, body: object, headers: dict | None = None, url: str = "https://api.linkedin.com/v2/x") -> requests.Response:
    with requests_mock.Mocker() as mock:
        mock.get(url, status_code=status, text=json.dumps(body), headers=headers or {})
        return requests.get(url)


# -- ClientCredentialsAuthenticator -------------------------------------------------------------
def authenticator() -> ClientCredentialsAuthenticator:
    """The manifest's authenticator, with its own words and body form."""
    manifest = yaml.safe_load((Path(source_linkedin_learning.__file__).parent / "manifest.yaml").read_text())
    definition = dict(manifest["definitions"]["authenticator"])
    assert definition.pop("class_name") == "learning_connector_kit.tokens.ClientCredentialsAuthenticator"
    definition.pop("type")
    return ClientCredentialsAuthenticator(
        config={"client_id": "the-client", "client_secret": "the-secret", "token_url": TOKEN_URL}, parameters={}, **definition
    )


def test_authenticator_posts_the_client_credentials_form_and_caches_the_token() -> None:
    with requests_mock.Mocker() as mock:
        mock.post(TOKEN_URL, json={"access_token": "token-1", "expires_in": 7775999})
        auth = authenticator()
        assert auth.get_auth_header() == {"Authorization": "Bearer token-1"}
        assert auth.get_auth_header() == {"Authorization": "Bearer token-1"}
    assert mock.call_count == 1
    assert mock.last_request.text == "grant_type=client_credentials&client_id=the-client&client_secret=the-secret"


@pytest.mark.parametrize("status", [400, 401])
def test_refused_client_credentials_are_a_config_error_naming_the_fields(status: int) -> None:
    with requests_mock.Mocker() as mock:
        mock.post(TOKEN_URL, status_code=status, json={"error": "invalid_client", "error_description": "Client authentication failed"})
        with pytest.raises(AirbyteTracedException) as raised:
            authenticator().get_auth_header()
    assert raised.value.failure_type == FailureType.config_error
    assert "'client_id'" in raised.value.message and "'client_secret'" in raised.value.message
    assert "the-secret" not in raised.value.message


# -- RequestBudget -----------------------------------------------------------------------------
def test_budget_allows_exactly_max_requests_then_stops_with_a_transient_error() -> None:
    budget = RequestBudget(max_requests=3)
    for _ in range(3):
        budget.acquire_call(object())
    with pytest.raises(AirbyteTracedException) as raised:
        budget.acquire_call(object())
    assert budget.requests_made == 3
    assert raised.value.failure_type == FailureType.transient_error
    assert "`max_requests_per_day` is 3" in raised.value.message


def test_budget_without_a_limit_counts_only() -> None:
    budget = RequestBudget()
    for _ in range(50):
        budget.acquire_call(object())
    assert budget.requests_made == 50 and budget.stop_message is None


def test_daily_quota_answer_stops_this_and_every_later_request() -> None:
    budget = RequestBudget()
    budget.acquire_call(object())
    with pytest.raises(AirbyteTracedException) as raised:
        budget.update_from_response(object(), response(429, QUOTA_BODY))
    reset = next_quota_reset().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert raised.value.failure_type == FailureType.transient_error
    assert "daily API quota" in raised.value.message and f"00:00 UTC ({reset})" in raised.value.message
    with pytest.raises(AirbyteTracedException) as later:
        budget.acquire_call(object())
    assert later.value.message == raised.value.message
    assert budget.requests_made == 1


@pytest.mark.parametrize(
    "status, body, headers",
    [
        (429, QUOTA_BODY, {"Retry-After": "2"}),  # a throttle that says when to come back
        (429, {"status": 429, "message": "Too many requests"}, {}),  # no serviceErrorCode 101
        (200, {"elements": []}, {}),
        (503, {"status": 503, "serviceErrorCode": 101}, {}),
    ],
)
def test_other_answers_do_not_stop_the_sync(status: int, body: dict, headers: dict) -> None:
    budget = RequestBudget()
    budget.update_from_response(object(), response(status, body, headers))
    budget.acquire_call(object())
    assert budget.stop_message is None


def test_quota_resets_at_the_next_midnight_utc() -> None:
    assert next_quota_reset(datetime(2026, 11, 23, 16, 5, tzinfo=timezone.utc)) == datetime(2026, 11, 24, tzinfo=timezone.utc)
    assert next_quota_reset(datetime(2026, 12, 31, 0, 0, tzinfo=timezone.utc)) == datetime(2027, 1, 1, tzinfo=timezone.utc)


# -- CompletePagesExtractor --------------------------------------------------------------------
def page(elements: list, total: int, start: int, next_link: bool) -> dict:
    links = [{"rel": "next", "href": f"/v2/learningAssets?start={start + len(elements)}", "type": "application/json"}] if next_link else []
    return {"elements": elements, "paging": {"total": total, "count": 100, "start": start, "links": links}, "metadata": {}}


def extractor() -> CompletePagesExtractor:
    return CompletePagesExtractor(field_path=["elements"], config={}, parameters={})


def test_extractor_warning_counts_the_records_not_delivered(caplog: pytest.LogCaptureFixture) -> None:
    elements = [{"urn": f"urn:li:lyndaCourse:{n}"} for n in range(3)]
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        records = list(extractor().extract_records(response(200, page(elements, total=1003, start=997, next_link=False))))
    assert records == elements
    assert "paging.total=1003" in caplog.text and "3 records were not delivered" in caplog.text


def test_extractor_warns_when_paging_on_past_a_missing_link_finds_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        assert list(extractor().extract_records(response(200, page([], total=500, start=300, next_link=False)))) == []
    assert "paging.total=500" in caplog.text and "200 records were not delivered" in caplog.text


# An empty page that still links onwards before the total is not the end: the paginator goes on.
@pytest.mark.parametrize("elements, total, start, next_link", [
    ([{"urn": "urn:li:lyndaCourse:1"}] * 3, 1000, 997, False),
    # No next link before the total: the paginator pages on by `start`.
    ([{"urn": "urn:li:lyndaCourse:1"}] * 3, 500, 200, False),
    ([{"urn": "urn:li:lyndaCourse:1"}] * 3, 5000, 997, True),
    ([], 500, 200, True),
])
def test_extractor_is_quiet_when_the_partition_is_complete_or_continues(
    caplog: pytest.LogCaptureFixture, elements: list, total: int, start: int, next_link: bool
) -> None:
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        list(extractor().extract_records(response(200, page(elements, total, start, next_link))))
    assert "INCOMPLETE" not in caplog.text


# -- ContentHierarchyExtractor -----------------------------------------------------------------
def title(value: str) -> dict:
    return {"locale": {"country": "US", "language": "en"}, "value": value}


def test_hierarchy_becomes_one_row_per_edge_with_positions() -> None:
    course = {
        "urn": "urn:li:lyndaCourse:1", "type": "COURSE", "title": title("Course"), "details": {},
        "contents": [
            {"asset": {"urn": "urn:li:lyndaChapter:(urn:li:lyndaCourse:1,10)", "type": "CHAPTER", "title": title("1. Intro"),
                       "contents": [{"asset": {"urn": "urn:li:lyndaVideo:(urn:li:lyndaCourse:1,100)", "type": "VIDEO", "title": title("Welcome")}},
                                    {"asset": {"urn": "urn:li:lyndaVideo:(urn:li:lyndaCourse:1,101)", "type": "VIDEO", "title": title("Setup")}}]}},
            {"asset": {"urn": "urn:li:lyndaChapter:(urn:li:lyndaCourse:1,11)", "type": "CHAPTER", "title": title("2. More")}},
        ],
    }
    rows = list(ContentHierarchyExtractor(config={}, parameters={}).extract_records(response(200, {"elements": [course]})))
    assert [(r["parent_urn"], r["child_urn"], r["child_type"], r["child_title"], r["position"], r["depth"]) for r in rows] == [
        ("urn:li:lyndaCourse:1", "urn:li:lyndaChapter:(urn:li:lyndaCourse:1,10)", "CHAPTER", "1. Intro", 0, 1),
        ("urn:li:lyndaChapter:(urn:li:lyndaCourse:1,10)", "urn:li:lyndaVideo:(urn:li:lyndaCourse:1,100)", "VIDEO", "Welcome", 0, 2),
        ("urn:li:lyndaChapter:(urn:li:lyndaCourse:1,10)", "urn:li:lyndaVideo:(urn:li:lyndaCourse:1,101)", "VIDEO", "Setup", 1, 2),
        ("urn:li:lyndaCourse:1", "urn:li:lyndaChapter:(urn:li:lyndaCourse:1,11)", "CHAPTER", "2. More", 1, 1),
    ]
    assert {r["root_urn"] for r in rows} == {"urn:li:lyndaCourse:1"}
    assert rows[1]["parent_type"] == "CHAPTER"


def test_assets_without_contents_give_no_rows() -> None:
    video = {"urn": "urn:li:lyndaVideo:(urn:li:lyndaCourse:1,100)", "type": "VIDEO", "title": title("Welcome")}
    assert list(ContentHierarchyExtractor(config={}, parameters={}).extract_records(response(200, {"elements": [video]}))) == []


# -- ActivityReportFields ----------------------------------------------------------------------
def activity(kind: str, value: int, qualifier: str = "TOTAL", asset_type: str | None = None) -> dict:
    item = {"engagementType": kind, "engagementValue": value, "engagementMetricQualifier": qualifier,
            "firstEngagedAt": 1700000000000, "lastEngagedAt": 1700000600000}
    if asset_type:
        item["assetType"] = asset_type
    return item


@pytest.mark.parametrize(
    "item, in_content_grain, column",
    [
        (activity("SECONDS_VIEWED", 1, asset_type="COURSE"), True, "seconds_viewed"),
        (activity("ENGAGED_LEARNERS", 1, "UNIQUE", "VIDEO"), True, "engaged_learners_unique"),
        (activity("SECONDS_VIEWED", 1, asset_type="VIDEO"), False, "seconds_viewed_video"),
        (activity("DAYS_ACTIVE", 1, "UNIQUE"), False, "days_active_unique"),
        (activity("COMPLETIONS", 1, asset_type="LEARNING_PATH"), False, "completions_learning_path"),
    ],
)
def test_activity_column_naming_rule(item: dict, in_content_grain: bool, column: str) -> None:
    assert activity_column(item, in_content_grain) == column


def report_row(window_start: str, content_urn: str = "urn:li:lyndaCourse:1") -> dict:
    return {
        "latestDataAt": 1700000000000,
        "learnerDetails": {"email": "a@b.example", "entity": {"profileUrn": "urn:li:enterpriseProfile:(urn:li:enterpriseAccount:1,2)"}},
        "contentDetails": {"contentUrn": content_urn, "name": "Course"},
        "activities": [activity("SECONDS_VIEWED", 1520, asset_type="COURSE"), activity("PROGRESS_PERCENTAGE", 45, asset_type="COURSE")],
        "window_start": window_start,
        "window_end": "2024-01-08T00:00:00Z",
    }


def transformed(record: dict) -> dict:
    ActivityReportFields(parameters={}).transform(record, stream_slice=StreamSlice(partition={}, cursor_slice={}))
    return record


def test_report_rows_get_pivot_columns_and_keep_activities() -> None:
    row = transformed(report_row("2024-01-01T00:00:00Z"))
    assert row["seconds_viewed"] == 1520 and row["progress_percentage"] == 45
    assert len(row["activities"]) == 2


def test_report_key_is_deterministic_and_tells_rows_apart() -> None:
    key = transformed(report_row("2024-01-01T00:00:00Z"))["report_key"]
    assert transformed(report_row("2024-01-01T00:00:00Z"))["report_key"] == key
    assert transformed(report_row("2024-01-02T00:00:00Z"))["report_key"] != key
    assert transformed(report_row("2024-01-01T00:00:00Z", "urn:li:lyndaCourse:2"))["report_key"] != key


@pytest.mark.parametrize("latest", [1e22, "soon", -1e22])
def test_a_latest_data_at_that_is_not_a_time_is_reported_and_read_as_none(latest, caplog: pytest.LogCaptureFixture) -> None:
    row = report_row("2024-01-01T00:00:00Z")
    row["latestDataAt"] = latest
    with caplog.at_level(logging.WARNING, logger="airbyte"):
        assert transformed(row)["latest_data_at"] is None
    assert "latestDataAt" in caplog.text and "enterpriseProfile" in caplog.text


def test_latest_data_at_in_rfc3339_with_milliseconds() -> None:
    assert transformed(report_row("2024-01-01T00:00:00Z"))["latest_data_at"] == "2023-11-14T22:13:20.000Z"


def test_budget_counts_on_from_the_requests_already_made_today() -> None:
    budget = RequestBudget(max_requests=5, requests_today=3)
    for _ in range(2):
        budget.acquire_call(object())
    with pytest.raises(AirbyteTracedException) as raised:
        budget.acquire_call(object())
    assert (budget.requests_made, budget.requests_today) == (2, 5)
    assert "`max_requests_per_day` is 5" in raised.value.message and "00:00 UTC" in raised.value.message


def test_budget_restarts_at_zero_when_the_sync_runs_past_midnight_utc() -> None:
    now = [datetime(2026, 12, 1, 23, 59, tzinfo=timezone.utc)]
    budget = RequestBudget(max_requests=2, requests_today=1, clock=lambda: now[0])
    budget.acquire_call(object())
    assert budget.daily_count() == ("2026-12-01", 2)
    now[0] = datetime(2026, 12, 2, 0, 1, tzinfo=timezone.utc)
    budget.acquire_call(object())  # a new day: the spent budget of the day before does not stop it
    assert budget.daily_count() == ("2026-12-02", 1) and budget.requests_made == 2
