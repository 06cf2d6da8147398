"""read_bounded_body against small hostile servers on loopback: a body that trickles meets a
deadline for the whole body, a gzip body that inflates without limit meets a cap."""
from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator

import pytest
import requests
from airbyte_cdk.sources.streams.http.requests_native_auth.abstract_token import AbstractHeaderAuthenticator
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from learning_connector_kit import response_bounds
from learning_connector_kit.response_bounds import BoundedResponses, read_bounded_body

PAGE = b'{"elements": [], "paging": {"start": 0, "count": 10}}'
BOMB = gzip.compress(b"0" * (8 * 1024 * 1024))  # 8 MiB of zeros in about 8 KB

# Hostile servers: part of the reliability suite (`-m reliability`) as well as the unit tests.
pytestmark = pytest.mark.reliability


def serve(write_body: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            write_body(self)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v2/learningAssets"
    server.shutdown()
    server.server_close()


def trickle(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(PAGE)))
    handler.end_headers()
    try:
        for byte in PAGE:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.2)
    except (BrokenPipeError, ConnectionResetError):
        pass


def gzip_bomb(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(BOMB)))
    handler.end_headers()
    handler.wfile.write(BOMB)


def gzip_page(handler: BaseHTTPRequestHandler) -> None:
    body = gzip.compress(PAGE)
    handler.send_response(200)
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def trickling_server() -> Iterator[str]:
    yield from serve(trickle)


@pytest.fixture
def bomb_server() -> Iterator[str]:
    yield from serve(gzip_bomb)


@pytest.fixture
def gzip_server() -> Iterator[str]:
    yield from serve(gzip_page)


def bounded(deadline: float = 60.0, max_bytes: int = 1024 * 1024):
    return lambda response, *args, **kwargs: read_bounded_body(response, *args, deadline_seconds=deadline, max_bytes=max_bytes, **kwargs)


def test_a_trickling_body_meets_the_deadline_although_every_read_is_quick(trickling_server):
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout, match="too slowly"):
        requests.get(trickling_server, timeout=(5, 5), hooks={"response": bounded(deadline=1.0)})
    assert time.monotonic() - started < 3, "the deadline should end the read, not the body's end"


def test_a_gzip_body_that_inflates_without_limit_is_capped(bomb_server):
    with pytest.raises(AirbyteTracedException) as raised:
        requests.get(bomb_server, timeout=5, hooks={"response": bounded(max_bytes=1024 * 1024)})
    assert "GET /v2/learningAssets" in raised.value.message and "larger than 1,048,576 bytes" in raised.value.message


def test_a_good_gzip_body_is_read_and_decoded_once(gzip_server):
    response = requests.get(gzip_server, timeout=5, hooks={"response": bounded()})
    assert response.content == PAGE and response.json()["paging"]["count"] == 10


def test_the_defaults_bound_both():
    assert response_bounds.BODY_DEADLINE_SECONDS <= 300 and response_bounds.MAX_BODY_BYTES <= 256 * 1024 * 1024


class Authenticator(BoundedResponses, AbstractHeaderAuthenticator):
    auth_header = "Authorization"
    token = "Bearer t"


def test_an_authenticator_with_the_mixin_bounds_every_request_once(bomb_server, monkeypatch):
    monkeypatch.setattr(response_bounds, "MAX_BODY_BYTES", 1024 * 1024)
    session = requests.Session()
    session.auth = Authenticator()
    prepared = session.prepare_request(requests.Request("GET", bomb_server))
    session.auth(prepared)  # as the CDK does again on a retry
    assert prepared.hooks["response"].count(read_bounded_body) == 1
    with pytest.raises(AirbyteTracedException, match="larger than 1,048,576 bytes"):
        session.send(prepared, timeout=5)
