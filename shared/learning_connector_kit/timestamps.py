"""Timestamp conversions shared by both connectors: epoch numbers to RFC 3339 strings."""
from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Optional, Union

Number = Union[int, float]


def _utc(seconds: float) -> datetime:
    """The UTC moment; a number no date can hold (1e22, NaN) is a ValueError, never an OverflowError."""
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"{seconds!r} seconds since 1970 is not a date") from None


def epoch_seconds_to_rfc3339(value: Optional[Number]) -> Optional[str]:
    """Unix seconds (LearnWorlds, often fractional) -> RFC 3339 UTC, microsecond precision kept."""
    if value is None or isinstance(value, bool):
        return None
    moment = _utc(float(value))
    if moment.microsecond:
        # Six-digit fractions keep what a float of unix seconds can carry.
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_millis_to_rfc3339(value: Optional[Number], fixed_width: bool = False) -> Optional[str]:
    """Unix milliseconds (LinkedIn Learning) -> RFC 3339 UTC with millisecond precision when present.

    `fixed_width` always writes three fraction digits (`.000Z` too), so that values compare as strings,
    as a cursor compares them.
    """
    if value is None or isinstance(value, bool):
        return None
    if not math.isfinite(value):
        raise ValueError(f"{value!r} milliseconds since 1970 is not a date")
    seconds, millis = divmod(int(value), 1000)
    moment = _utc(seconds)
    if millis or fixed_width:
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
