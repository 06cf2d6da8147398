"""The benchmark's one table: every figure measured in the same run, side by side."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

MET, MISSED, INFO, FAILED = "met", "MISSED", "", "NOT MEASURED"


@dataclass
class Row:
    figure: str
    subject: str
    measured: str
    target: str = ""
    verdict: str = INFO


def verdict(holds: bool) -> str:
    return MET if holds else MISSED


def failed_row(figure: str, subject: str, reason: str) -> Row:
    return Row(figure, subject, reason.replace("|", "/").replace("\n", " "), verdict=FAILED)


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def megabytes(value: float) -> str:
    return f"{value / 2**20:,.0f} MB"


def ratio(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def markdown_table(rows: Iterable[Row]) -> str:
    header = ["Figure", "Subject", "Measured", "Target", "Verdict"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        lines.append(f"| {row.figure} | {row.subject} | {row.measured} | {row.target} | {row.verdict} |")
    return "\n".join(lines)


def machine_lines(machine: dict[str, str]) -> str:
    return "\n".join(f"- {key}: {value}" for key, value in machine.items())
