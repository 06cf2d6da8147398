"""The LinkedIn Learning API over HTTP, as its documents describe it (see README.md beside this file)."""
from __future__ import annotations

import re
import threading
import time
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence
from urllib.parse import parse_qs, unquote

from sandbox import LINKEDIN_CLIENT_ID, LINKEDIN_CLIENT_SECRET
from sandbox.core import Request, Response, TokenStore
from sandbox.linkedin_learning.dataset import (
    AGGREGATIONS, ASSET_TYPES, CATALOG_LOCALES, CLASSIFICATION_TYPES, CONTENT_SOURCES, DAY_MS,
    DIFFICULTY_LEVELS, REPORT_ASSET_TYPES, SUPPORTED_COUNTRIES, SUPPORTED_LANGUAGES, LinkedInLearningDataset,
)
from sandbox.linkedin_learning.restli import (
    ProjectionSyntaxError, error_response, json_response, paging, parse_projection, project,
)

# A client the token endpoint accepts but whose application has no LinkedIn Learning licence:
# every API call it makes is refused with 403.
UNLICENSED_CLIENT_ID = "sandbox-linkedin-unlicensed-client"
UNLICENSED_CLIENT_SECRET = "sandbox-linkedin-unlicensed-secret"

TOKEN_PATH = "/oauth/v2/accessToken"
ASSETS_PATH = "/v2/learningAssets"
CLASSIFICATIONS_PATH = "/v2/learningClassifications"
REPORTS_PATH = "/v2/learningActivityReports"
DEFAULT_TOKEN_LIFETIME_SECONDS = 7_775_999
MAX_COUNT = 100
MAX_REPORT_WINDOW_DAYS = 14
KEYWORD_RESULT_CAP = 1_000
LAST_MODIFIED_HONOURED_MS = DAY_MS  # lastModifiedAfter further back than this is ignored (documented Q&A behaviour)
REPORTING_ASSET_TYPES = REPORT_ASSET_TYPES + ("LEARNING_COLLECTION",)
DAILY_QUOTA_MESSAGE = "Resource level throttle limit for calls to this resource is reached."
UNLICENSED_MESSAGE = ("Not enough permissions to access: this application is not licensed for the LinkedIn Learning "
                      "API. Access requires a LinkedIn Learning site licence or membership of the LinkedIn Learning "
                      "Partner Program.")
_ARRAY_PARAM = re.compile(r"(?P<name>[\w.]+)\[(?P<index>\d+)\](?P<rest>(?:\.\w+)?)")


class BadRequest(Exception):
    """A 400 whose message names the parameter and what is wrong with it."""


class _Params:
    """Typed access to a request's query parameters; every failure is a `BadRequest`."""

    def __init__(self, query: dict[str, list[str]]) -> None:
        self.query = query

    def text(self, name: str, required: bool = False, default: Optional[str] = None) -> Optional[str]:
        values = self.query.get(name)
        if not values:
            if required:
                raise BadRequest(f"Missing required query parameter '{name}'.")
            return default
        if len(values) > 1:
            raise BadRequest(f"Query parameter '{name}' accepts one value; got {len(values)}.")
        return values[0]

    def choice(self, name: str, allowed: Sequence[str], required: bool = False, default: Optional[str] = None) -> Optional[str]:
        value = self.text(name, required, default)
        if value is not None and value not in allowed:
            raise BadRequest(f"Invalid value '{value}' for query parameter '{name}'; supported values: {', '.join(allowed)}.")
        return value

    def integer(self, name: str, default: Optional[int] = None, minimum: int = 0, required: bool = False) -> Optional[int]:
        value = self.text(name, required)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise BadRequest(f"Query parameter '{name}' must be an integer; got '{value}'.") from None
        if number < minimum:
            raise BadRequest(f"Query parameter '{name}' must be at least {minimum}; got {number}.")
        return number

    def boolean(self, name: str, default: bool) -> bool:
        value = self.text(name)
        if value is None:
            return default
        if value not in ("true", "false"):
            raise BadRequest(f"Query parameter '{name}' must be 'true' or 'false'; got '{value}'.")
        return value == "true"

    def page(self, default_count: int) -> tuple[int, int]:
        start = self.integer("start", 0)
        count = self.integer("count", default_count)
        if count > MAX_COUNT:
            raise BadRequest(f"Query parameter 'count' must not exceed {MAX_COUNT}; got {count}. Page through larger results with 'start'.")
        return start, count

    def locale(self, prefix: str, required: bool, default: str = "en_US") -> str:
        language = self.choice(f"{prefix}.language", SUPPORTED_LANGUAGES, required, default[:2])
        country = self.choice(f"{prefix}.country", SUPPORTED_COUNTRIES, required, default[3:])
        return f"{language}_{country}"

    def array(self, name: str) -> list[dict[str, str]]:
        """Values of an indexed array parameter (`name[0]=A&name[1]=B`, or `name[0].field=..`),
        ordered by index; each item maps a field ('' for plain values) to its value."""
        if name in self.query:
            raise BadRequest(f"Query parameter '{name}' is an array: give each value a zero-based index, "
                             f"e.g. '{name}[0]=...'.")
        items: dict[int, dict[str, str]] = {}
        for key in self.query:
            match = _ARRAY_PARAM.fullmatch(key)
            if match and match["name"] == name:
                items.setdefault(int(match["index"]), {})[match["rest"].lstrip(".")] = self.text(key)
        return [items[index] for index in sorted(items)]

    def projection(self) -> Optional[dict]:
        fields = self.text("fields")
        if fields is None:
            return None
        try:
            return parse_projection(fields)
        except ProjectionSyntaxError as error:
            raise BadRequest(f"Invalid field projection: {error}.") from None


@dataclass(frozen=True)
class _Criteria:
    """A normalized `q=criteria` asset search (everything but paging and projection)."""

    asset_types: tuple[str, ...]
    asset_types_given: int  # how many assetTypes[i] the request set (the truncation rule counts them)
    locales: tuple[str, ...]
    keyword: Optional[str]
    last_modified_after: Optional[int]  # None when absent or ignored (older than 24 h)
    difficulty_levels: frozenset[str]
    classifications: tuple[str, ...]
    curated_only: bool
    include_retired: bool
    sort_by: str

    @property
    def truncated(self) -> bool:
        """The documented 1000-record cap: keyword searches, unless exactly one asset type is given."""
        return self.keyword is not None and self.asset_types_given != 1


class _Selection:
    """The assets a criteria search matched, in order, as (asset type, locale, index-in-finder) segments."""

    def __init__(self, dataset: LinkedInLearningDataset, include_retired: bool,
                 segments: list[tuple[str, str, Sequence[int]]]) -> None:
        self.dataset = dataset
        self.include_retired = include_retired
        self.segments = segments
        self.total = sum(len(indexes) for _, _, indexes in segments)

    def refs(self, start: int, stop: int) -> list[tuple]:
        found: list[tuple] = []
        for asset_type, locale, indexes in self.segments:
            if start >= len(indexes):
                start, stop = start - len(indexes), stop - len(indexes)
                continue
            for k in indexes[start:min(stop, len(indexes))]:
                found.append(self.dataset.nth_ref(asset_type, locale, self.include_retired, k))
            start, stop = 0, stop - len(indexes)
            if stop <= 0:
                break
        return found


class _SortedSelection:
    def __init__(self, refs: list[tuple]) -> None:
        self._refs = refs
        self.total = len(refs)

    def refs(self, start: int, stop: int) -> list[tuple]:
        return self._refs[start:stop]


class LinkedInLearningApp:
    """The emulated API. Options: `token_lifetime_seconds` (default 7775999), `daily_quota`
    (authenticated API requests per UTC day; None = unlimited), the alternative readings of the
    documents (README: "Alternative readings"; all off by default), among them `omit_next_links`
    (pages carry no `next` link, though `paging.total` says more follow); the rest go to the dataset."""

    name = "linkedin_learning"

    def __init__(self, scale: str = "small", seed: int = 7, *, token_lifetime_seconds: float = DEFAULT_TOKEN_LIFETIME_SECONDS,
                 daily_quota: Optional[int] = None, content_reports_require_asset_type: bool = False,
                 strict_expand_depth: bool = False, last_modified_result_cap: Optional[int] = None,
                 locale_and_type_refuses_learning_paths: bool = False, refuse_report_windows_past_now: bool = False,
                 omit_next_links: bool = False,
                 **dataset_options: Any) -> None:
        self.dataset = LinkedInLearningDataset(scale, seed, **dataset_options)
        self.content_reports_require_asset_type = content_reports_require_asset_type
        self.strict_expand_depth = strict_expand_depth
        self.last_modified_result_cap = last_modified_result_cap
        self.locale_and_type_refuses_learning_paths = locale_and_type_refuses_learning_paths
        self.refuse_report_windows_past_now = refuse_report_windows_past_now
        self.tokens = TokenStore()
        self.token_lifetime_seconds = token_lifetime_seconds
        self.daily_quota = daily_quota
        self.omit_next_links = omit_next_links
        self.requests_today = 0
        self._quota_day = self._utc_day()
        self._unlicensed_tokens: set[str] = set()
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, Any] = OrderedDict()

    # -- the App protocol ---------------------------------------------------------------------
    def handles(self, path: str) -> bool:
        return path == TOKEN_PATH or path.startswith((ASSETS_PATH, CLASSIFICATIONS_PATH, REPORTS_PATH))

    def handle(self, request: Request) -> Response:
        if request.path == TOKEN_PATH:
            return self._token(request)
        if not self.tokens.is_valid(request.bearer_token):
            return error_response(401, "Invalid access token")
        if self._over_quota():
            return json_response(429, {"status": 429, "serviceErrorCode": 101, "message": DAILY_QUOTA_MESSAGE})
        if request.bearer_token in self._unlicensed_tokens:
            return error_response(403, UNLICENSED_MESSAGE)
        if request.method != "GET":
            return error_response(405, f"Method {request.method} is not allowed on {request.path}; the API is read with GET.")
        try:
            return self._route(request)
        except BadRequest as error:
            return error_response(400, str(error))

    def error_response(self, status: int, message: str) -> Response:
        return error_response(status, message)

    def throttle_response(self, retry_after: Optional[float]) -> Response:
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
        return json_response(429, {"status": 429, "message": "Too many requests"}, headers)

    def revoke_tokens(self) -> None:
        self.tokens.revoke_all()

    # -- token endpoint -----------------------------------------------------------------------
    def _token(self, request: Request) -> Response:
        if request.method != "POST":
            return json_response(405, {"error": "invalid_request", "error_description": "Use POST with a form-encoded body"})
        form = parse_qs(request.body.decode("utf-8", "replace"))
        for field in ("grant_type", "client_id", "client_secret"):
            if not form.get(field):
                return json_response(400, {"error": "invalid_request", "error_description": f'A required parameter "{field}" is missing'})
        if form["grant_type"][0] != "client_credentials":
            return json_response(400, {"error": "unsupported_grant_type",
                                       "error_description": "The grant_type must be client_credentials"})
        client = (form["client_id"][0], form["client_secret"][0])
        known = {(LINKEDIN_CLIENT_ID, LINKEDIN_CLIENT_SECRET), (UNLICENSED_CLIENT_ID, UNLICENSED_CLIENT_SECRET)}
        if self.tokens.reject_minting or client not in known:
            return json_response(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
        token = self.tokens.issue(self.token_lifetime_seconds)
        if client[0] == UNLICENSED_CLIENT_ID:
            self._unlicensed_tokens.add(token)
        return json_response(200, {"access_token": token, "expires_in": int(self.token_lifetime_seconds)})

    # -- quota --------------------------------------------------------------------------------
    @staticmethod
    def _utc_day() -> int:
        return int(time.time() // 86_400)

    def _over_quota(self) -> bool:
        with self._lock:
            today = self._utc_day()
            if today != self._quota_day:
                self._quota_day, self.requests_today = today, 0
            self.requests_today += 1
            return self.daily_quota is not None and self.requests_today > self.daily_quota

    # -- routing ------------------------------------------------------------------------------
    def _route(self, request: Request) -> Response:
        params = _Params(request.query)
        for base, get_one, finders in (
            (ASSETS_PATH, self._get_asset, {"localeAndType": self._assets_by_locale_and_type, "criteria": self._assets_by_criteria}),
            (CLASSIFICATIONS_PATH, self._get_classification, {"localeAndType": self._classifications_by_locale_and_type,
                                                              "keyword": self._classifications_by_keyword}),
            (REPORTS_PATH, None, {"criteria": self._activity_reports}),
        ):
            if request.path == base:
                finder = params.text("q", required=True)
                if finder not in finders:
                    raise BadRequest(f"Unknown finder q={finder!r} on {base}; supported: {', '.join(finders)}.")
                return finders[finder](request, params)
            if request.path.startswith(base + "/") and get_one is not None:
                return get_one(unquote(request.path[len(base) + 1:]), params)
        return error_response(404, f"No resource at {request.path}.")

    def _page(self, request: Request, params: _Params, total: int, render: Callable[[int, int], list[dict]],
              default_count: int = 20, reachable: Optional[int] = None) -> Response:
        start, count = params.page(default_count)
        projection = params.projection()
        reachable = total if reachable is None else reachable
        elements = render(start, min(start + count, reachable)) if start < reachable else []
        if projection is not None:
            elements = [project(element, projection) for element in elements]
        return json_response(200, {"elements": elements,
                                   "paging": paging(request.path, request.query, start, count, total, reachable,
                                                    next_link=not self.omit_next_links),
                                   "metadata": {}})

    def _cached(self, key: tuple, compute: Callable[[], Any]) -> Any:
        key = key + (self.dataset.version,)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > 32:
                self._cache.popitem(last=False)
        return value

    # -- learningAssets -----------------------------------------------------------------------
    def _assets_by_locale_and_type(self, request: Request, params: _Params) -> Response:
        asset_type = params.choice("assetType", ASSET_TYPES, required=True)
        if asset_type == "LEARNING_PATH" and self.locale_and_type_refuses_learning_paths:
            raise BadRequest("Invalid value 'LEARNING_PATH' for query parameter 'assetType' with q=localeAndType; "
                             "supported values: COURSE, VIDEO, CHAPTER.")
        locale = params.locale("sourceLocale", required=True)
        include_retired = params.boolean("includeRetired", False)
        depth = params.integer("expandDepth", 1)
        dataset = self.dataset
        total = dataset.asset_count_of(asset_type, locale, include_retired) if locale in CATALOG_LOCALES else 0

        def render(start: int, stop: int) -> list[dict]:
            return [dataset.render(dataset.nth_ref(asset_type, locale, include_retired, k), depth, strict_depth=self.strict_expand_depth)
                    for k in range(start, stop)]

        return self._page(request, params, total, render)

    def _assets_by_criteria(self, request: Request, params: _Params) -> Response:
        criteria = self._criteria(params)
        depth = params.integer("assetRetrievalCriteria.expandDepth", 1)
        selection = self._cached(("criteria", criteria), lambda: self._select(criteria))
        total = selection.total
        reachable = min(total, KEYWORD_RESULT_CAP) if criteria.truncated else total
        if criteria.last_modified_after is not None and self.last_modified_result_cap is not None:
            # Reported by users of the real API: a lastModifiedAfter search is cut at a cap, total included.
            total = reachable = min(reachable, self.last_modified_result_cap)

        def render(start: int, stop: int) -> list[dict]:
            return [self.dataset.render(ref, depth, strict_depth=self.strict_expand_depth) for ref in selection.refs(start, stop)]

        return self._page(request, params, total, render, reachable=reachable)

    def _criteria(self, params: _Params) -> _Criteria:
        prefix = "assetFilteringCriteria"
        given_types = [item[""] for item in params.array(f"{prefix}.assetTypes")]
        asset_types = tuple(dict.fromkeys(given_types)) or ASSET_TYPES
        for asset_type in asset_types:
            if asset_type not in ASSET_TYPES:
                raise BadRequest(f"Invalid value '{asset_type}' in '{prefix}.assetTypes'; supported values: {', '.join(ASSET_TYPES)}.")
        locales = []
        for item in params.array(f"{prefix}.locales"):
            language, country = item.get("language", "en"), item.get("country", "US")
            if language not in SUPPORTED_LANGUAGES or country not in SUPPORTED_COUNTRIES:
                raise BadRequest(f"Invalid locale {language}_{country} in '{prefix}.locales'; languages: "
                                 f"{', '.join(SUPPORTED_LANGUAGES)}; countries: {', '.join(SUPPORTED_COUNTRIES)}.")
            locales.append(f"{language}_{country}")
        licensed_only = params.boolean(f"{prefix}.licensedOnly", False)
        if not locales:
            # Documented: with licensedOnly and no locales, the caller's licensed locales apply.
            locales = list(CATALOG_LOCALES) if licensed_only else ["en_US"]
        levels = [item[""] for item in params.array(f"{prefix}.difficultyLevels")]
        for level in levels:
            if level not in DIFFICULTY_LEVELS:
                raise BadRequest(f"Invalid value '{level}' in '{prefix}.difficultyLevels'; supported values: {', '.join(DIFFICULTY_LEVELS)}.")
        classifications = tuple(item[""] for item in params.array(f"{prefix}.classifications"))
        for urn in classifications:
            if not urn.startswith(("urn:li:lyndaCategory:", "urn:li:skill:")):
                raise BadRequest(f"Invalid classification URN '{urn}' in '{prefix}.classifications'; "
                                 "supported URN types: urn:li:lyndaCategory, urn:li:skill.")
        last_modified_after = params.integer(f"{prefix}.lastModifiedAfter")
        if last_modified_after is not None and last_modified_after < time.time() * 1000 - LAST_MODIFIED_HONOURED_MS:
            last_modified_after = None
        keyword = params.text(f"{prefix}.keyword")
        return _Criteria(
            asset_types=asset_types,
            asset_types_given=len(given_types),
            locales=tuple(dict.fromkeys(locales)),
            keyword=keyword.lower() if keyword else None,
            last_modified_after=last_modified_after,
            difficulty_levels=frozenset(levels),
            classifications=classifications,
            curated_only=params.boolean(f"{prefix}.isCurated", False),
            include_retired=params.boolean("assetRetrievalCriteria.includeRetired", False),
            sort_by=params.choice("assetPresentationCriteria.sortBy", ("RELEVANCE", "POPULARITY", "RECENCY"), default="RELEVANCE"),
        )

    def _select(self, criteria: _Criteria) -> _Selection | _SortedSelection:
        dataset = self.dataset
        tests: list[Callable[[tuple], bool]] = []
        if criteria.keyword:
            tests.append(lambda ref: criteria.keyword in dataset.ref_title(ref).lower())
        if criteria.last_modified_after is not None:
            tests.append(lambda ref: dataset.ref_last_updated_at(ref) > criteria.last_modified_after)
        if criteria.difficulty_levels:
            tests.append(lambda ref: dataset.ref_level(ref) in criteria.difficulty_levels)
        if criteria.classifications:
            wanted = set().union(*(dataset.classification_with_descendants(urn) for urn in criteria.classifications))
            tests.append(lambda ref: not wanted.isdisjoint(dataset.ref_classification_indexes(ref)))
        if criteria.curated_only:
            tests.append(dataset.ref_curated)
        segments: list[tuple[str, str, Sequence[int]]] = []
        for asset_type in criteria.asset_types:
            for locale in criteria.locales:
                if locale not in CATALOG_LOCALES:
                    continue
                count = dataset.asset_count_of(asset_type, locale, criteria.include_retired)
                indexes: Sequence[int] = range(count)
                if tests:
                    indexes = array("q", (k for k in indexes if all(
                        test(dataset.nth_ref(asset_type, locale, criteria.include_retired, k)) for test in tests)))
                segments.append((asset_type, locale, indexes))
        selection = _Selection(dataset, criteria.include_retired, segments)
        if criteria.sort_by == "RELEVANCE":
            return selection
        refs = selection.refs(0, selection.total)
        if criteria.sort_by == "RECENCY":
            refs.sort(key=dataset.ref_published_at, reverse=True)
        else:
            refs.sort(key=dataset.ref_popularity, reverse=True)
        return _SortedSelection(refs)

    def _get_asset(self, urn: str, params: _Params) -> Response:
        if "targetLocale.language" in params.query or "targetLocale.country" in params.query:
            params.locale("targetLocale", required=False)  # validated; assets stay in their source locale
        include_retired = params.boolean("includeRetired", False)
        depth = params.integer("expandDepth", 1)
        projection = params.projection()
        ref = self.dataset.parse_urn(urn)
        if ref is None or (self.dataset.ref_retired(ref) and not include_retired):
            return error_response(404, f"Learning asset {urn} does not exist" + ("" if ref is None else " or is retired (set includeRetired=true)") + ".")
        return json_response(200, project(self.dataset.render(ref, depth, strict_depth=self.strict_expand_depth), projection))

    # -- learningClassifications --------------------------------------------------------------
    def _classifications_by_locale_and_type(self, request: Request, params: _Params) -> Response:
        kind = params.choice("type", CLASSIFICATION_TYPES, required=True)
        locale = params.locale("sourceLocale", required=True)
        found = self._cached(("classifications", kind, locale), lambda: self.dataset.classifications(kind, locale) if locale in CATALOG_LOCALES else [])
        return self._page(request, params, len(found), lambda start, stop: found[start:stop])

    def _classifications_by_keyword(self, request: Request, params: _Params) -> Response:
        keyword = params.text("keyword", required=True).lower()
        locale = params.locale("targetLocale", required=False)
        in_locale = locale if locale in CATALOG_LOCALES else "en_US"
        found = self._cached(("classification-keyword", keyword, in_locale), lambda: [
            element for element in self.dataset.classifications(locale=in_locale) if keyword in element["name"]["value"].lower()])
        return self._page(request, params, len(found), lambda start, stop: found[start:stop])

    def _get_classification(self, urn: str, params: _Params) -> Response:
        locale = params.locale("targetLocale", required=False)
        projection = params.projection()
        element = self.dataset.classification(urn, locale)
        if element is None:
            return error_response(404, f"Learning classification {urn} does not exist.")
        return json_response(200, project(element, projection))

    # -- learningActivityReports --------------------------------------------------------------
    def _activity_reports(self, request: Request, params: _Params) -> Response:
        started_at = params.integer("startedAt", required=True)
        unit = params.text("timeOffset.unit", required=True)
        if unit == "MONTH":
            raise BadRequest("timeOffset.unit MONTH is not supported; use DAY or WEEK (the window is at most 14 days).")
        if unit not in ("DAY", "WEEK"):
            raise BadRequest(f"Invalid value '{unit}' for query parameter 'timeOffset.unit'; supported values: DAY, WEEK.")
        duration = params.integer("timeOffset.duration", required=True, minimum=1)
        days = duration * (7 if unit == "WEEK" else 1)
        if days > MAX_REPORT_WINDOW_DAYS:
            raise BadRequest(f"The report window (timeOffset {duration} {unit}) is {days} days long; the maximum is "
                             f"{MAX_REPORT_WINDOW_DAYS} days. Split the period into windows of at most {MAX_REPORT_WINDOW_DAYS} days.")
        if self.refuse_report_windows_past_now and started_at + days * DAY_MS > time.time() * 1000:
            raise BadRequest(f"The report window (startedAt {started_at} + timeOffset {duration} {unit}) ends after the "
                             "current time; shorten timeOffset.duration.")
        primary = params.choice("aggregationCriteria.primary", AGGREGATIONS, required=True)
        secondary = params.choice("aggregationCriteria.secondary", AGGREGATIONS)
        if secondary in (primary, "ACCOUNT"):
            raise BadRequest(f"aggregationCriteria.secondary {secondary} cannot be combined with primary {primary}; "
                             "use a different INDIVIDUAL, CONTENT or GROUP aggregation.")
        content_source = params.choice("contentSource", CONTENT_SOURCES, default="ALL_SOURCES")
        asset_type = params.choice("assetType", REPORTING_ASSET_TYPES)
        if asset_type is None and self.content_reports_require_asset_type and "CONTENT" in (primary, secondary):
            raise BadRequest("Missing required query parameter 'assetType': a report aggregated by CONTENT needs one "
                             f"asset type; supported values: {', '.join(REPORTING_ASSET_TYPES)}.")
        report = self._cached(("report", started_at, days, primary, secondary, content_source, asset_type),
                              lambda: self.dataset.activity_report(started_at, days, primary, secondary, content_source, asset_type))
        return self._page(request, params, len(report), lambda start, stop: report[start:stop], default_count=10)
