"""NextPageLink: a link is followed only on the API's host, a missing link before the total is not the
end, and a link back to a page already read stops the partition."""
from __future__ import annotations

import json
from typing import Optional

import pytest
import requests
import requests_mock
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from learning_connector_kit.response_bounds import read_bounded_body
from learning_connector_kit.tokens import ClientCredentialsAuthenticator, forget_tokens
from source_linkedin_learning.components import NextPageLink

API = "https://api.linkedin.com"
REQUEST = f"{API}/v2/learningAssets?q=localeAndType&count=100&fields=urn&start=100"


def page_response(href: Optional[str], start: int = 100, total: int = 1000, records: int = 100, url: str = REQUEST) -> requests.Response:
    links = [{"rel": "next", "href": href, "type": "application/json"}] if href is not None else []
    body = {"elements": [{"urn": str(n)} for n in range(records)], "paging": {"start": start, "count": 100, "total": total, "links": links}}
    with requests_mock.Mocker() as mock:
        mock.get(url, text=json.dumps(body))
        return requests.get(url)


def next_token(response: requests.Response, api_url: str = API) -> Optional[str]:
    strategy = NextPageLink(config={}, parameters={}, api_url=api_url)
    return strategy.next_page_token(response, last_page_size=0, last_record=None, last_page_token_value=None)


RELATIVE = "/v2/learningAssets?count=100&q=localeAndType&start=200"


@pytest.mark.parametrize("href", [
    f"@evil.example{RELATIVE}",
    f".evil.example{RELATIVE}",
    f"{API}@evil.example{RELATIVE}",
    f"https://evil.example{RELATIVE}",
    f"//evil.example{RELATIVE}",
    f"http://api.linkedin.com{RELATIVE}",
    f"v2/learningAssets?start=200",
])
def test_a_link_off_the_api_host_is_an_error(href: str) -> None:
    with pytest.raises(AirbyteTracedException) as raised:
        next_token(page_response(href))
    assert "/v2/learningAssets" in raised.value.message and "api_url" in raised.value.message


@pytest.mark.parametrize("href, expected", [
    (RELATIVE, f"{API}{RELATIVE}"),
    (f"{API}{RELATIVE}", f"{API}{RELATIVE}"),
    (f"https://API.linkedin.com{RELATIVE}", f"https://API.linkedin.com{RELATIVE}"),
])
def test_a_path_or_an_absolute_link_on_the_api_host_is_followed(href: str, expected: str) -> None:
    assert next_token(page_response(href)) == expected


def test_a_relative_link_keeps_the_api_urls_path() -> None:
    assert next_token(page_response(RELATIVE), api_url="https://proxy.example/linkedin/") == f"https://proxy.example/linkedin{RELATIVE}"


@pytest.mark.parametrize("href", [REQUEST, "/v2/learningAssets?start=100", "/v2/learningAssets?start=0"])
def test_a_link_back_to_a_page_already_read_stops_the_partition(href: str) -> None:
    with pytest.raises(AirbyteTracedException) as raised:
        next_token(page_response(href))
    assert "Stopped paging through GET /v2/learningAssets" in raised.value.message


def test_a_missing_link_before_the_total_pages_on_by_start() -> None:
    assert next_token(page_response(None)) == f"{API}/v2/learningAssets?q=localeAndType&count=100&fields=urn&start=200"


def test_a_missing_link_on_a_first_page_without_start_pages_on() -> None:
    url = f"{API}/v2/learningAssets?q=localeAndType&count=100"
    assert next_token(page_response(None, start=0, url=url)) == f"{url}&start=100"


@pytest.mark.parametrize("start, total, records", [(900, 1000, 100), (100, 1000, 0), (100, None, 100)])
def test_the_last_page_ends_the_partition(start: int, total: Optional[int], records: int) -> None:
    response = page_response(None, start=start, total=total, records=records)
    assert next_token(response) is None


def test_a_runaway_total_stops_the_partition() -> None:
    with pytest.raises(AirbyteTracedException, match="beyond any real partition"):
        next_token(page_response(None, start=9_999_900, total=10**9))



def test_every_api_request_reads_its_body_within_the_shared_bounds() -> None:
    token_url = "https://www.linkedin.com/oauth/v2/accessToken"
    authenticator = ClientCredentialsAuthenticator(
        config={}, parameters={}, token_refresh_endpoint=token_url, client_id="c", client_secret="s",
        grant_type="client_credentials", api_name="LinkedIn", endpoint_field="token_url",
        credentials_advice="check `client_id` and `client_secret`.",
    )
    forget_tokens()
    with requests_mock.Mocker() as mock:
        mock.post(token_url, json={"access_token": "t", "expires_in": 3600})
        prepared = authenticator(requests.Request("GET", f"{API}/v2/learningAssets").prepare())
    forget_tokens()
    assert read_bounded_body in prepared.hooks["response"]
