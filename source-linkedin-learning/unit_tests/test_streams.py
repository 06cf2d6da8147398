"""The manifest's streams against a mocked LinkedIn Learning API (requests-mock)."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock
from airbyte_cdk.models import FailureType, Status, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.state_builder import StateBuilder

from learning_connector_kit.daily_requests import DAILY_REQUESTS_KEY, utc_day
from learning_connector_kit.schemas import load_stream_schema
from source_linkedin_learning import SourceLinkedinLearning

API = "https://api.test"
TOKEN_URL = f"{API}/oauth/v2/accessToken"
ASSETS = f"{API}/v2/learningAssets"
CLASSIFICATIONS = f"{API}/v2/learningClassifications"
REPORTS = f"{API}/v2/learningActivityReports"
CONFIG = {
    "client_id": "unit-client", "client_secret": "unit-secret", "api_url": API, "token_url": TOKEN_URL,
    "locales": ["en_US"], "asset_types": ["COURSE"], "start_date": "2024-01-01T00:00:00Z",
}


def epoch_ms(rfc3339: str) -> int:
    return int(datetime.strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp() * 1000)


def query(request: Any) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(request.url).query).items()}


def asset(number: int, updated_ms: int = 1_700_000_000_000) -> dict[str, Any]:
    return {"urn": f"urn:li:lyndaCourse:{number}", "type": "COURSE",
            "title": {"locale": {"country": "US", "language": "en"}, "value": f"Course {number}"},
            "details": {"lastUpdatedAt": updated_ms, "availability": "AVAILABLE"}}


def page(elements: list, next_href: Optional[str] = None, total: Optional[int] = None, start: int = 0) -> dict[str, Any]:
    links = [{"rel": "next", "href": next_href, "type": "application/json"}] if next_href else []
    return {"elements": elements, "paging": {"total": total if total is not None else len(elements), "count": 100,
                                             "start": start, "links": links}, "metadata": {}}


def sync(mock: requests_mock.Mocker, stream: str, config: Optional[dict] = None, state: Optional[dict] = None,
         properties: Optional[list[str]] = None, mode: SyncMode = SyncMode.full_refresh) -> EntrypointOutput:
    config = {**CONFIG, **(config or {})}
    catalog = CatalogBuilder().with_stream(stream, mode).build()
    # As in a real catalog: the stream's whole schema, or only the selected columns.
    schema = load_stream_schema("linkedin_learning", stream)
    if properties is not None:
        schema = {"type": "object", "properties": {name: {} for name in properties}}
    catalog.streams[0].stream.json_schema = schema
    states = StateBuilder().with_stream_state(stream, state).build() if state else None
    source = SourceLinkedinLearning(config=config, catalog=catalog, state=states)
    return read(source, config, catalog, states)


@pytest.fixture
def api() -> requests_mock.Mocker:
    with requests_mock.Mocker() as mock:
        mock.post(TOKEN_URL, json={"access_token": "token-1", "expires_in": 7775999})
        yield mock


def api_calls(mock: requests_mock.Mocker, url: str) -> list[dict[str, str]]:
    return [query(r) for r in mock.request_history if r.url.startswith(url)]


# -- learning_assets -----------------------------------------------------------------------------
def test_full_catalog_pages_through_next_links_by_type_and_locale(api: requests_mock.Mocker) -> None:
    next_href = "/v2/learningAssets?assetType=COURSE&count=100&expandDepth=1&includeRetired=true&q=localeAndType&sourceLocale.country=US&sourceLocale.language=en&start=100"
    api.get(ASSETS, [{"json": page([asset(n) for n in range(100)], next_href, total=101)},
                     {"json": page([asset(100)], total=101, start=100)}])
    output = sync(api, "learning_assets")

    assert [r.record.data["urn"] for r in output.records] == [f"urn:li:lyndaCourse:{n}" for n in range(101)]
    first, second = api_calls(api, ASSETS)
    assert first == {"q": "localeAndType", "assetType": "COURSE", "sourceLocale.language": "en", "sourceLocale.country": "US",
                     "includeRetired": "true", "count": "100", "expandDepth": "1", "fields": "urn,contents,details,title,type"}
    assert second == {**first, "start": "100"}
    record = output.records[0].record.data
    assert record["last_updated_at"] == "2023-11-14T22:13:20.000Z" and record["source_locale"] == "en_US"


def test_projection_is_sent_on_the_first_page_and_added_back_to_next_links(api: requests_mock.Mocker) -> None:
    next_href = "/v2/learningAssets?assetType=COURSE&count=100&expandDepth=1&includeRetired=true&q=localeAndType&sourceLocale.country=US&sourceLocale.language=en&start=100"
    api.get(ASSETS, [{"json": page([asset(1)], next_href, total=2)}, {"json": page([asset(2)], total=2, start=100)}])
    sync(api, "learning_assets", properties=["urn", "title", "source_locale"])

    assert [call.get("fields") for call in api_calls(api, ASSETS)] == ["urn,title,details:(lastUpdatedAt)"] * 2
    second_url = [r.url for r in api.request_history if r.url.startswith(ASSETS)][1]
    assert second_url.count("start=") == 1 and second_url.count("q=localeAndType") == 1


# `fields=` from the configured catalog: the key always, the cursor's source when `details` is not selected,
# never the fields the connector adds (`last_updated_at`, `source_locale`).
@pytest.mark.parametrize("stream, url, selected, expected", [
    ("learning_assets", ASSETS, ["urn", "title"], "urn,title,details:(lastUpdatedAt)"),
    ("learning_assets", ASSETS, ["title", "details", "last_updated_at"], "urn,details,title"),
    ("learning_assets", ASSETS, ["urn", "source_locale"], "urn,details:(lastUpdatedAt)"),
    ("learning_assets", ASSETS, ["urn", "type", "title", "details", "contents", "last_updated_at", "source_locale"],
     "urn,contents,details,title,type"),
    ("learning_classifications", CLASSIFICATIONS, ["name", "source_locale"], "urn,name"),
])
def test_projection_requests_the_selected_columns(api: requests_mock.Mocker, stream: str, url: str, selected: list,
                                                   expected: str) -> None:
    api.get(url, json=page([]))
    sync(api, stream, properties=selected)
    calls = api_calls(api, url)
    assert calls and {call.get("fields") for call in calls} == {expected}


def test_saved_state_switches_to_changed_assets_and_filters_what_is_not_newer(api: requests_mock.Mocker) -> None:
    saved = "2026-01-01T00:00:00.000Z"
    state = {"use_global_cursor": False, "states": [
        {"partition": {"asset_type": "COURSE", "locale": "en_US"}, "cursor": {"last_updated_at": saved}}]}
    # The API also returns unchanged assets when lastModifiedAfter is more than a day back.
    api.get(ASSETS, json=page([asset(1, 1_700_000_000_000), asset(2, 1_767_225_600_000), asset(3, 1_767_225_600_001)]))
    output = sync(api, "learning_assets", state=state, mode=SyncMode.incremental)

    assert [r.record.data["urn"] for r in output.records] == ["urn:li:lyndaCourse:3"]
    (call,) = api_calls(api, ASSETS)
    assert call["q"] == "criteria"
    assert call["assetFilteringCriteria.assetTypes[0]"] == "COURSE"
    assert call["assetFilteringCriteria.locales[0].language"] == "en"
    assert call["assetFilteringCriteria.locales[0].country"] == "US"
    assert call["assetFilteringCriteria.lastModifiedAfter"] == str(epoch_ms("2026-01-01T00:00:00Z"))
    assert output.most_recent_state.stream_state.__dict__["states"][0]["cursor"] == {"last_updated_at": "2026-01-01T00:00:00.001Z"}


def changed_assets_state(saved: str) -> dict[str, Any]:
    return {"use_global_cursor": False, "states": [
        {"partition": {"asset_type": "COURSE", "locale": "en_US"}, "cursor": {"last_updated_at": saved}}]}


def test_changes_at_a_known_cap_are_read_again_from_the_whole_partition(api: requests_mock.Mocker) -> None:
    saved_ms = epoch_ms("2026-01-01T00:00:00Z")
    changed = [asset(n, saved_ms + n) for n in range(1, 4)]
    # The criteria answer says 500 and is cut there; localeAndType has the whole partition.
    api.get(ASSETS, additional_matcher=lambda r: "q=criteria" in r.url, json=page(changed[:2], total=500))
    api.get(ASSETS, additional_matcher=lambda r: "q=localeAndType" in r.url,
            json=page([asset(9, saved_ms - 1)] + changed))
    output = sync(api, "learning_assets", state=changed_assets_state("2026-01-01T00:00:00.000Z"), mode=SyncMode.incremental)

    assert sorted(r.record.data["urn"] for r in output.records) == sorted(a["urn"] for a in changed)
    assert [c["q"] for c in api_calls(api, ASSETS)] == ["criteria", "localeAndType"]


def test_changes_that_end_before_their_total_are_completed_without_repeats(api: requests_mock.Mocker) -> None:
    saved_ms = epoch_ms("2026-01-01T00:00:00Z")
    changed = [asset(n, saved_ms + n) for n in range(1, 5)]
    next_page = "/v2/learningAssets?q=criteria&start=2"
    api.get(ASSETS, additional_matcher=lambda r: "q=criteria" in r.url and "start=2" not in r.url,
            json=page(changed[:2], next_href=next_page, total=4))
    api.get(ASSETS, additional_matcher=lambda r: "start=2" in r.url, json=page(changed[2:3], total=4, start=2))
    api.get(ASSETS, additional_matcher=lambda r: "q=localeAndType" in r.url, json=page(changed))
    output = sync(api, "learning_assets", state=changed_assets_state("2026-01-01T00:00:00.000Z"), mode=SyncMode.incremental)

    assert sorted(r.record.data["urn"] for r in output.records) == sorted(a["urn"] for a in changed)
    assert [c["q"] for c in api_calls(api, ASSETS)] == ["criteria", "criteria", "localeAndType"]


def test_every_type_and_locale_is_its_own_partition(api: requests_mock.Mocker) -> None:
    api.get(ASSETS, json=page([]))
    sync(api, "learning_assets", config={"locales": ["en_US", "fr_FR"], "asset_types": ["COURSE", "VIDEO"]})
    partitions = {(c["assetType"], c["sourceLocale.language"], c["sourceLocale.country"]) for c in api_calls(api, ASSETS)}
    assert partitions == {("COURSE", "en", "US"), ("COURSE", "fr", "FR"), ("VIDEO", "en", "US"), ("VIDEO", "fr", "FR")}


def test_partner_identifier_is_sent_as_referer(api: requests_mock.Mocker) -> None:
    api.get(ASSETS, json=page([asset(1)]))
    sync(api, "learning_assets", config={"partner_referer": "urn:li:partner:acme"})
    assert api.request_history[-1].headers["referer"] == "urn:li:partner:acme"


def test_no_referer_without_a_partner_identifier(api: requests_mock.Mocker) -> None:
    api.get(ASSETS, json=page([asset(1)]))
    sync(api, "learning_assets")
    assert "referer" not in api.request_history[-1].headers


# -- learning_asset_contents, learning_classifications -------------------------------------------
def test_contents_read_course_trees_two_levels_deep_and_paths_one(api: requests_mock.Mocker) -> None:
    api.get(ASSETS, json=page([]))
    sync(api, "learning_asset_contents", config={"asset_types": ["COURSE", "LEARNING_PATH", "VIDEO"]})
    # One level more than the tree: the listing reaches it under either reading of expandDepth.
    requested = {(c["q"], c.get("assetType") or c.get("assetFilteringCriteria.assetTypes[0]")):
                 (c.get("expandDepth") or c.get("assetRetrievalCriteria.expandDepth"), c["fields"]) for c in api_calls(api, ASSETS)}
    assert requested == {
        ("localeAndType", "COURSE"): ("3", "urn,type,contents:($*:(asset:(urn,type,title,contents:($*:(asset:(urn,type,title))))))"),
        ("criteria", "LEARNING_PATH"): ("2", "urn,type,contents:($*:(asset:(urn,type,title)))"),
    }


def test_learning_paths_are_read_through_the_criteria_finder_naming_one_type(api: requests_mock.Mocker) -> None:
    api.get(ASSETS, json=page([]))
    sync(api, "learning_assets", config={"asset_types": ["LEARNING_PATH"], "locales": ["fr_FR"]})
    (call,) = api_calls(api, ASSETS)
    assert call == {"q": "criteria", "assetFilteringCriteria.assetTypes[0]": "LEARNING_PATH",
                    "assetFilteringCriteria.locales[0].language": "fr", "assetFilteringCriteria.locales[0].country": "FR",
                    "assetRetrievalCriteria.includeRetired": "true", "assetRetrievalCriteria.expandDepth": "1", "count": "100",
                    "fields": "urn,contents,details,title,type"}


def test_classifications_cover_every_type_per_locale(api: requests_mock.Mocker) -> None:
    api.get(CLASSIFICATIONS, json=page([{"urn": "urn:li:skill:1", "type": "SKILL", "name": {"value": "x"}}]))
    output = sync(api, "learning_classifications", config={"locales": ["en_US", "de_DE"]})
    calls = {(c["type"], c["sourceLocale.language"]) for c in api_calls(api, CLASSIFICATIONS)}
    assert calls == {(t, lang) for t in ("LIBRARY", "SUBJECT", "TOPIC", "SKILL") for lang in ("en", "de")}
    assert {r.record.data["source_locale"] for r in output.records} == {"en_US", "de_DE"}


# -- learning_activity_reports ----------------------------------------------------------------------
def test_reports_are_read_in_windows_with_the_configured_aggregation(api: requests_mock.Mocker) -> None:
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    windows = [(today - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ") for days in (6, 4, 2, 0)]
    latest_data_at = epoch_ms(windows[2]) + 3_600_000  # an hour into the third window
    element = {"latestDataAt": latest_data_at, "learnerDetails": {"entity": {"profileUrn": "urn:li:enterpriseProfile:1"}},
               "contentDetails": {"contentUrn": "urn:li:lyndaCourse:1"},
               "activities": [{"engagementType": "SECONDS_VIEWED", "engagementValue": 60, "engagementMetricQualifier": "TOTAL",
                               "assetType": "COURSE"}]}
    api.get(REPORTS, json=page([element]))
    config = {"start_date": windows[0], "activity_report_window_days": 2, "activity_report_content_source": "ORGANIZATION"}
    output = sync(api, "learning_activity_reports", config=config, mode=SyncMode.incremental)

    calls = sorted(api_calls(api, REPORTS), key=lambda call: int(call["startedAt"]))
    # The window that starts today would end after now: it is read from tomorrow on.
    assert [int(call["startedAt"]) for call in calls] == [epoch_ms(window) for window in windows[:3]]
    assert calls[0] == {"q": "criteria", "startedAt": str(epoch_ms(windows[0])), "timeOffset.unit": "DAY", "timeOffset.duration": "2",
                        "contentSource": "ORGANIZATION", "count": "100", "aggregationCriteria.primary": "INDIVIDUAL",
                        "aggregationCriteria.secondary": "CONTENT", "assetType": "COURSE"}
    # The window that starts after latestDataAt holds no data yet: no rows, and the cursor stays before it.
    assert sorted(r.record.data["window_start"] for r in output.records) == windows[:3]
    assert output.most_recent_state.stream_state.__dict__["states"] == [
        {"partition": {"asset_type": "COURSE"}, "cursor": {"window_start": windows[2]}}]
    record = output.records[0].record.data
    assert record["seconds_viewed"] == 60
    assert record["window_end"] == (datetime.strptime(record["window_start"], "%Y-%m-%dT%H:%M:%SZ")
                                    + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_latest_window_ends_at_the_start_of_today_and_keeps_its_whole_window_end(api: requests_mock.Mocker) -> None:
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=10)
    element = {"latestDataAt": epoch_ms(today.strftime("%Y-%m-%dT%H:%M:%SZ")), "activities": [],
               "learnerDetails": {"entity": {"profileUrn": "urn:li:enterpriseProfile:1"}}}
    api.get(REPORTS, json=page([element]))
    output = sync(api, "learning_activity_reports", config={"start_date": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                            "activity_report_aggregation_secondary": "NONE"})

    calls = sorted(api_calls(api, REPORTS), key=lambda call: int(call["startedAt"]))
    assert [(call["startedAt"], call["timeOffset.duration"]) for call in calls] == [
        (str(int(start.timestamp() * 1000)), "7"), (str(int((start + timedelta(days=7)).timestamp() * 1000)), "3")]
    last = max((r.record.data for r in output.records), key=lambda record: record["window_start"])
    assert last["window_end"] == (start + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_secondary_aggregation_none_is_not_sent(api: requests_mock.Mocker) -> None:
    api.get(REPORTS, json=page([]))
    sync(api, "learning_activity_reports", config={"activity_report_aggregation_secondary": "NONE",
                                                   "start_date": "2026-11-01T00:00:00Z"})
    assert all("aggregationCriteria.secondary" not in c for c in api_calls(api, REPORTS))
    assert all("assetType" not in c for c in api_calls(api, REPORTS)), "assetType filters only CONTENT aggregations"


def test_content_reports_are_read_per_asset_type_and_keyed_by_it(api: requests_mock.Mocker) -> None:
    element = {"learnerDetails": {"entity": {"profileUrn": "urn:li:enterpriseProfile:1"}},
               "contentDetails": {"contentUrn": "urn:li:lyndaCourse:1"}, "activities": []}
    api.get(REPORTS, json=page([{**element, "latestDataAt": epoch_ms("2026-11-02T00:00:00Z")}]))
    config = {"start_date": "2026-11-01T00:00:00Z", "activity_report_window_days": 7,
              "activity_report_asset_types": ["COURSE", "VIDEO"]}
    output = sync(api, "learning_activity_reports", config=config)

    calls = api_calls(api, REPORTS)
    windows = {c["startedAt"] for c in calls}
    assert sorted((c["startedAt"], c["assetType"]) for c in calls) == sorted(
        (window, asset_type) for window in windows for asset_type in ("COURSE", "VIDEO"))
    records = [r.record.data for r in output.records]
    assert sorted(r["report_asset_type"] for r in records) == ["COURSE", "VIDEO"]
    assert len({r["report_key"] for r in records}) == 2, "the asset type is part of the key"


def test_account_totals_use_account_aggregation(api: requests_mock.Mocker) -> None:
    api.get(REPORTS, json=page([]))
    sync(api, "learning_activity_account_totals", config={"start_date": "2026-11-01T00:00:00Z"})
    assert {c["aggregationCriteria.primary"] for c in api_calls(api, REPORTS)} == {"ACCOUNT"}
    assert all("aggregationCriteria.secondary" not in c for c in api_calls(api, REPORTS))


def test_lookback_is_rounded_up_to_whole_windows(api: requests_mock.Mocker) -> None:
    api.get(REPORTS, json=page([]))
    sync(api, "learning_activity_reports", state={"window_start": "2026-11-01T00:00:00Z"}, mode=SyncMode.incremental,
         config={"activity_report_window_days": 7, "activity_report_lookback_days": 3})
    first = min(int(c["startedAt"]) for c in api_calls(api, REPORTS))
    assert first == epoch_ms("2026-10-25T00:00:00Z")  # the saved window minus one whole window


# -- errors ----------------------------------------------------------------------------------------
def test_bad_request_surfaces_the_api_message(api: requests_mock.Mocker) -> None:
    api.get(ASSETS, status_code=400, json={"status": 400, "serviceErrorCode": 0, "message": "Invalid value 'xx' for 'assetType'."})
    output = sync(api, "learning_assets")
    assert any("Invalid value 'xx' for 'assetType'." in e.trace.error.message for e in output.errors)


def test_forbidden_explains_the_licence_requirement(api: requests_mock.Mocker) -> None:
    api.get(ASSETS, status_code=403, json={"status": 403, "serviceErrorCode": 100, "message": "Not enough permissions"})
    output = sync(api, "learning_assets")
    error = output.errors[0].trace.error
    assert error.failure_type == FailureType.config_error
    assert "licence" in error.message and "partner program" in error.message and "Not enough permissions" in error.message


def test_expired_token_is_minted_again_once(api: requests_mock.Mocker) -> None:
    api.post(TOKEN_URL, [{"json": {"access_token": "old", "expires_in": 7775999}}, {"json": {"access_token": "new", "expires_in": 7775999}}])
    api.get(ASSETS, [{"status_code": 401, "json": {"status": 401, "message": "Invalid access token"}}, {"json": page([asset(1)])}])
    output = sync(api, "learning_assets")
    assert [r.record.data["urn"] for r in output.records] == ["urn:li:lyndaCourse:1"]
    assert len(api_calls(api, ASSETS)) == 2
    assert len([r for r in api.request_history if r.url == TOKEN_URL]) == 2
    # The retry carries the new token (requests re-authenticates the same prepared request).
    assert api.request_history[-1].headers["Authorization"] == "Bearer new"


def test_token_rejected_again_after_minting_fails_without_looping(api: requests_mock.Mocker) -> None:
    api.get(ASSETS, status_code=401, json={"status": 401, "message": "Invalid access token"})
    output = sync(api, "learning_assets")
    assert len(api_calls(api, ASSETS)) == 2
    error = output.errors[0].trace.error
    assert error.failure_type == FailureType.config_error
    assert "'client_id'" in error.message and "'client_secret'" in error.message


def test_check_names_the_credentials_when_a_new_token_is_refused_too(api: requests_mock.Mocker) -> None:
    api.get(CLASSIFICATIONS, status_code=401, json={"status": 401, "message": "Invalid access token"})
    status = SourceLinkedinLearning(config=CONFIG).check(logging.getLogger("airbyte"), CONFIG)
    assert status.status == Status.FAILED
    assert "'client_id'" in status.message and "'client_secret'" in status.message


def test_check_names_the_credentials_when_the_token_endpoint_refuses_them(api: requests_mock.Mocker) -> None:
    api.post(TOKEN_URL, status_code=401, json={"error": "invalid_client", "error_description": "Client authentication failed"})
    status = SourceLinkedinLearning(config=CONFIG).check(logging.getLogger("airbyte"), CONFIG)
    assert status.status == Status.FAILED
    assert "'client_id'" in status.message and "'client_secret'" in status.message
    assert CONFIG["client_secret"] not in status.message


def test_short_throttle_is_retried_after_retry_after(api: requests_mock.Mocker) -> None:
    api.get(ASSETS, [{"status_code": 429, "json": {"status": 429, "message": "Too many requests"}, "headers": {"Retry-After": "0"}},
                     {"json": page([asset(1)])}])
    output = sync(api, "learning_assets")
    assert len(output.records) == 1 and not output.errors


def test_daily_quota_is_not_retried_and_says_when_it_resets(api: requests_mock.Mocker) -> None:
    api.get(ASSETS, status_code=429, json={"status": 429, "serviceErrorCode": 101,
                                            "message": "Resource level throttle limit for calls to this resource is reached."})
    output = sync(api, "learning_assets")
    assert len(api_calls(api, ASSETS)) == 1
    messages = [e.trace.error for e in output.errors]
    assert messages[-1].failure_type == FailureType.transient_error
    assert "00:00 UTC" in messages[-1].message
    assert len({m.message for m in messages}) == 1, "the stop is reported as one message"


def test_request_budget_stops_before_the_request_that_would_exceed_it(api: requests_mock.Mocker) -> None:
    api.get(ASSETS, json=page([]))
    output = sync(api, "learning_assets", config={"max_requests_per_day": 2, "locales": ["en_US", "fr_FR", "de_DE"]})
    assert len(api_calls(api, ASSETS)) == 2
    assert "`max_requests_per_day` is 2" in output.errors[-1].trace.error.message


def test_a_cut_off_body_is_fetched_again_instead_of_ending_the_partition(api: requests_mock.Mocker) -> None:
    full = json.dumps(page([asset(1), asset(2)]))
    api.get(ASSETS, [{"text": full[: len(full) // 2]}, {"text": full}])
    output = sync(api, "learning_assets")
    assert [r.record.data["urn"] for r in output.records] == ["urn:li:lyndaCourse:1", "urn:li:lyndaCourse:2"]
    assert len(api_calls(api, ASSETS)) == 2 and not output.errors


def daily_count(state: dict) -> dict:
    return state.stream.stream_state.__dict__[DAILY_REQUESTS_KEY]


@pytest.mark.parametrize("saved_day, saved_requests, allowed", [
    (utc_day(), 2, 1),  # an earlier sync today made 2 of the 3
    (utc_day(datetime.now(timezone.utc) - timedelta(days=1)), 2, 3),  # yesterday's requests do not count
], ids=["earlier-sync-today", "yesterday"])
def test_request_budget_counts_the_requests_of_the_day_saved_in_the_state(api, saved_day, saved_requests, allowed) -> None:
    api.get(ASSETS, json=page([]))
    state = {"states": [], DAILY_REQUESTS_KEY: {"day": saved_day, "requests": saved_requests}}
    output = sync(api, "learning_assets", config={"max_requests_per_day": 3, "locales": ["en_US", "fr_FR", "de_DE", "es_ES"]},
                  state=state, mode=SyncMode.incremental)
    assert len(api_calls(api, ASSETS)) == allowed
    assert "`max_requests_per_day` is 3" in output.errors[-1].trace.error.message
    assert daily_count(output.state_messages[-1].state) == {"day": utc_day(), "requests": saved_requests + allowed if saved_day == utc_day() else allowed}


def test_every_state_message_carries_the_requests_of_the_day_from_zero_on_a_fresh_state(api: requests_mock.Mocker) -> None:
    api.get(ASSETS, json=page([asset(1)]))
    output = sync(api, "learning_assets", config={"locales": ["en_US", "fr_FR"]}, mode=SyncMode.incremental)
    assert not output.errors and output.state_messages
    assert all(daily_count(m.state)["day"] == utc_day() for m in output.state_messages)
    assert daily_count(output.state_messages[-1].state)["requests"] == len(api_calls(api, ASSETS)) == 2
