"""The main job's dates: each run stands for one day, the same in both sandboxes; the school's newest
data, LinkedIn Learning's and the day the next run replays are consecutive days, with no gap; and no
run stands for a day whose data would reach past the wall clock.

The calendar is checked with fixed wall clocks; two real runs of the job (tiny dataset) check the
dates it prints against the sandboxes' data.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from demo.clock import JobClock, job_clock
from demo.job import sandbox_on, simulate_days_since_first_run
from sandbox.learnworlds import LearnWorldsDataset

REPOSITORY = Path(__file__).resolve().parents[1]
UTC = timezone.utc
DEC_1 = date(2026, 12, 1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize("wall_clock, first_day", [
    (at(2, 10, 30), date(2026, 12, 1)),  # LinkedIn's data for 12-02 is complete at 08:00: run 2 can stand for it
    (at(2, 7, 59), date(2026, 11, 30)),  # not yet: run 2 will stand for 12-01
    (at(2, 8, 0), date(2026, 12, 1)),
])
def test_run_1_stands_for_the_day_before_the_newest_complete_one(wall_clock, first_day):
    clock = JobClock.for_first_run(wall_clock)
    assert clock.first_day == first_day
    assert clock.day_of_run(1, wall_clock) == first_day
    assert clock.day_of_run(2, wall_clock) == first_day + timedelta(days=1)


def test_each_run_stands_for_the_next_day_but_never_one_not_complete_yet():
    clock = JobClock(DEC_1)
    assert clock.day_of_run(2, at(2, 8)) == date(2026, 12, 2)
    assert clock.day_of_run(3, at(2, 23)) == date(2026, 12, 2)  # 12-03 is complete from 12-03 08:00
    assert clock.day_of_run(3, at(3, 8)) == date(2026, 12, 3)
    assert clock.day_of_run(4, at(20, 0)) == date(2026, 12, 4)  # days later: still the next day, no gap
    assert [clock.school_days(clock.day_of_run(run, at(20, 0))) for run in (1, 2, 3)] == [0, 1, 2]


def test_both_sandboxes_data_end_at_the_start_of_the_day_the_run_stands_for():
    clock, day = JobClock(DEC_1), date(2026, 12, 3)
    with sandbox_on(clock, day, "tiny") as sandbox:
        school = sandbox.app("learnworlds").dataset
        linkedin = sandbox.app("linkedin_learning").dataset
        assert school.now == 1796083200  # 2026-12-01T00:00:00Z
        assert linkedin.latest_data_at == 1796256000_000  # 2026-12-03T00:00:00Z
        assert linkedin.anchor_day_ms == 1796256000_000  # LinkedIn's "today" is the day too
        simulate_days_since_first_run(sandbox, clock, day)
        newest = max(log["created"] for log in school.event_logs)
        assert datetime.fromtimestamp(newest, UTC).date() == date(2026, 12, 2)  # the last replayed day


def test_the_clock_is_fixed_by_run_1_and_kept_in_the_database(tmp_path):
    database = tmp_path / "learning.duckdb"
    assert job_clock(database, 1, at(2, 10)) == JobClock(DEC_1)
    assert job_clock(database, 2, at(9, 10)) == JobClock(DEC_1)  # a later run keeps run 1's first day
    with duckdb.connect(str(database)) as connection:
        connection.execute("DROP TABLE main_job.clock")
    with pytest.raises(SystemExit, match=r"kept no clock \(main_job.clock\): start over with --fresh"):
        job_clock(database, 2, at(9, 10))


# -- two real runs --------------------------------------------------------------------------------------
AS_OF = re.compile(r"^(?P<question>.+?) \(as of the newest data: (?P<day>\d{4}-\d{2}-\d{2}) \d{2}:\d{2} UTC\)$", re.M)
STANDS_FOR = re.compile(r"^  Run (?P<run>\d+) stands for (?P<day>\d{4}-\d{2}-\d{2}):", re.M)
NEXT_RUN = re.compile(r"^The next run stands for (?P<day>\d{4}-\d{2}-\d{2})(?: from \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC on)?: it replays (?P<replays>\d{4}-\d{2}-\d{2}) in both APIs\.$", re.M)


def run_job(database: Path) -> dict[str, date]:
    finished = subprocess.run([sys.executable, "-m", "demo", "--scale", "tiny", "--database", str(database)], cwd=REPOSITORY,
                              env=os.environ, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    output = finished.stdout
    as_of = {match["question"].split(":")[0]: date.fromisoformat(match["day"]) for match in AS_OF.finditer(output)}
    stands_for, next_run = STANDS_FOR.search(output), NEXT_RUN.search(output)
    assert stands_for and next_run and set(as_of) == {"LinkedIn Learning", "LearnWorlds"}, output[-3000:]
    return {"run_day": date.fromisoformat(stands_for["day"]), "linkedin": as_of["LinkedIn Learning"],
            "school": as_of["LearnWorlds"], "next_run_day": date.fromisoformat(next_run["day"]),
            "next_replayed": date.fromisoformat(next_run["replays"])}


def newest_complete_day(wall_clock: datetime) -> date:
    return (wall_clock - timedelta(hours=8)).date()  # LinkedIn's data arrives 8 hours late


def test_two_runs_print_consecutive_dates_for_both_connectors_and_the_next_day(tmp_path):
    database = tmp_path / "learning.duckdb"
    before = datetime.now(UTC)
    first = run_job(database)
    assert first["run_day"] in {newest_complete_day(before) - timedelta(days=1), newest_complete_day(datetime.now(UTC)) - timedelta(days=1)}
    day = first["run_day"]
    one = timedelta(days=1)
    assert first["linkedin"] == day  # LinkedIn's latest_data_at: the day's midnight
    # The school's newest event at the end of its history (days before it in the tiny school).
    history = LearnWorldsDataset("tiny", 7, now=datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    assert first["school"] == datetime.fromtimestamp(history.event_logs[-1]["created"], UTC).date() < day
    assert (first["next_run_day"], first["next_replayed"]) == (day + one, day)

    second = run_job(database)
    assert second["run_day"] == day + one
    assert (second["school"], second["linkedin"]) == (day, day + one)  # the replayed day, then LinkedIn's: no gap
    assert (second["next_run_day"], second["next_replayed"]) == (day + 2 * one, day + one)
    assert second["school"] + one == second["linkedin"] == second["next_replayed"]
