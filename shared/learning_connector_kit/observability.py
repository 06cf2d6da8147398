"""What a sync did, per stream, logged once at its end: records, HTTP requests and seconds.

The CDK already emits stream status traces (STARTED, RUNNING, COMPLETE or INCOMPLETE); this
module reads them to time each stream, and counts the HTTP requests each stream sent.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Mapping, Optional

from airbyte_cdk.models import AirbyteMessage, AirbyteStreamStatus, TraceType, Type

from learning_connector_kit.cdk_internals import on_every_http_attempt

_FINAL_STATUSES = {AirbyteStreamStatus.COMPLETE, AirbyteStreamStatus.INCOMPLETE}


class RequestCounter:
    """HTTP requests per stream name, incremented from any worker thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, stream: str) -> None:
        with self._lock:
            self._counts[stream] += 1

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self._counts)


REQUESTS_BY_STREAM = RequestCounter()


def count_requests_per_stream() -> None:
    """Count every HTTP attempt (retries included) that the CDK sends, under its stream's name."""
    on_every_http_attempt(REQUESTS_BY_STREAM.add)


@dataclass
class StreamActivity:
    records: int = 0
    started: Optional[float] = None
    finished: Optional[float] = None
    status: str = ""

    def seconds(self, sync_end: float) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or sync_end) - self.started


def _observe(message: AirbyteMessage, activity: dict[str, StreamActivity], now: float) -> None:
    if message.type == Type.RECORD:
        stream = activity.setdefault(message.record.stream, StreamActivity())
        stream.records += 1
        if stream.started is None:
            stream.started = now
    elif message.type == Type.TRACE and message.trace.type == TraceType.STREAM_STATUS:
        status = message.trace.stream_status
        stream = activity.setdefault(status.stream_descriptor.name, StreamActivity())
        stream.status = status.status.name
        if status.status == AirbyteStreamStatus.STARTED:
            stream.started = now
        elif status.status in _FINAL_STATUSES:
            stream.finished = now


def summary_lines(activity: Mapping[str, StreamActivity], requests: Mapping[str, int], sync_end: float, sync_seconds: float) -> list[str]:
    """One line per stream (streams read only as parents of others appear with their requests), then a total."""
    lines = []
    for name in sorted(set(activity) | set(requests)):
        stream = activity.get(name, StreamActivity())
        role = f" ({stream.status})" if stream.status else " (read as a parent stream)"
        lines.append(
            f"Sync summary: stream {name}{role}: {stream.records} records, "
            f"{requests.get(name, 0)} requests, {stream.seconds(sync_end):.1f}s"
        )
    lines.append(
        f"Sync summary: {sum(s.records for s in activity.values())} records, "
        f"{sum(requests.values())} requests in {sync_seconds:.1f}s"
    )
    return lines


def summarised(
    messages: Iterable[AirbyteMessage],
    logger: logging.Logger,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[AirbyteMessage]:
    """Pass messages through; at the end (also on failure) log one line per stream with
    records, requests and seconds (from the stream's STARTED trace to its final status)."""
    count_requests_per_stream()
    requests_before = REQUESTS_BY_STREAM.snapshot()
    sync_started = clock()
    activity: dict[str, StreamActivity] = {}
    try:
        for message in messages:
            _observe(message, activity, clock())
            yield message
    finally:
        sync_end = clock()
        requests = REQUESTS_BY_STREAM.snapshot()
        requests.subtract(requests_before)
        sent = {name: count for name, count in requests.items() if count > 0}
        for line in summary_lines(activity, sent, sync_end, sync_end - sync_started):
            logger.info(line)
