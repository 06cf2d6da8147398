"""The one backoff policy for 429 and 5xx responses of both APIs.

The CDK's `WaitTimeFromHeader` reads only numeric `Retry-After` values, and its exponential
strategy has no ceiling and at most a fixed jitter range added on top of each wait
(`jitter_range_in_seconds`), so workers that back off together stay close; this strategy draws
each wait from the whole interval (full jitter), caps it, and understands both `Retry-After`
forms (seconds and HTTP-date).
"""
from __future__ import annotations

import email.utils
import logging
import random
import time
from urllib.parse import urlsplit
from dataclasses import InitVar, dataclass
from typing import Any, Mapping, Optional, Union

import requests
from airbyte_cdk.sources.declarative.requesters.error_handlers.backoff_strategy import BackoffStrategy
from airbyte_cdk.sources.types import Config

logger = logging.getLogger("airbyte")


def retry_after_seconds(response: requests.Response) -> Optional[float]:
    """Seconds the server asked us to wait, from `Retry-After` (delta-seconds or HTTP-date)."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


@dataclass
class RateLimitBackoffStrategy(BackoffStrategy):
    """`Retry-After` when the server sends it, otherwise exponential backoff with full jitter."""

    parameters: InitVar[Mapping[str, Any]]
    config: Config
    base_seconds: Union[float, str] = 1.0
    max_seconds: Union[float, str] = 60.0

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self.base_seconds = float(self.base_seconds)
        self.max_seconds = float(self.max_seconds)

    def backoff_time(
        self,
        response_or_exception: Optional[Union[requests.Response, requests.RequestException]],
        attempt_count: int,
    ) -> Optional[float]:
        if isinstance(response_or_exception, requests.Response):
            requested = retry_after_seconds(response_or_exception)
            if requested is not None:
                wait = min(requested, self.max_seconds)
                logger.info(f"{describe_failure(response_or_exception)}: the server asked to retry after {requested:.1f}s; waiting {wait:.1f}s.")
                return wait
        ceiling = min(self.max_seconds, self.base_seconds * (2 ** max(0, attempt_count - 1)))
        # Half fixed, half random: never zero, and workers that failed together spread out.
        wait = ceiling / 2 + random.uniform(0, ceiling / 2)
        logger.info(f"{describe_failure(response_or_exception)}: retry {attempt_count} in {wait:.1f}s.")
        return wait


def describe_failure(response_or_exception: Optional[Union[requests.Response, requests.RequestException]]) -> str:
    """Which request failed and how, in the words a log reader needs (a 2xx is retried only when its body is unreadable)."""
    request = getattr(response_or_exception, "request", None)
    target = f"{request.method} {urlsplit(request.url).path}: " if request is not None and request.url else ""
    if isinstance(response_or_exception, requests.Response):
        if response_or_exception.ok:
            return f"{target}HTTP {response_or_exception.status_code} with a body that is not valid JSON (cut off or malformed)"
        return f"{target}HTTP {response_or_exception.status_code}"
    return f"{target}{type(response_or_exception).__name__}"
