"""What the manifest cannot say about LearnWorlds (each class says why the CDK's own component does not do)."""
from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import InitVar, dataclass, field
from typing import Any, Iterable, Mapping, MutableMapping, Optional, Union
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.auth.declarative_authenticator import DeclarativeAuthenticator
from airbyte_cdk.sources.declarative.auth.oauth import DeclarativeOauth2Authenticator
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.migrations.state_migration import StateMigration
from airbyte_cdk.sources.declarative.requesters.error_handlers.default_error_handler import DefaultErrorHandler
from airbyte_cdk.sources.streams.call_rate import APIBudget
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction
from airbyte_cdk.sources.types import Config
from airbyte_cdk.utils.datetime_helpers import AirbyteDateTime, ab_datetime_now, ab_datetime_parse
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

CREDENTIALS_HELP = "Copy them from the school's admin: Settings > Developers > API."

ACCESS_TOKEN_REJECTED = (
    "LearnWorlds rejected the access token in 'credentials.access_token' (HTTP 401): it is wrong, expired or revoked. "
    "A pre-issued token cannot be renewed by the connector: paste a current one, or choose the client credentials "
    f"option ('credentials.client_secret') so the connector mints its own tokens. {CREDENTIALS_HELP}"
)
FRESH_TOKEN_REJECTED = (
    "LearnWorlds rejected a token it had just issued (HTTP 401): 'client_id' and 'credentials.client_secret' "
    f"do not give access to the school at 'school_url', or the API client was disabled. {CREDENTIALS_HELP}"
)
# A token minted to replace a rejected one, and rejected again within this time, blames the credentials.
FRESH_TOKEN_SECONDS = 60.0


def api_error_message(response: Optional[requests.Response]) -> str:
    """The message of either LearnWorlds error shape: `{"errors": [{"message"}]}` or `{"error": "..."}`."""
    if response is None:
        return ""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, Mapping):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
            return str(errors[0].get("message") or "")
        if isinstance(body.get("error"), str):
            return body["error"]
    return ""


def _error_context(response: requests.Response) -> str:
    try:
        errors = response.json().get("errors") or [{}]
        return str(errors[0].get("context") or "")
    except (ValueError, AttributeError, IndexError):
        return ""


# Tokens minted so far in this process, by (token endpoint, client id, digest of the secret).
_minted_tokens: MutableMapping[tuple[str, str, str], tuple[str, AirbyteDateTime]] = {}
# Tokens minted because the API rejected their predecessor, with the (monotonic) moment of minting.
_replacement_tokens: MutableMapping[str, float] = {}


@dataclass
class ClientCredentialsAuthenticator(DeclarativeOauth2Authenticator):
    """The client-credentials grant as LearnWorlds implements it.

    Why not the CDK's OAuthAuthenticator alone: the CDK builds one authenticator per stream, and each
    would mint its own token, although a LearnWorlds token serves the whole school for 2.2 hours and
    every mint counts against the 30 requests / 10 s; so tokens are shared by every stream of the
    process, and a mint waits for the shared request budget like any other call. The token endpoint
    reads a form field `data` holding a JSON document. Its refusals become config errors that name
    the fields to fix, instead of the CDK's wording about refresh tokens (this grant has none).
    """

    api_budget: Optional[APIBudget] = None
    _shared_key: Optional[tuple[str, str, str]] = field(init=False, repr=False, default=None)

    def build_refresh_request_body(self) -> Mapping[str, Any]:
        document = {
            "client_id": self.get_client_id(),
            "client_secret": self.get_client_secret(),
            "grant_type": "client_credentials",
        }
        return {"data": json.dumps(document)}

    def _cache_key(self) -> tuple[str, str, str]:
        if self._shared_key is None:
            secret_digest = hashlib.sha256(str(self.get_client_secret()).encode()).hexdigest()
            self._shared_key = str(self.get_token_refresh_endpoint()), str(self.get_client_id()), secret_digest
        return self._shared_key

    def get_access_token(self) -> str:
        shared = _minted_tokens.get(self._cache_key())
        if shared is not None and shared[0] != self._current_access_token_or_none() and ab_datetime_now() < shared[1]:
            # Another stream minted since: switch now rather than after a 401.
            self.access_token, expiry = shared
            self.set_token_expiry_date(expiry)
        elif self.token_has_expired():
            self._adopt_or_mint(replaces_rejected=False)
        return self.access_token

    def refresh_and_set_access_token(self) -> None:
        """Called by the CDK when the API rejected our token (401)."""
        self._adopt_or_mint(replaces_rejected=True)

    def _adopt_or_mint(self, replaces_rejected: bool) -> None:
        """Adopt a valid token another stream minted since ours was issued; mint only if there is none."""
        current = self._current_access_token_or_none()
        with self._token_refresh_lock:
            key = self._cache_key()
            shared = _minted_tokens.get(key)
            if shared is None or shared[0] == current or ab_datetime_now() >= shared[1]:
                shared = self.refresh_access_token()
                _minted_tokens[key] = shared
                if replaces_rejected:
                    _replacement_tokens[shared[0]] = time.monotonic()
            self.access_token, expiry = shared
            self.set_token_expiry_date(expiry)

    def refresh_access_token(self) -> tuple[str, AirbyteDateTime]:
        endpoint = str(self.get_token_refresh_endpoint())
        if self.api_budget is not None:
            self.api_budget.acquire_call(requests.Request("POST", endpoint))
        try:
            return super().refresh_access_token()
        except requests.HTTPError as error:
            response = error.response
            if response is None or not 400 <= response.status_code < 500 or response.status_code == 429:
                raise
            raise AirbyteTracedException(
                message=self._refusal_message(response),
                internal_message=f"POST {endpoint} answered HTTP {response.status_code}: {api_error_message(response)}",
                failure_type=FailureType.config_error,
            ) from error

    @staticmethod
    def _refusal_message(response: requests.Response) -> str:
        said = f"HTTP {response.status_code}: {api_error_message(response) or 'no message'}"
        if response.status_code in (404, 405):
            return (
                f"No LearnWorlds token endpoint answered at {response.url} ({said}): check 'school_url'. It is "
                "the school's own address (https://yourschool.learnworlds.com or its custom domain), without a path."
            )
        if _error_context(response) == "client_id":
            return (
                f"LearnWorlds does not know the client in 'client_id' ({said}). It is sent as the Lw-Client header; "
                f"use the school's Client ID. {CREDENTIALS_HELP}"
            )
        return (
            f"LearnWorlds refused the client credentials ({said}): 'client_id' and 'credentials.client_secret' "
            f"do not match. {CREDENTIALS_HELP}"
        )


@dataclass
class PreIssuedTokenAuthenticator(DeclarativeAuthenticator):
    """`Authorization: Bearer <pre-issued token>`.

    Why not the CDK's BearerAuthenticator: on a 401 the CDK asks the authenticator to refresh its token
    and, when it cannot, merely retries the rejected request several times before failing with a
    generic error. A pre-issued token cannot be renewed, so the answer is a config error at once.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    access_token: Union[InterpolatedString, str] = ""
    _access_token: InterpolatedString = field(init=False, repr=False)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._access_token = InterpolatedString.create(self.access_token, parameters=parameters)

    @property
    def auth_header(self) -> str:
        return "Authorization"

    @property
    def token(self) -> str:
        return f"Bearer {self._access_token.eval(self.config)}"

    def refresh_and_set_access_token(self) -> None:
        raise AirbyteTracedException(message=ACCESS_TOKEN_REJECTED, failure_type=FailureType.config_error)


@dataclass
class LearnWorldsErrorHandler(DefaultErrorHandler):
    """The manifest's error handler, plus one case it cannot express.

    Why: when a token minted a moment ago to replace a rejected one is rejected too, the CDK fails
    with a message about "the refreshed OAuth access token" that does not say which fields to fix.
    A response filter cannot tell a fresh token from an old one (it sees only the response body).
    """

    def interpret_response(self, response_or_exception: Optional[Union[requests.Response, Exception]]) -> ErrorResolution:
        if isinstance(response_or_exception, requests.Response) and response_or_exception.status_code == 401:
            sent = str(response_or_exception.request.headers.get("Authorization") or "")
            minted_at = _replacement_tokens.get(sent.removeprefix("Bearer "))
            if minted_at is not None and time.monotonic() - minted_at < FRESH_TOKEN_SECONDS:
                return ErrorResolution(
                    response_action=ResponseAction.FAIL,
                    failure_type=FailureType.config_error,
                    error_message=FRESH_TOKEN_REJECTED,
                )
        return super().interpret_response(response_or_exception)


def _without_page(url: str) -> str:
    parts = urlsplit(url)
    query = urlencode([(name, value) for name, value in parse_qsl(parts.query) if name != "page"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


@dataclass
class BareArrayExtractor(RecordExtractor):
    """Records of the endpoints that answer with a bare JSON array instead of the `{data, meta}` envelope.

    Why not the CDK's DpathExtractor: these lists also come as `null` (no items) or, in the vendor's
    example, as a lone object; and the paged ones (`page_size` > 0) carry no `meta`, repeat their last
    page past the end, and so can only be told finished by a short page or by a page identical to the
    previous one. The repeat yields no records, which stops the CDK's PageIncrement. Partitions are
    read concurrently, so the previous page is remembered per URL (without its `page`), under a lock.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    page_size: int = 0
    _previous_pages: MutableMapping[str, str] = field(init=False, repr=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self.page_size = int(self.page_size)

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        body = response.json()
        items = body if isinstance(body, list) else [] if body is None else [body]
        if self.page_size:
            list_url = _without_page(response.request.url or response.url)
            fingerprint = hashlib.sha256(response.content).hexdigest()
            with self._lock:
                repeated = self._previous_pages.pop(list_url, None) == fingerprint
                if not repeated and len(items) >= self.page_size:
                    self._previous_pages[list_url] = fingerprint
            if repeated:
                return []
        return [item for item in items if isinstance(item, dict)]


LEARNER_LIST_PARENT = "learners"
LEARNER_EVENTS_PARENT = "learner_events"
DAY_SECONDS = 86_400.0


@dataclass
class LearnerFullPassMigration(StateMigration):
    """Starts the per-learner streams' full pass again every `learner_full_pass_days` days by
    forgetting the learner list's position (the CDK cannot restart a parent's cursor on a schedule).

    A full pass starts on the first sync of each period of that many days (counted from the epoch,
    0 meaning every sync), judged by the event log's position: the event log is read before the
    learner list, so an interrupted pass has already saved this sync's position and resumes
    instead of starting over.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]

    def should_migrate(self, stream_state: Mapping[str, Any]) -> bool:
        positions = stream_state.get("parent_state") or {}
        if LEARNER_LIST_PARENT not in positions:
            return False  # the first sync, or a pass already starting: it reads every learner anyway
        event_position = (positions.get(LEARNER_EVENTS_PARENT) or {}).get("created")
        period_days = int(self.config.get("learner_full_pass_days", 7))
        if not event_position or period_days == 0:
            return True
        period = period_days * DAY_SECONDS
        last_sync = ab_datetime_parse(event_position).timestamp()
        return int(last_sync // period) < int(ab_datetime_now().timestamp() // period)

    def migrate(self, stream_state: Mapping[str, Any]) -> Mapping[str, Any]:
        positions = {key: value for key, value in stream_state["parent_state"].items() if key != LEARNER_LIST_PARENT}
        return {**stream_state, "parent_state": positions}
