"""Every shell snippet in README.md and docs/*.md runs as written.

Each ```bash block runs in a scratch folder laid out like the repository (its files linked in),
with the project's environment first on PATH, as after `source .venv/bin/activate`. Its `output/`
holds small DuckDB files shaped like the ones the main job and docs/examples/load_into_duckdb.py
write, so the query one-liners meet the tables they name without a whole load first.

A block that cannot run here (real credentials, Docker, the whole main job or test suite) is
preceded by the line `<!-- snippet-test: skip, <reason> -->`; every other block runs.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"(?P<marker><!-- snippet-test: skip(?P<reason>[^>]*)-->\n)?```(?:bash|sh|shell)\n(?P<body>.*?)```", re.S)
SNIPPET_SECONDS = 60


def snippets() -> list[tuple[str, str | None, str]]:
    """(where, skip reason or None, body) of every shell block."""
    found = []
    for document in DOCUMENTS:
        content = document.read_text(encoding="utf-8")
        for match in FENCE.finditer(content):
            line = content.count("\n", 0, match.start("body"))
            reason = match.group("reason").strip(" ,") if match.group("marker") else None
            found.append((f"{document.relative_to(ROOT)}:{line}", reason, match.group("body")))
    return found


SNIPPETS = snippets()


def test_skipped_snippets_say_why() -> None:
    unexplained = [where for where, reason, _ in SNIPPETS if reason == ""]
    assert not unexplained, f"skip markers without a reason at {unexplained}"
    assert sum(1 for _, reason, _ in SNIPPETS if reason is None) >= 2, "the snippet test would run almost nothing"


@pytest.fixture(scope="module")
def scratch_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's top level linked into a scratch folder, with its own `output/` databases."""
    folder = tmp_path_factory.mktemp("snippets")
    for entry in ROOT.iterdir():
        if entry.name not in ("output", ".git"):
            (folder / entry.name).symlink_to(entry)
    output = folder / "output"
    output.mkdir()
    write_main_job_database(output / "learning.duckdb")
    with duckdb.connect(str(output / "learnworlds.duckdb")) as connection:
        # The layout load_into_duckdb.py leaves: one schema per connector, one table per stream.
        connection.execute("CREATE SCHEMA learnworlds")
        connection.execute("CREATE TABLE learnworlds.learnworlds.payments (id VARCHAR, amount DOUBLE)")
        connection.execute("INSERT INTO learnworlds.learnworlds.payments VALUES ('p1', 10.0), ('p2', 20.0)")
    return folder


def write_main_job_database(database: Path) -> None:
    """A database holding one recorded main-job run, written by the job's own bookkeeping."""
    from demo.job import Run, record_run
    from demo.loading import LEARNWORLDS, Load

    load = Load(LEARNWORLDS, records_read={"payments": 3}, rows={"payments": 3}, seconds=1.5)
    record_run(database, Run(number=1, started_at=datetime(2025, 11, 30, tzinfo=timezone.utc), loads=[load], seconds=2.0))


@pytest.mark.parametrize(("where", "reason", "body"), SNIPPETS, ids=[where for where, _, _ in SNIPPETS])
def test_snippet_runs_as_written(where: str, reason: str | None, body: str, scratch_repository: Path) -> None:
    if reason:
        pytest.skip(reason)
    environment = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    finished = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", body], cwd=scratch_repository, env=environment,
        capture_output=True, text=True, timeout=SNIPPET_SECONDS,
    )
    assert finished.returncode == 0, f"{where} failed:\n{body}\nstdout:\n{finished.stdout}\nstderr:\n{finished.stderr}"
    assert finished.stdout.strip(), f"{where} printed nothing:\n{body}"
