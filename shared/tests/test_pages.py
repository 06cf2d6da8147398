"""The shared page checks: bodies that are not JSON pages are retried, 4xx fail at once, records of a
page of the wrong shape are an error naming the endpoint."""
import json

import pytest
import requests
import requests_mock
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.error_handlers.response_models import ResponseAction
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from learning_connector_kit.pages import ResponseCheckingErrorHandler, records_of

URL = "https://api.example/v2/things?start=0"


def response(status: int, body: object, content_type: str = "application/json") -> requests.Response:
    text = body if isinstance(body, str) and content_type != "application/json" else json.dumps(body)
    with requests_mock.Mocker() as mock:
        mock.get(URL, status_code=status, text=text, headers={"Content-Type": content_type})
        return requests.get(URL)


def handler(**options) -> ResponseCheckingErrorHandler:
    settings = {"api_name": "The API", "records_fields": ["elements"], "records_required": True,
                "paging_field": "paging", "paging_integers": ["start", "count"],
                "client_error_hints": {"431": "Check `partner_referer`.", "default": "Check `api_url`."}}
    return ResponseCheckingErrorHandler(config={}, parameters={}, **{**settings, **options})


GOOD_PAGE = {"elements": [{"id": 1}], "paging": {"start": 0, "count": 10}}


@pytest.mark.parametrize("body, problem", [
    ({"paging": {"start": 0, "count": 10}}, "no `elements` array"),
    ({"elements": None, "paging": {"start": 0, "count": 10}}, "`elements` is null"),
    ({"elements": {"a": 1}, "paging": {"start": 0, "count": 10}}, "`elements` is an object"),
    ([{"id": 1}], "the body is an array"),
    ("moved", "the body is a string"),
    ({}, "the body is empty"),
    ({"elements": [], "paging": {"start": "0", "count": 10}}, "`paging.start` is a string"),
])
def test_a_200_of_the_wrong_shape_is_retried_naming_the_endpoint(body, problem):
    resolution = handler().interpret_response(response(200, body))
    assert resolution.response_action == ResponseAction.RETRY
    assert "GET /v2/things" in resolution.error_message and problem in resolution.error_message


def test_a_200_that_is_not_json_is_retried():
    resolution = handler().interpret_response(response(200, "<html>proxy</html>", "text/html"))
    assert resolution.response_action == ResponseAction.RETRY and "not JSON" in resolution.error_message


def test_a_good_page_succeeds():
    assert handler().interpret_response(response(200, GOOD_PAGE)).response_action == ResponseAction.SUCCESS


def test_an_optional_envelope_is_checked_only_where_it_is_present():
    lenient = handler(records_fields=["data", "payments"], records_required=False, paging_field="meta", paging_integers=["page", "totalPages"])
    for body in ({"id": 1, "sections": []}, [{"id": 1}], None, {"payments": [], "meta": {"page": 1, "totalPages": 1}}):
        assert lenient.interpret_response(response(200, body)).response_action == ResponseAction.SUCCESS, body
    for body in ({"meta": {"page": 1, "totalPages": 1}}, {"data": None}, {"data": [], "meta": {"page": "1", "totalPages": 2}}):
        assert lenient.interpret_response(response(200, body)).response_action == ResponseAction.RETRY, body


@pytest.mark.parametrize("status, field", [(404, "api_url"), (431, "partner_referer"), (410, "api_url")])
def test_a_4xx_without_a_filter_fails_at_once_naming_status_and_field(status, field):
    resolution = handler().interpret_response(response(status, "<html>nginx</html>", "text/html"))
    assert resolution.response_action == ResponseAction.FAIL and resolution.failure_type == FailureType.config_error
    assert f"HTTP {status}" in resolution.error_message and field in resolution.error_message


@pytest.mark.parametrize("status", [408, 429, 500, 502])
def test_408_429_and_5xx_are_retried(status):
    assert handler().interpret_response(response(status, "<html/>", "text/html")).response_action in (ResponseAction.RETRY, ResponseAction.RATE_LIMITED)


@pytest.mark.parametrize("body, field_path, shape, problem", [
    ([{"id": 1}], ["data"], "records", "`data` is missing"),
    ({"data": None}, ["data"], "records", "`data` is null"),
    ([{"id": 1}], [], "records", "the body is an array, not an object"),
    ("text", [], "bare_array", "the body is a string"),
])
def test_records_of_a_page_of_the_wrong_shape_are_an_error_naming_the_endpoint(body, field_path, shape, problem):
    with pytest.raises(AirbyteTracedException) as raised:
        records_of(response(200, body), field_path, shape)
    assert "GET /v2/things" in raised.value.message and problem in raised.value.message


def test_records_of_each_shape():
    assert records_of(response(200, {"data": [{"id": 1}]}), ["data"]) == [{"id": 1}]
    assert records_of(response(200, {"id": 1}), []) == [{"id": 1}]
    assert records_of(response(200, None), [], "bare_array") == []
    assert records_of(response(200, {"id": 2}), [], "bare_array") == [{"id": 2}]
