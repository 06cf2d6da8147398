"""Secrets never reach the output: every text the connector writes to stdout or stderr is scrubbed.

Why not the CDK's `filter_secrets` alone: it is applied to some messages only (not to stack traces
nor to the `internal_message` of every error), and it matches a secret only as typed, while a server
that echoes a secret returns it JSON-escaped, URL-encoded or inside a Basic header. So the console
entry point routes both streams through one filter, at the boundary where nothing can go round it.
"""
from __future__ import annotations

import base64
import json
import re
import sys
import threading
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Mapping, Optional, TextIO
from urllib.parse import quote, quote_plus

MASK = "****"
# Shorter values would mask ordinary words of the output (and break its JSON).
MIN_SECRET_LENGTH = 6

_lock = threading.Lock()
_secrets: set[str] = set()
_client_ids: set[str] = set()
_pattern: Optional[re.Pattern[str]] = None


def forms(secret: str, client_ids: Iterable[str] = ()) -> set[str]:
    """Every way a secret can be written: as typed, JSON-escaped (up to three levels: a body quoted in a
    message inside a JSON line), as a Python repr shows it, URL-encoded, base64 alone and in a Basic `id:secret` header."""
    found = {secret, repr(secret)[1:-1]}
    for written in (secret, repr(secret)[1:-1]):
        for ensure_ascii in (False, True):
            escaped = written
            for _ in range(3):
                escaped = json.dumps(escaped, ensure_ascii=ensure_ascii)[1:-1]
                found.add(escaped)
    found |= {quote(secret, safe=""), quote_plus(secret), quote(secret)}
    encoded = [base64.b64encode(secret.encode()).decode()] + [
        base64.b64encode(f"{client_id}:{secret}".encode()).decode() for client_id in client_ids
    ]
    for value in encoded:
        found |= {value, value.rstrip("=")}
    return {value for value in found if len(value) >= MIN_SECRET_LENGTH}


def add_secret(secret: Any) -> None:
    """Mask this value (and its encodings) in all later output."""
    global _pattern
    text = str(secret) if secret is not None else ""
    if len(text) < MIN_SECRET_LENGTH:
        return
    with _lock:
        if text not in _secrets:
            _secrets.add(text)
            _pattern = None


def add_client_id(client_id: Any) -> None:
    """A client id is not secret, but `base64(client_id:secret)` is: remember it to build that form."""
    global _pattern
    if isinstance(client_id, str) and client_id:
        with _lock:
            _client_ids.add(client_id)
            _pattern = None


def scrub(text: str) -> str:
    global _pattern
    if not _secrets:
        return text
    pattern = _pattern
    if pattern is None:
        with _lock:
            every_form = set().union(*(forms(secret, _client_ids) for secret in _secrets))
            pattern = _pattern = re.compile("|".join(re.escape(value) for value in sorted(every_form, key=len, reverse=True)))
    return pattern.sub(MASK, text)


def forget_secrets() -> None:
    """Tests only: start again with no secret."""
    global _pattern
    with _lock:
        _secrets.clear()
        _client_ids.clear()
        _pattern = None


class ScrubbingStream:
    """A text stream that scrubs each write before passing it on (a write is a whole message or log line)."""

    def __init__(self, wrapped: TextIO) -> None:
        self.wrapped = wrapped

    def write(self, text: str) -> int:
        self.wrapped.write(scrub(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


@contextmanager
def scrubbed_output() -> Iterator[None]:
    """Route stdout and stderr through the filter. The CDK's print buffer writes to `sys.__stdout__`,
    so the original streams are replaced as well as the current ones."""
    saved = sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__
    out, err = ScrubbingStream(sys.stdout), ScrubbingStream(sys.stderr)
    sys.stdout, sys.stderr = out, err  # type: ignore[assignment]
    sys.__stdout__, sys.__stderr__ = out, err  # type: ignore[misc]
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__ = saved  # type: ignore[misc]


def add_config_secrets(connection_specification: Mapping[str, Any], config: Mapping[str, Any]) -> None:
    """The config's `airbyte_secret` values, and its client id for the Basic-header form."""
    from airbyte_cdk.utils.airbyte_secrets_utils import get_secrets

    for secret in get_secrets(connection_specification, config):
        add_secret(secret)
    add_client_id(config.get("client_id"))
