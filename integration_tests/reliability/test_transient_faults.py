"""Transient faults: the sync completes, its records (by key and value) equal a clean run's, and
its logs say what was retried."""
from __future__ import annotations

import itertools
import random
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable, Optional

import pytest

from integration_tests.connector_runner import CONNECTORS, run_connector
from integration_tests.reliability.harness import FIGURES, KeyedRecords, compare, injected_faults, log_lines
from integration_tests.reliability.profiles import PROFILES


def seed_faulting_early(rate: float, within: int = 3) -> int:
    """The first generator seed whose first `within` draws include a fault at `rate`, so a short
    sync meets the fault although faults stay random at that rate afterwards."""

    def faults_early(seed: int) -> bool:
        draws = random.Random(seed)
        return any(draws.random() < rate for _ in range(within))

    return next(seed for seed in itertools.count(1) if faults_early(seed))


def manifest_read_timeout(connector: str) -> Optional[float]:
    """The longest `read_timeout_in_seconds` the connector's requesters declare (None: no timeout)."""
    package = CONNECTORS[connector].replace("-", "_")
    manifest = resources.files(package).joinpath("manifest.yaml").read_text()
    timeouts = [float(value) for value in re.findall(r"read_timeout_in_seconds:\s*([0-9.]+)", manifest)]
    return max(timeouts) if timeouts else None


@dataclass(frozen=True)
class Scenario:
    name: str
    switches: Callable[[str], dict[str, Any]]  # connector -> fault switches
    # A log line must say what was retried: the failure's kind.
    logged: str
    # A scenario may also need the faulted request to have been repeated (not just waited out).
    repeated_fault: Optional[str] = None


def stall_switches(connector: str) -> dict[str, Any]:
    """One response held back two seconds longer than the connector waits for it."""
    return {"stall_rate": 1.0, "max_faults": 1, "stall_seconds": manifest_read_timeout(connector) + 2.0}


STALL = Scenario("stall past the request timeout", stall_switches, logged=r"(?i)timed? ?out", repeated_fault="stall")
THROTTLE = {"throttle_every": 4, "throttle_burst": 2, "throttle_max_bursts": 1}

SCENARIOS = [
    Scenario("10% random 5xx", lambda c: {"server_error_rate": 0.1, "seed": seed_faulting_early(0.1)}, logged=r"\b50[023]\b"),
    Scenario("429 burst with Retry-After", lambda c: {**THROTTLE, "throttle_retry_after": 1}, logged=r"\b429\b"),
    Scenario("429 burst without Retry-After", lambda c: THROTTLE, logged=r"\b429\b"),
    Scenario("connection resets", lambda c: {"reset_rate": 1.0, "max_faults": 2}, logged=r"(?i)connection|reset|aborted|disconnected"),
    Scenario("truncated JSON body", lambda c: {"truncate_rate": 1.0, "max_faults": 2}, logged=r"(?i)json|truncat|decode|malformed|incomplete", repeated_fault="truncate"),
    Scenario("HTML 502 page", lambda c: {"html_502_rate": 1.0, "max_faults": 2}, logged=r"\b502\b"),
]


def assert_survived(profile, scenario: Scenario, clean, sandbox, run) -> None:
    faults = injected_faults(sandbox)
    assert faults, "the scenario injected no fault: it proves nothing"
    assert run.exit_code == 0 and not run.errors, f"the sync failed under {dict(faults)}:\n{run.output[-3000:]}"
    faulted = KeyedRecords.of([run], clean.catalog)
    difference = compare(faulted, clean.records)
    requests = len(sandbox.log.entries())
    FIGURES.add_sync(sandbox, compared=len(clean.records.records), lost=len(difference.missing), retries=requests - clean.requests)
    assert not difference, f"records differ from a clean run under {dict(faults)}: {difference.describe()}"
    assert not faulted.duplicates, f"records delivered twice: {list(faulted.duplicates)[:5]}"
    retry_lines = [line for line in log_lines(run) if re.search(r"(?i)retr|backing off|waiting", line)]
    assert any(re.search(scenario.logged, line) for line in retry_lines), (
        f"no log line says a request was retried because of /{scenario.logged}/; retry-related lines: {retry_lines[:10]}"
    )
    if scenario.repeated_fault:
        faulted_requests = [(e.path, sorted(e.query.items())) for e in sandbox.log.entries() if e.fault == scenario.repeated_fault]
        answered = [(e.path, sorted(e.query.items())) for e in sandbox.log.entries() if not e.fault and e.status == 200]
        assert faulted_requests, f"no request met a {scenario.repeated_fault}: the scenario proves nothing"
        assert all(request in answered for request in faulted_requests), f"a {scenario.repeated_fault} request was never asked again: {faulted_requests}"


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_sync_survives_transient_fault(profile, scenario, clean_runs, fresh_sandbox, launcher):
    clean = clean_runs(profile)
    sandbox = profile.sandbox(fresh_sandbox)
    sandbox.set_faults(**scenario.switches(profile.connector))

    run = launcher.run(profile.connector, "read", config=profile.config(sandbox.url), catalog=clean.catalog, timeout=240)

    assert_survived(profile, scenario, clean, sandbox, run)


def test_stalled_response_is_abandoned_and_retried(clean_runs, fresh_sandbox):
    """A response that never comes must end at the connector's read timeout and be asked again.
    Each connector waits out its own timeout, so both run at once (as real processes)."""
    profiles = list(PROFILES.values())
    missing = [p.connector for p in profiles if manifest_read_timeout(p.connector) is None]
    assert not missing, f"no read_timeout_in_seconds in the requester of {missing}: a stalled response would hold a worker forever"
    cleans = {p.connector: clean_runs(p) for p in profiles}
    sandboxes = {p.connector: p.sandbox(fresh_sandbox) for p in profiles}
    for profile in profiles:
        sandboxes[profile.connector].set_faults(**STALL.switches(profile.connector))

    def sync(profile):
        return run_connector(profile.connector, "read", config=profile.config(sandboxes[profile.connector].url), catalog=cleans[profile.connector].catalog, timeout=300)

    with ThreadPoolExecutor(max_workers=len(profiles)) as pool:
        runs = dict(zip([p.connector for p in profiles], pool.map(sync, profiles)))
    for profile in profiles:
        assert_survived(profile, STALL, cleans[profile.connector], sandboxes[profile.connector], runs[profile.connector])


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_retry_logs_name_the_request(profile, clean_runs, fresh_sandbox, launcher):
    """A retry's log line says which request it repeats, so a user can tell a slow stream from a broken one."""
    clean = clean_runs(profile)
    sandbox = profile.sandbox(fresh_sandbox)
    sandbox.set_faults(html_502_rate=1.0, max_faults=1)

    run = launcher.run(profile.connector, "read", config=profile.config(sandbox.url), catalog=clean.catalog, timeout=240)

    (faulted,) = [entry for entry in sandbox.log.entries() if entry.fault]
    retry_lines = [line for line in log_lines(run) if re.search(r"(?i)retr|backing off|waiting", line)]
    assert any(faulted.path in line for line in retry_lines), f"no retry line names {faulted.path}: {retry_lines[:5]}"
