"""What a sync did, per stream, logged once at its end."""
from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Iterable, Iterator

from airbyte_cdk.models import AirbyteMessage, Type


def summarised(messages: Iterable[AirbyteMessage], logger: logging.Logger) -> Iterator[AirbyteMessage]:
    """Pass messages through; at the end log one line per stream with records and seconds."""
    started = time.monotonic()
    records: Counter[str] = Counter()
    try:
        for message in messages:
            if message.type == Type.RECORD:
                records[message.record.stream] += 1
            yield message
    finally:
        elapsed = time.monotonic() - started
        for stream, count in sorted(records.items()):
            logger.info(f"Sync summary: stream {stream}: {count} records in {elapsed:.1f}s")
