"""The job's closing summary, as plain text tables."""
from __future__ import annotations

import unicodedata
from numbers import Number
from pathlib import Path
from typing import Any, Mapping, Sequence

from demo.loading import Load
from demo.questions import Answer, Question


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else str(value)


def _width(text: str) -> int:
    """Columns `text` takes on a terminal: East Asian wide characters (course titles in ja_JP) take two."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Text columns: numbers right-aligned, everything else left-aligned."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max([_width(header)] + [_width(row[index]) for row in cells]) for index, header in enumerate(headers)]
    numeric = [bool(rows) and all(isinstance(row[index], (Number, type(None))) for row in rows) for index in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        padded = []
        for value, width, right in zip(values, widths, numeric):
            padding = " " * (width - _width(value))
            padded.append(padding + value if right else value + padding)
        return "  " + "  ".join(padded).rstrip()

    return "\n".join([line(headers), line(["-" * width for width in widths]), *(line(row) for row in cells)])


def print_loads(run_number: int, loads: Sequence[Load], baseline: int, first_run: Mapping[tuple[str, str], int], database: Path) -> None:
    """`baseline` is the first completed run (interrupted runs never are), `first_run` its records per stream."""
    compared = run_number > baseline
    headers = ["table", "rows", "read in this run"] + ([f"read in run {baseline}"] if compared else [])
    rows = []
    for result in loads:
        for stream, records in result.records_read.items():
            row = [f"{result.connector.schema}.{stream}", result.rows[stream], records]
            if compared:
                row.append(first_run.get((result.connector.name, stream)))
            rows.append(row)
    print(f"\nRows per table in {database} (run {run_number}):")
    print(table(headers, rows))
    read_now = sum(sum(result.records_read.values()) for result in loads)
    if compared:
        print(f"  This run read {read_now:,} records; run {baseline}, the first complete one, read {sum(first_run.values()):,}.")


def print_answer(question: Question, answer: Answer) -> None:
    print(f"\n{question.title}{answer.note}")
    print("  " + question.sql.strip().replace("\n", "\n  "))
    print(table(answer.columns, answer.rows) if answer.rows else "  (no rows)")
