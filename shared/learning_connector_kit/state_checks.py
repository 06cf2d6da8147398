"""Saved state whose cursor lies in the future.

Such a cursor (a clock set wrong, a hand-edited state) would make its stream skip everything until
that date, silently. The stream's state is dropped instead, so it reads from the configured start,
and a warning names it.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, List, Optional, Tuple

from airbyte_cdk.models import AirbyteStateMessage, AirbyteStateMessageSerializer

# Records stamped by a server whose clock runs a little ahead are not "in the future".
CLOCK_TOLERANCE = timedelta(days=1)


def _date_times(value: Any) -> Iterator[datetime]:
    """Every RFC 3339 date-time with a zone anywhere in a state value (cursors, per-partition states)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _date_times(item)
    elif isinstance(value, list):
        for item in value:
            yield from _date_times(item)
    elif isinstance(value, str) and len(value) >= 20 and value[4:5] == "-" and value[10:11] in "Tt":
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return
        if moment.tzinfo is not None:
            yield moment


def without_future_cursors(
    state: Optional[List[AirbyteStateMessage]], now: Optional[datetime] = None
) -> Tuple[Optional[List[AirbyteStateMessage]], List[str]]:
    """The state without the streams whose cursor is in the future, and one warning per such stream."""
    if not state:
        return state, []
    latest_allowed = (now or datetime.now(timezone.utc)) + CLOCK_TOLERANCE
    kept, warnings = [], []
    for message in state:
        stream = message.stream
        if stream is not None and stream.stream_state is not None:
            stream_state = AirbyteStateMessageSerializer.dump(message)["stream"].get("stream_state")
            future = max((moment for moment in _date_times(stream_state) if moment > latest_allowed), default=None)
            if future is not None:
                warnings.append(
                    f"The saved state of stream '{stream.stream_descriptor.name}' holds a cursor in the future "
                    f"({future.isoformat()}), so the stream would never read again: its state is ignored and it "
                    "reads from the configured start."
                )
                continue
        kept.append(message)
    return kept, warnings
