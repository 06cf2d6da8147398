"""Ctrl-C during the main job (`python3 tasks.py demo`): one line, exit code 130, the clean-up done
(no staging files, no `.wal`), and the run recorded as interrupted, never as the baseline."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
SECONDS_AFTER_SECOND_CONNECTOR_STARTS = 3


@pytest.mark.reliability
def test_ctrl_c_during_the_main_job_cleans_up_and_records_the_run_as_interrupted(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    database = tmp_path / "output" / "learning.duckdb"
    job = subprocess.Popen(
        [sys.executable, "tasks.py", "demo", "--scale", "tiny", "--database", str(database)],
        cwd=ROOT, env=dict(os.environ, TMPDIR=str(temporary)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    output = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        line = job.stdout.readline()
        output.append(line)
        if not line or line.startswith("LearnWorlds:"):
            break
    assert output[-1].startswith("LearnWorlds:"), "".join(output)
    time.sleep(SECONDS_AFTER_SECOND_CONNECTOR_STARTS)
    os.killpg(job.pid, signal.SIGINT)  # what Ctrl-C does: every process of the foreground group
    stdout, stderr = job.communicate(timeout=120)
    everything = "".join(output) + stdout + stderr

    assert job.returncode == 130, everything[-3000:]
    assert "Traceback" not in everything, everything[-3000:]
    assert [line for line in everything.splitlines() if "Interrupted" in line] == [
        "Interrupted: sandbox stopped, staging files removed; the run is recorded as interrupted, "
        "and streams loaded so far keep their state in the database."
    ]
    assert list(temporary.iterdir()) == [], "staging files were left in the temp folder"
    assert sorted(path.name for path in database.parent.iterdir()) == ["learning.duckdb", "logs"], "a .wal or staging file stayed"

    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT run FROM main_job.interrupted_runs").fetchall() == [(1,)]
        loads = connection.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main_job' AND table_name = 'loads'").fetchone()[0]
        assert loads == 0, "the interrupted run's figures must not be stored as a completed run"
        # What LinkedIn Learning loaded before Ctrl-C stays, with its state.
        assert connection.execute("SELECT count(*) FROM linkedin_learning.learning_assets").fetchone()[0] > 0

    # The next run takes the next number, and it (not the interrupted run) becomes the baseline.
    from demo.job import Run, previous_runs, record_run
    from demo.loading import LEARNWORLDS, Load

    assert previous_runs(database) == 1
    completed = Run(number=2, started_at=datetime.now(timezone.utc), seconds=1.0,
                    loads=[Load(LEARNWORLDS, records_read={"payments": 5}, rows={"payments": 5}, seconds=1.0)])
    assert record_run(database, completed) == (2, {("learnworlds", "payments"): 5})
