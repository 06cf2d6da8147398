"""Runs one connector process and measures only that process.

The sandbox serves from a thread of the benchmark process, so its CPU is never charged to the
connector: CPU seconds and peak RSS come from `os.wait4` on the child alone.
"""
from __future__ import annotations

import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

BENCH_DIR = Path(__file__).resolve().parent
BIN_DIR = Path(sys.executable).parent

RECORD_LINE_START = b'\n{"type":"RECORD"'  # the CDK writes compact JSON, one message per line
KEPT_OTHER_LINES = 5000


@dataclass
class Command:
    """A program that speaks the Airbyte protocol (`spec|check|discover|read --config ...`)."""

    label: str
    argv: tuple[str, ...]

    def invocation(self, verb: str, config: Optional[Path] = None, catalog: Optional[Path] = None) -> list[str]:
        args = [*self.argv, verb]
        if config is not None:
            args += ["--config", str(config)]
        if catalog is not None:
            args += ["--catalog", str(catalog)]
        return args


LINKEDIN_CONNECTOR = Command("source-linkedin-learning", (str(BIN_DIR / "source-linkedin-learning"),))
LEARNWORLDS_CONNECTOR = Command("source-learnworlds", (str(BIN_DIR / "source-learnworlds"),))
BASELINE = Command("(a) manifest-only baseline", (sys.executable, "-m", "bench.baseline"))
FLOOR = Command("(b) requests + orjson floor", (sys.executable, "-m", "bench.floor"))


@dataclass
class ChildRun:
    """What one connector process did, from outside: its output counted, its resources measured."""

    argv: list[str]
    exit_code: int
    wall_seconds: float
    user_seconds: float
    system_seconds: float
    peak_rss_bytes: int
    records: int
    other_lines: list[bytes]
    stderr: str
    timed_out: bool = False

    @property
    def cpu_seconds(self) -> float:
        return self.user_seconds + self.system_seconds

    def messages(self, message_type: str) -> list[dict[str, Any]]:
        found = []
        for line in self.other_lines:
            if line.startswith(b'{"type":"%s"' % message_type.encode()):
                found.append(json.loads(line))
        return found

    @property
    def error_messages(self) -> list[str]:
        return [
            m["trace"]["error"].get("message", "")
            for m in self.messages("TRACE")
            if m["trace"].get("type") == "ERROR"
        ]

    def problem(self) -> Optional[str]:
        """Why this run cannot be trusted as a measurement, or None."""
        if self.timed_out:
            return f"timed out after {self.wall_seconds:.0f}s"
        errors = self.error_messages
        if self.exit_code == 0 and not errors:
            return None
        detail = "; ".join(errors) or (self.stderr.strip().splitlines() or ["no output"])[-1]
        return f"exit {self.exit_code}: {detail[:300]}"

    def json_output(self, message_type: str) -> Optional[dict[str, Any]]:
        found = self.messages(message_type)
        return found[-1] if found else None


def _count_output(stream: Any) -> tuple[int, list[bytes]]:
    """Count RECORD lines at C speed; keep the other lines (state, logs, traces) for inspection."""
    records = 0
    others: deque[bytes] = deque(maxlen=KEPT_OTHER_LINES)
    pending = b"\n"  # always the newline before the current partial line
    while chunk := stream.read1(1 << 20):
        block = pending + chunk
        end = block.rfind(b"\n")
        complete, pending = block[:end], block[end:]
        found = complete.count(RECORD_LINE_START)
        records += found
        if complete.count(b"\n") > found:
            others.extend(line for line in complete[1:].split(b"\n") if not line.startswith(RECORD_LINE_START[1:]))
    last = pending[1:]
    if last.startswith(RECORD_LINE_START[1:]):
        records += 1
    elif last.strip():
        others.append(last)
    return records, list(others)


def run_child(argv: Sequence[str], timeout_seconds: float = 1800, env: Optional[dict[str, str]] = None) -> ChildRun:
    """Start `argv`, count its RECORD lines, and measure it with `os.wait4` when it ends."""
    with tempfile.TemporaryFile() as stderr_file:
        started = time.monotonic()
        process = subprocess.Popen(
            list(argv), stdout=subprocess.PIPE, stderr=stderr_file, env={**os.environ, **(env or {})}
        )
        timed_out = threading.Event()

        def kill_when_late() -> None:
            timed_out.set()
            process.kill()

        watchdog = threading.Timer(timeout_seconds, kill_when_late)
        watchdog.start()
        try:
            records, other_lines = _count_output(process.stdout)
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            watchdog.cancel()
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        process.stdout.close()
        stderr_file.seek(0)
        stderr = stderr_file.read().decode(errors="replace")
    return ChildRun(
        argv=list(argv),
        exit_code=process.returncode,
        wall_seconds=wall,
        user_seconds=usage.ru_utime,
        system_seconds=usage.ru_stime,
        peak_rss_bytes=usage.ru_maxrss * 1024,  # Linux reports kilobytes
        records=records,
        other_lines=other_lines,
        stderr=stderr,
        timed_out=timed_out.is_set(),
    )


class Workspace:
    """A temporary folder for the config and catalog files handed to connector processes."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="bench-")
        self._numbers = itertools.count(1)  # thread-safe: quick mode runs scenarios side by side

    def write(self, name: str, content: Any) -> Path:
        path = Path(self._folder.name) / f"{next(self._numbers):03d}-{name}.json"
        path.write_text(json.dumps(content))
        return path

    def close(self) -> None:
        self._folder.cleanup()


def machine_description() -> dict[str, str]:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    from importlib.metadata import version

    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "airbyte-cdk": version("airbyte-cdk"),
        "orjson": version("orjson"),
    }
