"""Progress while a connector loads.

On a terminal PyAirbyte draws its own live view (records per stream, rate). Elsewhere (CI, a
pipe) this prints a line every few seconds: the requests the sandbox has answered for the
connector, how many were throttled, and the time spent so far.
"""
from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator

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
