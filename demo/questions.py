"""Questions a learning team asks, answered in SQL over the loaded tables.

"Recent" is measured back from the newest data in each table rather than from the wall clock,
so the answers hold for data loaded at any time (the sandboxes' data end at the start of the day a run
stands for, not at now).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import duckdb


@dataclass(frozen=True)
class Question:
    title: str
    sql: str
    # Returns the moment "recent" is measured from, shown with the answer.
    as_of_sql: Optional[str] = None


@dataclass
class Answer:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    note: str = ""


MOST_COMPLETED_COURSES = Question(
    title="LinkedIn Learning: the courses with the most completions in the last 30 days",
    sql="""
SELECT contentdetails->>'name' AS course,
       sum(completions)::BIGINT AS completions,
       count(DISTINCT learnerdetails->>'email') AS learners
FROM linkedin_learning.learning_activity_reports
WHERE contentdetails->>'contentUrn' LIKE 'urn:li:lyndaCourse:%'
  AND window_end > (SELECT max(window_end) FROM linkedin_learning.learning_activity_reports) - INTERVAL 30 DAY
GROUP BY 1
HAVING sum(completions) > 0
ORDER BY completions DESC, course
LIMIT 5""",
    # The report's own `latest_data_at`: `window_end` of the newest window lies in the future.
    as_of_sql="SELECT max(latest_data_at::TIMESTAMPTZ) AT TIME ZONE 'UTC' FROM linkedin_learning.learning_activity_reports",
)

REVENUE_PER_COURSE = Question(
    title="LearnWorlds: revenue per course from payments (refunds excluded)",
    sql="""
SELECT product->>'name' AS course,
       count(*) AS payments,
       round(sum(price), 2) AS revenue
FROM learnworlds.payments
WHERE product->>'type' = 'course' AND refund_at IS NULL
GROUP BY 1
ORDER BY revenue DESC, course
LIMIT 5""",
)

ACTIVE_LEARNERS = Question(
    title="LearnWorlds: learners active in the last 7 days",
    sql="""
WITH recent AS (
  SELECT created, user_id FROM learnworlds.event_logs
  WHERE created >= date_trunc('day', (SELECT max(created) FROM learnworlds.event_logs)) - INTERVAL 6 DAY
)
SELECT strftime(created, '%Y-%m-%d') AS day, count(DISTINCT user_id) AS active_learners
FROM recent
GROUP BY 1
UNION ALL
SELECT 'whole week', count(DISTINCT user_id) FROM recent
ORDER BY 1""",
    as_of_sql="SELECT max(created) FROM learnworlds.event_logs",
)

COMPLETION_RATE_PER_COURSE = Question(
    title="LearnWorlds: completion rate per course (learner progress)",
    sql="""
SELECT course_id AS course,
       count(*) AS learners,
       count(*) FILTER (WHERE status = 'completed') AS completed,
       round(100.0 * count(*) FILTER (WHERE status = 'completed') / count(*), 1) AS completion_rate
FROM learnworlds.user_progress
GROUP BY 1
ORDER BY completion_rate DESC, course
LIMIT 8""",
)

RECENT_COMPLETIONS = Question(
    title="LearnWorlds: learners who completed a course in the last 7 days",
    sql="""
SELECT strftime(completed_at, '%Y-%m-%d') AS day, course_id AS course, count(*) AS learners
FROM learnworlds.user_progress
WHERE completed_at > (SELECT max(created) FROM learnworlds.event_logs) - INTERVAL 7 DAY
GROUP BY 1, 2
ORDER BY 1 DESC, 2
LIMIT 10""",
    as_of_sql="SELECT max(created) FROM learnworlds.event_logs",
)

QUESTIONS = (MOST_COMPLETED_COURSES, REVENUE_PER_COURSE, ACTIVE_LEARNERS, COMPLETION_RATE_PER_COURSE, RECENT_COMPLETIONS)


def answer(connection: duckdb.DuckDBPyConnection, question: Question) -> Answer:
    result = connection.execute(question.sql)
    columns = [description[0] for description in result.description]
    rows = result.fetchall()
    note = ""
    if question.as_of_sql:
        as_of = connection.execute(question.as_of_sql).fetchone()[0]
        note = f" (as of the newest data: {as_of:%Y-%m-%d %H:%M} UTC)" if as_of else ""
    return Answer(columns, rows, note)
