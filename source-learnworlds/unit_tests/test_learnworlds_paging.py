"""MetaPages and BareArrayExtractor: paging that would never end stops with an error naming the endpoint."""
from __future__ import annotations

import json
from typing import Any, Optional

import pytest
import requests
import requests_mock
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from learning_connector_kit.response_bounds import BoundedResponses
from learning_connector_kit.tokens import ClientCredentialsAuthenticator
from source_learnworlds.components import (
    MAX_BARE_PAGES, BareArrayExtractor, MetaPages, PageNumber, PreIssuedTokenAuthenticator,
)

URL = "https://school.example.com/admin/api/v2/leads"


def answer(body: Any, page: Optional[int] = None) -> requests.Response:
    url = URL if page is None else f"{URL}?page={page}"
    with requests_mock.Mocker() as mock:
        mock.get(url, text=json.dumps(body))
        return requests.get(url)


def meta_page(page: int, total_pages: int, records: int = 20) -> dict:
    return {"data": [{"email": f"{page}-{n}@x.example"} for n in range(records)], "meta": {"page": page, "totalPages": total_pages}}


def next_token(response: requests.Response, token: Optional[Any], records: int = 20) -> Optional[Any]:
    return MetaPages(config={}, parameters={}).next_page_token(response, records, None, token)


def test_pages_follow_meta_to_the_last_page() -> None:
    second = next_token(answer(meta_page(1, 3)), None)
    assert second == 2
    third = next_token(answer(meta_page(2, 3), 2), second)
    assert third == 3
    assert next_token(answer(meta_page(3, 3), 3), third) is None


def test_a_body_without_meta_is_one_page() -> None:
    assert next_token(answer({"data": []}), None) is None


@pytest.mark.parametrize("body, token, problem", [
    (meta_page(1, 3), PageNumber(2), "page 2 was asked for and meta.page says 1"),
    ({"data": [], "meta": {"page": "1", "totalPages": "3"}}, None, "are not integers"),
])
def test_runaway_or_unreadable_page_counts_stop_with_an_error(body: dict, token: Any, problem: str) -> None:
    with pytest.raises(AirbyteTracedException) as raised:
        next_token(answer(body, token), token, records=len(body["data"]))
    assert "GET /admin/api/v2/leads" in raised.value.message and problem in raised.value.message


def test_a_page_that_repeats_the_one_before_stops_with_an_error() -> None:
    second = next_token(answer(meta_page(1, 10**9)), None)
    third = next_token(answer(meta_page(2, 10**9), 2), second)
    repeated = {**meta_page(2, 10**9), "meta": {"page": 3, "totalPages": 10**9}}
    with pytest.raises(AirbyteTracedException, match="page 3 of 1000000000 repeats page 2"):
        next_token(answer(repeated, 3), third)


def test_one_empty_page_is_passed_over_and_a_second_in_a_row_stops() -> None:
    second = next_token(answer(meta_page(1, 10**9)), None)
    third = next_token(answer(meta_page(2, 10**9, records=0), 2), second, records=0)
    assert third == 3
    with pytest.raises(AirbyteTracedException, match="page 3 of 1000000000 repeats page 2"):
        next_token(answer(meta_page(3, 10**9, records=0), 3), third, records=0)


def test_a_bare_array_that_stays_full_stops_at_the_bound() -> None:
    extractor = BareArrayExtractor(config={}, parameters={}, page_size=20)
    full_page = [{"id": n} for n in range(20)]
    assert len(list(extractor.extract_records(answer(full_page, MAX_BARE_PAGES - 1)))) == 20
    with pytest.raises(AirbyteTracedException, match="still full"):
        extractor.extract_records(answer([{"id": -n} for n in range(20)], MAX_BARE_PAGES))


def test_a_bare_array_endpoint_answering_text_is_an_error() -> None:
    with pytest.raises(AirbyteTracedException, match="the body is a string"):
        BareArrayExtractor(config={}, parameters={}).extract_records(answer("no"))


@pytest.mark.parametrize("credentials", ["client_credentials", "access_token"])
def test_every_api_request_reads_its_body_within_the_shared_bounds(credentials: str) -> None:
    chosen = ClientCredentialsAuthenticator if credentials == "client_credentials" else PreIssuedTokenAuthenticator
    assert issubclass(chosen, BoundedResponses)
