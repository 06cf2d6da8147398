"""source-linkedin-learning, installed and run as a process, against the sandbox's LinkedIn Learning API.

Every stream's records are compared with the sandbox's dataset: nothing missing, nothing twice,
values intact.
"""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Optional

import pytest
from jsonschema import Draft7Validator

from integration_tests.connector_runner import ConnectorRun, configured_catalog, run_connector
from learning_connector_kit.daily_requests import DAILY_REQUESTS_KEY
from sandbox import LINKEDIN_CLIENT_SECRET, Sandbox, sandbox_config
from sandbox.linkedin_learning.dataset import CLASSIFICATION_TYPES, DAY_MS

CONNECTOR = "linkedin_learning"
LOCALES = ["en_US", "fr_FR"]
ASSET_TYPES = ["COURSE", "LEARNING_PATH"]
WINDOW_DAYS = 7
REPORT_WINDOWS = 10  # covers the small dataset's 60 days of activity
DERIVED_ASSET_FIELDS = ("last_updated_at", "source_locale")
DERIVED_REPORT_FIELDS = ("report_key", "window_start", "window_end", "latest_data_at", "report_asset_type")


def rfc3339(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_ms(epoch_ms: int) -> str:
    moment = datetime.fromtimestamp(epoch_ms // 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{epoch_ms % 1000:03d}Z"


def epoch_ms(rfc3339_value: str) -> int:
    moment = datetime.strptime(rfc3339_value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def first_window_ms(sandbox: Sandbox) -> int:
    return dataset_of(sandbox).anchor_day_ms - (REPORT_WINDOWS - 1) * WINDOW_DAYS * DAY_MS


def config_for(sandbox: Sandbox, **overrides: Any) -> dict[str, Any]:
    settings = {
        "start_date": rfc3339(first_window_ms(sandbox)),
        "locales": LOCALES,
        "asset_types": ASSET_TYPES,
        "activity_report_window_days": WINDOW_DAYS,
        **overrides,
    }
    return sandbox_config(CONNECTOR, sandbox.url, **settings)


def dataset_of(sandbox: Sandbox):
    return sandbox.app(CONNECTOR).dataset


def discovered_catalog(config: dict[str, Any]) -> dict[str, Any]:
    discovered = run_connector(CONNECTOR, "discover", config=config)
    assert discovered.exit_code == 0, discovered.output[-2000:]
    return discovered.catalog


def read(config: dict[str, Any], catalog: dict[str, Any], state: Any = None) -> ConnectorRun:
    run = run_connector(CONNECTOR, "read", config=config, catalog=catalog, state=state)
    assert run.exit_code == 0 and not run.errors, f"{run.errors}\n{run.stderr[-3000:]}"
    return run


def by_key(records: Iterable[dict[str, Any]], *key: str) -> dict[Any, dict[str, Any]]:
    """Records by primary key, failing on a key seen twice."""
    keyed: dict[Any, dict[str, Any]] = {}
    for record in records:
        value = tuple(record[k] for k in key) if len(key) > 1 else record[key[0]]
        assert value not in keyed, f"record {value} delivered twice"
        keyed[value] = record
    return keyed


def without(record: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in fields}


def api_requests(sandbox: Sandbox, path: str = "/v2") -> list:
    return sandbox.log.entries(app=CONNECTOR, path_prefix=path)


def without_daily_requests(stream_state: dict[str, Any]) -> dict[str, Any]:
    """A stream's saved cursors, without the request count of the day that rides along."""
    return {key: value for key, value in stream_state.items() if key != DAILY_REQUESTS_KEY}


def report_windows(sandbox: Sandbox, start: Optional[int] = None) -> dict[int, int]:
    """The report windows a sync from `start` reads, with the days each covers: the latest ends at today's 00:00 UTC."""
    start, today_ms = start or first_window_ms(sandbox), int(time.time() * 1000) // DAY_MS * DAY_MS
    return {window: min(WINDOW_DAYS, (today_ms - window) // DAY_MS) for window in range(start, today_ms, WINDOW_DAYS * DAY_MS)}


@pytest.fixture(scope="module")
def catalog(sandbox: Sandbox) -> dict[str, Any]:
    """The discovered catalog (it does not depend on the account the config points at)."""
    return discovered_catalog(config_for(sandbox))


# -- a full sync of every stream, compared with the dataset ---------------------------------------
@pytest.fixture(scope="module")
def full_sync(sandbox: Sandbox, catalog: dict[str, Any]) -> ConnectorRun:
    return read(config_for(sandbox), configured_catalog(catalog, incremental=False))


def test_learning_assets_equal_the_catalog(sandbox: Sandbox, full_sync: ConnectorRun) -> None:
    assert_assets_equal_the_catalog(sandbox, full_sync.records_of("learning_assets"))


@pytest.mark.parametrize("refuse_learning_paths", [False, True], ids=["paths-accepted", "paths-refused"])
def test_learning_paths_are_read_whether_locale_and_type_accepts_them_or_not(
        fresh_sandbox, catalog: dict[str, Any], refuse_learning_paths: bool) -> None:
    """Issue 10, item 8: the vendor's localeAndType lists COURSE, CHAPTER and VIDEO; Totara reads paths through criteria."""
    sandbox = fresh_sandbox(scale="small", apps=[CONNECTOR],
                            linkedin_learning={"locale_and_type_refuses_learning_paths": refuse_learning_paths})
    run = read(config_for(sandbox), configured_catalog(
        catalog, streams=["learning_assets", "learning_asset_contents"], incremental=False))
    assert_assets_equal_the_catalog(sandbox, run.records_of("learning_assets"))
    assert_contents_equal_the_hierarchy(sandbox, run.records_of("learning_asset_contents"))
    assert all(r.status == 200 for r in api_requests(sandbox))


def assert_assets_equal_the_catalog(sandbox: Sandbox, records: list[dict[str, Any]]) -> None:
    """Every asset of the configured types and locales, retired ones included, once and intact."""
    dataset = dataset_of(sandbox)
    expected = {
        asset["urn"]: (asset, locale)
        for asset_type in ASSET_TYPES
        for locale in LOCALES
        for asset in dataset.assets(asset_type, locale, include_retired=True)
    }
    delivered = by_key(records, "urn")
    assert delivered.keys() == expected.keys()
    assert any(asset["details"]["availability"] == "RETIRED" for asset, _ in expected.values())
    for urn, record in delivered.items():
        asset, locale = expected[urn]
        assert without(record, DERIVED_ASSET_FIELDS) == asset
        assert record["source_locale"] == locale
        assert record["last_updated_at"] == rfc3339_ms(asset["details"]["lastUpdatedAt"])


def test_learning_asset_contents_equal_the_hierarchy(sandbox: Sandbox, full_sync: ConnectorRun) -> None:
    assert_contents_equal_the_hierarchy(sandbox, full_sync.records_of("learning_asset_contents"))


@pytest.mark.parametrize("strict_expand_depth", [False, True], ids=["details-depth", "listing-depth"])
def test_content_tree_is_whole_under_both_readings_of_expand_depth(fresh_sandbox, catalog: dict[str, Any],
                                                                  strict_expand_depth: bool) -> None:
    """Issue 10, item 3: under the stricter reading a course lists its chapters only at depth 2, their videos at 3."""
    sandbox = fresh_sandbox(scale="small", apps=[CONNECTOR], linkedin_learning={"strict_expand_depth": strict_expand_depth})
    run = read(config_for(sandbox), configured_catalog(catalog, streams=["learning_asset_contents"], incremental=False))
    assert_contents_equal_the_hierarchy(sandbox, run.records_of("learning_asset_contents"))


def assert_contents_equal_the_hierarchy(sandbox: Sandbox, records: list[dict[str, Any]]) -> None:
    """Every course -> chapter -> video and path -> course edge of the catalog, once, with title and position."""
    dataset = dataset_of(sandbox)
    expected: dict[tuple[str, str], tuple[str, int]] = {}

    def walk(parent: dict[str, Any], levels_left: int) -> None:
        for position, content in enumerate(parent.get("contents", [])):
            child = content["asset"]
            expected[(parent["urn"], child["urn"])] = (child["title"]["value"], position)
            if levels_left > 1:
                walk(child, levels_left - 1)

    for locale in LOCALES:
        for course in dataset.assets("COURSE", locale, include_retired=True, expand_depth=2):
            walk(course, levels_left=2)
        for path in dataset.assets("LEARNING_PATH", locale, include_retired=True):
            walk(path, levels_left=1)
    delivered = by_key(records, "parent_urn", "child_urn")
    assert delivered.keys() == expected.keys()
    assert {record["child_type"] for record in delivered.values()} == {"CHAPTER", "VIDEO", "COURSE"}
    for edge, record in delivered.items():
        assert (record["child_title"], record["position"]) == expected[edge]


def test_learning_classifications_equal_the_taxonomy(sandbox: Sandbox, full_sync: ConnectorRun) -> None:
    dataset = dataset_of(sandbox)
    expected = {
        (element["urn"], locale): element
        for locale in LOCALES
        for kind in CLASSIFICATION_TYPES
        for element in dataset.classifications(kind, locale)
    }
    delivered = by_key(full_sync.records_of("learning_classifications"), "urn", "source_locale")
    assert delivered.keys() == expected.keys()
    for key, record in delivered.items():
        assert without(record, ["source_locale"]) == expected[key]


def assert_reports_equal_the_dataset(sandbox: Sandbox, records: list[dict[str, Any]], primary: str, secondary: Optional[str],
                                     asset_types: Iterable[Optional[str]] = (None,), start: Optional[int] = None) -> None:
    """Every report row of every window with data, per requested asset type, and nothing else."""
    dataset = dataset_of(sandbox)
    expected: dict[tuple, dict[str, Any]] = {}
    for window, days in report_windows(sandbox, start).items():
        if window >= dataset.latest_data_at:
            continue  # no data can exist yet
        for asset_type in asset_types:
            for element in dataset.activity_report(window, days, primary, secondary, asset_type=asset_type):
                identity = (json.dumps(element["learnerDetails"]["entity"], sort_keys=True),
                            element.get("contentDetails", {}).get("contentUrn"), rfc3339(window), asset_type)
                expected[identity] = element
    delivered = by_key(records, "report_key")
    by_identity = {
        (json.dumps(r["learnerDetails"]["entity"], sort_keys=True), (r.get("contentDetails") or {}).get("contentUrn"),
         r["window_start"], r.get("report_asset_type")): r
        for r in delivered.values()
    }
    assert len(by_identity) == len(delivered)
    assert by_identity.keys() == expected.keys()
    assert len(expected) > REPORT_WINDOWS - 2
    for identity, record in by_identity.items():
        element = expected[identity]
        assert without(record, DERIVED_REPORT_FIELDS + tuple(pivot_columns(record, element))) == element
        assert record["window_end"] == rfc3339(epoch_ms(record["window_start"]) + WINDOW_DAYS * DAY_MS)
        assert record["latest_data_at"] == rfc3339_ms(element["latestDataAt"])


@pytest.mark.parametrize(
    "stream, primary, secondary, asset_types",
    [("learning_activity_reports", "INDIVIDUAL", "CONTENT", ["COURSE"]),  # the default activity_report_asset_types
     ("learning_activity_account_totals", "ACCOUNT", None, [None])],
)
def test_activity_reports_equal_the_dataset(sandbox: Sandbox, full_sync: ConnectorRun, stream: str, primary: str,
                                            secondary: Optional[str], asset_types: list) -> None:
    assert_reports_equal_the_dataset(sandbox, full_sync.records_of(stream), primary, secondary, asset_types)


@pytest.mark.parametrize("asset_type_required", [False, True], ids=["assetType-optional", "assetType-required"])
def test_content_reports_are_read_per_asset_type_under_both_readings(fresh_sandbox, catalog: dict[str, Any],
                                                                    asset_type_required: bool) -> None:
    """Issue 10, item 2: under the stricter reading, CONTENT without assetType is a 400."""
    sandbox = fresh_sandbox(scale="small", apps=[CONNECTOR],
                            linkedin_learning={"content_reports_require_asset_type": asset_type_required})
    asset_types = ["COURSE", "VIDEO"]
    run = read(config_for(sandbox, activity_report_asset_types=asset_types),
               configured_catalog(catalog, streams=["learning_activity_reports"], incremental=False))

    assert {r.param("assetType") for r in api_requests(sandbox, "/v2/learningActivityReports")} == set(asset_types)
    records = run.records_of("learning_activity_reports")
    assert {r["report_asset_type"] for r in records} == set(asset_types)
    assert_reports_equal_the_dataset(sandbox, records, "INDIVIDUAL", "CONTENT", asset_types)


def pivot_columns(record: dict[str, Any], element: dict[str, Any]) -> dict[str, Any]:
    """The pivot columns the record must carry for the element's activities (the documented naming rule)."""
    columns = {}
    for activity in element["activities"]:
        name = activity["engagementType"].lower()
        if activity["engagementMetricQualifier"] == "UNIQUE":
            name += "_unique"
        if "assetType" in activity and "contentDetails" not in element:
            name += "_" + activity["assetType"].lower()
        columns[name] = activity["engagementValue"]
    assert {name: record.get(name) for name in columns} == columns
    return columns


def test_report_pivot_names_content_grain_metrics_plainly(full_sync: ConnectorRun) -> None:
    record = next(r for r in full_sync.records_of("learning_activity_reports") if r["activities"])
    assert {"seconds_viewed", "views", "completions", "progress_percentage", "marked_as_done"} <= record.keys()
    totals = next(r for r in full_sync.records_of("learning_activity_account_totals") if r["activities"])
    assert {"days_active_unique", "views_unique", "seconds_viewed_course", "completions_video"} <= totals.keys()


def test_records_match_the_discovered_schemas(catalog: dict[str, Any], full_sync: ConnectorRun) -> None:
    for stream in catalog["streams"]:
        validator = Draft7Validator(stream["json_schema"])
        records = full_sync.records_of(stream["name"])
        assert records, f"no records for {stream['name']}"
        problems = [error.message for record in records for error in validator.iter_errors(record)]
        assert not problems, f"{stream['name']}: {problems[:3]}"


@pytest.mark.parametrize("refuse_windows_past_now", [False, True], ids=["future-end-accepted", "future-end-refused"])
def test_latest_report_window_ends_no_later_than_now(fresh_sandbox, catalog: dict[str, Any], refuse_windows_past_now: bool) -> None:
    """Issue 10, item 4: the latest window is shortened to end at today's 00:00 UTC; its rows keep the whole window's end."""
    sandbox = fresh_sandbox(scale="small", apps=[CONNECTOR],
                            linkedin_learning={"refuse_report_windows_past_now": refuse_windows_past_now})
    start = first_window_ms(sandbox) + 3 * DAY_MS  # so that the latest window started 4 days ago
    run = read(config_for(sandbox, start_date=rfc3339(start)), configured_catalog(
        catalog, streams=["learning_activity_reports", "learning_activity_account_totals"], incremental=False))

    today_ms = int(time.time() * 1000) // DAY_MS * DAY_MS
    requests = api_requests(sandbox, "/v2/learningActivityReports")
    assert all(int(r.param("startedAt")) + int(r.param("timeOffset.duration")) * DAY_MS <= today_ms for r in requests)
    latest = max(report_windows(sandbox, start))
    assert {r.param("timeOffset.duration") for r in requests if int(r.param("startedAt")) == latest} == {"4"}
    assert_reports_equal_the_dataset(sandbox, run.records_of("learning_activity_reports"), "INDIVIDUAL", "CONTENT", ["COURSE"], start)
    assert_reports_equal_the_dataset(sandbox, run.records_of("learning_activity_account_totals"), "ACCOUNT", None, start=start)


# -- incremental reads ------------------------------------------------------------------------
def report_cursor(run: ConnectorRun) -> str:
    """The saved window of `learning_activity_reports`, read per asset type (the default: COURSE only)."""
    (partition,) = run.stream_state("learning_activity_reports")["states"]
    assert partition["partition"] == {"asset_type": "COURSE"}
    return partition["cursor"]["window_start"]


def test_second_incremental_sync_returns_only_changes_and_state_round_trips(fresh_sandbox, catalog: dict[str, Any]) -> None:
    sandbox = fresh_sandbox(scale="small", apps=[CONNECTOR])
    config = config_for(sandbox)
    catalog = configured_catalog(catalog, streams=["learning_assets", "learning_activity_reports"])
    first = read(config, catalog)
    assert len(first.records_of("learning_assets")) == sum(
        dataset_of(sandbox).asset_count_of(t, locale) for t in ASSET_TYPES for locale in LOCALES)

    dataset = dataset_of(sandbox)
    en_courses = [a["urn"] for a in dataset.assets("COURSE", "en_US")]
    fr_path = next(dataset.assets("LEARNING_PATH", "fr_FR"))["urn"]
    touched = dataset.touch_assets(urns=en_courses[::70] + [fr_path])
    late_day = dataset.anchor_day_ms - 3 * DAY_MS
    late = dataset.add_late_activity(late_day, learner=1, seconds_viewed=4321)
    sandbox.log.clear()
    second = read(config, catalog, state=first.final_state())

    assert sorted(r["urn"] for r in second.records_of("learning_assets")) == sorted(touched)
    assert all(" (updated 1)" in r["title"]["value"] for r in second.records_of("learning_assets"))
    # Reports: the sync resumes one window (the 3-day lookback, rounded up to a window) before the
    # saved window, and the late activity is in what it reads again.
    saved_window = epoch_ms(report_cursor(first))
    first_window_read = min(int(e.param("startedAt")) for e in api_requests(sandbox, "/v2/learningActivityReports"))
    assert first_window_read == saved_window - WINDOW_DAYS * DAY_MS
    learner_entity = late["learner"]["entity"]
    late_rows = [r for r in second.records_of("learning_activity_reports")
                 if r["learnerDetails"]["entity"] == learner_entity and r["contentDetails"]["contentUrn"] == late["content_urn"]]
    assert any(r["seconds_viewed"] >= 4321 for r in late_rows)

    third = read(config, catalog, state=second.final_state())
    assert third.records_of("learning_assets") == []
    assert without_daily_requests(third.stream_state("learning_assets")) == without_daily_requests(second.stream_state("learning_assets"))
    assert report_cursor(third) <= rfc3339(dataset.latest_data_at)


@pytest.mark.parametrize("result_cap", [None, 500], ids=["uncapped", "capped-at-500"])
def test_incremental_assets_lose_no_change_to_a_capped_answer(fresh_sandbox, catalog: dict[str, Any], result_cap) -> None:
    """Issue 10, item 1: users report that a lastModifiedAfter search is cut at 500, `paging.total` included."""
    sandbox = fresh_sandbox(scale="small", apps=[CONNECTOR],
                            linkedin_learning={"asset_count": 1000, "last_modified_result_cap": result_cap})
    config = config_for(sandbox, locales=["en_US"], asset_types=["COURSE"])
    selected = configured_catalog(catalog, streams=["learning_assets"])
    dataset = dataset_of(sandbox)
    first = read(config, selected)
    dataset.touch_assets(count=1, locale="en_US")
    # The saved cursor is now less than a day old, so the API honours lastModifiedAfter.
    second = read(config, selected, state=first.final_state())
    touched = dataset.touch_assets(count=600, locale="en_US")
    assert len(touched) == 600 and dataset.asset_count_of("COURSE", "en_US") > 600
    sandbox.log.clear()
    third = read(config, selected, state=second.final_state())

    delivered = by_key(third.records_of("learning_assets"), "urn")
    assert sorted(delivered) == sorted(touched)
    for urn, record in delivered.items():
        assert without(record, DERIVED_ASSET_FIELDS) == dataset.asset(urn)
    finders = [r.param("q") for r in api_requests(sandbox, "/v2/learningAssets")]
    assert finders[0] == "criteria"
    assert ("localeAndType" in finders) == (result_cap is not None), "the whole partition is read only when capped"


# -- field projection -------------------------------------------------------------------------
def test_projection_requests_only_selected_fields_on_every_page(fresh_sandbox, catalog: dict[str, Any]) -> None:
    sandbox = fresh_sandbox(scale="small", apps=[CONNECTOR])
    config = config_for(sandbox, locales=["en_US"], asset_types=["COURSE"])
    projected = configured_catalog(catalog, streams=["learning_assets"], incremental=False,
                                   fields={"learning_assets": ["urn", "title", "last_updated_at"]})
    run = read(config, projected)

    requests = api_requests(sandbox, "/v2/learningAssets")
    assert len(requests) > 1, "the projection must be tested across pages"
    assert [r.param("fields") for r in requests] == ["urn,title,details:(lastUpdatedAt)"] * len(requests)
    assert [r.param("start") for r in requests[1:]] == [str(100 * n) for n in range(1, len(requests))]
    expected = {a["urn"]: a for a in dataset_of(sandbox).assets("COURSE", "en_US")}
    delivered = by_key(run.records_of("learning_assets"), "urn")
    assert delivered.keys() == expected.keys()
    for urn, record in delivered.items():
        assert record["title"] == expected[urn]["title"]
        assert record["details"] == {"lastUpdatedAt": expected[urn]["details"]["lastUpdatedAt"]}
        assert "contents" not in record


# -- credentials, licence, quota, budget --------------------------------------------------------
def test_check_with_bad_credentials_names_the_fields_and_hides_the_secret(sandbox: Sandbox) -> None:
    wrong_secret = "wrong-" + LINKEDIN_CLIENT_SECRET
    run = run_connector(CONNECTOR, "check", config=config_for(sandbox, client_secret=wrong_secret))
    status = run.connection_status
    assert status["status"] == "FAILED"
    assert "client_id" in status["message"] and "client_secret" in status["message"]
    assert wrong_secret not in run.output


def test_check_succeeds_with_the_sandbox_credentials(sandbox: Sandbox) -> None:
    run = run_connector(CONNECTOR, "check", config=config_for(sandbox))
    assert run.connection_status["status"] == "SUCCEEDED", run.output[-2000:]


def test_unlicensed_application_is_told_about_the_licence(sandbox: Sandbox) -> None:
    from sandbox.linkedin_learning import UNLICENSED_CLIENT_ID, UNLICENSED_CLIENT_SECRET

    run = run_connector(CONNECTOR, "check", config=config_for(
        sandbox, client_id=UNLICENSED_CLIENT_ID, client_secret=UNLICENSED_CLIENT_SECRET))
    assert run.connection_status["status"] == "FAILED"
    assert "licence" in run.connection_status["message"] and "partner program" in run.connection_status["message"]


def test_daily_quota_ends_with_a_transient_error_and_saved_state(fresh_sandbox, catalog: dict[str, Any]) -> None:
    quota = 6
    sandbox = fresh_sandbox(scale="small", apps=[CONNECTOR], linkedin_learning={"daily_quota": quota})
    config = config_for(sandbox, num_workers=2)
    selected = configured_catalog(catalog, streams=["learning_assets", "learning_activity_reports"])
    run = run_connector(CONNECTOR, "read", config=config, catalog=selected)

    assert run.exit_code != 0
    quota_errors = [e for e in run.errors if "daily API quota" in e["message"]]
    assert quota_errors and all(e["failure_type"] == "transient_error" for e in quota_errors)
    assert "00:00 UTC" in quota_errors[0]["message"]
    refused = [r for r in api_requests(sandbox) if r.status == 429]
    assert 1 <= len(refused) <= config["num_workers"], "the quota 429 must stop the sync, not be retried"
    assert run.errors[-1] == {**run.errors[-1], "message": quota_errors[0]["message"], "failure_type": "transient_error"}
    assert run.final_state(), "the state of completed slices must be emitted"

    # After the reset, a sync from the saved state completes the catalog.
    sandbox.app(CONNECTOR).daily_quota = None
    resumed = read(config, selected, state=run.final_state())
    delivered = {r["urn"] for r in run.records_of("learning_assets") + resumed.records_of("learning_assets")}
    dataset = dataset_of(sandbox)
    assert delivered == {a["urn"] for kind in ASSET_TYPES for locale in LOCALES for a in dataset.assets(kind, locale)}


def test_max_requests_per_day_is_never_exceeded(fresh_sandbox, catalog: dict[str, Any]) -> None:
    budget = 7
    sandbox = fresh_sandbox(scale="small", apps=[CONNECTOR])
    config = config_for(sandbox, max_requests_per_day=budget)
    selected = configured_catalog(catalog, streams=["learning_assets", "learning_activity_reports"])
    run = run_connector(CONNECTOR, "read", config=config, catalog=selected)

    assert len(api_requests(sandbox)) == budget
    budget_errors = [e for e in run.errors if "max_requests_per_day" in e["message"]]
    assert budget_errors and all(e["failure_type"] == "transient_error" for e in budget_errors)
    assert run.errors[-1]["message"] == budget_errors[0]["message"], "the sync ends with the budget's message"
    assert run.final_state()


def with_daily_requests(state: list[dict[str, Any]], day: str, requests: int) -> list[dict[str, Any]]:
    """A saved state whose request count of the day is replaced by the given one."""
    state = json.loads(json.dumps(state))
    for message in state:
        message["stream"]["stream_state"][DAILY_REQUESTS_KEY] = {"day": day, "requests": requests}
    return state


def test_max_requests_per_day_is_shared_by_the_syncs_of_one_utc_day(fresh_sandbox, catalog: dict[str, Any]) -> None:
    """Issue 10, item 7: the budget counts every request of the UTC day, as the sandbox's log sees them."""
    sandbox = fresh_sandbox(scale="small", apps=[CONNECTOR])
    selected = configured_catalog(catalog, streams=["learning_assets", "learning_classifications"])
    read(config_for(sandbox), selected)
    full_sync = len(api_requests(sandbox))  # the requests of one whole sync of these streams
    budget = full_sync + full_sync // 2
    config = config_for(sandbox, max_requests_per_day=budget)

    # A fresh state starts at zero: a budget of exactly one whole sync lets it complete.
    sandbox.log.clear()
    read(config_for(sandbox, max_requests_per_day=full_sync), selected)
    assert len(api_requests(sandbox)) == full_sync

    # The next sync of the day may make only what is left of the day's budget.
    sandbox.log.clear()
    first = read(config, selected)
    assert len(api_requests(sandbox)) == full_sync
    sandbox.log.clear()
    second = run_connector(CONNECTOR, "read", config=config, catalog=selected, state=first.final_state())
    assert len(api_requests(sandbox)) == budget - full_sync
    budget_errors = [e for e in second.errors if "max_requests_per_day" in e["message"]]
    assert budget_errors and all(e["failure_type"] == "transient_error" for e in budget_errors)

    # A spent budget of an earlier day does not count today: the sync completes (`read` checks it).
    sandbox.log.clear()
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")
    read(config, selected, state=with_daily_requests(second.final_state(), yesterday, budget))
    assert 0 < len(api_requests(sandbox)) <= budget


def test_cut_off_and_proxy_pages_are_fetched_again_not_taken_as_the_end(fresh_sandbox, catalog: dict[str, Any]) -> None:
    sandbox = fresh_sandbox(scale="small", apps=[CONNECTOR])
    config = config_for(sandbox)
    sandbox.set_faults(truncate_rate=0.1, html_502_rate=0.05, path_pattern="^/v2/learning(Assets|Classifications)")
    run = read(config, configured_catalog(catalog, streams=["learning_assets", "learning_classifications"], incremental=False))

    assert any(entry.fault for entry in api_requests(sandbox)), "the scenario must inject faults"
    dataset = dataset_of(sandbox)
    assert sorted(by_key(run.records_of("learning_assets"), "urn")) == sorted(
        asset["urn"] for kind in ASSET_TYPES for locale in LOCALES for asset in dataset.assets(kind, locale))
    assert len(by_key(run.records_of("learning_classifications"), "urn", "source_locale")) == sum(
        len(dataset.classifications(kind, locale)) for kind in CLASSIFICATION_TYPES for locale in LOCALES)
