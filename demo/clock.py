"""The main job's calendar: which day each run stands for, the same day in both sandboxes.

Run 1 fixes the job's first day and the database keeps it (`main_job.clock`). Run n stands for the
first day + (n - 1) days: both sandboxes' data end at the start of that day. The school's history
ends on the first day and each later run replays the school's days since then; LinkedIn's clock
is set so that its `latest_data_at` is that midnight. A run never stands for a day whose data would
reach past the wall clock (the connectors' cursors stop at now): run 1's first day is the day before
the newest day LinkedIn's data can end on, so run 2 right after it has a day of its own, and a run
that comes before its day is complete stands for the newest complete day again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Optional

import duckdb

# LinkedIn's data ends this long before its clock (the LinkedIn sandbox's `data_delay_hours`, passed
# to it explicitly so the two stay the same).
LINKEDIN_DATA_DELAY = timedelta(hours=8)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def newest_complete_day(wall_clock: datetime) -> date:
    """The newest day both sandboxes' data can end on: LinkedIn's clock, the delay after its start, has passed."""
    return (wall_clock - LINKEDIN_DATA_DELAY).date()


@dataclass(frozen=True)
class JobClock:
    first_day: date  # run 1's day: the school's history ends at its start

    @classmethod
    def for_first_run(cls, wall_clock: datetime) -> "JobClock":
        return cls(newest_complete_day(wall_clock) - timedelta(days=1))

    def day_of_run(self, run_number: int, wall_clock: datetime) -> date:
        """The day run `run_number` stands for: the next one per run, but never one not complete yet."""
        wanted = self.first_day + timedelta(days=run_number - 1)
        return max(self.first_day, min(wanted, newest_complete_day(wall_clock)))

    def school_days(self, day: date) -> int:
        """How many of the school's days (`simulate_day` 1, 2, ...) lie before `day`."""
        return (day - self.first_day).days

    @property
    def school_now(self) -> float:
        """The school sandbox's `now`: the end of its generated history, in unix seconds."""
        return midnight(self.first_day).timestamp()

    @staticmethod
    def linkedin_now_ms(day: date) -> int:
        """The LinkedIn sandbox's clock for `day`: its `latest_data_at` is the day's midnight."""
        return int((midnight(day) + LINKEDIN_DATA_DELAY).timestamp() * 1000)


def stored_clock(database: Path) -> Optional[JobClock]:
    if not database.exists():
        return None
    with duckdb.connect(str(database), read_only=True) as connection:
        found = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main_job' AND table_name = 'clock'"
        ).fetchone()[0]
        row = connection.execute("SELECT first_day FROM main_job.clock").fetchone() if found else None
    return JobClock(row[0]) if row else None


def store_clock(database: Path, clock: JobClock) -> None:
    with duckdb.connect(str(database)) as connection:
        connection.execute("CREATE SCHEMA IF NOT EXISTS main_job")
        connection.execute("CREATE TABLE IF NOT EXISTS main_job.clock (first_day DATE)")
        connection.execute("DELETE FROM main_job.clock")
        connection.execute("INSERT INTO main_job.clock VALUES (?)", (clock.first_day,))


def job_clock(database: Path, run_number: int, wall_clock: datetime) -> JobClock:
    """The clock run 1 fixed; run 1 fixes it now and stores it before anything is loaded."""
    clock = stored_clock(database)
    if clock is not None:
        return clock
    if run_number > 1:
        raise SystemExit(f"{database} holds runs of an earlier main job that kept no clock (main_job.clock): "
                         "start over with --fresh.")
    clock = JobClock.for_first_run(wall_clock)
    store_clock(database, clock)
    return clock
