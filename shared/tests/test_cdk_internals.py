"""The two CDK internals the connectors rely on still work on the installed airbyte-cdk.

A CDK upgrade that changes either fails here with `CdkInternalsChanged`'s message, or with an assertion
that says which behaviour was lost.
"""
import logging
from typing import Any

import pytest
import requests_mock
from airbyte_cdk.models import SyncMode
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource
from airbyte_cdk.sources.streams.call_rate import APIBudget
from airbyte_cdk.sources.streams.http.http_client import HttpClient
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import read

from learning_connector_kit.cdk_internals import CdkInternalsChanged, on_every_http_attempt, share_api_budget

URL = "https://api.example.test/items"
MANIFEST = {
    "version": "7.39.1",
    "type": "DeclarativeSource",
    "check": {"type": "CheckStream", "stream_names": ["items"]},
    "spec": {"type": "Spec", "connection_specification": {"type": "object", "properties": {}}},
    "streams": [{
        "type": "DeclarativeStream",
        "name": "items",
        "primary_key": [],
        "schema_loader": {"type": "InlineSchemaLoader", "schema": {"type": "object", "properties": {}}},
        "retriever": {
            "type": "SimpleRetriever",
            "requester": {"type": "HttpRequester", "url_base": URL, "path": "", "http_method": "GET"},
            "record_selector": {"type": "RecordSelector", "extractor": {"type": "DpathExtractor", "field_path": ["items"]}},
            "partition_router": {"type": "ListPartitionRouter", "cursor_field": "part", "values": ["a", "b"],
                                 "request_option": {"type": "RequestOption", "inject_into": "request_parameter", "field_name": "part"}},
        },
    }],
}


class RecordingBudget(APIBudget):
    def __init__(self) -> None:
        super().__init__(policies=[])
        self.calls: list[str] = []

    def acquire_call(self, request: Any, block: bool = True, timeout: Any = None) -> None:
        self.calls.append(request.url)


def test_a_shared_budget_is_asked_before_every_request_of_a_declarative_source():
    catalog = CatalogBuilder().with_stream("items", SyncMode.full_refresh).build()
    source = ConcurrentDeclarativeSource(catalog=catalog, config={}, state=[], source_config=MANIFEST)
    budget = RecordingBudget()
    share_api_budget(source, budget)
    with requests_mock.Mocker() as mock:
        mock.get(URL, json={"items": [{"id": 1}]})
        output = read(source, {}, catalog)
    assert len(output.records) == 2
    assert sorted(budget.calls) == [f"{URL}?part=a", f"{URL}?part=b"], (
        "share_api_budget no longer reaches the requesters the source builds: update it in cdk_internals.py"
    )


def test_a_source_without_the_expected_factory_is_named_as_a_cdk_change():
    with pytest.raises(CdkInternalsChanged, match=r"airbyte-cdk \S+ no longer has .*update share_api_budget"):
        share_api_budget(object(), RecordingBudget())


def test_every_attempt_is_reported_under_its_stream_once_per_listener():
    heard: list[str] = []
    on_every_http_attempt(heard.append)
    on_every_http_attempt(heard.append)  # a second install of the same listener changes nothing
    with requests_mock.Mocker() as mock:
        mock.get(URL, json={})
        HttpClient(name="courses", logger=logging.getLogger("airbyte")).send_request("GET", URL, request_kwargs={})
    assert heard == ["courses"], "on_every_http_attempt no longer sees HttpClient's requests: update it in cdk_internals.py"
