#!/usr/bin/env python3
"""Project commands. Needs only Python 3.11: the first run creates `.venv` and installs the project.

    python3 tasks.py demo      the main job: sandbox -> both connectors -> DuckDB, with a summary
    python3 tasks.py test      every test (unit, end-to-end, standard suites, reliability)
    python3 tasks.py bench     the benchmarks (not tests): one table of figures, measured side by side
    python3 tasks.py sandbox   the API emulator alone, for trying the connectors by hand

Extra arguments are passed on (for example `python3 tasks.py test -k learnworlds`).
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
EXTRAS = "tests,load,bench"

COMMANDS = {
    "demo": ["-m", "demo"],
    "test": ["-m", "pytest"],
    "bench": ["-m", "bench"],
    "sandbox": ["-m", "sandbox"],
}


def ensure_environment() -> None:
    """Create the virtual environment and install the project once per change of pyproject.toml."""
    if sys.version_info[:2] not in ((3, 11), (3, 12)):
        sys.exit(f"Python 3.11 or 3.12 is needed (found {sys.version.split()[0]}).")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + EXTRAS.encode()).hexdigest()[:16]
    stamp = VENV / f".installed-{digest}"
    if stamp.exists():
        return
    if not VENV_PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print("Installing the project and its dependencies into .venv (first run only) ...", flush=True)
    pip = [str(VENV_PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip", "setuptools", "wheel"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[{EXTRAS}]"], check=True)
    for old in VENV.glob(".installed-*"):
        old.unlink()
    stamp.touch()


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    ensure_environment()
    env = dict(os.environ, PYTHONPATH=str(ROOT), PATH=f"{VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    command = [str(VENV_PYTHON), *COMMANDS[sys.argv[1]], *sys.argv[2:]]
    sys.exit(subprocess.run(command, cwd=ROOT, env=env).returncode)


if __name__ == "__main__":
    main()
