"""The OAuth client-credentials grant of both connectors: one token per sync, minted with deadlines.

Why not the CDK's OAuthAuthenticator: it mints one token per stream (the factory builds one
authenticator per stream), sends the token request without a timeout, follows its redirects with
the client secret in the body, retries a failing endpoint for 5 minutes, and words a refusal as
a refresh-token problem (this grant has no refresh token). Each connector configures this one class
in its manifest: the token endpoint, the body forms, and the words that name its config fields.
"""
from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, List, Mapping, MutableMapping, Optional, Tuple
from urllib.parse import urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.auth.oauth import DeclarativeOauth2Authenticator
from airbyte_cdk.sources.streams.call_rate import APIBudget
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction
from airbyte_cdk.utils.datetime_helpers import AirbyteDateTime, ab_datetime_now
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from learning_connector_kit import scrubbing
from learning_connector_kit.response_bounds import BoundedResponses

# The token request's deadlines are those of API calls (connect, then each read of the answer).
CONNECT_TIMEOUT_SECONDS = 10.0
READ_TIMEOUT_SECONDS = 60.0
# A token endpoint that fails (connection refused or reset, no answer, 429, 5xx) is asked at most
# this many times, waiting 1, 2, 4, 8 s between attempts, and no attempt starts after the last
# second below: an endpoint answering 500 forever fails after about 15 s, a silent one within
# TOKEN_GIVE_UP_SECONDS + one attempt's deadlines (at most 190 s).
TOKEN_ATTEMPTS = 5
TOKEN_GIVE_UP_SECONDS = 120.0
# `expires_in` is clamped to this range: 0 or a negative lifetime would mint before every request,
# and 10^30 seconds overflows a date.
MIN_TOKEN_SECONDS = 60
MAX_TOKEN_SECONDS = 366 * 24 * 3600
DEFAULT_TOKEN_SECONDS = 3600
# A token minted to replace a rejected one, and rejected too within this time, blames the credentials.
FRESH_TOKEN_SECONDS = 60.0

# The request bodies a token endpoint may read: the standard OAuth form, a form whose field `data`
# holds the JSON document (LearnWorlds' documented style), or the JSON document itself.
BODY_FORMS = ("form", "json_in_form_data", "json")


@dataclass
class _SharedToken:
    """The token of one set of credentials, shared by every stream of the process (one sync)."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    token: Optional[str] = None
    expires_at: Optional[AirbyteDateTime] = None
    body_form: Optional[str] = None  # the form the endpoint accepted
    # A mint that failed (refused credentials, a redirect, or an endpoint that failed every attempt)
    # fails the rest of the sync the same way without asking again: the bound holds per sync.
    failure: Optional[AirbyteTracedException] = None

    def is_valid(self) -> bool:
        return self.token is not None and self.expires_at is not None and ab_datetime_now() < self.expires_at


@dataclass(frozen=True)
class _Replacement:
    minted_at: float
    rejected_message: str


_shared_tokens: MutableMapping[Tuple[str, str, str], _SharedToken] = {}
_replacements: MutableMapping[str, _Replacement] = {}
_registry_lock = threading.Lock()


def forget_tokens() -> None:
    """Drop every shared token (tests that need a fresh process state)."""
    with _registry_lock:
        _shared_tokens.clear()
        _replacements.clear()


def any_minted() -> bool:
    """Whether this process has minted a token (a silent `check` then blames the API's address)."""
    with _registry_lock:
        return any(shared.token is not None for shared in _shared_tokens.values())


def rejected_new_token(response: requests.Response) -> Optional[ErrorResolution]:
    """A config error naming the credentials when the API refuses (401) a token minted moments ago to
    replace a rejected one: the credentials mint tokens that do not give access. None otherwise."""
    if response.status_code != 401 or response.request is None:
        return None
    sent = str(response.request.headers.get("Authorization") or "").removeprefix("Bearer ")
    replacement = _replacements.get(sent)
    if replacement is None or time.monotonic() - replacement.minted_at >= FRESH_TOKEN_SECONDS:
        return None
    return ErrorResolution(
        response_action=ResponseAction.FAIL, failure_type=FailureType.config_error, error_message=replacement.rejected_message
    )


def provider_message(response: requests.Response) -> str:
    """The error text of the usual token-endpoint bodies: OAuth's `error_description`/`error`,
    `{"errors": [{"message"}]}`, `{"message"}` or `{"error": "..."}`."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, Mapping):
        return ""
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], Mapping) and errors[0].get("message"):
        return str(errors[0]["message"])
    for key in ("error_description", "message", "error"):
        if isinstance(body.get(key), str) and body[key]:
            return body[key]
    return ""


def find_value(body: Any, key: str, depth: int = 3) -> Any:
    """`key` at the top of a JSON object or in an object nested up to `depth` levels (LearnWorlds
    answers `{"tokenData": {"access_token": ...}}`)."""
    if not isinstance(body, Mapping) or depth < 0:
        return None
    if key in body:
        return body[key]
    for value in body.values():
        found = find_value(value, key, depth - 1)
        if found is not None:
            return found
    return None


def clamped_lifetime(expires_in: Any) -> int:
    """`expires_in` seconds, within [MIN_TOKEN_SECONDS, MAX_TOKEN_SECONDS]; one hour when it is absent or not a number."""
    try:
        seconds = float(expires_in)
    except (TypeError, ValueError):
        return DEFAULT_TOKEN_SECONDS
    if isinstance(expires_in, bool) or math.isnan(seconds):
        return DEFAULT_TOKEN_SECONDS
    return int(min(max(seconds, MIN_TOKEN_SECONDS), MAX_TOKEN_SECONDS))


@dataclass
class ClientCredentialsAuthenticator(BoundedResponses, DeclarativeOauth2Authenticator):
    """OAuth client credentials: one token per sync for every stream, minted with deadlines and a bounded
    retry, never through a redirect, and refused with words that name the connector's config fields.

    Manifest fields beside the CDK's OAuthAuthenticator ones: `api_name` ("LinkedIn"), `endpoint_field`
    (the config field that sets the token endpoint), `credentials_advice` (which fields hold the
    credentials and where to find them), `body_forms` (tried in order: on a 400 the next is sent once,
    and the one that worked is kept), `mint_within_api_budget` (token requests count against the
    source's API budget, as LearnWorlds counts them against its rate limit).
    """

    api_name: str = "The API"
    endpoint_field: str = "token_url"
    credentials_advice: str = "check 'client_id' and 'client_secret'."
    body_forms: List[str] = field(default_factory=lambda: ["form"])
    mint_within_api_budget: bool = False
    api_budget: Optional[APIBudget] = None
    _last_token: Optional[str] = field(init=False, repr=False, default=None)
    _shared_key: Optional[Tuple[str, str, str]] = field(init=False, repr=False, default=None)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        super().__post_init__(parameters)
        unknown = [form for form in self.body_forms if form not in BODY_FORMS]
        if unknown or not self.body_forms:
            raise ValueError(f"body_forms must be a non-empty list of {BODY_FORMS}, not {self.body_forms}")

    # -- one token per sync -------------------------------------------------------------------------
    def _shared(self) -> _SharedToken:
        if self._shared_key is None:
            secret_digest = hashlib.sha256(str(self.get_client_secret()).encode()).hexdigest()
            self._shared_key = (str(self.get_token_refresh_endpoint()), str(self.get_client_id()), secret_digest)
        with _registry_lock:
            return _shared_tokens.setdefault(self._shared_key, _SharedToken())

    def get_access_token(self) -> str:
        shared = self._shared()
        with shared.lock:
            if not shared.is_valid():
                self._mint_into(shared, replaces_rejected=False)
            self._last_token = shared.token
            return str(shared.token)

    def refresh_and_set_access_token(self) -> None:
        """Called by the CDK when the API rejected this stream's token (401): mint a new one, unless
        another stream already replaced that token since."""
        shared = self._shared()
        with shared.lock:
            if shared.token == self._last_token or not shared.is_valid():
                self._mint_into(shared, replaces_rejected=True)
            self._last_token = shared.token

    def token_has_expired(self) -> bool:
        return not self._shared().is_valid()

    def _mint_into(self, shared: _SharedToken, replaces_rejected: bool) -> None:
        if shared.failure is not None:
            raise AirbyteTracedException(
                message=shared.failure.message,
                internal_message=shared.failure.internal_message,
                failure_type=shared.failure.failure_type,
            )
        try:
            token, lifetime, body_form = self._mint(shared.body_form)
        except AirbyteTracedException as error:
            shared.failure = error
            raise
        shared.token, shared.body_form = token, body_form
        shared.expires_at = ab_datetime_now() + timedelta(seconds=lifetime)
        if replaces_rejected:
            _replacements[token] = _Replacement(time.monotonic(), self._rejected_again_message())

    def refresh_access_token(self) -> Tuple[str, AirbyteDateTime]:
        token, lifetime, _ = self._mint(self._shared().body_form)
        return token, ab_datetime_now() + timedelta(seconds=lifetime)

    # -- the token request ----------------------------------------------------------------------------
    def _mint(self, known_form: Optional[str]) -> Tuple[str, int, str]:
        """(token, lifetime in seconds, body form used)."""
        forms = [known_form] if known_form else list(self.body_forms)
        for index, form in enumerate(forms):
            response = self._post_with_retries(form)
            if response.status_code == 400 and index + 1 < len(forms):
                continue  # the endpoint refuses this body form: the next one, once
            if not response.ok:
                raise self._refusal(response)
            token, lifetime = self._token_from(response)
            scrubbing.add_secret(token)
            return token, lifetime, form
        raise AssertionError("unreachable: the last body form returns or raises")

    def _post_with_retries(self, form: str) -> requests.Response:
        endpoint = str(self.get_token_refresh_endpoint())
        give_up_at = time.monotonic() + TOKEN_GIVE_UP_SECONDS
        failure = ""
        for attempt in range(TOKEN_ATTEMPTS):
            if attempt:
                time.sleep(min(2 ** (attempt - 1), max(0.0, give_up_at - time.monotonic())))
            if self.mint_within_api_budget and self.api_budget is not None:
                self.api_budget.acquire_call(requests.Request("POST", endpoint))
            try:
                response = requests.post(
                    endpoint,
                    timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
                    allow_redirects=False,
                    **self._request_parts(form),
                )
            except requests.RequestException as error:
                failure = f"{type(error).__name__}"
            else:
                if response.is_redirect or 300 <= response.status_code < 400:
                    raise self._redirect_refusal(response)
                if response.status_code != 429 and response.status_code < 500:
                    return response
                failure = f"HTTP {response.status_code}"
            if time.monotonic() >= give_up_at:
                break
        raise AirbyteTracedException(
            message=(
                f"{self.api_name}'s token endpoint (set by '{self.endpoint_field}') did not issue a token after "
                f"{attempt + 1} attempts ({failure}). If it is down, run the sync again later; otherwise check "
                f"'{self.endpoint_field}'."
            ),
            internal_message=f"POST {endpoint}: {failure} on every attempt.",
            failure_type=FailureType.transient_error,
        )

    def _request_parts(self, form: str) -> Mapping[str, Any]:
        document = {
            self.get_grant_type_name(): self.get_grant_type(),
            self.get_client_id_name(): self.get_client_id(),
            self.get_client_secret_name(): self.get_client_secret(),
            **{key: value for key, value in (self.get_refresh_request_body() or {}).items()},
        }
        headers = dict(self.get_refresh_request_headers() or {})
        if form == "json":
            return {"json": document, "headers": headers}
        if form == "json_in_form_data":
            return {"data": {"data": json.dumps(document)}, "headers": headers}
        return {"data": document, "headers": headers}

    def _token_from(self, response: requests.Response) -> Tuple[str, int]:
        try:
            body = response.json()
        except ValueError:
            body = None
        token = find_value(body, self.get_access_token_name())
        if not isinstance(token, str) or not token:
            raise AirbyteTracedException(
                message=(
                    f"{self.api_name}'s token endpoint answered HTTP {response.status_code} without an access token: "
                    f"check '{self.endpoint_field}'."
                ),
                internal_message=f"POST {response.url} answered {len(response.content)} bytes without '{self.get_access_token_name()}'.",
                failure_type=FailureType.config_error,
            )
        expires_in = find_value(body, self.get_expires_in_name())
        return token, clamped_lifetime(expires_in)

    # -- the words of a refusal -----------------------------------------------------------------------
    def _said(self, response: requests.Response) -> str:
        return f"HTTP {response.status_code}: {provider_message(response) or 'no message'}"

    def _refusal(self, response: requests.Response) -> AirbyteTracedException:
        if response.status_code in (404, 405):
            message = (
                f"No {self.api_name} token endpoint answered at the address set by '{self.endpoint_field}' "
                f"({self._said(response)}): check '{self.endpoint_field}'."
            )
        else:
            message = f"{self.api_name} refused to issue an access token ({self._said(response)}): {self.credentials_advice}"
        return AirbyteTracedException(
            message=message,
            internal_message=f"POST {response.url} answered {self._said(response)}",
            failure_type=FailureType.config_error,
        )

    def _redirect_refusal(self, response: requests.Response) -> AirbyteTracedException:
        target = urlsplit(response.headers.get("Location") or "")
        where = f"{target.scheme}://{target.hostname}" if target.hostname else "another address"
        return AirbyteTracedException(
            message=(
                f"The token endpoint set by '{self.endpoint_field}' answered with a redirect (HTTP {response.status_code}) "
                f"to {where}. A token request carries the client secret, so it never follows a redirect: set "
                f"'{self.endpoint_field}' to the address that answers itself, if you trust it."
            ),
            internal_message=f"POST {response.url} answered HTTP {response.status_code} with a Location on {where}.",
            failure_type=FailureType.config_error,
        )

    def _rejected_again_message(self) -> str:
        return (
            f"{self.api_name} rejected a token it had just issued (HTTP 401): the credentials mint tokens that "
            f"do not give access. {self.credentials_advice}"
        )
