"""A small misbehaving server of the suite's own, on loopback: what an attacker or a broken proxy does.

It is not an emulator (the sandbox is faithful to the APIs); each `Behaviour` is one way a token
endpoint or an API can misbehave, and every request it receives is recorded.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional

import requests


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Behaviour:
    """How the server answers. `token` answers POSTs (the token endpoint), `api` every other request;
    each returns (status, headers, body) or None to stay silent (the connection open, no answer)."""

    token: Callable[["HostileServer", Received], Optional[tuple[int, dict[str, str], bytes]]]
    api: Callable[["HostileServer", Received], Optional[tuple[int, dict[str, str], bytes]]] = (
        lambda server, request: (404, {"Content-Type": "application/json"}, b'{"message": "not found"}')
    )


def as_json(status: int, body: object, headers: Optional[dict[str, str]] = None) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body).encode()


@dataclass
class HostileServer:
    behaviour: Behaviour
    received: list[Received] = field(default_factory=list)
    _server: Optional[ThreadingHTTPServer] = None
    _release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    def start(self) -> "HostileServer":
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = Received(self.command, self.path, dict(self.headers), self.rfile.read(length) if length else b"")
                hostile.received.append(request)
                reply = (hostile.behaviour.token if self.command == "POST" else hostile.behaviour.api)(hostile, request)
                if reply is None:
                    hostile._release.wait()  # silent: hold the connection until the server stops
                    self.close_connection = True
                    return
                status, headers, body = reply
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "HostileServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def redirect_to(location: str, status: int) -> Behaviour:
    return Behaviour(token=lambda server, request: (status, {"Location": location}, b""))


def failing_forever(status: int = 500) -> Behaviour:
    return Behaviour(token=lambda server, request: as_json(status, {"error": "server_error"}))


def silent() -> Behaviour:
    return Behaviour(token=lambda server, request: None, api=lambda server, request: None)


def token_proxy(token_url: str, expires_in: object) -> Behaviour:
    """Mints at the real (sandbox) token endpoint and rewrites the answer's `expires_in`."""

    def mint(server: HostileServer, request: Received) -> tuple[int, dict[str, str], bytes]:
        answer = requests.post(token_url, data=request.body, headers={"Content-Type": request.headers.get("Content-Type", "")}, timeout=30)
        body = answer.json()
        body["expires_in"] = expires_in
        return answer.status_code, {"Content-Type": "application/json"}, json.dumps(body).encode()

    return Behaviour(token=mint)


def listening_port_then_closed() -> int:
    """A loopback port on which nothing listens (it was free a moment ago)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def elapsed(since: float) -> float:
    return time.monotonic() - since
