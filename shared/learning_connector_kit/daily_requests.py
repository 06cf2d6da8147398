"""The API requests of the current UTC day, carried from one sync to the next in the state.

A daily request budget must count the requests of earlier syncs on the same day, and the state is
the only thing a source gets back from its last sync. The CDK keeps no state beside its streams',
so the count rides in every stream STATE message the source emits, under one reserved key, and is
taken out of the incoming state before the CDK reads it (its cursors never see the key).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import List, Optional, Tuple

from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteMessageSerializer,
    AirbyteStateMessage,
    AirbyteStateMessageSerializer,
    AirbyteStateType,
    Type,
)

DAILY_REQUESTS_KEY = "__daily_api_requests"


def utc_day(moment: Optional[datetime] = None) -> str:
    """The UTC date ("YYYY-MM-DD") the API's daily quotas count by."""
    return (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%d")


def taken_from_state(
    state: Optional[List[AirbyteStateMessage]], day: str
) -> Tuple[Optional[List[AirbyteStateMessage]], int]:
    """The state without the reserved key, and the largest request count it holds for `day` (0 if none).

    Each stream's state was saved at a different moment of the last sync, so the largest count is the latest.
    A count of another day, or of an unexpected shape (a hand-edited state), counts as 0.
    """
    if not state:
        return state, 0
    stripped, requests = [], 0
    for message in state:
        serialized = AirbyteStateMessageSerializer.dump(message)
        stream_state = (serialized.get("stream") or {}).get("stream_state")
        if isinstance(stream_state, dict) and DAILY_REQUESTS_KEY in stream_state:
            count = stream_state.pop(DAILY_REQUESTS_KEY)
            if isinstance(count, dict) and count.get("day") == day:
                value = count.get("requests")
                if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                    requests = max(requests, value)
            message = AirbyteStateMessageSerializer.load(serialized)
        stripped.append(message)
    return stripped, requests


def stamped(message: AirbyteMessage, day: str, requests: int) -> AirbyteMessage:
    """A copy of a stream STATE message that also carries the day's request count; other messages as they are."""
    if not is_stream_state(message):
        return message
    serialized = AirbyteMessageSerializer.dump(message)
    stream = serialized["state"]["stream"]
    stream["stream_state"] = {**(stream.get("stream_state") or {}), DAILY_REQUESTS_KEY: {"day": day, "requests": requests}}
    return AirbyteMessageSerializer.load(serialized)


def is_stream_state(message: AirbyteMessage) -> bool:
    return message.type == Type.STATE and message.state is not None and message.state.type == AirbyteStateType.STREAM
