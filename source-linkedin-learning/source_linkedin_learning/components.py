"""Behaviour of the LinkedIn Learning API that the manifest's own components cannot express."""
from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from dataclasses import InitVar, dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, List, Mapping, MutableMapping, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.extractors.record_filter import RecordFilter
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.declarative.requesters.paginators.strategies.pagination_strategy import PaginationStrategy
from airbyte_cdk.sources.declarative.retrievers import Retriever, SimpleRetriever
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.streams.call_rate import APIBudget
from airbyte_cdk.sources.streams.core import StreamData
from airbyte_cdk.sources.types import Config, Record, StreamSlice, StreamState
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from learning_connector_kit.daily_requests import utc_day
from learning_connector_kit.pages import json_body, records_of, runaway_paging
from learning_connector_kit.response_bounds import endpoint_of
from learning_connector_kit.timestamps import epoch_millis_to_rfc3339

logger = logging.getLogger("airbyte")

DAILY_QUOTA_SERVICE_ERROR_CODE = 101
# `paging.total` values at which an answer is cut: the documented 1000-record limit, and the 500 users
# report for `lastModifiedAfter` searches (MS Q&A 40689). Totara re-reads a type whose total is 1000.
KNOWN_RESULT_CAPS = frozenset({500, 1000})


class PossiblyCappedResult(Exception):
    """A search answer that may have been cut short; raised where a complete read can replace it."""


def next_quota_reset(now: Optional[datetime] = None) -> datetime:
    """LinkedIn's daily quotas restart at midnight UTC."""
    moment = now or datetime.now(timezone.utc)
    return (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def is_daily_quota_response(response: requests.Response) -> bool:
    """The documented quota answer: 429 with serviceErrorCode 101 and no Retry-After (a short throttle has one)."""
    if response.status_code != 429 or response.headers.get("Retry-After"):
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("serviceErrorCode") == DAILY_QUOTA_SERVICE_ERROR_CODE


class RequestBudget(APIBudget):
    """Counts every API request of the UTC day (retries included) and stops the sync before one too many.

    Why: the CDK's API budget waits for capacity instead of stopping, and a failed request stops only
    its own partition, so without a shared stop every other worker would keep spending a quota that
    is already gone. Raising a transient error keeps the state of completed slices, so the next sync
    continues where this one stopped. `requests_today` starts at the count the last sync of the same
    day saved in the state, and restarts at 0 when a sync runs past midnight UTC.
    """

    def __init__(
        self,
        max_requests: Optional[int] = None,
        requests_today: int = 0,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        super().__init__(policies=[])
        self.max_requests = max_requests
        self.requests_made = 0  # by this sync
        self.requests_today = requests_today
        self.day = utc_day(clock())
        self.stop_message: Optional[str] = None  # set once the sync must stop
        self._clock = clock
        self._lock = threading.Lock()

    def daily_count(self) -> Tuple[str, int]:
        """The UTC day and its request count, as one consistent pair."""
        with self._lock:
            return self.day, self.requests_today

    def acquire_call(self, request: Any, block: bool = True, timeout: Optional[float] = None) -> None:
        with self._lock:
            today = utc_day(self._clock())
            if today != self.day:
                self.day, self.requests_today = today, 0
            if self.stop_message is None and self.max_requests is not None and self.requests_today >= self.max_requests:
                reset = next_quota_reset(self._clock()).strftime("%Y-%m-%dT%H:%M:%SZ")
                self.stop_message = (
                    f"Stopped after {self.requests_made} API requests in this sync: {self.requests_today} were made "
                    f"on {self.day} (UTC) and `max_requests_per_day` is {self.max_requests}. The state of every "
                    f"completed slice is saved: the next sync after 00:00 UTC ({reset}) continues from there."
                )
            if self.stop_message is not None:
                raise self.stop_error()
            self.requests_made += 1
            self.requests_today += 1

    def update_from_response(self, request: Any, response: Any) -> None:
        if isinstance(response, requests.Response) and is_daily_quota_response(response):
            with self._lock:
                if self.stop_message is None:
                    reset = next_quota_reset().strftime("%Y-%m-%dT%H:%M:%SZ")
                    self.stop_message = (
                        f"LinkedIn Learning's daily API quota for this application is exhausted; it resets at "
                        f"00:00 UTC ({reset}). The state of every completed slice is saved: run the sync again "
                        f"after {reset}."
                    )
            raise self.stop_error()

    def stop_error(self) -> AirbyteTracedException:
        return AirbyteTracedException(
            message=self.stop_message,
            internal_message=f"Sync stopped after {self.requests_made} API requests.",
            failure_type=FailureType.transient_error,
        )


# A bound far above any catalog partition, for paging that would otherwise never end.
MAX_RECORDS_PER_PARTITION = 10_000_000


@dataclass(frozen=True)
class PageInfo:
    """One page's `paging`, and whether the page is its partition's last.

    The last page has no next link, unless `start + count < paging.total`: some readings of the API
    omit the link before the end, so paging continues by `start` (as Totara's client does). An empty
    page at or past `paging.total` ends a partition even with a link: a guard against endless links
    that loses no later page.
    """

    records: int
    start: int
    count: int
    total: Optional[int]
    next_href: Optional[str]

    @classmethod
    def of(cls, body: Mapping[str, Any], records: int) -> "PageInfo":
        paging = body.get("paging") or {}
        links = [link for link in paging.get("links") or [] if isinstance(link, dict) and link.get("rel") == "next"]
        total = paging.get("total")
        href = links[0].get("href") if links else None
        return cls(
            records=records,
            start=paging.get("start") or 0,
            count=paging.get("count") or records,
            total=total if isinstance(total, int) and not isinstance(total, bool) else None,
            next_href=str(href) if href else None,
        )

    @property
    def is_last(self) -> bool:
        if self.next_href is not None:
            return not self.records and self.start >= (self.total or 0)
        return not (self.records and self.total is not None and self.start + self.count < self.total)


@dataclass
class NextPageLink(PaginationStrategy):
    """Follows `paging.links[rel=next]` only to a path on the configured API host, and pages on by
    `start` where a page omits the link before `paging.total` (see PageInfo).

    Why not CursorPagination with `api_url + href`: that sends the bearer token wherever a link
    points (`@other-host/...`, `.evil.example/...`), follows a link back to the same page forever,
    and stops at a page without a link although `paging.total` says more records follow.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    api_url: str = "https://api.linkedin.com"

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._api_url = InterpolatedString.create(self.api_url, parameters=parameters)

    @property
    def initial_token(self) -> Optional[Any]:
        return None

    def get_page_size(self) -> Optional[int]:
        return None

    def next_page_token(
        self,
        response: requests.Response,
        last_page_size: int,
        last_record: Optional[Record],
        last_page_token_value: Optional[Any] = None,
    ) -> Optional[Any]:
        page = PageInfo.of(json_body(response), len(records_of(response, ["elements"])))
        if page.is_last:
            return None
        if page.next_href is None:
            return self._next_start(response, page, page.start + page.count)
        url = self._on_api_host(response, page.next_href)
        link_start = parse_qs(urlsplit(url).query).get("start")
        if url == response.request.url or (link_start and link_start[0].isdigit() and int(link_start[0]) <= page.start):
            raise runaway_paging(response, f"its next link leads back to start={link_start[0] if link_start else page.start}, a page already read")
        return url

    def _on_api_host(self, response: requests.Response, href: str) -> str:
        api_url = str(self._api_url.eval(self.config)).rstrip("/")
        api = urlsplit(api_url)
        link = urlsplit(href)
        url = href if link.scheme or link.netloc else api_url + href if href.startswith("/") else None
        target = urlsplit(url) if url is not None else None
        if target is None or (target.scheme.lower(), target.netloc.lower()) != (api.scheme.lower(), api.netloc.lower()):
            raise AirbyteTracedException(
                message=(
                    f"LinkedIn Learning's next-page link for {endpoint_of(response)} is not a path on {api.netloc} "
                    f"(it names {link.netloc or href.split('/')[0] or 'no host'!r}). Only links on the host of `api_url` "
                    "are followed, so that the access token never leaves it; check that `api_url` is LinkedIn's API "
                    "or a proxy that passes its answers on unchanged."
                ),
                failure_type=FailureType.system_error,
            )
        return url

    @staticmethod
    def _next_start(response: requests.Response, page: PageInfo, start: int) -> str:
        if start >= MAX_RECORDS_PER_PARTITION:
            raise runaway_paging(response, f"paging.total is {page.total}, beyond any real partition ({MAX_RECORDS_PER_PARTITION})")
        url = str(response.request.url)
        if re.search(r"([?&])start=\d*", url):
            return re.sub(r"([?&])start=\d*", rf"\g<1>start={start}", url, count=1)
        return f"{url}{'&' if '?' in url else '?'}start={start}"


@dataclass
class CompletePagesExtractor(RecordExtractor):
    """Extracts the list at `field_path` and warns when a partition ends before `paging.total` says it should.

    Why: the API truncates some result sets (the documented 1000-record limit) without an error;
    only a comparison of what arrived with `paging.total` on the last page can reveal it. The page is
    decoded once and read by key: the CDK's DpathExtractor walks every node of the page to find one key.
    """

    field_path: List[str]
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    # Set where a complete read can replace the answer (ChangedAssetsRetriever): a result that may be
    # capped raises PossiblyCappedResult instead of being delivered in part.
    raise_when_capped: bool = False

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        records = records_of(response, self.field_path)
        page = PageInfo.of(json_body(response), len(records))
        falls_short = page.is_last and page.total is not None and page.start + len(records) < page.total
        if self.raise_when_capped and (falls_short or (page.start == 0 and page.total in KNOWN_RESULT_CAPS)):
            raise PossiblyCappedResult(
                f"{response.request.path_url} reports paging.total={page.total}"
                + (f" but ends at record {page.start + len(records)}." if falls_short else ", a known cap.")
            )
        if falls_short:
            logger.warning(
                f"INCOMPLETE RESULT: {response.request.method} {response.request.path_url} reports "
                f"paging.total={page.total} but its last page ends at record {page.start + len(records)}; "
                f"{page.total - page.start - len(records)} records were not delivered by the API."
            )
        return records


@dataclass
class ChangedAssetsRetriever(Retriever):
    """Reads a partition's changes through `changes`; when that answer may be capped, reads the whole
    partition through `whole_partition` (filtered on the client like the changes) and delivers what
    `changes` had not.

    Why: the CDK has no way to replace one request series of a partition by another.
    """

    changes: SimpleRetriever
    whole_partition: SimpleRetriever
    parameters: InitVar[Mapping[str, Any]]

    def read_records(self, records_schema: Mapping[str, Any], stream_slice: Optional[StreamSlice] = None) -> Iterable[StreamData]:
        delivered: set[str] = set()
        try:
            for record in self.changes.read_records(records_schema, stream_slice):
                delivered.add(record["urn"])
                yield record
            return
        except PossiblyCappedResult as capped:
            partition = stream_slice.partition if stream_slice is not None else {}
            logger.warning(f"{capped} Reading the whole partition {dict(partition)} instead, keeping only what changed.")
        for record in self.whole_partition.read_records(records_schema, stream_slice):
            if record["urn"] not in delivered:
                yield record


@dataclass
class ContentHierarchyExtractor(RecordExtractor):
    """One record per (parent, child) edge of every asset's `contents` tree, at any depth.

    Why: the CDK's extractors select or expand one level of a list; the course -> chapter -> video
    tree is nested and each row needs its parent's URN and its position among its siblings.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]

    def extract_records(self, response: requests.Response) -> Iterable[Mapping[str, Any]]:
        for asset in records_of(response, ["elements"]):
            yield from self._edges(asset, root_urn=asset.get("urn"), depth=1)

    def _edges(self, parent: Mapping[str, Any], root_urn: Optional[str], depth: int) -> Iterable[Mapping[str, Any]]:
        for position, content in enumerate(parent.get("contents") or []):
            child = content.get("asset") or {}
            yield {
                "root_urn": root_urn,
                "parent_urn": parent.get("urn"),
                "parent_type": parent.get("type"),
                "child_urn": child.get("urn"),
                "child_type": child.get("type"),
                "child_title": (child.get("title") or {}).get("value"),
                "position": position,
                "depth": depth,
            }
            yield from self._edges(child, root_urn, depth + 1)


@dataclass
class CatalogAssetFields(RecordTransformation):
    """Adds `last_updated_at` (the cursor: `details.lastUpdatedAt` in RFC 3339 with fixed-width
    milliseconds, "" when the asset has none) and `source_locale` (the partition's locale).

    Why: the same as two AddFields, without rendering two Jinja templates per record, which cost
    about a seventh of the catalog read's CPU.
    """

    parameters: InitVar[Mapping[str, Any]]

    def transform(
        self,
        record: MutableMapping[str, Any],
        config: Optional[Config] = None,
        stream_state: Optional[StreamState] = None,
        stream_slice: Optional[StreamSlice] = None,
    ) -> None:
        updated_at = (record.get("details") or {}).get("lastUpdatedAt")
        record["last_updated_at"] = millis_field(record, "details.lastUpdatedAt", updated_at, fixed_width=True) or ""
        record["source_locale"] = stream_slice.partition["locale"] if stream_slice is not None else None


@dataclass
class UpdatedAfterIntervalStart(RecordFilter):
    """Keeps the assets whose `last_updated_at` is after the slice's `start_time` (both in the cursor's
    fixed-width format, so they compare as strings); an asset without one ("") is never after it.

    Why: the same test as the RecordFilter condition of `learning_assets_changed`, without rendering a
    Jinja template per record (a tenth of a full catalog read's CPU). That branch keeps the condition:
    the CDK's client-side incremental filter takes only a condition.
    """

    def filter_records(
        self,
        records: Iterable[Mapping[str, Any]],
        stream_state: StreamState,
        stream_slice: Optional[StreamSlice] = None,
        next_page_token: Optional[Mapping[str, Any]] = None,
    ) -> Iterable[Mapping[str, Any]]:
        start_time = stream_slice["start_time"]
        return (record for record in records if record["last_updated_at"] > start_time)


def millis_field(record: Mapping[str, Any], name: str, value: Any, fixed_width: bool = False) -> Optional[str]:
    """An epoch-milliseconds field as RFC 3339; a value that is not a date is reported and read as none."""
    if value is None:
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{value!r} is not a number")
        return epoch_millis_to_rfc3339(value, fixed_width=fixed_width)
    except ValueError as error:
        identity = record.get("urn") or (record.get("learnerDetails") or {}).get("entity") or "a record"
        logger.warning(f"{identity}: `{name}` is not a time in epoch milliseconds ({error}); it is read as none.")
        return None


def activity_column(activity: Mapping[str, Any], in_content_grain: bool) -> str:
    """The pivot column of one activity (the naming rule in docs/linkedin-learning.md).

    `engagementType` in snake case; `_unique` when the qualifier is UNIQUE; `_<asset type>` when the
    row is not about one content (then the same metric repeats per asset type), e.g. SECONDS_VIEWED
    TOTAL on VIDEO is `seconds_viewed` in a learner x content row and `seconds_viewed_video` in an
    account row.
    """
    name = str(activity.get("engagementType", "")).lower()
    if str(activity.get("engagementMetricQualifier", "TOTAL")).upper() == "UNIQUE":
        name += "_unique"
    if activity.get("assetType") and not in_content_grain:
        name += "_" + str(activity["assetType"]).lower()
    return name


@dataclass
class ActivityReportFields(RecordTransformation):
    """Adds a deterministic key, the partition's `report_asset_type`, and one numeric column per activity.

    Why: report elements have no identifier, and `activities` is a list whose order and length vary
    with the aggregation; a warehouse needs stable columns (the CDK has no pivot transformation).
    Runs after the manifest added `window_start` and `window_end`; adds `latest_data_at` (RFC 3339).
    """

    parameters: InitVar[Mapping[str, Any]]

    def transform(
        self,
        record: MutableMapping[str, Any],
        config: Optional[Config] = None,
        stream_state: Optional[StreamState] = None,
        stream_slice: Optional[StreamSlice] = None,
    ) -> None:
        identity = [
            (record.get("learnerDetails") or {}).get("entity"),
            (record.get("contentDetails") or {}).get("contentUrn"),
            record.get("window_start"),
            record.get("window_end"),
        ]
        # Rows read without an asset type keep the key they always had.
        asset_type = stream_slice.partition.get("asset_type") if stream_slice is not None else None
        if asset_type:
            record["report_asset_type"] = asset_type
            identity.append(asset_type)
        record["latest_data_at"] = millis_field(record, "latestDataAt", record.get("latestDataAt"), fixed_width=True)
        record["report_key"] = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32]
        in_content_grain = "contentDetails" in record
        for activity in record.get("activities") or []:
            value = activity.get("engagementValue")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                record[activity_column(activity, in_content_grain)] = value
