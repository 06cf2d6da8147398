"""The sandbox's HTTP machinery, shared by the emulated APIs.

An *app* (one per emulated API) answers requests; the server adds what is not the API's own
behaviour: fault injection, a request log, and a control plane under `/_sandbox/`.
"""
from __future__ import annotations

import json
import random
import re
import secrets
import socket
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable, Optional, Protocol
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    raw_query: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes

    def param(self, name: str, default: Optional[str] = None) -> Optional[str]:
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str, default: Optional[str] = None) -> Optional[str]:
        return self.headers.get(name, default)

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @property
    def bearer_token(self) -> Optional[str]:
        value = self.header("Authorization", "") or ""
        return value[7:].strip() if value.lower().startswith("bearer ") else None


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, headers: Optional[dict[str, str]] = None) -> "Response":
        body = json.dumps(payload, separators=(",", ":")).encode()
        return cls(status, body, {"Content-Type": "application/json", **(headers or {})})


class App(Protocol):
    """One emulated API."""

    name: str

    def handles(self, path: str) -> bool: ...

    def handle(self, request: Request) -> Response: ...

    def error_response(self, status: int, message: str) -> Response:
        """The API's own error body for `status` (used by injected 5xx faults)."""

    def throttle_response(self, retry_after: Optional[float]) -> Response:
        """A short-term 429 (used by injected rate-limit bursts), distinct from any daily quota."""

    def revoke_tokens(self) -> None:
        """Invalidate every access token issued so far."""


class TokenStore:
    """Bearer tokens with a lifetime; revocable. Thread-safe."""

    def __init__(self) -> None:
        self._expiry: dict[str, float] = {}
        self._issued: list[str] = []
        self._lock = threading.Lock()
        self.minted = 0
        self.reject_minting = False

    def issue(self, lifetime_seconds: float) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._expiry[token] = time.time() + lifetime_seconds
            self._issued.append(token)
            self.minted += 1
        return token

    def issued(self) -> list[str]:
        """Every token handed out so far, revoked ones included (tests look for them in a connector's output)."""
        with self._lock:
            return list(self._issued)

    def is_valid(self, token: Optional[str]) -> bool:
        with self._lock:
            expiry = self._expiry.get(token or "")
        return expiry is not None and expiry > time.time()

    def revoke_all(self) -> None:
        with self._lock:
            self._expiry.clear()


class SlidingWindowLimiter:
    """At most `limit` requests in any `window_seconds`; thread-safe."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._times: list[float] = []
        self._lock = threading.Lock()
        self.rejected = 0

    def allow(self) -> bool:
        now = time.monotonic()
        with self._lock:
            cutoff = now - self.window_seconds
            while self._times and self._times[0] <= cutoff:
                self._times.pop(0)
            if len(self._times) >= self.limit:
                self.rejected += 1
                return False
            self._times.append(now)
            return True

    def seconds_until_empty(self) -> float:
        """Until every request counted so far has left the window (a new client then has it all)."""
        with self._lock:
            return max(0.0, self._times[-1] + self.window_seconds - time.monotonic()) if self._times else 0.0

    def seconds_until_free(self) -> float:
        with self._lock:
            if len(self._times) < self.limit:
                return 0.0
            return max(0.0, self._times[0] + self.window_seconds - time.monotonic())


@dataclass
class Faults:
    """Switches for misbehaviour. Rates are probabilities per request (seeded, so runs repeat)."""

    latency_ms: float = 0.0
    server_error_rate: float = 0.0  # 500/502/503 with the API's JSON error body
    error_rate: float = 0.0  # `error_status` with the API's own error body and `error_message` (400, 401, 403, ...)
    error_status: int = 400
    error_message: str = "Bad Request"
    html_502_rate: float = 0.0  # a proxy's HTML 502 page ...
    html_status: int = 502  # ... or its HTML page of another status (a 404, a 431 for headers too large)
    reset_rate: float = 0.0  # connection closed without an answer
    stall_rate: float = 0.0  # no answer for `stall_seconds` (past the client's timeout)
    stall_seconds: float = 0.0
    truncate_rate: float = 0.0  # 200 with a JSON body cut in half
    max_faults: int = 0  # the random faults (errors to truncation) stop after this many (0: no cap), e.g. one stall
    throttle_every: int = 0  # every Nth request starts a burst of 429s ...
    throttle_burst: int = 0  # ... this many long
    throttle_retry_after: Optional[float] = None  # send Retry-After with them (None: no header)
    throttle_max_bursts: int = 0  # bursts stop after this many (0: no cap)
    revoke_tokens_after: int = 0  # revoke every token once this many API requests were served
    reject_token_minting: bool = False  # the token endpoint refuses every client
    reject_minting_after_revocation: bool = False  # ... from the moment `revoke_tokens_after` revokes
    # Bad data from the API: `mutate_body(request, payload) -> payload` rewrites the decoded JSON of
    # every 200 answer on a faulted path (Python callers only; the emulated APIs stay faithful).
    mutate_body: Optional[Callable[[Request, Any], Any]] = None
    path_pattern: str = ""  # regex: only matching paths get faults ("" = all API paths)
    include_token_endpoint: bool = False
    seed: int = 1

    def update(self, changes: dict[str, Any]) -> None:
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown fault switches: {sorted(unknown)}")
        if changes.get("mutate_body") is not None and not callable(changes["mutate_body"]):
            raise ValueError("mutate_body must be a Python callable (request, payload) -> payload")
        for key, value in changes.items():
            setattr(self, key, value)

    def describe(self) -> dict[str, Any]:
        """The switches as JSON-ready values (a mutation hook by its name)."""
        described = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.mutate_body is not None:
            described["mutate_body"] = getattr(self.mutate_body, "__name__", repr(self.mutate_body))
        return described


@dataclass
class LoggedRequest:
    at: float
    app: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int
    response_bytes: int
    fault: str = ""

    def param(self, name: str) -> Optional[str]:
        values = self.query.get(name)
        return values[0] if values else None


class RequestLog:
    def __init__(self) -> None:
        self._entries: list[LoggedRequest] = []
        self._lock = threading.Lock()

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self, app: Optional[str] = None, path_prefix: str = "") -> list[LoggedRequest]:
        with self._lock:
            items = list(self._entries)
        return [e for e in items if (app is None or e.app == app) and e.path.startswith(path_prefix)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes: with Nagle on, a keep-alive client waits ~40 ms for each answer
    disable_nagle_algorithm = True
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # quiet by default
        pass

    def _serve(self) -> None:
        self.server.sandbox.dispatch(self)

    do_GET = do_POST = do_PUT = do_DELETE = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    sandbox: "Sandbox"


class Sandbox:
    """Serves the given apps on one loopback port.

    Use as a context manager, or `start()`/`stop()`. `url` is the base address to put in a
    connector's config (`api_url`, `token_url`, `school_url`).
    """

    def __init__(self, apps: Iterable[App], host: str = "127.0.0.1", port: int = 0) -> None:
        self.apps = list(apps)
        self.faults = Faults()
        self.log = RequestLog()
        self._rng = random.Random(self.faults.seed)
        self._rng_lock = threading.Lock()
        self._served = 0
        self._random_faults = 0
        self._bursts = 0
        self._burst_left = 0
        self._tokens_revoked = False
        self._server = _Server((host, port), _Handler)
        self._server.sandbox = self
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def app(self, name: str) -> App:
        return next(app for app in self.apps if app.name == name)

    def start(self) -> "Sandbox":
        self._thread = threading.Thread(target=self._server.serve_forever, name="sandbox", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def set_faults(self, **changes: Any) -> None:
        """Replace the fault switches (unnamed ones go back to off) and restart their counters."""
        self.faults = Faults()
        self.faults.update(changes)
        with self._rng_lock:
            self._rng = random.Random(self.faults.seed)
            self._served = 0
            self._random_faults = 0
            self._bursts = 0
            self._burst_left = 0
            self._tokens_revoked = False
        for app in self.apps:
            if hasattr(app, "tokens"):
                app.tokens.reject_minting = self.faults.reject_token_minting

    # -- request handling -------------------------------------------------------------------
    def dispatch(self, handler: _Handler) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        request = Request(
            method=handler.command,
            path=split.path,
            raw_query=split.query,
            query=parse_qs(split.query, keep_blank_values=True),
            headers=handler.headers,
            body=handler.rfile.read(length) if length else b"",
        )
        if request.path.startswith("/_sandbox/"):
            self._send(handler, self._control(request))
            return
        app = next((a for a in self.apps if a.handles(request.path)), None)
        if app is None:
            self._send(handler, Response.json(404, {"error": f"no emulated API serves {request.path}"}))
            return
        fault, response = self._maybe_fault(app, request)
        if fault == "reset":
            self._log(app, request, 0, 0, fault)
            self._reset(handler)
            return
        if fault == "stall":
            # Logged when the stall starts, and its late answer not at all: a client that gave up
            # and asked again must not find the first request answered in the log.
            self._log(app, request, 0, 0, fault)
            time.sleep(self.faults.stall_seconds)
            self._send(handler, app.handle(request))
            return
        if response is None:
            response = app.handle(request)
            if self.faults.mutate_body is not None and response.status == 200 and self._faults_apply_to(request):
                response = self._mutated(request, response)
                fault = fault or "mutated"
        self._log(app, request, response.status, len(response.body), fault)
        self._send(handler, response)

    def _maybe_fault(self, app: App, request: Request) -> tuple[str, Optional[Response]]:
        faults = self.faults
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        if not self._faults_apply_to(request):
            return "", None
        with self._rng_lock:
            self._served += 1
            if faults.revoke_tokens_after and not self._tokens_revoked and self._served > faults.revoke_tokens_after:
                self._tokens_revoked = True
                for each in self.apps:
                    each.revoke_tokens()
                    if faults.reject_minting_after_revocation and hasattr(each, "tokens"):
                        each.tokens.reject_minting = True
            bursts_allowed = not faults.throttle_max_bursts or self._bursts < faults.throttle_max_bursts
            if faults.throttle_every and self._burst_left == 0 and self._served % faults.throttle_every == 0 and bursts_allowed:
                self._burst_left = faults.throttle_burst
                self._bursts += 1
            if self._burst_left > 0:
                self._burst_left -= 1
                return "throttle", app.throttle_response(faults.throttle_retry_after)
            roll = self._rng.random()
            if faults.max_faults and self._random_faults >= faults.max_faults:
                return "", None
            for name, rate in (
                ("error", faults.error_rate),
                ("server_error", faults.server_error_rate),
                ("html_502", faults.html_502_rate),
                ("reset", faults.reset_rate),
                ("stall", faults.stall_rate),
                ("truncate", faults.truncate_rate),
            ):
                if roll < rate:
                    self._random_faults += 1
                    break
                roll -= rate
            else:
                return "", None
        return name, self._fault_response(name, app, request)

    def _faults_apply_to(self, request: Request) -> bool:
        faults = self.faults
        if "token" in request.path.lower() and not faults.include_token_endpoint:
            return False
        return not faults.path_pattern or re.search(faults.path_pattern, request.path) is not None

    def _mutated(self, request: Request, response: Response) -> Response:
        payload = self.faults.mutate_body(request, json.loads(response.body))
        return Response(200, json.dumps(payload, separators=(",", ":")).encode(), response.headers)

    def _fault_response(self, name: str, app: App, request: Request) -> Optional[Response]:
        if name == "error":
            return app.error_response(self.faults.error_status, self.faults.error_message)
        if name == "server_error":
            status = self._rng.choice([500, 502, 503])
            return app.error_response(status, "Server Error")
        if name == "html_502":
            status = self.faults.html_status
            title = f"{status} {HTTPStatus(status).phrase}".encode()
            page = b"<html><head><title>" + title + b"</title></head><body><center><h1>" + title + b"</h1></center><hr><center>nginx</center></body></html>"
            return Response(status, page, {"Content-Type": "text/html"})
        if name == "truncate":
            real = app.handle(request)
            if real.status != 200:
                return real
            return Response(200, real.body[: max(1, len(real.body) // 2)], real.headers)
        return None  # reset and stall: handled by the caller

    def _control(self, request: Request) -> Response:
        route = request.path[len("/_sandbox/"):].strip("/")
        if route == "health":
            return Response.json(200, {"apps": [app.name for app in self.apps]})
        if route == "requests":
            if request.method == "DELETE":
                self.log.clear()
                return Response.json(200, {"cleared": True})
            entries = self.log.entries(app=request.param("app"), path_prefix=request.param("path", "") or "")
            return Response.json(200, [asdict(e) for e in entries])
        if route == "faults":
            if request.method in ("PUT", "POST"):
                try:
                    self.set_faults(**request.json())
                except (ValueError, TypeError) as error:
                    return Response.json(400, {"error": str(error)})
            return Response.json(200, self.faults.describe())
        return Response.json(404, {"error": f"unknown control route {route!r}"})

    def _log(self, app: App, request: Request, status: int, size: int, fault: str) -> None:
        headers = {k: ("<redacted>" if k.lower() == "authorization" else v) for k, v in request.headers.items()}
        self.log.add(LoggedRequest(time.time(), app.name, request.method, request.path, request.query, headers, status, size, fault))

    @staticmethod
    def _send(handler: _Handler, response: Response) -> None:
        try:
            handler.send_response(response.status)
            for key, value in response.headers.items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(response.body)))
            handler.end_headers()
            handler.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True

    @staticmethod
    def _reset(handler: _Handler) -> None:
        handler.close_connection = True
        try:
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            handler.connection.close()
        except OSError:
            pass


AppFactory = Callable[..., App]
