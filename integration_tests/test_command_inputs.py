"""What a connector command is given: the configured catalog the `catalog` command writes, argument
files it cannot use (one protocol error naming the file, no traceback), and a saved cursor in the future."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from integration_tests.connector_runner import connector_executable, run_connector
from sandbox import sandbox_config

CONNECTORS = ("linkedin_learning", "learnworlds")


def write_catalog(connector: str, config: dict[str, Any], folder: Path, *extra: str) -> subprocess.CompletedProcess:
    config_file = folder / "config.json"
    config_file.write_text(json.dumps(config))
    return subprocess.run([connector_executable(connector), "catalog", "--config", str(config_file), *extra],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("connector", CONNECTORS)
def test_catalog_command_configures_every_discovered_stream_in_its_preferred_mode(connector, sandbox, tmp_path):
    config = sandbox_config(connector, sandbox.url)
    written = write_catalog(connector, config, tmp_path)
    assert written.returncode == 0, written.stderr[-2000:]
    catalog = json.loads(written.stdout)
    discovered = run_connector(connector, "discover", config=config).catalog
    assert [entry["stream"]["name"] for entry in catalog["streams"]] == [stream["name"] for stream in discovered["streams"]]
    for entry, stream in zip(catalog["streams"], discovered["streams"]):
        if "incremental" in stream["supported_sync_modes"]:
            assert (entry["sync_mode"], entry["destination_sync_mode"], entry["cursor_field"]) == ("incremental", "append_dedup", stream["default_cursor_field"])
        else:
            assert (entry["sync_mode"], entry["destination_sync_mode"]) == ("full_refresh", "overwrite")
        assert entry.get("primary_key") == stream.get("source_defined_primary_key")


def test_catalog_command_with_chosen_streams_feeds_read(sandbox, tmp_path):
    config = sandbox_config("learnworlds", sandbox.url)
    written = write_catalog("learnworlds", config, tmp_path, "--streams", "user_roles,courses")
    assert written.returncode == 0, written.stderr[-2000:]
    catalog = json.loads(written.stdout)
    assert [entry["stream"]["name"] for entry in catalog["streams"]] == ["user_roles", "courses"]
    run = run_connector("learnworlds", "read", config=config, catalog=catalog)
    assert run.exit_code == 0 and not run.errors, run.output[-2000:]
    dataset = sandbox.app("learnworlds").dataset
    assert sorted(record["id"] for record in run.records_of("courses")) == sorted(course["id"] for course in dataset.courses)


def test_catalog_command_names_an_unknown_stream(sandbox, tmp_path):
    written = write_catalog("learnworlds", sandbox_config("learnworlds", sandbox.url), tmp_path, "--streams", "courses,coursez")
    assert written.returncode != 0 and "Traceback" not in written.stderr
    assert "'coursez'" in written.stderr and "courses" in written.stderr


DISCOVER_OUTPUT = '{"type": "LOG", "log": {"level": "INFO", "message": "x"}}\n{"type": "CATALOG", "catalog": {"streams": []}}\n'
BAD_FILES = [
    # (case, option, file content or None for a missing file, what the message says)
    ("config missing", "--config", None, "does not exist"),
    ("config not JSON", "--config", "{client_id: x", "is not valid JSON"),
    ("config a list", "--config", "[]", "holds a list"),
    ("catalog missing", "--catalog", None, "does not exist"),
    ("catalog is discover output", "--catalog", DISCOVER_OUTPUT, "protocol messages `discover` prints"),
    ("catalog a list", "--catalog", "[]", "holds a list"),
    ("catalog entry incomplete", "--catalog", '{"streams": [{"stream": {"name": "courses"}}]}', "not a configured catalog"),
    ("state missing", "--state", None, "does not exist"),
    ("state an object", "--state", '{"payments": {"created": "2024-01-01T00:00:00Z"}}', "holds an object"),
    ("state GLOBAL", "--state", '[{"type": "GLOBAL", "global": {"stream_states": []}}]', "GLOBAL"),
    ("state malformed", "--state", '[{"type": "STREAM", "stream": {"stream_state": {}}}]', "stream_descriptor"),
    ("state not JSON", "--state", "[{", "is not valid JSON"),
]


@pytest.mark.parametrize(("case", "option", "content", "expected"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_an_unusable_argument_file_gives_one_protocol_error_naming_it(case, option, content, expected, sandbox, tmp_path):
    files = {
        "--config": json.dumps(sandbox_config("learnworlds", sandbox.url)),
        "--catalog": json.dumps({"streams": []}),
        "--state": "[]",
    }
    bad_file = tmp_path / f"bad-{option[2:]}.json"
    if content is not None:
        bad_file.write_text(content)
    commands = ["check", "read"] if option == "--config" else ["read"]
    for command in commands:
        args = [connector_executable("learnworlds"), command]
        for flag in (["--config"] if command == "check" else ["--config", "--catalog", "--state"]):
            path = bad_file if flag == option else tmp_path / f"{flag[2:]}.json"
            if flag != option:
                path.write_text(files[flag])
            args += [flag, str(path)]
        finished = subprocess.run(args, capture_output=True, text=True, timeout=300)
        assert "Traceback" not in finished.stdout + finished.stderr, finished.stderr[-2000:]
        lines = [json.loads(line) for line in finished.stdout.splitlines() if line.strip()]
        assert len(lines) == 1, finished.stdout
        if command == "check":
            assert finished.returncode == 0
            status = lines[0]["connectionStatus"]
            assert status["status"] == "FAILED"
            message = status["message"]
        else:
            assert finished.returncode == 1
            assert lines[0]["trace"]["error"]["failure_type"] == "config_error"
            message = lines[0]["trace"]["error"]["message"]
        assert f"{option} file {bad_file}" in message and expected in message, message


def test_a_cursor_in_the_future_is_ignored_with_a_warning_naming_the_stream(sandbox):
    config = sandbox_config("learnworlds", sandbox.url, start_date="2015-01-01T00:00:00Z")
    discovered = run_connector("learnworlds", "discover", config=config).catalog
    stream = next(stream for stream in discovered["streams"] if stream["name"] == "payments")
    catalog = {"streams": [{"stream": stream, "sync_mode": "incremental", "destination_sync_mode": "append", "cursor_field": ["created"]}]}
    state = [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "payments"}, "stream_state": {"created": "2999-01-01T00:00:00.000000Z"}}}]
    run = run_connector("learnworlds", "read", config=config, catalog=catalog, state=state)
    assert run.exit_code == 0 and not run.errors, run.output[-2000:]
    payments = sandbox.app("learnworlds").dataset.payments
    assert payments
    assert sorted(record["id"] for record in run.records_of("payments")) == sorted(payment["id"] for payment in payments)
    warnings = [log["message"] for log in run.logs if log["level"] == "WARN" and "in the future" in log["message"]]
    assert len(warnings) == 1 and "'payments'" in warnings[0] and "2999-01-01" in warnings[0], warnings


def test_a_read_does_not_log_the_cdk_memory_monitor_settings(sandbox):
    config = sandbox_config("learnworlds", sandbox.url)
    run = run_connector("learnworlds", "read", config=config, catalog={"streams": []})
    assert run.exit_code == 0, run.output[-2000:]
    assert run.logs, "the read logged nothing at all"
    assert not [log for log in run.logs if "MemoryMonitor" in log["message"]]
