"""source-learnworlds end to end: the installed connector, run as a process, against the sandbox.

One full sync of every stream at the "small" scale is compared stream by stream with the sandbox's
dataset (by primary key and value: nothing missing, nothing twice, timestamps converted); the same
sync must end without a single 429. Incremental runs use a private "tiny" sandbox whose data the
tests change between runs. Every request costs about a third of a second (30 per 10 s), so the
number of runs is kept small.
"""
from __future__ import annotations

import re
import time
from collections import Counter
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Optional

import pytest

from integration_tests.connector_runner import ConnectorRun, configured_catalog, run_connector
from sandbox import LEARNWORLDS_CLIENT_SECRET, LEARNWORLDS_STATIC_TOKEN, sandbox_config

CONNECTOR = "learnworlds"
# Before the sandbox's oldest record, so that the comparison covers everything.
EARLY_START = "2015-01-01T00:00:00Z"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$")
INCREMENTAL_STREAMS = (
    "payments", "event_logs", "courses", "bundles", "subscription_plans", "promotions", "seat_offerings",
    "user_groups", "community_collections", "course_grades", "assessment_responses", "form_responses",
)


# -- what the sandbox serves, per stream ------------------------------------------------------------------
def _with(records: Iterable[dict], **fields: Any) -> list[dict]:
    return [{**record, **fields} for record in records]


def expected_records(dataset: Any) -> dict[str, list[dict]]:
    """Every stream's records as the API serves them, plus the parent ids the connector adds."""
    contents = dataset.course_contents
    course_of_unit = {unit["id"]: course_id for course_id, course in contents.items()
                      for section in course["sections"] for unit in section["learningUnits"]}
    promotions = dataset.promotions
    return {
        "courses": dataset.courses,
        "course_contents": list(contents.values()),
        "course_sections": [{**section, "course_id": course_id}
                            for course_id, course in contents.items() for section in course["sections"]],
        "course_learning_units": [{**unit, "section_id": section["id"], "course_id": course_id}
                                  for course_id, course in contents.items() for section in course["sections"]
                                  for unit in section["learningUnits"]],
        "course_analytics": [{**totals, "course_id": course_id} for course_id, totals in dataset.course_analytics.items()],
        "course_unit_analytics": [{**totals, "course_id": course_id, "unit_id": unit_id}
                                  for (course_id, unit_id), totals in dataset.unit_analytics.items()],
        "course_users": [user for course_id, users in dataset.course_users.items() for user in _with(users, course_id=course_id)],
        "course_grades": [g for course_id, grades in dataset.course_grades.items() for g in _with(grades, course_id=course_id)],
        "certificates": dataset.certificates,
        "assessment_responses": [r for unit_id, responses in dataset.assessment_responses.items()
                                 for r in _with(responses, assessment_id=unit_id, course_id=course_of_unit[unit_id])],
        "form_responses": [r for form_id, responses in dataset.form_responses.items() for r in _with(responses, form_id=form_id)],
        "users": dataset.users,
        "user_enrollments": [{**e, "user_id": user_id, "course_id": e["course"]["id"]}
                             for user_id, enrollments in dataset.enrollments.items() for e in enrollments],
        "user_progress": [p for user_id, items in dataset.user_progress.items() for p in _with(items, user_id=user_id)],
        "user_products": [p for user_id, items in dataset.user_products.items() for p in _with(items, user_id=user_id)],
        "user_seats": [s for user_id, items in dataset.user_seats.items() for s in _with(items or [], user_id=user_id)],
        "user_group_memberships": [g for user_id, items in dataset.user_user_groups.items() for g in _with(items, user_id=user_id)],
        "user_segments": [{**segment, "id": segment["segmentId"]} for segment in dataset.segments],
        "user_segment_members": [u for segment_id, users in dataset.segment_users.items()
                                 for u in _with(users, segment_id=segment_id)],
        "bundle_users": [u for bundle in dataset.bundles
                         for u in _with(dataset.users_by_product(bundle["id"], "bundle"), bundle_id=bundle["id"])],
        "subscription_plan_users": [u for plan in dataset.subscription_plans
                                    for u in _with(dataset.users_by_product(plan["id"], "subscription"),
                                                   subscription_plan_id=plan["id"])],
        "bundles": dataset.bundles,
        "subscription_plans": dataset.subscription_plans,
        "user_subscriptions": dataset.user_subscriptions,
        "active_installments": dataset.active_installments,
        "payments": dataset.payments,
        "school_events": dataset.school_events,
        "leads": dataset.leads,
        "promotions": promotions,
        "promotion_coupons": [c for promotion in promotions for c in _with(promotion["coupons"], promotion_id=promotion["id"])],
        "coupon_payments": [p for promotion in promotions for coupon in promotion["coupons"]
                            for p in _with(dataset.coupon_usage(promotion["id"], coupon["code"])["payments"],
                                           promotion_id=promotion["id"], coupon_code=coupon["code"])],
        "affiliates": dataset.affiliates,
        "affiliate_leads": [u for aid, users in dataset.affiliate_leads.items() for u in _with(users, affiliate_id=aid)],
        "affiliate_customers": [u for aid, users in dataset.affiliate_customers.items() for u in _with(users, affiliate_id=aid)],
        "affiliate_payments": [p for affiliate in dataset.affiliates
                               for p in _with(dataset.affiliate_payments(affiliate["id"]), affiliate_id=affiliate["id"])],
        "affiliate_upcoming_payouts": [p for payouts in dataset.affiliate_payouts_upcoming.values() for p in payouts],
        "affiliate_due_payouts": [p for payouts in dataset.affiliate_payouts_due.values() for p in payouts],
        "affiliate_completed_payouts": [p for aid, payouts in dataset.affiliate_payouts_completed.items()
                                        for p in _with(payouts, affiliate_id=aid)],
        "event_logs": [{**log, "user_id": log["user"]["id"]} for log in dataset.event_logs],
        "seat_offerings": dataset.seats,
        "seat_offering_users": [u for seat_id, users in dataset.seat_users.items() for u in _with(users, seat_offering_id=seat_id)],
        "user_groups": dataset.user_groups,
        "user_group_users": [u for group_id, users in dataset.group_users.items() for u in _with(users, user_group_id=group_id)],
        "user_roles": dataset.user_roles,
        "community_collections": dataset.community_collections,
        "community_spaces": dataset.community_spaces,
        "community_space_users": [m for space_id, members in dataset.space_users.items() for m in _with(members, space_id=space_id)],
        "community_posts": dataset.community_posts,
    }


# -- comparing emitted records with served ones -----------------------------------------------------------
def epoch_seconds(text: str) -> float:
    """An emitted RFC 3339 string back as unix seconds (parsed independently of the connector's code)."""
    moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ" if "." in text else "%Y-%m-%dT%H:%M:%SZ")
    delta = moment.replace(tzinfo=timezone.utc) - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return delta.days * 86400 + delta.seconds + delta.microseconds / 1_000_000


def timestamp_paths(schema: dict, path: tuple = ()) -> Iterable[tuple]:
    """Where the stream's schema declares date-times ("*" stands for every item of a list)."""
    if schema.get("format") == "date-time":
        yield path
    for name, child in (schema.get("properties") or {}).items():
        yield from timestamp_paths(child, (*path, name))
    if isinstance(schema.get("items"), dict):
        yield from timestamp_paths(schema["items"], (*path, "*"))


def values_at(record: Any, path: tuple) -> Iterable[Any]:
    if not path:
        yield record
    elif path[0] == "*":
        for item in record if isinstance(record, list) else []:
            yield from values_at(item, path[1:])
    elif isinstance(record, dict) and path[0] in record:
        yield from values_at(record[path[0]], path[1:])


def mismatches(emitted: Any, served: Any, timestamps: set, path: tuple = ()) -> list[str]:
    """Differences between an emitted value and the served one. At the schema's date-time places
    (`timestamps`) a served number must arrive as the RFC 3339 string of the same instant."""
    where = ".".join(path)
    if path in timestamps and isinstance(served, (int, float)) and not isinstance(served, bool):
        if not (isinstance(emitted, str) and RFC3339.match(emitted)):
            return [f"{where}: {emitted!r} is not RFC 3339 UTC"]
        return [] if abs(epoch_seconds(emitted) - served) < 1e-6 else [f"{where}: {emitted} != {served}"]
    if isinstance(served, dict) and isinstance(emitted, dict):
        # The CDK's message serializer leaves out top-level nulls; a destination reads them as null.
        problems = [f"{where}.{key}: missing" for key in served
                    if key not in emitted and (path or served[key] is not None)]
        problems += [f"{where}.{key}: not served" for key in emitted if key not in served]
        for key in served.keys() & emitted.keys():
            problems += mismatches(emitted[key], served[key], timestamps, (*path, key))
        return problems
    if isinstance(served, list) and isinstance(emitted, list) and len(served) == len(emitted):
        return [problem for e, s in zip(emitted, served) for problem in mismatches(e, s, timestamps, (*path, "*"))]
    same = emitted == served and isinstance(emitted, bool) == isinstance(served, bool)
    return [] if same else [f"{where}: {emitted!r} != {served!r}"]


def key_of(record: dict, primary_key: list[list[str]]) -> tuple:
    parts = []
    for path in primary_key:
        value: Any = record
        for step in path:
            value = value[step]
        if isinstance(value, str) and RFC3339.match(value):
            value = epoch_seconds(value)
        parts.append(round(value, 6) if isinstance(value, float) else value)
    return tuple(parts)


# The per-learner streams' cursor is when the connector read the row: the API serves nothing to compare it with.
READ_TIME = "learner_changed_at"


def assert_stream_matches(name: str, emitted: list[dict], served: list[dict], stream: dict) -> None:
    primary_key = stream["source_defined_primary_key"]
    if READ_TIME in stream["json_schema"]["properties"]:
        unreadable = [record.get(READ_TIME) for record in emitted if not RFC3339.match(str(record.get(READ_TIME)))]
        assert not unreadable, f"{name}.{READ_TIME}: {unreadable[:3]} is not an RFC 3339 read time"
        emitted = [{key: value for key, value in record.items() if key != READ_TIME} for record in emitted]
    emitted_keys = Counter(key_of(record, primary_key) for record in emitted)
    twice = [key for key, count in emitted_keys.items() if count > 1]
    assert not twice, f"{name}: emitted more than once: {twice[:5]}"
    served_by_key = {key_of(record, primary_key): record for record in served}
    assert len(served_by_key) == len(served), f"{name}: the primary key {primary_key} does not identify served records"
    missing = served_by_key.keys() - emitted_keys.keys()
    unexpected = emitted_keys.keys() - served_by_key.keys()
    assert not missing and not unexpected, f"{name}: missing {sorted(missing)[:5]}, unexpected {sorted(unexpected)[:5]}"
    timestamps = set(timestamp_paths(stream["json_schema"]))
    for record in emitted:
        problems = mismatches(record, served_by_key[key_of(record, primary_key)], timestamps)
        assert not problems, f"{name} {key_of(record, primary_key)}: {problems[:5]}"
    for path in timestamps:
        for record in emitted:
            for value in values_at(record, path):
                assert value is None or (isinstance(value, str) and RFC3339.match(value)), (
                    f"{name}.{'.'.join(path)}: {value!r} is not an RFC 3339 timestamp")


# -- the full sync -----------------------------------------------------------------------------------------
class FullSync:
    def __init__(self, run: ConnectorRun, catalog: dict, requests: list, started_at: float, seconds: float, rejected: int) -> None:
        self.run, self.catalog, self.requests, self.started_at, self.seconds, self.rejected = run, catalog, requests, started_at, seconds, rejected


@pytest.fixture(scope="module")
def learnworlds(sandbox):
    return sandbox.app(CONNECTOR)


@pytest.fixture(scope="module")
def full_config(sandbox, learnworlds) -> dict:
    return sandbox_config(CONNECTOR, sandbox.url, start_date=EARLY_START, form_ids=sorted(learnworlds.dataset.form_responses))


@pytest.fixture(scope="module")
def discovered(full_config) -> dict:
    """The catalog (it does not depend on the school, so private sandboxes reuse it)."""
    run = run_connector(CONNECTOR, "discover", config=full_config)
    assert run.exit_code == 0, run.output[-2000:]
    return run.catalog


@pytest.fixture(scope="module")
def full_sync(sandbox, learnworlds, full_config, discovered) -> FullSync:
    catalog = configured_catalog(discovered, incremental=False)
    # Calls of earlier tests' processes still count in the school's window; this sync starts as one after a pause.
    time.sleep(learnworlds.limiter.seconds_until_empty())
    rejected_before, started_at, started = learnworlds.rejected, time.time(), time.monotonic()
    run = run_connector(CONNECTOR, "read", config=full_config, catalog=catalog)
    seconds = time.monotonic() - started
    requests = [entry for entry in sandbox.log.entries(app=CONNECTOR) if entry.at >= started_at]
    assert run.exit_code == 0 and not run.errors, (run.errors, run.output[-3000:])
    return FullSync(run, discovered, requests, started_at, seconds, learnworlds.rejected - rejected_before)


def test_every_stream_of_the_catalog_is_compared(full_sync, learnworlds):
    assert {stream["name"] for stream in full_sync.catalog["streams"]} == set(expected_records(learnworlds.dataset))


def test_every_stream_equals_the_sandbox_dataset(full_sync, learnworlds):
    served = expected_records(learnworlds.dataset)
    for stream in full_sync.catalog["streams"]:
        name = stream["name"]
        assert served[name], f"the sandbox serves no {name}: the comparison would prove nothing"
        assert_stream_matches(name, full_sync.run.records_of(name), served[name], stream)


def rfc3339(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ")


def test_timestamps_are_rfc3339_with_the_precision_served(full_sync, learnworlds):
    fractional = learnworlds.dataset.users[0]
    emitted = next(r for r in full_sync.run.records_of("users") if r["id"] == fractional["id"])
    assert not float(fractional["created"]).is_integer()
    assert emitted["created"] == rfc3339(fractional["created"])
    user_id, whole = next((user_id, p) for user_id, items in learnworlds.dataset.user_progress.items()
                          for p in items if p["completed_at"])
    assert isinstance(whole["completed_at"], int), "the API serves this DateTime as a whole number"
    emitted = next(r for r in full_sync.run.records_of("user_progress")
                   if (r["user_id"], r["course_id"]) == (user_id, whole["course_id"]))
    assert emitted["completed_at"] == rfc3339(whole["completed_at"]) and emitted["completed_at"].endswith(":%02dZ" % (whole["completed_at"] % 60))
    price = next(p for p in learnworlds.dataset.payments if p["price"])
    assert next(r for r in full_sync.run.records_of("payments") if r["id"] == price["id"])["price"] == price["price"]


def test_full_sync_keeps_within_the_rate_limit(full_sync):
    statuses = Counter(entry.status for entry in full_sync.requests)
    refused = [(round(entry.at - full_sync.started_at, 2), entry.path) for entry in full_sync.requests if entry.status == 429]
    assert statuses[429] == 0 and full_sync.rejected == 0, (statuses, "429 at (seconds after start, path):", refused)
    assert set(statuses) == {200}, statuses
    # Fan-out streams cost one request per parent; the sync really did fan out.
    per_user = [e for e in full_sync.requests if re.fullmatch(r"/admin/api/v2/users/[^/]+/progress", e.path)]
    assert len(per_user) == len({e.path for e in per_user}) > 20
    print(f"\nfull sync (small): {len(full_sync.catalog['streams'])} streams, {len(full_sync.run.records)} records, "
          f"{len(full_sync.requests)} requests, {full_sync.seconds:.1f} s, {statuses[429]} responses 429")


def test_every_request_carries_the_client_and_a_minted_token(full_sync, learnworlds):
    api_calls = [e for e in full_sync.requests if e.path.startswith("/admin/api/v2/")]
    assert api_calls and all(e.headers.get("Lw-Client") == learnworlds.client_id for e in api_calls)
    assert all(e.headers.get("Authorization") == "<redacted>" for e in api_calls)
    mints = [e for e in full_sync.requests if e.path == "/admin/api/oauth2/access_token"]
    assert len(mints) == 1, f"one token serves every stream of the sync, minted {len(mints)}"


def test_pages_are_read_to_meta_total_pages_and_never_past_it(full_sync, learnworlds):
    leads = sorted(e.param("page") or "1" for e in full_sync.requests if e.path == "/admin/api/v2/leads")
    assert leads == [str(page) for page in range(1, -(-len(learnworlds.dataset.leads) // 20) + 1)]
    users = [e for e in full_sync.requests if e.path == "/admin/api/v2/users"]
    assert users and all(e.param("items_per_page") == "200" and e.param("include_suspended") == "true" for e in users)
    assert {e.param("page") for e in users} == {None}, "25 users fit in one page of 200"


def test_bare_array_lists_end_on_a_short_or_repeated_page(full_sync, learnworlds):
    group_sizes = {group_id: len(users) for group_id, users in learnworlds.dataset.group_users.items()}
    assert 20 in group_sizes.values(), "the sandbox has a group of exactly one full page"
    for group_id, size in group_sizes.items():
        pages = [e for e in full_sync.requests if e.path == f"/admin/api/v2/user_groups/{group_id}/users"]
        assert len(pages) == size // 20 + 1, (size, [e.param("page") for e in pages])


def test_state_of_a_full_refresh_marks_completion(full_sync):
    assert full_sync.run.stream_state("users") == {"__ab_no_cursor_state_message": True}


# -- incremental -------------------------------------------------------------------------------------------
def read(config: dict, catalog: dict, state: Optional[list] = None) -> ConnectorRun:
    run = run_connector(CONNECTOR, "read", config=config, catalog=catalog, state=state)
    assert run.exit_code == 0 and not run.errors, (run.errors, run.output[-3000:])
    return run


# Client-side cursors: the stream partition (if any) of a served record, as the state names it.
CLIENT_SIDE_PARTITIONS: dict[str, Callable[[dict], Optional[dict]]] = {
    "courses": lambda r: None, "bundles": lambda r: None, "subscription_plans": lambda r: None,
    "promotions": lambda r: None, "seat_offerings": lambda r: None, "user_groups": lambda r: None,
    "community_collections": lambda r: None,
    "course_grades": lambda r: {"parent_id": r["course_id"]},
    "assessment_responses": lambda r: {"parent_id": r["assessment_id"]},
    "form_responses": lambda r: {"form_id": r["form_id"]},
}


def saved_modified(state: dict, partition: Optional[dict]) -> float:
    """The `modified` a state saved for a partition (the epoch where it saved none: all was emitted)."""
    if partition is None:
        return epoch_seconds(state["modified"])
    for entry in state.get("states", []):
        if all(entry["partition"].get(key) == value for key, value in partition.items()):
            return epoch_seconds(entry["cursor"]["modified"])
    return 0.0


def test_incremental_runs_return_only_new_and_changed_records(fresh_sandbox, discovered):
    running = fresh_sandbox(scale="tiny", apps=[CONNECTOR])
    dataset = running.app(CONNECTOR).dataset
    config = sandbox_config(CONNECTOR, running.url, start_date=EARLY_START, form_ids=sorted(dataset.form_responses))
    catalog = configured_catalog(discovered, streams=INCREMENTAL_STREAMS)
    assert {entry["stream"]["name"] for entry in catalog["streams"] if entry["sync_mode"] == "incremental"} == set(INCREMENTAL_STREAMS)
    streams = {stream["name"]: stream for stream in discovered["streams"]}

    first = read(config, catalog)
    served = expected_records(dataset)
    for name in INCREMENTAL_STREAMS:
        assert_stream_matches(name, first.records_of(name), served[name], streams[name])
    # The state holds the newest cursor value read, as RFC 3339 with the precision served.
    assert epoch_seconds(first.stream_state("payments")["created"]) == pytest.approx(max(p["created"] for p in dataset.payments), abs=1e-6)
    assert epoch_seconds(first.stream_state("courses")["modified"]) == pytest.approx(max(c["modified"] for c in dataset.courses), abs=1e-6)

    added_payments = dataset.add_payments(3)
    added_logs = dataset.add_event_logs(2)
    touched = {kind: dataset.touch(kind, 1) for kind in ("courses", "bundles", "course_grades", "assessment_responses")}

    second = read(config, catalog, state=first.final_state())
    # Server-side cursors: exactly what was created after the state.
    assert sorted(r["id"] for r in second.records_of("payments")) == sorted(p["id"] for p in added_payments)
    new_logs = [(log["user"]["id"], log["activity"]) for log in added_logs] + [(p["user_id"], "purchase") for p in added_payments]
    assert sorted((r["user_id"], r["activity"]) for r in second.records_of("event_logs")) == sorted(new_logs)
    # Client-side cursors: whatever was modified at or after the saved state, and nothing older.
    served = expected_records(dataset)
    re_emitted = 0
    for name, partition_of in CLIENT_SIDE_PARTITIONS.items():
        state = first.stream_state(name)
        wanted = [r for r in served[name] if r["modified"] >= saved_modified(state, partition_of(r))]
        assert_stream_matches(name, second.records_of(name), wanted, streams[name])
        re_emitted += len(wanted)
    for kind, records in touched.items():
        assert {r["id"] for r in records} <= {r["id"] for r in second.records_of(kind)}, kind
    assert re_emitted < sum(len(first.records_of(name)) for name in CLIENT_SIDE_PARTITIONS), "everything was re-emitted"

    # The second run's state, passed on, finds nothing new on the server-side streams.
    third = read(config, catalog, state=second.final_state())
    assert not third.records_of("payments") and not third.records_of("event_logs")
    assert third.stream_state("payments") == second.stream_state("payments")
    assert epoch_seconds(second.stream_state("payments")["created"]) == pytest.approx(max(p["created"] for p in added_payments), abs=1e-6)


@pytest.mark.parametrize("whole_seconds_only", [False, True], ids=["fractions-accepted", "whole-seconds-only"])
def test_created_after_in_whole_seconds_skips_nothing_and_repeats_nothing(fresh_sandbox, discovered, whole_seconds_only):
    """Issue 10, item 9: the vendor's examples send whole seconds; a school may refuse a fraction."""
    running = fresh_sandbox(scale="tiny", apps=[CONNECTOR], learnworlds={"whole_second_timestamps": whole_seconds_only})
    dataset = running.app(CONNECTOR).dataset
    config = sandbox_config(CONNECTOR, running.url, start_date=EARLY_START)
    catalog = configured_catalog(discovered, streams=["payments", "event_logs"])
    first = read(config, catalog)
    state_created = max(p["created"] for p in dataset.payments)
    # One payment in the same second as the state, after it: the rounded-down filter reads that second again.
    (same_second,) = dataset.add_payments(1, at=state_created - 0.5 + 0.001)
    assert int(same_second["created"]) == int(state_created) and same_second["created"] > state_created
    later = dataset.add_payments(2)

    second = read(config, catalog, state=first.final_state())
    assert all("." not in entry.param("created_after") for entry in running.log.entries(app=CONNECTOR, path_prefix="/admin/api/v2/")
               if entry.param("created_after") is not None)
    assert sorted(r["id"] for r in second.records_of("payments")) == sorted(p["id"] for p in [same_second, *later])
    assert sorted(r["created"] for r in second.records_of("event_logs")) == sorted(
        r["created"] for r in second.records_of("payments"))


@pytest.mark.parametrize("leads_offered", [True, False], ids=["leads-offered", "leads-missing"])
def test_a_list_the_school_does_not_offer_fails_naming_it(fresh_sandbox, discovered, leads_offered):
    """Issue 10, item 10: a "does not exist" 404 on a top-level list is not an empty list."""
    running = fresh_sandbox(scale="tiny", apps=[CONNECTOR],
                            learnworlds={"unavailable_endpoints": () if leads_offered else ("leads",)})
    dataset = running.app(CONNECTOR).dataset
    streams = {stream["name"]: stream for stream in discovered["streams"]}
    catalog = configured_catalog(discovered, streams=["leads", "user_roles"], incremental=False)
    run = run_connector(CONNECTOR, "read", config=sandbox_config(CONNECTOR, running.url, start_date=EARLY_START), catalog=catalog)

    served = expected_records(dataset)
    assert_stream_matches("user_roles", run.records_of("user_roles"), served["user_roles"], streams["user_roles"])
    if leads_offered:
        assert run.exit_code == 0 and not run.errors
        assert_stream_matches("leads", run.records_of("leads"), served["leads"], streams["leads"])
    else:
        assert run.exit_code != 0 and not run.records_of("leads")
        assert any("list /v2/leads does not exist" in e["message"] and e["failure_type"] == "config_error" for e in run.errors)


def test_start_date_bounds_what_happened_not_what_exists(fresh_sandbox, discovered):
    running = fresh_sandbox(scale="tiny", apps=[CONNECTOR])
    dataset = running.app(CONNECTOR).dataset
    cut = sorted(p["created"] for p in dataset.payments)[len(dataset.payments) // 2]
    start = datetime.fromtimestamp(int(cut), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    config = sandbox_config(CONNECTOR, running.url, start_date=start)
    catalog = configured_catalog(discovered, streams=["payments", "courses"])
    run = read(config, catalog)
    assert {r["id"] for r in run.records_of("payments")} == {p["id"] for p in dataset.payments if p["created"] > int(cut)}
    assert {r["id"] for r in run.records_of("courses")} == {c["id"] for c in dataset.courses}
    assert any(c["modified"] < int(cut) for c in dataset.courses), "a course older than the start date proves the point"
    requests = running.log.entries(app=CONNECTOR, path_prefix="/admin/api/v2/payments")
    assert float(requests[0].param("created_after")) == int(cut)


# -- check -------------------------------------------------------------------------------------------------
def check(config: dict) -> ConnectorRun:
    return run_connector(CONNECTOR, "check", config=config)


def test_check_succeeds_with_either_kind_of_credentials(sandbox):
    assert check(sandbox_config(CONNECTOR, sandbox.url)).connection_status["status"] == "SUCCEEDED"
    static = sandbox_config(CONNECTOR, sandbox.url, credentials={"auth_type": "access_token", "access_token": LEARNWORLDS_STATIC_TOKEN})
    assert check(static).connection_status["status"] == "SUCCEEDED"


@pytest.mark.parametrize(
    "overrides, secret, names",
    [
        ({"credentials": {"auth_type": "client_credentials", "client_secret": "wrong-secret-4711"}},
         "wrong-secret-4711", ["'client_id'", "'credentials.client_secret'"]),
        ({"credentials": {"auth_type": "access_token", "access_token": "stale-token-4711"}},
         "stale-token-4711", ["'credentials.access_token'"]),
        ({"client_id": "not-our-client"}, LEARNWORLDS_CLIENT_SECRET, ["'client_id'", "Lw-Client"]),
        ({"client_id": "not-our-client", "credentials": {"auth_type": "access_token", "access_token": LEARNWORLDS_STATIC_TOKEN}},
         LEARNWORLDS_STATIC_TOKEN, ["'client_id'", "Lw-Client"]),
    ],
    ids=["bad-client-secret", "bad-access-token", "unknown-client-with-secret", "unknown-client-with-token"],
)
def test_check_failures_name_the_field_and_never_print_the_secret(sandbox, overrides, secret, names):
    run = check(sandbox_config(CONNECTOR, sandbox.url, **overrides))
    status = run.connection_status
    assert status["status"] == "FAILED", run.output[-2000:]
    for name in names:
        assert name in status["message"], status["message"]
    assert secret not in run.output


def test_check_of_a_wrong_school_url_says_so(fresh_sandbox):
    not_a_school = fresh_sandbox(scale="tiny", apps=["linkedin_learning"])
    run = check(sandbox_config(CONNECTOR, not_a_school.url))
    assert run.connection_status["status"] == "FAILED"
    assert "school_url" in run.connection_status["message"]
