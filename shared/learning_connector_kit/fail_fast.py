"""`check` answers within a deadline, naming the config field whose host does not answer.

Why: `check` runs one stream's first request through the same retries as a sync (minutes against a
host that refuses connections or never answers), while a user waiting on `check` wants a quick
answer that says which address is wrong. `read` keeps its retries: this module serves `check` only.
"""
from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Mapping, Optional, TypeVar
from urllib.parse import urlsplit

# A check still running after this long has its endpoints probed: a refused or unresolvable host fails it.
PROBE_AFTER_SECONDS = 10.0
PROBE_CONNECT_SECONDS = 5.0
# A check that has not answered after this long fails, naming the host that does not answer.
CHECK_DEADLINE_SECONDS = 60.0

Result = TypeVar("Result")


@dataclass(frozen=True)
class Endpoint:
    field: str  # the config field that sets it
    url: str


def unreachable(endpoint: Endpoint) -> Optional[str]:
    """Why a TCP connection to the endpoint's host cannot be opened, or None when it can."""
    parts = urlsplit(endpoint.url)
    if not parts.hostname:
        return "it has no host"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=PROBE_CONNECT_SECONDS):
            return None
    except socket.gaierror:
        return f"the host name {parts.hostname} does not resolve"
    except ConnectionRefusedError:
        return f"{parts.hostname}:{port} refuses connections"
    except OSError as error:
        return f"{parts.hostname}:{port} cannot be reached ({type(error).__name__})"


def first_unreachable(endpoints: list[Endpoint]) -> Optional[str]:
    """The message for the first endpoint (in the given order) whose host cannot be reached."""
    if not endpoints:
        return None
    with ThreadPoolExecutor(max_workers=len(endpoints)) as pool:
        reasons = list(pool.map(unreachable, endpoints))
    for endpoint, reason in zip(endpoints, reasons):
        if reason:
            return f"The address in '{endpoint.field}' ({endpoint.url}) cannot be reached: {reason}. Check '{endpoint.field}'."
    return None


def within_deadline(
    run_check: Callable[[], Result],
    endpoints: list[Endpoint],
    silent_field: Callable[[], str],
) -> tuple[Optional[Result], Optional[str]]:
    """(the check's result, None), or (None, why it failed) when an endpoint's host cannot be reached
    (probed once the check has run for PROBE_AFTER_SECONDS) or nothing answered by the deadline;
    `silent_field` names the field to blame then. The check runs in a daemon thread, abandoned when
    it overruns: the command ends right after with its answer."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = run_check()
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=run, name="check", daemon=True)
    worker.start()
    worker.join(PROBE_AFTER_SECONDS)
    if worker.is_alive():
        reason = first_unreachable(endpoints)
        if reason:
            return None, reason
        worker.join(max(0.0, CHECK_DEADLINE_SECONDS - PROBE_AFTER_SECONDS - PROBE_CONNECT_SECONDS))
    if worker.is_alive():
        field = silent_field()
        url = next((endpoint.url for endpoint in endpoints if endpoint.field == field), "")
        return None, (
            f"No answer within {CHECK_DEADLINE_SECONDS:.0f} s from the address in '{field}' ({url}): it accepts "
            f"connections but does not answer. Check '{field}'."
        )
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("result"), None  # type: ignore[return-value]


def endpoints_of(config: Mapping[str, object], defaults: Mapping[str, str]) -> list[Endpoint]:
    """The configured (or default) address of each endpoint field."""
    return [Endpoint(name, str(config.get(name) or default)) for name, default in defaults.items() if config.get(name) or default]
