"""A newcomer's first commands: `python3 tasks.py` without a command, with an unknown one or with
--help, and `python main.py` run outside the project's environment."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("demo", "test", "bench", "sandbox", "lock")


def tasks(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "tasks.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("args", "problem"), [((), "No command given."), (("deploy",), "Unknown command 'deploy'.")])
def test_tasks_without_a_known_command_names_it_lists_the_commands_and_exits_2(args, problem):
    finished = tasks(*args)
    assert finished.returncode == 2
    assert finished.stderr.startswith(f"{problem} Commands: {', '.join(COMMANDS)}.")
    assert all(f"python3 tasks.py {command}" in finished.stderr for command in COMMANDS)


def test_tasks_help_exits_0_with_the_commands():
    finished = tasks("--help")
    assert finished.returncode == 0 and finished.stderr == ""
    assert all(f"python3 tasks.py {command}" in finished.stdout for command in COMMANDS)


@pytest.mark.parametrize("connector", ["source-linkedin-learning", "source-learnworlds"])
def test_main_py_outside_the_environment_says_how_to_activate_it(connector):
    base_python = Path(sys.base_prefix) / "bin" / "python3"
    environment = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    finished = subprocess.run([str(base_python), "-s", "main.py", "spec"], cwd=ROOT / connector, env=environment,
                              capture_output=True, text=True, timeout=60)
    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr
    assert finished.stderr.startswith("No module named ")
    assert "source .venv/bin/activate" in finished.stderr
