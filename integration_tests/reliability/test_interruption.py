"""Interruption: the connector process is killed (SIGKILL) at a random point of an incremental sync
and run again with the last state it emitted. Both runs together hold every record of a clean
run, and a record comes twice only if it lies after the last checkpoint minus the lookback."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Mapping, Optional

import pytest

from integration_tests.connector_runner import ConnectorRun, configured_catalog, connector_executable, parse_messages
from integration_tests.reliability.harness import FIGURES, KeyedRecords, compare, primary_keys, record_key
from integration_tests.reliability.profiles import PROFILES

KILL_SEED = 20261123  # the kill point is random but repeatable; the failure message quotes it


def lookback(config: Mapping[str, Any], stream: str) -> timedelta:
    """The re-read window each stream documents (LinkedIn activity: the lookback in whole windows)."""
    if stream == "learning_activity_reports":
        window = config.get("activity_report_window_days", 7)
        days = config.get("activity_report_lookback_days", 3)
        return timedelta(days=-(-days // window) * window)
    return timedelta(0)


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def checkpoints(run: ConnectorRun, catalog: Mapping[str, Any]) -> dict[str, Optional[datetime]]:
    """Each stream's last checkpointed cursor before the kill. None when nothing was checkpointed,
    and for per-partition state: a record does not say which partition it came from, so any of it
    may come again (such streams are checked for loss only)."""
    cursor_fields = {entry["stream"]["name"]: entry["cursor_field"][0] for entry in catalog["streams"]}
    result: dict[str, Optional[datetime]] = {}
    for stream, field in cursor_fields.items():
        value = (run.stream_state(stream) or {}).get(field)
        result[stream] = parse_time(value) if value else None
    return result


def killed_run(connector: str, config: Mapping[str, Any], catalog: Mapping[str, Any], kill_after: int) -> ConnectorRun:
    """The installed console script, killed with SIGKILL after `kill_after` RECORD/STATE messages."""
    with tempfile.TemporaryDirectory() as folder:
        paths = {name: Path(folder) / f"{name}.json" for name in ("config", "catalog")}
        paths["config"].write_text(json.dumps(config))
        paths["catalog"].write_text(json.dumps(catalog))
        process = subprocess.Popen(
            [connector_executable(connector), "read", "--config", str(paths["config"]), "--catalog", str(paths["catalog"])],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        lines, seen = [], 0
        for line in process.stdout:
            lines.append(line)
            if line.startswith('{"type":"RECORD"') or line.startswith('{"type":"STATE"'):
                seen += 1
                if seen >= kill_after:
                    os.kill(process.pid, signal.SIGKILL)
                    break
        process.stdout.close()
        exit_code = process.wait(timeout=60)
    stdout = "".join(lines)
    return ConnectorRun(f"{connector} read (killed)", exit_code, stdout, "", parse_messages(stdout))


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_killed_sync_resumes_from_its_last_state_without_loss(profile, fresh_sandbox, launcher, discovered):
    sandbox = profile.sandbox(fresh_sandbox)
    config = profile.config(sandbox.url)
    catalog = configured_catalog(discovered(profile.connector), streams=profile.incremental_streams)
    clean_run = launcher.run(profile.connector, "read", config=config, catalog=catalog)
    assert clean_run.exit_code == 0 and not clean_run.errors, clean_run.output[-3000:]
    clean = KeyedRecords.of([clean_run], catalog)
    messages = len(clean_run.records) + len(clean_run.state_messages)
    kill_after = random.Random(KILL_SEED).randint(messages // 4, 3 * messages // 4)

    first = killed_run(profile.connector, config, catalog, kill_after)
    assert first.exit_code == -signal.SIGKILL, f"the sync ended before message {kill_after} of {messages}"
    second = launcher.run(profile.connector, "read", config=config, catalog=catalog, state=first.final_state())
    assert second.exit_code == 0 and not second.errors, second.output[-3000:]

    together = KeyedRecords.of([first, second], catalog)
    difference = compare(together, clean)
    FIGURES.add_sync(sandbox, compared=len(clean.records), lost=len(difference.missing))
    assert not difference.missing and not difference.changed, f"killed after {kill_after} of {messages} messages: {difference.describe()}"

    saved = checkpoints(first, catalog)
    keys = primary_keys(catalog)
    cursor_fields = {entry["stream"]["name"]: entry["cursor_field"][0] for entry in catalog["streams"]}
    first_keys = {record_key(r["stream"], r["data"], keys[r["stream"]]) for r in first.records}
    repeated = [r for r in second.records if record_key(r["stream"], r["data"], keys[r["stream"]]) in first_keys]
    too_old = [
        (r["stream"], r["data"][cursor_fields[r["stream"]]])
        for r in repeated
        if saved[r["stream"]] is not None and parse_time(r["data"][cursor_fields[r["stream"]]]) < saved[r["stream"]] - lookback(config, r["stream"])
    ]
    assert not too_old, f"records before the saved state {saved} (minus the lookback) came again: {too_old[:5]}"
    assert not KeyedRecords.of([second], catalog).duplicates, "the resumed run delivered a record twice"
