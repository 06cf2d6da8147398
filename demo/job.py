"""The main job: the sandbox with a realistic dataset -> both connectors -> one DuckDB database.

Every run is recorded in the database (`main_job.loads`), so a later run can show how much less
it had to read than the first. Between runs the sandbox simulates a day of activity (new payments
and logins in the school, updated courses in the LinkedIn catalog), so the incremental streams
have something new to pick up.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import duckdb

from demo.clock import LINKEDIN_DATA_DELAY, JobClock, job_clock, midnight
from demo.loading import LEARNWORLDS, LINKEDIN_LEARNING, Connector, Load, load
from demo.progress import heartbeat, requests_answered, tidy_pyairbyte_output
from demo.questions import QUESTIONS, answer
from demo.report import print_answer, print_loads
from sandbox import Sandbox, make_sandbox, sandbox_config

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

# The school's history starts two and a half years before the job's first day; the job loads all of it.
# The learners' full pass is left to run 1: the connector starts one in each 7-day period of the wall
# clock (from Thursday 00:00 UTC), so with the default a run 2 after a Thursday midnight would read every
# learner again instead of showing a change pass.
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


def sandbox_on(clock: JobClock, day: date, scale: str) -> Sandbox:
    """Both sandboxes with their data ending at the start of `day`: the school's history ends on the
    job's first day (its days since then are replayed), LinkedIn's clock puts `latest_data_at` there."""
    return make_sandbox(scale=scale, learnworlds={"now": clock.school_now}, linkedin_learning={
        "now_ms": clock.linkedin_now_ms(day), "data_delay_hours": LINKEDIN_DATA_DELAY / timedelta(hours=1)})


def simulate_days_since_first_run(sandbox: Sandbox, clock: JobClock, day: date) -> list[str]:
    """Replay every day from the job's first day to `day`: the school's activity of each, and the
    LinkedIn catalog's updates on the last. The sandbox starts from the same seed every run, so days
    already synced are replayed too; their records carry the same timestamps, which the connectors'
    cursors have already passed."""
    days = clock.school_days(day)
    if days == 0:
        return []
    school = sandbox.app("learnworlds").dataset
    for school_day in range(1, days + 1):
        moment = clock.school_now + (school_day - 1) * DAY_SECONDS
        school.add_payments(NEW_PAYMENTS_PER_DAY, at=moment + 600)
        school.add_event_logs(NEW_LOGINS_PER_DAY, at=moment + 3600, activity="login")
        learners = school.simulate_day(school_day)
    catalog = sandbox.app("linkedin_learning").dataset
    catalog.touch_assets(count=UPDATED_COURSES_PER_DAY, at_ms=int((midnight(day) - timedelta(hours=12)).timestamp() * 1000))
    return [
        f"LearnWorlds: {NEW_PAYMENTS_PER_DAY} new payments and {NEW_LOGINS_PER_DAY} logins; {len(learners.changed)} learners"
        f" made progress, enrolled, bought or finished a course ({len(learners.changed_without_event)} of them by"
        " an admin's edit, which logs no event)",
        f"LinkedIn Learning: {UPDATED_COURSES_PER_DAY} courses updated in the catalog",
    ]


def clock_lines(clock: JobClock, run_number: int, day: date) -> list[str]:
    """What the run stands for, in the dates both connectors' data will show."""
    lines = [f"Run {run_number} stands for {day}: both APIs' data end at {day} 00:00 UTC (LinkedIn Learning's latest_data_at;"
             f" the school's history ends on {clock.first_day}, then {clock.school_days(day)} replayed day(s))"]
    wanted = clock.first_day + timedelta(days=run_number - 1)
    if day < wanted:
        lines.append(f"(not {wanted}: its data is complete only from {midnight(wanted) + LINKEDIN_DATA_DELAY:%Y-%m-%d %H:%M}"
                     f" UTC, as LinkedIn's arrives {LINKEDIN_DATA_DELAY / timedelta(hours=1):g} hours late)")
    return lines


def next_run_line(clock: JobClock, day: date) -> str:
    """When the next run has a new day to replay."""
    ready = midnight(day) + timedelta(days=1) + LINKEDIN_DATA_DELAY
    when = "" if datetime.now(timezone.utc) >= ready else f" from {ready:%Y-%m-%d %H:%M} UTC on"
    return f"The next run stands for {day + timedelta(days=1)}{when}: it replays {day} in both APIs."


def previous_runs(database: Path) -> int:
    """The number of the last run, completed (`main_job.loads`) or interrupted (`main_job.interrupted_runs`)."""
    if not database.exists():
        return 0
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = [name for (name,) in connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main_job' AND table_name IN ('loads', 'interrupted_runs')"
        ).fetchall()]
        return max([connection.execute(f"SELECT coalesce(max(run), 0) FROM main_job.{name}").fetchone()[0] for name in tables], default=0)


def record_interrupted_run(database: Path, run: Run) -> None:
    """Mark the run as interrupted: it keeps its number, and never counts as the baseline of later runs."""
    with duckdb.connect(str(database)) as connection:
        connection.execute("CREATE SCHEMA IF NOT EXISTS main_job")
        connection.execute("CREATE TABLE IF NOT EXISTS main_job.interrupted_runs (run INTEGER, started_at TIMESTAMPTZ)")
        connection.execute("INSERT INTO main_job.interrupted_runs VALUES (?, ?)", (run.number, run.started_at))


def record_run(database: Path, run: Run) -> tuple[int, dict[tuple[str, str], int]]:
    """Store this run's figures; return the first completed run's number and the records each stream read in it."""
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
        baseline = connection.execute("SELECT min(run) FROM main_job.loads").fetchone()[0]
        first = connection.execute("SELECT connector, stream, records_read FROM main_job.loads WHERE run = ?", (baseline,)).fetchall()
    return baseline, {(connector, stream): records for connector, stream, records in first}


@contextmanager
def temporary_files_in(folder: Path) -> Iterator[None]:
    """Send every temporary file of the job and of the connectors it starts into `folder`: a connector
    stopped mid-run (PyAirbyte ends it with SIGTERM) cannot clean up its own."""
    folder.mkdir(exist_ok=True)
    saved = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # read TMPDIR again
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved
        tempfile.tempdir = None


def run_main_job(database: Path, fresh: bool, scale: str, started: float) -> Run:
    """`started` is the job's `time.monotonic()` start, taken before PyAirbyte's slow import."""
    if fresh:
        for path in (database, database.with_name(database.name + ".wal")):
            path.unlink(missing_ok=True)
    database.parent.mkdir(parents=True, exist_ok=True)
    run = Run(number=previous_runs(database) + 1, started_at=datetime.now(timezone.utc), loads=[], seconds=0.0)
    print(f"Main job, run {run.number}: both connectors -> {database}")
    clock = job_clock(database, run.number, run.started_at)
    day = clock.day_of_run(run.number, run.started_at)

    # PyAirbyte and the connectors stage files in `scratch`; leaving the block, even on Ctrl-C,
    # stops the sandbox and removes them.
    try:
        with tempfile.TemporaryDirectory(prefix="main-job-") as scratch, temporary_files_in(Path(scratch) / "tmp"), \
                sandbox_on(clock, day, scale) as sandbox:
            print(f"Sandbox ({scale} dataset) serving both APIs at {sandbox.url}")
            print("\n".join(f"  {line}" for line in clock_lines(clock, run.number, day)))
            for change in simulate_days_since_first_run(sandbox, clock, day):
                print(f"  {day - timedelta(days=1)} replayed: {change}")
            for connector, streams in STREAMS.items():
                print(f"\n{connector.label}: {len(streams)} streams ({', '.join(streams)})", flush=True)
                config = sandbox_config(connector.name, sandbox.url, **CONFIG_OVERRIDES.get(connector, {}))
                with heartbeat(sandbox, connector.name, connector.label), tidy_pyairbyte_output():
                    result = load(connector, config, streams, database, Path(scratch))
                answered, throttled = requests_answered(sandbox, connector.name)
                print(f"  {connector.label}: {sum(result.records_read.values()):,} records in {result.seconds:.1f}s, "
                      f"{answered} API requests ({throttled} answered 429)")
                run.loads.append(result)
    except KeyboardInterrupt:
        record_interrupted_run(database, run)
        raise

    baseline, first_run = record_run(database, run)
    print_loads(run.number, run.loads, baseline, first_run, database)
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute("SET TimeZone = 'UTC'")  # days and hours of the answers in UTC, on any machine
        for question in QUESTIONS:
            print_answer(question, answer(connection, question))
    run.seconds = time.monotonic() - started
    # The connection is kept in a variable: a connection collected before `.show()` is closed.
    print(f"\nDone in {run.seconds:.0f}s. Query the data: {sys.executable} -c \"import duckdb; "
          f"connection = duckdb.connect('{database}'); connection.sql('SHOW ALL TABLES').show()\"")
    print(next_run_line(clock, day))
    if run.number == 1:
        print("Run the job again to see an incremental sync; --fresh starts over.")
    return run
