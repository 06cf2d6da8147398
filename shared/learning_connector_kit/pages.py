"""What both connectors check in every answer before reading it as a page.

One mechanism for "a body that is not JSON", "a page of the wrong shape", "a 4xx that a retry
cannot fix" and "paging that never ends": a wrong answer is an error that names the endpoint,
never an empty page.

- `ResponseCheckingErrorHandler` (the manifests' error handler) retries a 200 whose body is not JSON
  or whose envelope is of the wrong shape, and fails a 4xx at once, naming the status and the field
  to check.
- `RecordsExtractor` reads the records of one stream's pages and fails on a page of another shape.
- `runaway_paging` is the error a paginator raises when paging would never end.
"""
from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from typing import Any, Iterable, List, Mapping, MutableMapping, Optional, Union

import orjson
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.requesters.error_handlers import DefaultErrorHandler
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ErrorResolution, ResponseAction
from airbyte_cdk.sources.types import Config
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from learning_connector_kit.response_bounds import endpoint_of
from learning_connector_kit.tokens import rejected_new_token

NOT_JSON = object()  # the decoded value of a body that is empty or not JSON
_DECODED = "learning_connector_kit_json"  # where a response keeps its decoded body (decoded once)
# 408 and 429 say "later"; every other 4xx gets the same answer on a retry.
RETRYABLE_CLIENT_ERRORS = frozenset({408, 429})


def json_body(response: requests.Response) -> Any:
    """The response's JSON value (decoded once, with orjson), or NOT_JSON."""
    decoded = getattr(response, _DECODED, None)
    if decoded is None:
        try:
            decoded = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            decoded = NOT_JSON
        setattr(response, _DECODED, decoded)
    return decoded


def _json_type(value: Any) -> str:
    if value is NOT_JSON:
        return "not JSON"
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(type(value), "a number")


def malformed_page(response: requests.Response, problem: str) -> AirbyteTracedException:
    """The error of a page that cannot be read; the records of earlier pages were delivered."""
    return AirbyteTracedException(
        message=f"{endpoint_of(response)} answered a page of the wrong shape: {problem}. Records read before it were kept.",
        failure_type=FailureType.system_error,
    )


def runaway_paging(response: requests.Response, problem: str) -> AirbyteTracedException:
    """The error of paging that would never end; the records read so far were delivered."""
    return AirbyteTracedException(
        message=f"Stopped paging through {endpoint_of(response)}: {problem}. Records read before it were kept.",
        failure_type=FailureType.system_error,
    )


def envelope_problem(body: Any, records_fields: Iterable[str], paging_field: str, paging_integers: Iterable[str],
                     records_required: bool) -> Optional[str]:
    """What is wrong with a list page's envelope, or None.

    A body is a list page when it is an object with `paging_field` (or always, with
    `records_required`); it must then hold one of `records_fields` as an array, and its paging
    object the `paging_integers` as integers (a string page number would be sent back as text).
    """
    if body is NOT_JSON or isinstance(body, str) or (isinstance(body, dict) and not body):
        return f"the body is {'empty' if body == {} else _json_type(body)}"
    if not isinstance(body, dict):
        return f"the body is {_json_type(body)}, not an object" if records_required else None
    is_list_page = records_required or paging_field in body
    for name in records_fields:
        if name in body and not isinstance(body[name], list):
            return f"`{name}` is {_json_type(body[name])}, not an array"
    if is_list_page and not any(isinstance(body.get(name), list) for name in records_fields):
        return f"no `{'` or `'.join(records_fields)}` array"
    paging = body.get(paging_field)
    if paging_field in body or (records_required and paging is not None):
        if not isinstance(paging, dict):
            return f"`{paging_field}` is {_json_type(paging)}, not an object"
        for name in paging_integers:
            value = paging.get(name)
            if not isinstance(value, int) or isinstance(value, bool):
                return f"`{paging_field}.{name}` is {_json_type(value)} ({value!r}), not an integer"
    return None


@dataclass
class ResponseCheckingErrorHandler(DefaultErrorHandler):
    """The manifest's response filters first; then a 200 that is not JSON or of the wrong shape is
    retried, and a 4xx other than 408 and 429 fails at once naming the status and the field to check.

    Why: the CDK reads a body that is not a JSON object as an empty page (losing the rest of the
    partition without a word), and retries every 4xx it has no filter for (a proxy's 404 page for
    minutes) with a message that names neither the endpoint nor a setting.
    """

    api_name: str = "The API"
    records_fields: List[str] = field(default_factory=list)  # a list page holds one of these as an array
    records_required: bool = False  # every 200 is a list page (else: only an object carrying `paging_field`)
    paging_field: str = ""
    paging_integers: List[str] = field(default_factory=list)
    # HTTP status (as text) or "default" -> what to check in the config, for a 4xx without a filter.
    client_error_hints: Mapping[str, str] = field(default_factory=dict)

    def interpret_response(
        self, response_or_exception: Optional[Union[requests.Response, Exception]]
    ) -> ErrorResolution:
        if not isinstance(response_or_exception, requests.Response):
            return super().interpret_response(response_or_exception)
        response = response_or_exception
        rejected = rejected_new_token(response)  # before the 401 filter, which would mint yet another
        if rejected is not None:
            return rejected
        for response_filter in self.response_filters or []:
            resolution = response_filter.matches(response_or_exception=response)
            if resolution:
                return resolution
        status = response.status_code
        if 200 <= status < 300:
            problem = envelope_problem(json_body(response), self.records_fields, self.paging_field,
                                       self.paging_integers, self.records_required)
            if problem is None:
                return super().interpret_response(response)
            return ErrorResolution(
                response_action=ResponseAction.RETRY,
                failure_type=FailureType.system_error,
                error_message=f"{self.api_name} answered {endpoint_of(response)} with a page of the wrong shape "
                              f"({problem}; cut off, or from a proxy).",
            )
        if 400 <= status < 500 and status not in RETRYABLE_CLIENT_ERRORS:
            hint = self.client_error_hints.get(str(status)) or self.client_error_hints.get("default", "")
            return ErrorResolution(
                response_action=ResponseAction.FAIL,
                failure_type=FailureType.config_error,
                error_message=f"{self.api_name} refused {endpoint_of(response)} with HTTP {status} "
                              f"({response.reason or 'no reason given'}); a retry would get the same answer. {hint}".strip(),
            )
        return super().interpret_response(response)


@dataclass
class RecordsExtractor(RecordExtractor):
    """The records of one stream's pages: the array at `field_path`, or (`field_path: []`) the body
    itself as one record; `shape: bare_array` reads a bare array, `null` (none) or a lone object.

    Why not the CDK's DpathExtractor: it reads a page of another shape as no records, which ends
    the partition early without a word.
    """

    field_path: List[str]
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    shape: str = "records"

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        return records_of(response, self.field_path, self.shape)


def records_of(response: requests.Response, field_path: List[str], shape: str = "records") -> List[Any]:
    """The page's records as `RecordsExtractor` reads them; a page of another shape is an error."""
    body = json_body(response)
    if shape == "bare_array":
        records = body if isinstance(body, list) else [] if body is None else [body] if isinstance(body, dict) else None
        if records is None:
            raise malformed_page(response, f"the body is {_json_type(body)}, not an array, null or an object")
        return [record for record in records if isinstance(record, dict)]
    if not field_path:
        if not isinstance(body, dict):
            raise malformed_page(response, f"the body is {_json_type(body)}, not an object")
        return [body]
    records = body
    for key in field_path:
        records = records.get(key, NOT_JSON) if isinstance(records, dict) else NOT_JSON
    if not isinstance(records, list):
        where = ".".join(field_path)
        found = "missing" if records is NOT_JSON else _json_type(records)
        raise malformed_page(response, f"`{where}` is {found}, not an array")
    return records
