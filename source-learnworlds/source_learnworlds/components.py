"""What the manifest cannot say about LearnWorlds (each class says why the CDK's own component does not do)."""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import InitVar, dataclass, field
from typing import Any, Iterable, Mapping, MutableMapping, Optional, Union
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.auth.declarative_authenticator import DeclarativeAuthenticator
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.migrations.state_migration import StateMigration
from airbyte_cdk.sources.declarative.requesters.paginators.strategies.pagination_strategy import PaginationStrategy
from airbyte_cdk.sources.types import Config, Record
from airbyte_cdk.utils.datetime_helpers import ab_datetime_now, ab_datetime_parse
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from learning_connector_kit.pages import json_body, records_of, runaway_paging
from learning_connector_kit.response_bounds import BoundedResponses

ACCESS_TOKEN_REJECTED = (
    "LearnWorlds rejected the access token in 'credentials.access_token' (HTTP 401): it is wrong, expired or revoked. "
    "A pre-issued token cannot be renewed by the connector: paste a current one, or choose the client credentials "
    "option ('credentials.client_secret') so the connector mints its own tokens. Copy them from the school's admin: "
    "Settings > Developers > API."
)


@dataclass
class PreIssuedTokenAuthenticator(BoundedResponses, DeclarativeAuthenticator):
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


# Bounds for paging that would otherwise never end: 20 million records at 200 per page, and
# 100,000 members of one seat offering or group in bare arrays of 20.
MAX_PAGES = 100_000
MAX_BARE_PAGES = 5_000


def _records_digest(response: requests.Response) -> str:
    """A digest of the page without its `meta` (a repeated page may carry the number asked for)."""
    body = json_body(response)
    records = {name: value for name, value in body.items() if name != "meta"} if isinstance(body, dict) else body
    return hashlib.sha256(json.dumps(records, sort_keys=True, default=str).encode()).hexdigest()


class PageNumber(int):
    """A page number that remembers a digest of the page before it (the token is all a paginator keeps)."""

    previous_digest: str = ""

    @classmethod
    def after(cls, number: int, response: requests.Response) -> "PageNumber":
        page = cls(number)
        page.previous_digest = _records_digest(response)
        return page


def _repeats_previous_page(response: requests.Response, last_page_token_value: Optional[Any]) -> bool:
    digest = getattr(last_page_token_value, "previous_digest", "")
    return bool(digest) and digest == _records_digest(response)


def _next_page_number(response: requests.Response, page: int) -> PageNumber:
    if page >= MAX_PAGES:
        raise runaway_paging(response, f"more than {MAX_PAGES} pages")
    return PageNumber.after(page + 1, response)


@dataclass
class MetaPages(PaginationStrategy):
    """`{data, meta}` lists: the next page until `meta.page` reaches `meta.totalPages`.

    Why not CursorPagination with Jinja: a `meta.page` that does not move (stuck at 1), a
    `totalPages` of 10^9 over pages that repeat (or come back empty, again and again), and string numbers would page
    forever or send template text as the page; each stops the partition with an error naming the
    endpoint. Past the end the API repeats the last page (or answers an empty one), so an empty
    page cannot be the signal. A body without `meta` is one page.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    page_size: Optional[int] = None

    @property
    def initial_token(self) -> Optional[Any]:
        return None

    def get_page_size(self) -> Optional[int]:
        return self.page_size

    def next_page_token(
        self,
        response: requests.Response,
        last_page_size: int,
        last_record: Optional[Record],
        last_page_token_value: Optional[Any] = None,
    ) -> Optional[Any]:
        body = json_body(response)
        meta = body.get("meta") if isinstance(body, dict) else None
        if meta is None:
            return None
        page, total_pages = meta.get("page"), meta.get("totalPages")
        if not all(isinstance(value, int) and not isinstance(value, bool) for value in (page, total_pages)):
            raise runaway_paging(response, f"meta.page ({page!r}) and meta.totalPages ({total_pages!r}) are not integers")
        requested = int(last_page_token_value or 1)
        if page != requested:
            raise runaway_paging(response, f"page {requested} was asked for and meta.page says {page}")
        if page >= total_pages:
            return None
        # Two empty pages in a row are a repeat too; one alone loses only itself.
        if _repeats_previous_page(response, last_page_token_value):
            raise runaway_paging(response, f"page {page} of {total_pages} repeats page {page - 1}")
        return _next_page_number(response, page)


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
        items = records_of(response, [], shape="bare_array")
        if self.page_size:
            request_url = response.request.url or response.url
            page = dict(parse_qsl(urlsplit(request_url).query)).get("page", "1")
            if len(items) >= self.page_size and page.isdigit() and int(page) >= MAX_BARE_PAGES:
                raise runaway_paging(response, f"page {page} is still full ({MAX_BARE_PAGES * self.page_size} records in one list)")
            list_url = _without_page(request_url)
            fingerprint = hashlib.sha256(response.content).hexdigest()
            with self._lock:
                repeated = self._previous_pages.pop(list_url, None) == fingerprint
                if not repeated and len(items) >= self.page_size:
                    self._previous_pages[list_url] = fingerprint
            if repeated:
                return []
        return items

LEARNER_LIST_PARENT = "learners"
LEARNER_EVENTS_PARENT = "learner_events"
LEARNER_READ_CURSOR = "learner_changed_at"
DAY_SECONDS = 86_400.0


@dataclass
class LearnerFullPassMigration(StateMigration):
    """Starts the per-learner streams' full pass again every `learner_full_pass_days` days by
    forgetting the learner list's position (the CDK cannot restart a parent's cursor on a schedule).

    A full pass starts on the first sync of each period of that many days (counted from the epoch,
    0 meaning every sync). The last sync's time is the later of the event log's position (read
    before the learner list, so an interrupted pass has saved it and resumes instead of starting
    over) and the last completed sync's read time (`learner_changed_at`, so a school without recent
    events does not get a full pass on every sync).
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
        times = [event_position, (stream_state.get("state") or {}).get(LEARNER_READ_CURSOR)]
        last_sync = max(ab_datetime_parse(moment).timestamp() for moment in times if isinstance(moment, str) and moment)
        return int(last_sync // period) < int(ab_datetime_now().timestamp() // period)

    def migrate(self, stream_state: Mapping[str, Any]) -> Mapping[str, Any]:
        positions = {key: value for key, value in stream_state["parent_state"].items() if key != LEARNER_LIST_PARENT}
        return {**stream_state, "parent_state": positions}
