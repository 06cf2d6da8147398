"""Connector commands run in forked children of one pre-warmed interpreter.

Importing the CDK costs about three seconds per process and the reliability suite runs many
commands, so one server process imports both connectors once and forks a child per command. The
child is a real process: it runs the console script's own entry point with its own argv,
environment, stdout, stderr and exit code (uncaught exceptions go through the installed
`sys.excepthook`, as at interpreter exit); only the interpreter start-up is shared.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

from integration_tests.connector_runner import CONNECTORS, ConnectorRun, command_arguments, parse_messages

_SERVER_CODE = """
import sys
from integration_tests.reliability.launcher import serve
serve(sys.stdin, sys.stdout)
"""


def _entry_point(script: str):
    (entry,) = [e for e in entry_points(group="console_scripts") if e.name == script]
    return entry.load()


def serve(requests_in, replies_out) -> None:
    """Server loop: one JSON request per line in, one JSON reply (the exit code) per line out."""
    entries = {script: _entry_point(script) for script in CONNECTORS.values()}
    for line in requests_in:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _run_child(entries[request["script"]], request)
        _, status = os.waitpid(pid, 0)
        replies_out.write(json.dumps({"exit_code": os.waitstatus_to_exitcode(status)}) + "\n")
        replies_out.flush()


def _run_child(entry, request: Mapping[str, Any]) -> None:
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    with open(request["stdout"], "wb") as out, open(request["stderr"], "wb") as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
    os.environ.update(request["env"])
    signal.alarm(request["timeout"])  # a hung command dies by SIGALRM instead of blocking the suite
    sys.argv = [request["script"], *request["args"]]
    code = 0
    try:
        entry()
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


class Launcher:
    """`launcher.run(connector, command, config=..., catalog=..., state=..., extra_args=..., env=...)`."""

    def __init__(self) -> None:
        root = Path(__file__).resolve().parents[2]
        self._server = subprocess.Popen(
            [sys.executable, "-c", _SERVER_CODE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))},
        )
        self._lock = threading.Lock()

    def run(
        self,
        connector: str,
        command: str,
        config: Optional[Mapping[str, Any]] = None,
        catalog: Optional[Mapping[str, Any]] = None,
        state: Optional[Sequence[Mapping[str, Any]]] = None,
        extra_args: Sequence[str] = (),
        env: Optional[Mapping[str, str]] = None,
        timeout: int = 300,
    ) -> ConnectorRun:
        with tempfile.TemporaryDirectory() as folder:
            args = command_arguments(Path(folder), command, config, catalog, state, extra_args)
            stdout, stderr = Path(folder) / "stdout", Path(folder) / "stderr"
            request = {"script": CONNECTORS[connector], "args": args, "stdout": str(stdout), "stderr": str(stderr), "env": dict(env or {}), "timeout": timeout}
            with self._lock:
                self._server.stdin.write(json.dumps(request) + "\n")
                self._server.stdin.flush()
                reply = self._server.stdout.readline()
            if not reply:
                raise RuntimeError("the pre-warmed connector server stopped")
            output, errors = stdout.read_text(errors="replace"), stderr.read_text(errors="replace")
        return ConnectorRun(f"{CONNECTORS[connector]} {command}", json.loads(reply)["exit_code"], output, errors, parse_messages(output))

    def close(self) -> None:
        self._server.stdin.close()
        self._server.wait(timeout=30)
