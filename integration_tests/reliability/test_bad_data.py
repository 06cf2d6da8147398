"""Bad data from the API (injected through the sandbox's `mutate_body` switch; the emulators stay
faithful): unexpected nulls, extra fields, wrong types in optional fields, an empty page, a record
repeated across pages. No crash, no other record lost, the rest of every record intact."""
from __future__ import annotations

import copy
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable

import pytest
from jsonschema import Draft7Validator

from integration_tests.reliability.harness import FIGURES, KeyedRecords, RecordKey, compare
from integration_tests.reliability.profiles import PROFILES
from sandbox import Request

EXTRA_FIELD = "unexpected_field_from_the_api"
EVERY_FIELD = "*"  # a change that may show in any non-key field of the output
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Corruption:
    """What to change in every record of the matching answers, and which output fields may differ."""

    path: str  # request path suffix
    changes: tuple[tuple[str, Any], ...]  # (dotted field path, new value); `*` walks a list
    affected: tuple[str, ...]  # output fields allowed to differ from a clean run


# Per connector: records (`elements` or `data`) and their optional fields, per endpoint.
CORRUPTIONS = {
    "linkedin_learning": ("elements", (
        Corruption("/learningClassifications", (("owner", None),), ("owner",)),
        Corruption("/learningAssets", (("details.description", None), ("details.timeToComplete", "about an hour")), ("details",)),
        Corruption("/learningActivityReports", (("activities.*.engagementValue", "12"),), (EVERY_FIELD,)),
    )),
    "learnworlds": ("data", (
        Corruption("/payments", (("refund_at", "soon"), ("coupon", {"code": None})), ("refund_at", "coupon")),
        Corruption("/users", (("last_login", "yesterday"), ("role", None)), ("last_login", "role")),
        Corruption("/event-logs", (("description", None), ("additional_info", "n/a")), ("description", "additional_info")),
    )),
}


def set_path(record: Any, path: list[str], value: Any) -> None:
    """Sets `path` where the record has it (an optional field absent stays absent)."""
    head, *rest = path
    if head == "*":
        for item in record if isinstance(record, list) else []:
            set_path(item, rest, value)
    elif isinstance(record, dict) and head in record:
        if rest:
            set_path(record[head], rest, value)
        else:
            record[head] = value


def corrupt_records(connector: str) -> Callable[[Request, Any], Any]:
    records_key, corruptions = CORRUPTIONS[connector]

    def mutate(request: Request, payload: Any) -> Any:
        corruption = next((c for c in corruptions if request.path.endswith(c.path)), None)
        for record in payload.get(records_key, []) if corruption and isinstance(payload, dict) else []:
            for dotted, value in corruption.changes:
                set_path(record, dotted.split("."), copy.deepcopy(value))
            record[EXTRA_FIELD] = {"nested": [1, None, "x"]}
        return payload

    return mutate


def page_number(connector: str, request: Request) -> int:
    """1 for a partition's first page, more for later ones."""
    if connector == "learnworlds":
        return int(request.param("page") or 1)
    return 1 + int(request.param("start") or 0) // max(1, int(request.param("count") or 1))


@dataclass
class PageTampering:
    """Empties one later page of a paged endpoint, or repeats a first-page record on it."""

    connector: str
    path: str
    mode: str  # "empty" or "repeat"
    removed: list[dict[str, Any]] = field(default_factory=list)
    repeated: list[dict[str, Any]] = field(default_factory=list)
    _first_pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: Request, payload: Any) -> Any:
        records_key = CORRUPTIONS[self.connector][0]
        if not request.path.endswith(self.path) or not isinstance(payload, dict) or not payload.get(records_key):
            return payload
        partition = "&".join(f"{k}={v}" for k, v in sorted(request.query.items()) if k not in ("start", "page"))
        page = page_number(self.connector, request)
        with self._lock:
            if page == 1:
                self._first_pages[partition] = payload[records_key][0]
            elif page == 2 and self.mode == "empty":
                self.removed += payload[records_key]
                payload[records_key] = []
            elif page == 2 and partition in self._first_pages:
                self.repeated.append(self._first_pages[partition])
                payload[records_key].insert(0, self._first_pages[partition])
        return payload


@dataclass(frozen=True)
class PagedEndpoint:
    path: str
    stream: str
    # A record's primary key from the API's record and from the stream's output key; both sides give the
    # same tuple for the same record, and neither uses the connector's code.
    api_key: Callable[[dict[str, Any]], tuple]
    output_key: Callable[[list[Any]], tuple]


def microseconds(rfc3339: str) -> int:
    return (datetime.fromisoformat(rfc3339) - EPOCH) // timedelta(microseconds=1)


PAGED = {
    "linkedin_learning": PagedEndpoint("/learningAssets", "learning_assets", lambda record: (record["urn"],), tuple),
    # The output flattens the user and writes `created` (unix seconds, six decimals at most) as RFC 3339.
    "learnworlds": PagedEndpoint(
        "/event-logs", "event_logs",
        lambda record: (record["user"]["id"], round(float(record["created"]) * 1_000_000), record["activity"]),
        lambda key: (key[0], microseconds(key[1]), key[2]),
    ),
}


def api_keys(endpoint: PagedEndpoint, api_records: list[dict[str, Any]]) -> set[tuple]:
    return {endpoint.api_key(record) for record in api_records}


def output_keys(endpoint: PagedEndpoint, keys: Iterable[RecordKey]) -> set[tuple]:
    return {endpoint.output_key(json.loads(key)) for stream, key in keys if stream == endpoint.stream}


def run_with(profile, clean, fresh_sandbox, launcher, mutate_body):
    sandbox = profile.sandbox(fresh_sandbox)
    sandbox.set_faults(mutate_body=mutate_body)
    run = launcher.run(profile.connector, "read", config=profile.config(sandbox.url), catalog=clean.catalog, timeout=240)
    assert run.exit_code == 0 and not run.errors, f"the sync failed on bad data:\n{run.output[-3000:]}"
    assert "Traceback" not in run.output
    return sandbox, run, KeyedRecords.of([run], clean.catalog)


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_nulls_extra_fields_and_wrong_types_lose_nothing(profile, clean_runs, fresh_sandbox, launcher):
    clean = clean_runs(profile)
    sandbox, run, received = run_with(profile, clean, fresh_sandbox, launcher, corrupt_records(profile.connector))

    difference = compare(received, clean.records)
    FIGURES.add_sync(sandbox, compared=len(clean.records.records), lost=len(difference.missing))
    assert not difference.missing and not difference.unexpected, difference.describe()
    mutated_streams = corrupted_streams(profile.connector, sandbox)
    assert mutated_streams, "no answer was changed: the scenario proves nothing"
    damaged = []
    for key, record in received.records.items():
        stream = key[0]
        allowed = mutated_streams.get(stream, ())
        if EVERY_FIELD in allowed:
            continue
        original = clean.records.records[key]
        damaged += [(key, name) for name in set(original) | set(record) if name not in allowed and name != EXTRA_FIELD and original.get(name) != record.get(name)]
    assert not damaged, f"fields the API did not change differ from a clean run: {damaged[:5]}"


def corrupted_streams(connector: str, sandbox) -> dict[str, tuple[str, ...]]:
    """Output stream -> fields allowed to differ, for the endpoints whose answers were changed."""
    changed_paths = {entry.path for entry in sandbox.log.entries() if entry.fault == "mutated"}
    result: dict[str, tuple[str, ...]] = {}
    for corruption in CORRUPTIONS[connector][1]:
        if any(path.endswith(corruption.path) for path in changed_paths):
            result[STREAM_OF_PATH[connector][corruption.path]] = corruption.affected
    return result


STREAM_OF_PATH = {
    "linkedin_learning": {"/learningClassifications": "learning_classifications", "/learningAssets": "learning_assets", "/learningActivityReports": "learning_activity_reports"},
    "learnworlds": {"/payments": "payments", "/users": "users", "/event-logs": "event_logs"},
}


EMPTY_PAGE_CASES = [
    pytest.param(PROFILES["linkedin_learning"], id="linkedin_learning"),
    pytest.param(PROFILES["learnworlds"], id="learnworlds"),
]


@pytest.mark.parametrize("profile", EMPTY_PAGE_CASES)
def test_an_empty_page_loses_only_its_own_records(profile, clean_runs, fresh_sandbox, launcher):
    clean = clean_runs(profile)
    endpoint = PAGED[profile.connector]
    tampering = PageTampering(profile.connector, endpoint.path, "empty")
    sandbox, run, received = run_with(profile, clean, fresh_sandbox, launcher, tampering)

    assert tampering.removed, f"no second page of {endpoint.path} was served: the scenario proves nothing"
    removed = api_keys(endpoint, tampering.removed)
    assert removed <= output_keys(endpoint, clean.records.records), "the emptied page's records are not in the clean run"
    difference = compare(received, clean.records)
    lost_elsewhere = output_keys(endpoint, difference.missing) - removed
    lost_elsewhere |= {key for key in difference.missing if key[0] != endpoint.stream}
    FIGURES.add_sync(sandbox, compared=len(clean.records.records), lost=len(lost_elsewhere))
    assert not lost_elsewhere, f"records of other pages were lost too: {sorted(lost_elsewhere, key=str)[:5]}"
    assert not difference.unexpected and not difference.changed, difference.describe()


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_a_record_repeated_across_pages_loses_nothing(profile, clean_runs, fresh_sandbox, launcher):
    clean = clean_runs(profile)
    endpoint = PAGED[profile.connector]
    tampering = PageTampering(profile.connector, endpoint.path, "repeat")
    sandbox, run, received = run_with(profile, clean, fresh_sandbox, launcher, tampering)

    assert tampering.repeated, f"no second page of {endpoint.path} was served: the scenario proves nothing"
    difference = compare(received, clean.records)
    FIGURES.add_sync(sandbox, compared=len(clean.records.records), lost=len(difference.missing))
    assert not difference, difference.describe()
    repeated = api_keys(endpoint, tampering.repeated)
    assert repeated <= output_keys(endpoint, clean.records.records), "the repeated record is not in the clean run"
    twice = output_keys(endpoint, received.duplicates) | {key for key in received.duplicates if key[0] != endpoint.stream}
    assert twice <= repeated, f"records delivered twice that the API sent once: {sorted(twice - repeated, key=str)[:5]}"


def schema_violations(run, catalog: dict[str, Any]) -> set[tuple[str, str]]:
    """(stream, top-level field) of every output value its declared schema does not allow."""
    validators = {entry["stream"]["name"]: Draft7Validator(entry["stream"]["json_schema"]) for entry in catalog["streams"]}
    return {
        (message["stream"], str(error.absolute_path[0]) if error.absolute_path else "")
        for message in run.records
        for error in validators[message["stream"]].iter_errors(message["data"])
    }


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_schema_problems_are_reported_naming_stream_and_field(profile, clean_runs, fresh_sandbox, launcher):
    """A value delivered although its schema does not allow it is logged as a warning that names the
    stream and the field, so a destination's type error can be traced to the API."""
    clean = clean_runs(profile)
    sandbox, run, received = run_with(profile, clean, fresh_sandbox, launcher, corrupt_records(profile.connector))
    FIGURES.add_sync(sandbox, compared=0, lost=0)

    warnings = [log["message"] for log in run.logs if log["level"] in ("WARN", "ERROR")]
    unreported = sorted(
        (stream, name) for stream, name in schema_violations(run, clean.catalog)
        if not any(stream in line and name in line for line in warnings)
    )
    assert not unreported, f"values outside their schema, delivered without a warning naming stream and field: {unreported[:8]}"
