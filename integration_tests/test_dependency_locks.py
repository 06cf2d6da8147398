"""The lock files pin every dependency, match what pyproject.toml declares, and agree with each other."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import tasks

PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)", re.MULTILINE)


def pins(lock: Path) -> dict[str, str]:
    return {name.lower(): version for name, version in PIN.findall(lock.read_text())}


def test_the_locks_were_made_from_the_current_declarations():
    assert tasks.lock_problems() == []


def test_a_changed_declaration_makes_the_locks_stale(tmp_path, monkeypatch):
    for name in ("pyproject.toml", tasks.RUNTIME_LOCK.name, tasks.DEV_LOCK.name):
        shutil.copy2(tasks.ROOT / name, tmp_path / name)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"pyyaml>=6",', '"pyyaml>=6",\n    "pendulum>=3",'))
    monkeypatch.setattr(tasks, "ROOT", tmp_path)
    monkeypatch.setattr(tasks, "RUNTIME_LOCK", tmp_path / tasks.RUNTIME_LOCK.name)
    monkeypatch.setattr(tasks, "DEV_LOCK", tmp_path / tasks.DEV_LOCK.name)
    assert tasks.lock_problems() == [
        "requirements.lock was not made from the dependencies pyproject.toml declares now.",
        "requirements-dev.lock was not made from the dependencies pyproject.toml declares now.",
    ]


@pytest.mark.parametrize("lock", [tasks.RUNTIME_LOCK, tasks.DEV_LOCK], ids=lambda lock: lock.name)
def test_every_line_of_a_lock_is_a_pin_and_the_cdk_is_exact(lock: Path):
    requirements = [line for line in lock.read_text().splitlines() if line and not line.lstrip().startswith("#")]
    assert requirements and all(PIN.match(line) for line in requirements), [line for line in requirements if not PIN.match(line)]
    assert pins(lock)["airbyte-cdk"].startswith("7.39.")


def test_the_runtime_lock_is_the_dev_lock_without_the_extras():
    runtime, dev = pins(tasks.RUNTIME_LOCK), pins(tasks.DEV_LOCK)
    assert runtime.keys() < dev.keys()
    assert {name: (version, dev[name]) for name, version in runtime.items() if dev[name] != version} == {}
