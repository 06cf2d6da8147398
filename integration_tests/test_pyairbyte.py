"""The PyAirbyte path of the main job: each connector loaded twice into a DuckDB file, the second
load incremental from the state PyAirbyte saved in that file.

Between the loads the sandbox changes (new payments, updated courses); the second load must read
those and little else, and the tables must equal the sandbox's dataset after each load.
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import duckdb
from demo.loading import LEARNWORLDS, LINKEDIN_LEARNING, Connector, Load, load
from demo.questions import COMPLETION_RATE_PER_COURSE, REVENUE_PER_COURSE, answer
from sandbox import sandbox_config

# Before any generated record, so every record is in scope.
START_DATE = "2020-01-01T00:00:00Z"


def ids_in(database: Path, connector: Connector, stream: str, key: str, extracted_since: datetime | None = None) -> list[str]:
    query = f'SELECT "{key}" FROM "{connector.schema}"."{stream}"'
    parameters = []
    if extracted_since is not None:
        query += " WHERE _airbyte_extracted_at >= ?"
        parameters.append(extracted_since)
    with duckdb.connect(str(database), read_only=True) as connection:
        return sorted(row[0] for row in connection.execute(query, parameters).fetchall())


def load_twice(connector: Connector, sandbox, streams, tmp_path: Path, change_between, **config_overrides) -> tuple[Load, Load, datetime, Path]:
    database = tmp_path / "learning.duckdb"
    config = sandbox_config(connector.name, sandbox.url, start_date=START_DATE, **config_overrides)
    first = load(connector, config, streams, database, tmp_path / "scratch")
    change_between()
    second_started = datetime.now(timezone.utc)
    second = load(connector, config, streams, database, tmp_path / "scratch")
    return first, second, second_started, database


def test_learnworlds_loads_twice_and_the_second_load_is_incremental(fresh_sandbox, tmp_path):
    sandbox = fresh_sandbox(scale="small", apps=["learnworlds"])
    school = sandbox.app("learnworlds").dataset
    payments_before = sorted(payment["id"] for payment in school.payments)
    added = []

    first, second, second_started, database = load_twice(
        LEARNWORLDS, sandbox, ["payments", "courses"], tmp_path, lambda: added.extend(school.add_payments(3))
    )

    assert first.records_read["payments"] == len(payments_before)
    assert first.rows["courses"] == len(school.courses)
    # The second load resumes from the saved cursor: it reads the new payments, not the old ones again.
    new_ids = sorted(payment["id"] for payment in added)
    read_again = ids_in(database, LEARNWORLDS, "payments", "id", extracted_since=second_started)
    assert set(new_ids) <= set(read_again)
    assert second.records_read["payments"] < first.records_read["payments"]
    assert ids_in(database, LEARNWORLDS, "payments", "id") == sorted(payments_before + new_ids)
    assert ids_in(database, LEARNWORLDS, "courses", "id") == sorted(course["id"] for course in school.courses)

    # The main job's revenue question, over the loaded table, agrees with the school's payments.
    revenue: dict[str, float] = defaultdict(float)
    for payment in school.payments:
        if payment["product"]["type"] == "course" and payment["refund_at"] is None:
            revenue[payment["product"]["name"]] += payment["price"]
    expected = sorted(((course, round(total, 2)) for course, total in revenue.items()), key=lambda item: (-item[1], item[0]))[:5]
    with duckdb.connect(str(database), read_only=True) as connection:
        answered = answer(connection, REVENUE_PER_COURSE)
    assert [(course, float(total)) for course, _payments, total in answered.rows] == expected


def test_learner_progress_state_round_trips_and_the_second_load_reads_only_changed_learners(fresh_sandbox, tmp_path):
    sandbox = fresh_sandbox(scale="small", apps=["learnworlds"], learnworlds={"rate_limit": None})
    school = sandbox.app("learnworlds").dataset
    changed: list[str] = []
    rows_before_the_day = sum(len(items) for items in school.user_progress.values())

    def a_day_of_activity() -> None:
        changed.extend(school.simulate_day(1, active_share=0.3, silent_share=0).changed_with_event)

    # The school's clock is a year behind today's: no scheduled full pass in between.
    first, second, second_started, database = load_twice(LEARNWORLDS, sandbox, ["user_progress"], tmp_path, a_day_of_activity,
                                                         learner_full_pass_days=3650)

    assert first.records_read["user_progress"] == rows_before_the_day
    assert set(ids_in(database, LEARNWORLDS, "user_progress", "user_id", extracted_since=second_started)) == set(changed)
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "SELECT user_id, course_id, status, completed_units FROM learnworlds.user_progress").fetchall()
        answered = answer(connection, COMPLETION_RATE_PER_COURSE)
    served = [(user_id, item["course_id"], item["status"], item["completed_units"])
              for user_id, items in school.user_progress.items() for item in items]
    assert sorted(rows) == sorted(served)  # the re-read rows replaced the earlier ones, nothing twice

    # The main job's completion-rate question, over the loaded table, agrees with the school.
    per_course: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _user, course, status, _units in served:
        per_course[course][0] += 1
        per_course[course][1] += status == "completed"
    expected = sorted(((course, total, done, round(100.0 * done / total, 1)) for course, (total, done) in per_course.items()),
                      key=lambda item: (-item[3], item[0]))[:8]
    assert [(course, total, done, float(rate)) for course, total, done, rate in answered.rows] == expected


def test_linkedin_learning_loads_twice_and_the_second_load_is_incremental(fresh_sandbox, tmp_path):
    sandbox = fresh_sandbox(scale="small", apps=["linkedin_learning"])
    catalog = sandbox.app("linkedin_learning").dataset

    def in_scope() -> list[str]:
        # The config's defaults: en_US, courses and learning paths, retired ones included.
        return sorted(asset["urn"] for kind in ("COURSE", "LEARNING_PATH") for asset in catalog.assets(kind, locale="en_US"))

    courses_in_scope = [asset["urn"] for asset in catalog.assets("COURSE", locale="en_US")]
    touched = courses_in_scope[:: len(courses_in_scope) // 4][:4]
    first, second, second_started, database = load_twice(
        LINKEDIN_LEARNING, sandbox, ["learning_assets", "learning_classifications"], tmp_path,
        lambda: catalog.touch_assets(urns=touched),
    )

    assert first.records_read["learning_assets"] == len(in_scope())
    assert ids_in(database, LINKEDIN_LEARNING, "learning_classifications", "urn") == sorted(
        item["urn"] for item in catalog.classifications(locale="en_US")
    )
    read_again = ids_in(database, LINKEDIN_LEARNING, "learning_assets", "urn", extracted_since=second_started)
    assert set(touched) <= set(read_again)
    assert second.records_read["learning_assets"] < first.records_read["learning_assets"]
    assert ids_in(database, LINKEDIN_LEARNING, "learning_assets", "urn") == in_scope()
    with duckdb.connect(str(database), read_only=True) as connection:
        titles = dict(connection.execute(
            "SELECT urn, title->>'value' FROM linkedin_learning.learning_assets WHERE urn IN (SELECT unnest(?))", [touched]
        ).fetchall())
    assert titles == {urn: catalog.asset(urn)["title"]["value"] for urn in touched}


def test_activity_counts_land_in_duckdb_as_whole_numbers(fresh_sandbox, tmp_path):
    sandbox = fresh_sandbox(scale="tiny", apps=["linkedin_learning"])
    database = tmp_path / "learning.duckdb"
    config = sandbox_config(LINKEDIN_LEARNING.name, sandbox.url, start_date=START_DATE)
    loaded = load(LINKEDIN_LEARNING, config, ["learning_activity_reports"], database, tmp_path / "scratch")
    assert loaded.records_read["learning_activity_reports"] > 0
    with duckdb.connect(str(database), read_only=True) as connection:
        types = dict(connection.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = 'linkedin_learning' AND table_name = 'learning_activity_reports'"
        ).fetchall())
        # The pivoted counts, against the raw activities the API delivered in the same rows.
        rows = connection.execute("SELECT views, activities FROM linkedin_learning.learning_activity_reports").fetchall()
    views = [value for value, _ in rows]
    raw_views = [
        sum(activity["engagementValue"] for activity in json.loads(activities)
            if (activity["engagementType"], activity["engagementMetricQualifier"]) == ("VIEWS", "TOTAL")) or None
        for _, activities in rows
    ]
    counts = [name for name in types if name.split("_")[0] in ("views", "completions", "seconds", "marked", "engaged", "days")]
    assert len(counts) == 34
    assert {types[name] for name in counts} == {"BIGINT"}, {name: types[name] for name in counts}
    assert types["progress_percentage"].startswith("DECIMAL")  # a percentage may have a fraction
    assert views == raw_views and any(views)
    assert all(isinstance(value, int) for value in views if value is not None)
