#!/usr/bin/env python3
"""Project commands. Needs only Python 3.11: the first run creates `.venv` and installs the project.

    python3 tasks.py demo      the main job: sandbox -> both connectors -> DuckDB, with a summary
    python3 tasks.py test      every test (unit, end-to-end, standard suites, reliability)
    python3 tasks.py bench     the benchmarks (not tests): one table of figures, measured side by side
    python3 tasks.py sandbox   the API emulator alone, for trying the connectors by hand
    python3 tasks.py --help    this text

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


USAGE_ERROR = 2  # the exit code of a command-line usage error, as argparse uses it


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else None
    if name in ("-h", "--help", "help"):
        print(__doc__)
        return
    if name not in COMMANDS:
        problem = "No command given." if name is None else f"Unknown command {name!r}."
        print(f"{problem} Commands: {', '.join(COMMANDS)}.\n{__doc__}", file=sys.stderr)
        sys.exit(USAGE_ERROR)
    try:
        ensure_environment()
        env = dict(os.environ, PYTHONPATH=str(ROOT), PATH=f"{VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
        command = subprocess.Popen([str(VENV_PYTHON), *COMMANDS[name], *sys.argv[2:]], cwd=ROOT, env=env)
    except KeyboardInterrupt:
        sys.exit("Interrupted while setting up .venv; run the command again to finish the installation.")
    while True:
        try:
            code = command.wait()
            sys.exit(128 - code if code < 0 else code)  # a command ended by signal N: the shell's 128 + N
        except KeyboardInterrupt:
            # Ctrl-C reaches the command too (same process group): it cleans up and reports itself.
            continue


if __name__ == "__main__":
    main()
