"""The connectors' only two uses of airbyte-cdk internals, for which the CDK has no public extension point.

Each checks that the internal it needs is still there and raises `CdkInternalsChanged`, naming what to
update, when it is not; shared/tests/test_cdk_internals.py runs both against the installed CDK, so an
upgrade that changes either fails that test instead of silently losing the behaviour.
"""
from __future__ import annotations

import functools
import inspect
import threading
from importlib.metadata import version
from typing import Any, Callable

from airbyte_cdk.sources.streams.call_rate import APIBudget
from airbyte_cdk.sources.streams.http.http_client import HttpClient

BUILT_AGAINST = "7.39.1"

_hook_lock = threading.Lock()
_attempt_listeners: list[Callable[[str], None]] = []


class CdkInternalsChanged(RuntimeError):
    def __init__(self, what: str, where: str) -> None:
        super().__init__(
            f"airbyte-cdk {version('airbyte-cdk')} no longer has {what} (the connectors were built against "
            f"{BUILT_AGAINST}): find its replacement and update {where} in learning_connector_kit/cdk_internals.py."
        )


def share_api_budget(source: Any, budget: APIBudget) -> None:
    """Make `budget` the one API budget of every HttpRequester that `source` (a declarative source) builds.

    Why internal: the manifest's `api_budget` accepts only HTTPAPIBudget, whose policies wait and never stop
    a sync, and the declarative source builds its component factory itself, with no argument for a budget.
    """
    factory = getattr(source, "_constructor", None)
    if factory is None or not hasattr(factory, "_api_budget"):
        raise CdkInternalsChanged("the component factory's API budget (`source._constructor._api_budget`)", "share_api_budget")
    factory._api_budget = budget


def on_every_http_attempt(listener: Callable[[str], None]) -> None:
    """Call `listener(stream_name)` before every HTTP attempt of a stream (retries included), from any thread.

    Why internal: no public per-request hook knows the stream. `HttpClient._send` is the one place every
    attempt passes and the client carries its stream's name, so it is wrapped once per process. Token
    requests of authenticators do not pass there.
    """
    with _hook_lock:
        if listener in _attempt_listeners:
            return
        original = getattr(HttpClient, "_send", None)
        if original is None or list(inspect.signature(original).parameters)[:2] != ["self", "request"]:
            raise CdkInternalsChanged("`HttpClient._send(self, request, ...)`", "on_every_http_attempt")
        if not getattr(original, "_reports_attempts", False):

            @functools.wraps(original)
            def reported_send(client: HttpClient, *args: Any, **kwargs: Any) -> Any:
                for each in tuple(_attempt_listeners):
                    each(client.name)
                return original(client, *args, **kwargs)

            reported_send._reports_attempts = True  # type: ignore[attr-defined]
            HttpClient._send = reported_send  # type: ignore[method-assign]
        _attempt_listeners.append(listener)
