"""The main job: the sandbox with a realistic dataset -> both connectors -> one DuckDB database.

Every run is recorded in the database (`main_job.loads`), so a later run can show how much less
it had to read than the first. Between runs the sandbox simulates a day of activity (new payments
and logins in the school, updated courses in the LinkedIn catalog), so the incremental streams
have something new to pick up.
"""
from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from demo.loading import LEARNWORLDS, LINKEDIN_LEARNING, Connector, Load, load
from demo.progress import heartbeat, requests_answered
from demo.questions import QUESTIONS, answer
from demo.report import print_answer, print_loads
from sandbox import Sandbox, make_sandbox, sandbox_config
from sandbox.learnworlds.dataset import DATASET_NOW as SCHOOL_NOW

# Streams loaded by the job. LearnWorlds allows 30 requests per 10 seconds, so of its fan-out streams
# (one request per user or course) the job loads the learning records: learner progress and
# enrollments (after the first run, only the learners who changed), grades and certificates.
STREAMS: dict[Connector, tuple[str, ...]] = {
    LINKEDIN_LEARNING: ("learning_assets", "learning_classifications", "learning_activity_reports"),
    LEARNWORLDS: (
        "courses", "users", "payments", "event_logs", "bundles", "subscription_plans",
        "user_subscriptions", "leads", "promotions", "affiliates", "user_roles",
        "user_progress", "user_enrollments", "course_grades", "certificates",
    ),
}

# The sandbox school's history starts in June 2023; the job loads all of it. Its clock stands at
# 2025-12-01 whatever today is, so the full pass of the learners is left to the first run: with the
# default of 7 days every run would count as a new week and re-read every learner.
CONFIG_OVERRIDES: dict[Connector, dict[str, Any]] = {
    LEARNWORLDS: {"start_date": "2023-01-01T00:00:00Z", "learner_full_pass_days": 3650},
}

DAY_SECONDS = 86_400
NEW_PAYMENTS_PER_DAY = 8
NEW_LOGINS_PER_DAY = 40
UPDATED_COURSES_PER_DAY = 25


@dataclass
class Run:
    number: int
    started_at: datetime
    loads: list[Load]
    seconds: float


def simulate_days_since_first_run(sandbox: Sandbox, run_number: int) -> list[str]:
    """Each run after the first is a day later: replay every day's activity since run 1.

    Run 2 is the school's first day after its history (2025-12-01), run 3 the next, with no gap.
    The sandbox starts from the same seed every run, so days already synced are replayed too;
    their records carry the same timestamps, which the connectors' cursors have already passed.
    """
    if run_number == 1:
        return []
    school = sandbox.app("learnworlds").dataset
    for day in range(1, run_number):
        moment = SCHOOL_NOW + (day - 1) * DAY_SECONDS
        school.add_payments(NEW_PAYMENTS_PER_DAY, at=moment + 600)
        school.add_event_logs(NEW_LOGINS_PER_DAY, at=moment + 3600, activity="login")
        learners = school.simulate_day(day)
    catalog = sandbox.app("linkedin_learning").dataset
    catalog.touch_assets(count=UPDATED_COURSES_PER_DAY)
    return [
        f"LearnWorlds: {NEW_PAYMENTS_PER_DAY} new payments and {NEW_LOGINS_PER_DAY} logins; {len(learners.changed)} learners"
        f" made progress, enrolled, bought or finished a course ({len(learners.changed_without_event)} of them by"
        " an admin's edit, which logs no event)",
        f"LinkedIn Learning: {UPDATED_COURSES_PER_DAY} courses updated in the catalog",
    ]


def previous_runs(database: Path) -> int:
    if not database.exists():
        return 0
    with duckdb.connect(str(database), read_only=True) as connection:
        exists = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main_job' AND table_name = 'loads'"
        ).fetchone()[0]
        return connection.execute("SELECT coalesce(max(run), 0) FROM main_job.loads").fetchone()[0] if exists else 0


def record_run(database: Path, run: Run) -> dict[tuple[str, str], int]:
    """Store this run's figures; return the records each stream read in the first run."""
    with duckdb.connect(str(database)) as connection:
        connection.execute("CREATE SCHEMA IF NOT EXISTS main_job")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS main_job.loads (run INTEGER, started_at TIMESTAMPTZ, connector VARCHAR,"
            " stream VARCHAR, records_read BIGINT, rows BIGINT, connector_seconds DOUBLE)"
        )
        connection.executemany(
            "INSERT INTO main_job.loads VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (run.number, run.started_at, result.connector.name, stream, result.records_read[stream], result.rows[stream], result.seconds)
                for result in run.loads
                for stream in result.records_read
            ],
        )
        first = connection.execute("SELECT connector, stream, records_read FROM main_job.loads WHERE run = 1").fetchall()
    return {(connector, stream): records for connector, stream, records in first}


def run_main_job(database: Path, fresh: bool, scale: str, started: float) -> Run:
    """`started` is the job's `time.monotonic()` start, taken before PyAirbyte's slow import."""
    if fresh:
        for path in (database, database.with_name(database.name + ".wal")):
            path.unlink(missing_ok=True)
    database.parent.mkdir(parents=True, exist_ok=True)
    run = Run(number=previous_runs(database) + 1, started_at=datetime.now(timezone.utc), loads=[], seconds=0.0)
    print(f"Main job, run {run.number}: both connectors -> {database}")

    # PyAirbyte stages files in `scratch`; leaving the block stops the sandbox and removes them.
    with tempfile.TemporaryDirectory(prefix="main-job-") as scratch, make_sandbox(scale=scale) as sandbox:
        print(f"Sandbox ({scale} dataset) serving both APIs at {sandbox.url}")
        for change in simulate_days_since_first_run(sandbox, run.number):
            print(f"  since the previous run: {change}")
        for connector, streams in STREAMS.items():
            print(f"\n{connector.label}: {len(streams)} streams ({', '.join(streams)})", flush=True)
            config = sandbox_config(connector.name, sandbox.url, **CONFIG_OVERRIDES.get(connector, {}))
            with heartbeat(sandbox, connector.name, connector.label):
                result = load(connector, config, streams, database, Path(scratch))
            answered, throttled = requests_answered(sandbox, connector.name)
            print(f"  {connector.label}: {sum(result.records_read.values()):,} records in {result.seconds:.1f}s, "
                  f"{answered} API requests ({throttled} answered 429)")
            run.loads.append(result)

    first_run = record_run(database, run)
    print_loads(run.number, run.loads, first_run, database)
    with duckdb.connect(str(database), read_only=True) as connection:
        for question in QUESTIONS:
            print_answer(question, answer(connection, question))
    run.seconds = time.monotonic() - started
    print(f"\nDone in {run.seconds:.0f}s. Query the data: {sys.executable} -c \"import duckdb; "
          f"duckdb.connect('{database}').sql('SHOW ALL TABLES').show()\"")
    if run.number == 1:
        print("Run the job again to see an incremental sync; --fresh starts over.")
    return run
