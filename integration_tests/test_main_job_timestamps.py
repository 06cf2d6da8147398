"""The main job's DuckDB file holds date-times as TIMESTAMP WITH TIME ZONE with the sandbox's instants,
after the first load and after an incremental one, on a machine whose time zone is not UTC.

Each load runs in its own process with TZ set: DuckDB takes its session time zone from the
machine's when a connection opens.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from demo.loading import LEARNWORLDS

REPOSITORY = Path(__file__).resolve().parents[1]
STREAMS = ("payments", "courses")  # incremental (merged on the second load) and full refresh (replaced)
DATE_TIMES = {"payments": ("created", "paid_at", "refund_at"), "courses": ("created", "modified")}

LOAD_SCRIPT = """
import sys
from pathlib import Path
from demo.loading import LEARNWORLDS, load
from sandbox import sandbox_config
url, database, scratch = sys.argv[1:4]
config = sandbox_config("learnworlds", url, start_date="2020-01-01T00:00:00Z")
load(LEARNWORLDS, config, sys.argv[4:], Path(database), Path(scratch))
"""


def load_in_zone(zone: str, url: str, database: Path, scratch: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT, url, str(database), str(scratch), *STREAMS],
        cwd=REPOSITORY, env={**os.environ, "TZ": zone}, check=True, timeout=300, capture_output=True,
    )


def microseconds(epoch_seconds: float | None) -> int | None:
    return None if epoch_seconds is None else round(epoch_seconds * 1_000_000)


def expected_instants(records: list[dict], columns: tuple[str, ...]) -> dict[str, tuple]:
    return {str(record["id"]): tuple(microseconds(record[column]) for column in columns) for record in records}


def stored_instants(database: Path, table: str, columns: tuple[str, ...]) -> dict[str, tuple]:
    selected = ", ".join(f'epoch_us("{column}")' for column in columns)
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(f'SELECT id, {selected} FROM "{LEARNWORLDS.schema}"."{table}"').fetchall()
    return {str(row[0]): tuple(row[1:]) for row in rows}


def timestamp_types(database: Path) -> set[tuple[str, str, str]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        columns = connection.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = ? AND data_type LIKE 'TIMESTAMP%'", (LEARNWORLDS.schema,)
        ).fetchall()
    return {column for column in columns if column[0] in STREAMS}


def assert_timestamps_hold_the_sandbox_instants(database: Path, school) -> None:
    with_zone = "TIMESTAMP WITH TIME ZONE"
    expected_types = {(table, column, with_zone) for table in STREAMS for column in DATE_TIMES[table] + ("_airbyte_extracted_at",)}
    assert timestamp_types(database) == expected_types
    assert stored_instants(database, "payments", DATE_TIMES["payments"]) == expected_instants(school.payments, DATE_TIMES["payments"])
    assert stored_instants(database, "courses", DATE_TIMES["courses"]) == expected_instants(school.courses, DATE_TIMES["courses"])


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata"])
def test_timestamps_land_with_their_time_zone_on_the_first_and_the_incremental_load(fresh_sandbox, tmp_path, zone):
    sandbox = fresh_sandbox(scale="tiny", apps=["learnworlds"])
    school = sandbox.app("learnworlds").dataset
    database = tmp_path / "learning.duckdb"

    load_in_zone(zone, sandbox.url, database, tmp_path / "scratch")
    assert_timestamps_hold_the_sandbox_instants(database, school)

    added = school.add_payments(3)
    load_in_zone(zone, sandbox.url, database, tmp_path / "scratch")
    assert {str(payment["id"]) for payment in added} <= set(stored_instants(database, "payments", ("created",)))
    assert_timestamps_hold_the_sandbox_instants(database, school)
