"""`check`'s deadline: a quick check is untouched; a slow one fails naming the unreachable or silent field."""
from __future__ import annotations

import socket
import time

import pytest

from learning_connector_kit import fail_fast
from learning_connector_kit.fail_fast import Endpoint, endpoints_of, within_deadline


@pytest.fixture(autouse=True)
def short_deadlines(monkeypatch):
    monkeypatch.setattr(fail_fast, "PROBE_AFTER_SECONDS", 0.2)
    monkeypatch.setattr(fail_fast, "PROBE_CONNECT_SECONDS", 0.5)
    monkeypatch.setattr(fail_fast, "CHECK_DEADLINE_SECONDS", 1.5)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def listening_port():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def test_a_quick_check_keeps_its_own_answer():
    assert within_deadline(lambda: "SUCCEEDED", [], silent_field=lambda: "api_url") == ("SUCCEEDED", None)


def test_a_slow_check_against_a_refused_host_names_its_field(listening_port):
    endpoints = [Endpoint("token_url", f"http://127.0.0.1:{listening_port}/token"), Endpoint("api_url", f"http://127.0.0.1:{closed_port()}")]
    started = time.monotonic()
    result, failure = within_deadline(lambda: time.sleep(5), endpoints, silent_field=lambda: "token_url")
    assert result is None and "'api_url'" in failure and "refuses connections" in failure
    assert time.monotonic() - started < 1.5


def test_an_unresolvable_host_is_named():
    _, failure = within_deadline(lambda: time.sleep(5), [Endpoint("school_url", "https://no-such-host.invalid")], silent_field=lambda: "school_url")
    assert "'school_url'" in failure and "does not resolve" in failure


def test_a_silent_host_fails_at_the_deadline_naming_the_field_in_question(listening_port):
    endpoints = [Endpoint("token_url", f"http://127.0.0.1:{listening_port}/token"), Endpoint("api_url", f"http://127.0.0.1:{listening_port}")]
    started = time.monotonic()
    _, failure = within_deadline(lambda: time.sleep(5), endpoints, silent_field=lambda: "api_url")
    assert "'api_url'" in failure and "does not answer" in failure
    assert 1.0 < time.monotonic() - started < 2.5


def test_an_error_of_the_check_reaches_the_caller():
    def broken():
        raise ValueError("broken check")

    with pytest.raises(ValueError, match="broken check"):
        within_deadline(broken, [], silent_field=lambda: "api_url")


def test_endpoints_come_from_the_config_or_their_defaults():
    defaults = {"token_url": "https://auth.example.com/token", "api_url": "https://api.example.com", "school_url": ""}
    assert endpoints_of({"api_url": "https://other.example.com"}, defaults) == [
        Endpoint("token_url", "https://auth.example.com/token"), Endpoint("api_url", "https://other.example.com")]
