"""The sandbox's fault switches that the reliability scenarios rely on, against a minimal app."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Optional

import pytest

from sandbox import Request, Response, Sandbox, TokenStore


class EchoApp:
    """Answers every /api/ path with `{"items": [{"n": 1}, {"n": 2}]}`; mints tokens at /api/token."""

    name = "echo"

    def __init__(self) -> None:
        self.tokens = TokenStore()

    def handles(self, path: str) -> bool:
        return path.startswith("/api/")

    def handle(self, request: Request) -> Response:
        if request.path == "/api/token":
            if self.tokens.reject_minting:
                return Response.json(401, {"error": "invalid_client"})
            return Response.json(200, {"access_token": self.tokens.issue(60)})
        return Response.json(200, {"items": [{"n": 1}, {"n": 2}]})

    def error_response(self, status: int, message: str) -> Response:
        return Response.json(status, {"message": message})

    def throttle_response(self, retry_after: Optional[float]) -> Response:
        return Response.json(429, {"message": "slow down"}, {"Retry-After": str(retry_after)} if retry_after else None)

    def revoke_tokens(self) -> None:
        self.tokens.revoke_all()


@pytest.fixture
def echo():
    with Sandbox([EchoApp()]) as running:
        yield running


def get(sandbox: Sandbox, path: str) -> tuple[int, object]:
    try:
        with urllib.request.urlopen(sandbox.url + path, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_max_faults_caps_the_random_faults(echo):
    echo.set_faults(error_rate=1.0, error_status=403, error_message="No licence", max_faults=2)
    answers = [get(echo, "/api/items") for _ in range(4)]
    assert answers[:2] == [(403, {"message": "No licence"})] * 2
    assert [status for status, _ in answers[2:]] == [200, 200]
    assert [entry.fault for entry in echo.log.entries()] == ["error", "error", "", ""]


def test_throttle_max_bursts_allows_one_burst(echo):
    echo.set_faults(throttle_every=2, throttle_burst=2, throttle_max_bursts=1)
    statuses = [get(echo, "/api/items")[0] for _ in range(8)]
    assert statuses == [200, 429, 429, 200, 200, 200, 200, 200]


def test_mutate_body_rewrites_answers_on_faulted_paths_only(echo):
    def drop_second_item(request: Request, payload: dict) -> dict:
        return {**payload, "items": payload["items"][:1]}

    echo.set_faults(mutate_body=drop_second_item, path_pattern="/items$")
    assert get(echo, "/api/items") == (200, {"items": [{"n": 1}]})
    assert get(echo, "/api/other") == (200, {"items": [{"n": 1}, {"n": 2}]})
    assert get(echo, "/_sandbox/faults")[1]["mutate_body"] == "drop_second_item"
    with pytest.raises(ValueError, match="callable"):
        echo.set_faults(mutate_body="not a function")


def test_minting_is_refused_once_tokens_are_revoked(echo):
    app = echo.app("echo")
    echo.set_faults(revoke_tokens_after=1, reject_minting_after_revocation=True)
    token = get(echo, "/api/token")[1]["access_token"]
    assert app.tokens.is_valid(token)
    get(echo, "/api/items")  # the first API request
    get(echo, "/api/items")  # past it: every token is revoked, minting refused
    assert not app.tokens.is_valid(token)
    assert get(echo, "/api/token")[0] == 401
    assert app.tokens.issued() == [token]
