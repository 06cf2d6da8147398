"""The emulated school's clock (`now`, the end of its history) moves the whole school by whole days:
at another `now` the API serves the same records, in the same order and number, with every time
(and every id and date made from a time) moved by exactly that many days.

The expected records are the default school's, shifted here by plain arithmetic on what the API
served; the shifted school's records are what it serves over HTTP.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest

from integration_tests.test_sandbox_learnworlds import SchoolReader
from sandbox import Sandbox, make_sandbox
from sandbox.learnworlds import LearnWorldsDataset

DEFAULT_NOW = datetime(2025, 12, 1, tzinfo=timezone.utc)  # the school's documented default clock
SHIFTED_NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)
OFFSET = SHIFTED_NOW.timestamp() - DEFAULT_NOW.timestamp()  # 364 days
# Unix times of the data lie in 2022..2028; counts, prices, durations and grades are far smaller.
TIMES = (1.5e9, 2.0e9)
OBJECT_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{24}(?![0-9a-f])")  # alone, or in a URL
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
COUPON_DATE = re.compile(r"\d{2} [A-Z][a-z]{2} \d{4}")  # "24 Sep 2020", as one coupon of the vendor's example
BLOCK_ID = re.compile(r"(?P<kind>[a-zA-Z]+)(?P<ms>\d{13})(?P<rest>_\d+)")  # an answer block: its response's time in ms


def shifted(value: Any) -> Any:
    """`value` as the default school served it, moved by OFFSET: what the shifted school must serve."""
    if isinstance(value, dict):
        return {shifted(key): shifted(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(shifted(item) for item in value)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return value
    if isinstance(value, str):
        # An object id's first 8 hex digits are its creation time.
        value = OBJECT_ID.sub(lambda found: f"{int(found[0][:8], 16) + int(OFFSET):08x}{found[0][8:]}", value)
        if block := BLOCK_ID.fullmatch(value):
            return f"{block['kind']}{int(block['ms']) + int(OFFSET) * 1000}{block['rest']}"
        for pattern, layout in ((ISO_DATE, "%Y-%m-%d"), (COUPON_DATE, "%d %b %Y")):
            if pattern.fullmatch(value):
                return (datetime.strptime(value, layout) + timedelta(seconds=OFFSET)).strftime(layout)
        return value
    if TIMES[0] <= value <= TIMES[1]:
        return type(value)(value + OFFSET) if isinstance(value, int) else value + OFFSET
    return value


@pytest.fixture(scope="module")
def schools() -> Iterator[tuple[Sandbox, Sandbox]]:
    options = {"rate_limit": None}
    with make_sandbox(scale="small", apps=["learnworlds"], learnworlds=options) as default, \
            make_sandbox(scale="small", apps=["learnworlds"], learnworlds={**options, "now": SHIFTED_NOW.timestamp()}) as moved:
        yield default, moved


def test_the_now_option_reaches_the_school(schools) -> None:
    default, moved = (school.app("learnworlds").dataset for school in schools)
    assert (default.now, moved.now) == (DEFAULT_NOW.timestamp(), SHIFTED_NOW.timestamp())
    assert max(log["created"] for log in moved.event_logs) < SHIFTED_NOW.timestamp()


def test_another_now_serves_the_same_records_with_every_time_moved_by_the_offset(schools) -> None:
    default, moved = (SchoolReader(school.url).read_everything() for school in schools)
    assert {name: len(records) for name, records in moved.items()} == {name: len(records) for name, records in default.items()}
    assert all(default.values()), "every stream has records at the small scale"
    for name in default:
        assert moved[name] == shifted(default[name]), name
    assert moved["payments"] != default["payments"]  # the check above compares moved times, not equal ones


def test_days_after_the_history_are_moved_too() -> None:
    default, moved = LearnWorldsDataset("small", 7), LearnWorldsDataset("small", 7, now=SHIFTED_NOW.timestamp())
    for school in (default, moved):
        school.simulate_day(1, active_share=0.3, silent_share=0.2)
        school.add_payments(2)
        school.add_users(1)
    for name in ("event_logs", "payments", "users", "certificates", "user_progress", "enrollments"):
        assert getattr(moved, name) == shifted(getattr(default, name)), name
    assert min(log["created"] for log in moved.event_logs[-5:]) >= SHIFTED_NOW.timestamp()


@pytest.mark.parametrize("now", [DEFAULT_NOW.timestamp() + 3600, "2026-11-30", float("nan"), 946684800.0, 2082758400.0])
def test_a_now_that_is_not_a_utc_midnight_in_range_is_refused_naming_the_option(now) -> None:
    with pytest.raises(ValueError, match=r"^now: give unix seconds at a UTC midnight from 2010-01-01"):
        LearnWorldsDataset("tiny", 7, now=now)
