"""Progress while a connector loads.

On a terminal PyAirbyte draws its own live view (records per stream, rate). Elsewhere (CI, a
pipe) this prints a line every few seconds: the requests the sandbox has answered for the
connector, how many were throttled, and the time spent so far.
"""
from __future__ import annotations

import io
import sys
import threading
import time
from contextlib import contextmanager, redirect_stderr
from typing import Iterator, TextIO

from sandbox import Sandbox


def requests_answered(sandbox: Sandbox, app: str) -> tuple[int, int]:
    """(requests, of which 429) the sandbox has answered for `app` so far."""
    entries = sandbox.log.entries(app=app)
    return len(entries), sum(1 for entry in entries if entry.status == 429)


@contextmanager
def heartbeat(sandbox: Sandbox, app: str, label: str, every_seconds: float = 10.0) -> Iterator[None]:
    if sys.stderr.isatty():
        yield
        return
    stopped = threading.Event()
    started = time.monotonic()

    def report() -> None:
        while not stopped.wait(every_seconds):
            answered, throttled = requests_answered(sandbox, app)
            print(f"  {label}: {answered} requests answered ({throttled} throttled), {time.monotonic() - started:.0f}s", flush=True)

    reporter = threading.Thread(target=report, name=f"progress-{app}", daemon=True)
    reporter.start()
    try:
        yield
    finally:
        stopped.set()
        reporter.join()


PYAIRBYTE_FULL_REFRESH_HINT = "The following streams are currently using incremental sync:"
JOB_FULL_REFRESH_HINT = "  Incremental streams resume from the state saved in the database; --fresh starts over.\n"
DIVIDER = "\u2500"


class TidyStderr(io.TextIOBase):
    """PyAirbyte's stderr, with its `force_full_refresh=True` hint (a parameter this job's users do not
    see) replaced by the job's own `--fresh`, and a line break after its closing divider, which
    otherwise runs into the next line when stderr is not a terminal."""

    def __init__(self, target: TextIO) -> None:
        self.target = target
        self.skip_newline = False
        self.after_divider = False

    def write(self, text: str) -> int:
        if text.startswith(PYAIRBYTE_FULL_REFRESH_HINT):
            self.skip_newline = True
            self.target.write(JOB_FULL_REFRESH_HINT)
            return len(text)
        if self.skip_newline and text == "\n":
            self.skip_newline = False
            return len(text)
        self.skip_newline = False
        if self.after_divider and text and not text.startswith("\n"):
            self.target.write("\n")
        if text:
            self.after_divider = text.rstrip(" ").endswith(DIVIDER)
        self.target.write(text)
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()


@contextmanager
def tidy_pyairbyte_output() -> Iterator[None]:
    with redirect_stderr(TidyStderr(sys.stderr)):
        yield
