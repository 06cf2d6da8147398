"""Bounds on every response body: a deadline for the whole body, and a cap on its decoded size.

The requester's read timeout bounds each wait for the next bytes, not the body: a server that
sends one byte every few seconds holds a worker forever. And a gzip body can inflate without limit
(a few kilobytes on the wire, gigabytes decoded). The body is therefore read here, in a response
hook that requests runs before it reads the body itself, one network read at a time:
- past the deadline, the response is a `ReadTimeout`, which the error handler retries like any
  timeout;
- past the size cap, the stream fails with an error that says so (a retry would get the same body).

The hook is registered by the connectors' authenticators (`BoundedResponses` mixin): the
authenticator is the one component the CDK applies to every prepared request, and a request's
hooks are public requests API, so no private attribute of the CDK's HTTP client is touched.
"""
from __future__ import annotations

import io
import time
from typing import Any, Optional
from urllib.parse import urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from urllib3.exceptions import DecodeError, ReadTimeoutError
from urllib3.exceptions import HTTPError as Urllib3Error


BODY_DEADLINE_SECONDS = 120.0  # twice the requesters' read timeout: ample for any page, finite for a trickle
MAX_BODY_BYTES = 64 * 1024 * 1024  # decoded; the largest real page is about a megabyte
READ_SIZE = 64 * 1024


def endpoint_of(response: requests.Response) -> str:
    """`GET /v2/learningAssets`: the request's method and path (no query: it may be long)."""
    request = response.request
    return f"{request.method} {urlsplit(request.url or response.url).path}"


def read_bounded_body(response: requests.Response, *args: Any, deadline_seconds: Optional[float] = None,
                      max_bytes: Optional[int] = None, **kwargs: Any) -> requests.Response:
    """Response hook: reads the body within `deadline_seconds` and `max_bytes` (decoded; default: the module's bounds)."""
    deadline_seconds = BODY_DEADLINE_SECONDS if deadline_seconds is None else deadline_seconds
    max_bytes = MAX_BODY_BYTES if max_bytes is None else max_bytes
    raw = response.raw
    if kwargs.get("stream") or not hasattr(raw, "read1"):
        return response  # a streamed answer is read by its caller; an already-read one has no socket
    deadline = time.monotonic() + deadline_seconds
    body = bytearray()
    try:
        while chunk := raw.read1(READ_SIZE, decode_content=True):
            body += chunk
            if len(body) > max_bytes:
                raise AirbyteTracedException(
                    message=(
                        f"{endpoint_of(response)} answered a body larger than {max_bytes:,} bytes once "
                        "decoded (a compressed body that inflates without limit?); it was not read further."
                    ),
                    failure_type=FailureType.system_error,
                )
            if time.monotonic() > deadline:
                raise requests.exceptions.ReadTimeout(
                    f"{endpoint_of(response)} sent its body too slowly: not complete after {deadline_seconds:g} s.",
                    request=response.request,
                )
    except ReadTimeoutError as error:
        response.close()
        raise requests.exceptions.ReadTimeout(f"{endpoint_of(response)}: {error}", request=response.request) from error
    except DecodeError as error:
        response.close()
        raise requests.exceptions.ContentDecodingError(f"{endpoint_of(response)}: {error}", request=response.request) from error
    except Urllib3Error as error:
        response.close()
        raise requests.exceptions.ConnectionError(f"{endpoint_of(response)}: {error}", request=response.request) from error
    except BaseException:
        response.close()
        raise
    raw.release_conn()  # read to the end: the connection goes back to the pool
    response.raw = io.BytesIO(bytes(body))  # requests reads `content` from here, already decoded
    return response


class BoundedResponses:
    """Mixin for an authenticator (a requests AuthBase): every request it authenticates reads its
    response body through `read_bounded_body`."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request = super().__call__(request)  # type: ignore[misc]
        if read_bounded_body not in request.hooks["response"]:
            request.register_hook("response", read_bounded_body)
        return request
