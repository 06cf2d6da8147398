"""`check` against an address that cannot work answers FAILED quickly, naming the field (issue 11
item 4): within 30 s for a refused or unresolvable host, within 75 s for one that accepts
connections and never answers. `read` keeps its retries (the token-request bounds are tested in
test_token_requests.py)."""
from __future__ import annotations

import time

import pytest

from integration_tests.reliability.harness import FIGURES
from integration_tests.reliability.hostile import HostileServer, listening_port_then_closed, silent
from integration_tests.reliability.profiles import PROFILES

REFUSED_OR_UNRESOLVABLE_SECONDS = 30
SILENT_SECONDS = 75


@pytest.fixture(scope="module", autouse=True)
def warm_launcher(launcher):
    """The pre-warmed server imports both connectors before its first command: not the check's time."""
    launcher.run("linkedin_learning", "spec")


def timed_check(launcher, connector: str, config: dict) -> tuple[dict, float]:
    started = time.monotonic()
    run = launcher.run(connector, "check", config=config, timeout=150)
    seconds = time.monotonic() - started
    FIGURES.commands_run += 1
    assert run.connection_status, run.output[-2000:]
    assert "Traceback" not in run.output
    return run.connection_status, seconds


def bad_address(kind: str) -> tuple[str, object]:
    """(base URL, the server to stop afterwards or None)."""
    if kind == "refused":
        return f"http://127.0.0.1:{listening_port_then_closed()}", None
    if kind == "unresolvable":
        return "https://no-such-host.invalid", None
    server = HostileServer(silent()).start()
    return server.url, server


CASES = [
    # (connector, field, kind)
    *[(connector, field, kind) for kind in ("refused", "unresolvable", "silent")
      for connector, field in (("linkedin_learning", "token_url"), ("linkedin_learning", "api_url"), ("learnworlds", "school_url"))],
]


@pytest.mark.parametrize("connector, field, kind", CASES, ids=[f"{c}: {f} {k}" for c, f, k in CASES])
def test_check_fails_fast_naming_the_field(connector, field, kind, sandbox, launcher):
    profile = PROFILES[connector]
    base, server = bad_address(kind)
    try:
        address = f"{base}/oauth/v2/accessToken" if field == "token_url" else base
        status, seconds = timed_check(launcher, connector, profile.config(sandbox.url, **{field: address}))
    finally:
        if server is not None:
            server.stop()
    print(f"check, {connector} `{field}` {kind}: FAILED after {seconds:.1f} s")
    limit = SILENT_SECONDS if kind == "silent" else REFUSED_OR_UNRESOLVABLE_SECONDS
    assert status["status"] == "FAILED"
    assert f"'{field}'" in status["message"], status["message"]
    assert seconds < limit, f"{seconds:.0f} s (limit {limit} s): {status['message']}"
