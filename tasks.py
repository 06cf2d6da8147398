#!/usr/bin/env python3
"""Project commands. Needs only Python 3.11: the first run creates `.venv` and installs the project.

    python3 tasks.py demo      the main job: sandbox -> both connectors -> DuckDB, with a summary
    python3 tasks.py test      every test (unit, end-to-end, standard suites, reliability)
    python3 tasks.py bench     the benchmarks (not tests): one table of figures, measured side by side
    python3 tasks.py sandbox   the API emulator alone, for trying the connectors by hand
    python3 tasks.py lock      re-pin every dependency (requirements.lock, requirements-dev.lock) from PyPI
    python3 tasks.py --help    this text

Extra arguments are passed on (for example `python3 tasks.py test -k learnworlds`).
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
EXTRAS = ("tests", "load")
# What the connectors need at run time (the image, the installed wheel); the -dev lock adds the extras
# at the same versions.
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
LOCK_TOOL = "uv==0.13.9"
DECLARED_HEADER = "# pyproject.toml dependencies sha256: "

COMMANDS = {
    "demo": ["-m", "demo"],
    "test": ["-m", "pytest"],
    "bench": ["-m", "bench"],
    "sandbox": ["-m", "sandbox"],
}


def declared_dependencies_digest() -> str:
    """A digest of what pyproject.toml declares: a lock made from other declarations is stale."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {key: project.get(key) for key in ("requires-python", "dependencies", "optional-dependencies")}
    return hashlib.sha256(json.dumps(declared, sort_keys=True).encode()).hexdigest()


def lock_problems() -> list[str]:
    """Why the lock files cannot be installed as they are (empty when they match pyproject.toml)."""
    expected = DECLARED_HEADER + declared_dependencies_digest()
    problems = []
    for lock in (RUNTIME_LOCK, DEV_LOCK):
        if not lock.exists():
            problems.append(f"{lock.name} is missing.")
        elif expected not in lock.read_text(encoding="utf-8").splitlines():
            problems.append(f"{lock.name} was not made from the dependencies pyproject.toml declares now.")
    return problems


def ensure_environment() -> None:
    """Create the virtual environment and install the locked dependencies once per change of a lock file."""
    if sys.version_info[:2] not in ((3, 11), (3, 12)):
        sys.exit(f"Python 3.11 or 3.12 is needed (found {sys.version.split()[0]}).")
    problems = lock_problems()
    if problems:
        sys.exit(" ".join(problems) + " Run `python3 tasks.py lock` and commit both lock files.")
    digest = hashlib.sha256(DEV_LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{digest}"
    if stamp.exists():
        return
    if not VENV_PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print("Installing the project and its locked dependencies into .venv (first run only) ...", flush=True)
    pip = [str(VENV_PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip", "setuptools", "wheel"], check=True)
    subprocess.run([*pip, "-r", str(DEV_LOCK)], check=True)
    # The lock already holds every dependency: the project itself adds none.
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    for old in VENV.glob(".installed-*"):
        old.unlink()
    stamp.touch()


def lock() -> None:
    """Resolve pyproject.toml's dependencies on PyPI and pin them: all of them, then the runtime set at the same versions."""
    tool = ROOT / ".venv-lock"
    if not (tool / "bin" / "uv").exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(tool)
        subprocess.run([str(tool / "bin" / "python"), "-m", "pip", "install", "-q", LOCK_TOOL], check=True)
    header = DECLARED_HEADER + declared_dependencies_digest()
    compile_command = [str(tool / "bin" / "uv"), "pip", "compile", "pyproject.toml", "--universal", "--quiet",
                       "--index-url", "https://pypi.org/simple", "--no-header", "--upgrade"]
    for lock_file, extra_args in ((DEV_LOCK, [f"--extra={e}" for e in EXTRAS]), (RUNTIME_LOCK, ["--constraint", DEV_LOCK.name])):
        pins = subprocess.run([*compile_command, *extra_args], cwd=ROOT, check=True, capture_output=True, text=True).stdout
        lock_file.write_text(f"# Made by `python3 tasks.py lock`; do not edit.\n{header}\n{pins}", encoding="utf-8")
        print(f"Wrote {lock_file.name}", flush=True)


USAGE_ERROR = 2  # the exit code of a command-line usage error, as argparse uses it


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else None
    if name in ("-h", "--help", "help"):
        print(__doc__)
        return
    if name == "lock":
        lock()
        return
    if name not in COMMANDS:
        problem = "No command given." if name is None else f"Unknown command {name!r}."
        print(f"{problem} Commands: {', '.join([*COMMANDS, 'lock'])}.\n{__doc__}", file=sys.stderr)
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
