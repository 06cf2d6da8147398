"""Fixtures of the reliability scenarios: pre-warmed connector processes and the suite's figures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator

import pytest

from integration_tests.connector_runner import configured_catalog
from integration_tests.reliability.harness import FIGURES, KeyedRecords, primary_keys, record_key
from integration_tests.reliability.launcher import Launcher
from integration_tests.reliability.profiles import PROFILES, Profile
from sandbox import Sandbox, make_sandbox


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "integration_tests/reliability/" in item.nodeid:
            item.add_marker(pytest.mark.reliability)


@pytest.fixture(scope="session")
def launcher() -> Iterator[Launcher]:
    running = Launcher()
    yield running
    running.close()


@pytest.fixture(scope="session")
def session_sandbox() -> Iterator[Callable[..., Sandbox]]:
    """Like `fresh_sandbox`, for sandboxes that session-wide fixtures keep (stopped at the end)."""
    started: list[Sandbox] = []

    def factory(**options: Any) -> Sandbox:
        started.append(make_sandbox(**options).start())
        return started[-1]

    yield factory
    for running in started:
        running.stop()


@pytest.fixture(scope="session")
def discovered(launcher) -> Callable[[str], dict[str, Any]]:
    """A connector's discovered catalog (discover sends no request, so any address will do)."""
    catalogs: dict[str, dict[str, Any]] = {}

    def catalog_of(connector: str) -> dict[str, Any]:
        if connector not in catalogs:
            run = launcher.run(connector, "discover", config=PROFILES[connector].config("http://127.0.0.1:9"))
            assert run.catalog, run.output[-2000:]
            catalogs[connector] = run.catalog
        return catalogs[connector]

    return catalog_of


@dataclass
class CleanRun:
    catalog: dict[str, Any]
    records: KeyedRecords
    requests: int
    api_requests: int  # token requests left out


@pytest.fixture(scope="session")
def clean_runs(session_sandbox, launcher, discovered) -> Callable[[Profile], CleanRun]:
    """Per connector, one fault-free sync of its fault streams: what every faulted sync must equal."""
    runs: dict[str, CleanRun] = {}

    def clean_run(profile: Profile) -> CleanRun:
        if profile.connector not in runs:
            sandbox = profile.sandbox(session_sandbox)
            catalog = configured_catalog(discovered(profile.connector), streams=profile.fault_streams, incremental=False)
            run = launcher.run(profile.connector, "read", config=profile.config(sandbox.url), catalog=catalog)
            assert run.exit_code == 0 and not run.errors, run.output[-3000:]
            records = KeyedRecords.of([run], catalog)
            assert set(records.streams()) == set(profile.fault_streams), f"a fault stream delivered nothing: {records.streams()}"
            assert_as_served(records, served_by_the_sandbox(profile.connector, sandbox), primary_keys(catalog))
            entries = sandbox.log.entries()
            api_requests = sum(1 for entry in entries if "token" not in entry.path.lower())
            runs[profile.connector] = CleanRun(catalog, records, len(entries), api_requests)
        return runs[profile.connector]

    return clean_run


def served_by_the_sandbox(connector: str, sandbox: Sandbox) -> dict[str, list[dict[str, Any]] | int]:
    """Per fault stream, the records the sandbox's dataset serves (as the API sends them), or only their
    number where the stream's key holds a value the connector converts (`event_logs`' `created`)."""
    dataset = sandbox.app(connector).dataset
    start_date = PROFILES[connector].config(sandbox.url).get("start_date")
    if connector == "linkedin_learning":
        # The connector's defaults: en_US, courses and learning paths, retired ones included.
        return {
            "learning_classifications": [{**c, "source_locale": "en_US"} for c in dataset.classifications(locale="en_US")],
            "learning_assets": [a for asset_type in ("COURSE", "LEARNING_PATH") for a in dataset.assets(asset_type, "en_US")],
            # learning_activity_reports: its windows are compared with the dataset in test_linkedin_learning_e2e.
        }
    # `start_date` bounds what happened (payments, events: created strictly after it), not what exists.
    after_start = datetime.fromisoformat(start_date).timestamp()
    return {
        **{stream: getattr(dataset, stream) for stream in ("courses", "users", "bundles", "promotions", "user_roles")},
        "payments": [payment for payment in dataset.payments if payment["created"] > after_start],
        "event_logs": sum(1 for event in dataset.event_logs if event["created"] > after_start),
    }


def assert_as_served(records: KeyedRecords, served: dict[str, list[dict[str, Any]] | int], keys: dict[str, list[list[str]]]) -> None:
    """The clean run, the reference of every faulted run, is itself what the API serves: nothing missing, nothing twice."""
    assert not records.duplicates, f"the clean run delivered records twice: {list(records.duplicates)[:5]}"
    for stream, expected in served.items():
        delivered = {key for key in records.records if key[0] == stream}
        if isinstance(expected, int):
            assert len(delivered) == expected, f"{stream}: {len(delivered)} records delivered, the sandbox serves {expected}"
            continue
        wanted = {record_key(stream, record, keys[stream]) for record in expected}
        assert wanted and delivered == wanted, (
            f"{stream}: missing {sorted(wanted - delivered)[:3]}, not served {sorted(delivered - wanted)[:3]}"
        )


def pytest_terminal_summary(terminalreporter) -> None:
    if FIGURES.commands_run or FIGURES.records_compared:
        terminalreporter.section("reliability figures")
        for line in FIGURES.lines():
            terminalreporter.write_line(line)
