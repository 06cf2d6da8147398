"""Runs an installed connector as a real process, the way Airbyte and users run it, and parses its output."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

CONNECTORS = {
    "linkedin_learning": "source-linkedin-learning",
    "learnworlds": "source-learnworlds",
}


def connector_executable(connector: str) -> str:
    """The console script installed beside the running interpreter."""
    return str(Path(sys.executable).parent / CONNECTORS[connector])


@dataclass
class ConnectorRun:
    command: str
    exit_code: int
    stdout: str
    stderr: str
    messages: list[dict[str, Any]] = field(default_factory=list)

    def of_type(self, message_type: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == message_type]

    @property
    def records(self) -> list[dict[str, Any]]:
        return [m["record"] for m in self.of_type("RECORD")]

    def records_of(self, stream: str) -> list[dict[str, Any]]:
        return [r["data"] for r in self.records if r["stream"] == stream]

    @property
    def streams_read(self) -> set[str]:
        return {r["stream"] for r in self.records}

    @property
    def state_messages(self) -> list[dict[str, Any]]:
        return [m["state"] for m in self.of_type("STATE")]

    def final_state(self) -> list[dict[str, Any]]:
        """The last state of every stream, ready to pass back with `--state`."""
        latest: dict[str, dict[str, Any]] = {}
        for state in self.state_messages:
            if state.get("type") == "STREAM":
                latest[state["stream"]["stream_descriptor"]["name"]] = state
        return list(latest.values())

    def stream_state(self, stream: str) -> Optional[dict[str, Any]]:
        for state in self.final_state():
            if state["stream"]["stream_descriptor"]["name"] == stream:
                return state["stream"].get("stream_state")
        return None

    @property
    def logs(self) -> list[dict[str, Any]]:
        return [m["log"] for m in self.of_type("LOG")]

    @property
    def traces(self) -> list[dict[str, Any]]:
        return [m["trace"] for m in self.of_type("TRACE")]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [t["error"] for t in self.traces if t.get("type") == "ERROR"]

    def stream_statuses(self, stream: str) -> list[str]:
        return [
            t["stream_status"]["status"]
            for t in self.traces
            if t.get("type") == "STREAM_STATUS" and t["stream_status"]["stream_descriptor"]["name"] == stream
        ]

    @property
    def connection_status(self) -> Optional[dict[str, Any]]:
        statuses = self.of_type("CONNECTION_STATUS")
        return statuses[-1]["connectionStatus"] if statuses else None

    @property
    def catalog(self) -> Optional[dict[str, Any]]:
        catalogs = self.of_type("CATALOG")
        return catalogs[-1]["catalog"] if catalogs else None

    @property
    def spec(self) -> Optional[dict[str, Any]]:
        specs = self.of_type("SPEC")
        return specs[-1]["spec"] if specs else None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def command_arguments(
    folder: Path, command: str, config: Any = None, catalog: Any = None, state: Any = None, extra_args: Iterable[str] = ()
) -> list[str]:
    """`<command> --config ... [--catalog ...] [--state ...]`, the files written into `folder`."""
    args = [command]
    for flag, content in (("--config", config), ("--catalog", catalog), ("--state", state)):
        if content is not None:
            path = folder / f"{flag[2:]}.json"
            path.write_text(json.dumps(content))
            args += [flag, str(path)]
    return args + list(extra_args)


def run_connector(
    connector: str,
    command: str,
    config: Optional[dict[str, Any]] = None,
    catalog: Optional[dict[str, Any]] = None,
    state: Optional[list[dict[str, Any]]] = None,
    extra_args: Iterable[str] = (),
    timeout: float = 900,
    env: Optional[dict[str, str]] = None,
    executable: Optional[str] = None,
    cwd: Optional[Path] = None,
) -> ConnectorRun:
    """`source-x <command> --config ... [--catalog ...] [--state ...]` in a subprocess
    (by default the console script beside the running interpreter; `executable` names another install)."""
    with tempfile.TemporaryDirectory() as folder:
        args = [executable or connector_executable(connector), *command_arguments(Path(folder), command, config, catalog, state, extra_args)]
        completed = subprocess.run(
            args, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}, cwd=cwd
        )
    return ConnectorRun(" ".join(args[:2]), completed.returncode, completed.stdout, completed.stderr, parse_messages(completed.stdout))


def run_connector_until(
    connector: str,
    command: str,
    stop_when: Callable[[dict[str, Any]], bool],
    config: Optional[dict[str, Any]] = None,
    catalog: Optional[dict[str, Any]] = None,
    state: Optional[list[dict[str, Any]]] = None,
    timeout: float = 1800,
) -> ConnectorRun:
    """Like `run_connector`, but kills the process (SIGKILL, as an orchestrator or the OOM killer would)
    right after the first message for which `stop_when` is true; the run's messages end with that one.
    A run that ends by itself first is returned as it is (its exit code says which happened)."""
    with tempfile.TemporaryDirectory() as folder:
        args = [connector_executable(connector), *command_arguments(Path(folder), command, config, catalog, state)]
        with open(Path(folder) / "stderr.txt", "w+") as stderr:
            process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr, text=True)
            watchdog = threading.Timer(timeout, process.kill)
            watchdog.start()
            lines = []
            try:
                assert process.stdout is not None
                for line in process.stdout:
                    lines.append(line)
                    message = parse_messages(line)
                    if message and stop_when(message[0]):
                        process.send_signal(signal.SIGKILL)
                        break
                process.stdout.close()
                exit_code = process.wait()
            finally:
                watchdog.cancel()
            stderr.seek(0)
            error_output = stderr.read()
    stdout = "".join(lines)
    return ConnectorRun(" ".join(args[:2]), exit_code, stdout, error_output, parse_messages(stdout))


def parse_messages(stdout: str) -> list[dict[str, Any]]:
    """The Airbyte messages among a connector's output lines (anything else is skipped)."""
    messages = []
    for line in stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                messages.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return messages


def configured_catalog(
    discovered: dict[str, Any],
    streams: Optional[Iterable[str]] = None,
    incremental: bool = True,
    fields: Optional[dict[str, list[str]]] = None,
) -> dict[str, Any]:
    """A configured catalog from a discovered one: the named streams (default all), incremental
    where the stream supports it (unless `incremental=False`), optionally with selected top-level fields."""
    wanted = set(streams) if streams is not None else None
    configured = []
    for stream in discovered["streams"]:
        if wanted is not None and stream["name"] not in wanted:
            continue
        stream = json.loads(json.dumps(stream))
        use_incremental = incremental and "incremental" in stream.get("supported_sync_modes", [])
        entry: dict[str, Any] = {
            "stream": stream,
            "sync_mode": "incremental" if use_incremental else "full_refresh",
            "destination_sync_mode": "append_dedup" if use_incremental and stream.get("source_defined_primary_key") else "overwrite",
        }
        if use_incremental and stream.get("default_cursor_field"):
            entry["cursor_field"] = stream["default_cursor_field"]
        if stream.get("source_defined_primary_key"):
            entry["primary_key"] = stream["source_defined_primary_key"]
        if fields and stream["name"] in fields:
            properties = stream["json_schema"].get("properties", {})
            stream["json_schema"]["properties"] = {k: v for k, v in properties.items() if k in fields[stream["name"]]}
        configured.append(entry)
    if wanted is not None:
        missing = wanted - {entry["stream"]["name"] for entry in configured}
        assert not missing, f"streams not in the discovered catalog: {sorted(missing)}"
    return {"streams": configured}
