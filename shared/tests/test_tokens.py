"""The shared client-credentials authenticator: deadlines, bounds, redirects, one token per sync."""
from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.datetime_helpers import ab_datetime_now
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from learning_connector_kit import tokens
from learning_connector_kit.tokens import ClientCredentialsAuthenticator, clamped_lifetime, rejected_new_token

TOKEN_URL = "https://auth.example.com/oauth/token"
SECRET = "the-client-secret"


@pytest.fixture(autouse=True)
def no_shared_token(monkeypatch):
    tokens.forget_tokens()
    waits: list[float] = []
    monkeypatch.setattr(tokens.time, "sleep", waits.append)
    yield waits
    tokens.forget_tokens()


def authenticator(**overrides) -> ClientCredentialsAuthenticator:
    fields = dict(
        config={}, parameters={}, token_refresh_endpoint=TOKEN_URL, client_id="the-client", client_secret=SECRET,
        grant_type="client_credentials", api_name="Example", endpoint_field="token_url",
        credentials_advice="check 'client_id' and 'client_secret'.",
    )
    return ClientCredentialsAuthenticator(**{**fields, **overrides})


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("location", ["https://evil.example/steal", "http://auth.example.com/oauth/token"])
def test_a_redirected_token_request_is_not_followed_and_names_the_field(requests_mock, status, location):
    requests_mock.post(TOKEN_URL, status_code=status, headers={"Location": location})
    elsewhere = requests_mock.post(location, json={"access_token": "stolen", "expires_in": 3600})
    with pytest.raises(AirbyteTracedException) as raised:
        authenticator().get_access_token()
    assert raised.value.failure_type == FailureType.config_error
    assert "'token_url'" in raised.value.message and "redirect" in raised.value.message
    assert not elsewhere.called
    assert requests_mock.call_count == 1


def test_the_token_request_has_the_api_calls_deadlines(requests_mock):
    mint = requests_mock.post(TOKEN_URL, json={"access_token": "token-1", "expires_in": 3600})
    authenticator().get_access_token()
    assert mint.last_request.timeout == (tokens.CONNECT_TIMEOUT_SECONDS, tokens.READ_TIMEOUT_SECONDS)


def test_a_token_endpoint_failing_forever_is_asked_a_bounded_number_of_times(requests_mock, no_shared_token):
    mint = requests_mock.post(TOKEN_URL, status_code=500, json={"error": "server_error"})
    with pytest.raises(AirbyteTracedException) as raised:
        authenticator().get_access_token()
    assert raised.value.failure_type == FailureType.transient_error
    assert "'token_url'" in raised.value.message
    assert mint.call_count == tokens.TOKEN_ATTEMPTS == 5
    assert no_shared_token == [1, 2, 4, 8]


def test_a_silent_or_refusing_token_endpoint_is_retried_then_fails(requests_mock):
    mint = requests_mock.post(TOKEN_URL, exc=requests.exceptions.ReadTimeout)
    with pytest.raises(AirbyteTracedException) as raised:
        authenticator().get_access_token()
    assert mint.call_count == tokens.TOKEN_ATTEMPTS
    assert "ReadTimeout" in raised.value.message and "'token_url'" in raised.value.message


def test_a_transient_failure_then_a_token(requests_mock):
    requests_mock.post(TOKEN_URL, [{"exc": requests.exceptions.ConnectionError}, {"status_code": 503}, {"json": {"access_token": "token-1"}}])
    assert authenticator().get_access_token() == "token-1"


@pytest.mark.parametrize("expires_in, seconds", [
    (10**30, tokens.MAX_TOKEN_SECONDS), ("1e400", tokens.MAX_TOKEN_SECONDS), (0, tokens.MIN_TOKEN_SECONDS),
    (-5, tokens.MIN_TOKEN_SECONDS), (7200, 7200), ("7200", 7200), (None, 3600), ("soon", 3600), (True, 3600),
])
def test_expires_in_is_clamped(expires_in, seconds):
    assert clamped_lifetime(expires_in) == seconds


@pytest.mark.parametrize("expires_in", [10**30, 0, -1])
def test_an_extreme_lifetime_neither_overflows_nor_mints_before_every_request(requests_mock, expires_in):
    mint = requests_mock.post(TOKEN_URL, json={"access_token": "token-1", "expires_in": expires_in})
    auth = authenticator()
    for _ in range(5):
        assert auth.get_auth_header() == {"Authorization": "Bearer token-1"}
    assert mint.call_count == 1
    assert auth.token_has_expired() is False


def test_one_token_serves_every_stream_of_the_sync(requests_mock):
    mint = requests_mock.post(TOKEN_URL, [{"json": {"access_token": "token-1"}}, {"json": {"access_token": "token-2"}}])
    streams = [authenticator() for _ in range(4)]
    assert {auth.get_access_token() for auth in streams} == {"token-1"}
    assert mint.call_count == 1


def test_a_rejected_token_is_replaced_once_for_every_stream(requests_mock):
    mint = requests_mock.post(TOKEN_URL, [{"json": {"access_token": "token-1"}}, {"json": {"access_token": "token-2"}}])
    first, second = authenticator(), authenticator()
    first.get_access_token(), second.get_access_token()
    first.refresh_and_set_access_token()
    second.refresh_and_set_access_token()  # the same token-1 was refused: adopt token-2
    assert first.get_access_token() == second.get_access_token() == "token-2"
    assert mint.call_count == 2


def refused(requests_mock, token: str) -> requests.Response:
    requests_mock.get("https://api.example.com/x", status_code=401, json={"message": "Invalid access token"})
    return requests.get("https://api.example.com/x", headers={"Authorization": f"Bearer {token}"})


def test_a_new_token_refused_too_is_a_config_error_naming_the_credentials(requests_mock):
    requests_mock.post(TOKEN_URL, [{"json": {"access_token": "token-1"}}, {"json": {"access_token": "token-2"}}])
    auth = authenticator()
    auth.get_access_token()
    assert rejected_new_token(refused(requests_mock, "token-1")) is None  # the first refusal re-mints
    auth.refresh_and_set_access_token()
    resolution = rejected_new_token(refused(requests_mock, "token-2"))
    assert resolution is not None and resolution.failure_type == FailureType.config_error
    assert "'client_id'" in resolution.error_message and "Example rejected a token it had just issued" in resolution.error_message


def test_a_new_token_refused_much_later_is_re_minted_again(requests_mock, monkeypatch):
    requests_mock.post(TOKEN_URL, [{"json": {"access_token": "token-1"}}, {"json": {"access_token": "token-2"}}])
    auth = authenticator()
    auth.get_access_token()
    auth.refresh_and_set_access_token()
    later = tokens.time.monotonic() + tokens.FRESH_TOKEN_SECONDS + 1
    monkeypatch.setattr(tokens.time, "monotonic", lambda: later)
    assert rejected_new_token(refused(requests_mock, "token-2")) is None


def test_an_answer_without_a_token_is_an_error_naming_the_endpoint_field(requests_mock):
    requests_mock.post(TOKEN_URL, text="<html>login</html>")
    with pytest.raises(AirbyteTracedException) as raised:
        authenticator().get_access_token()
    assert "'token_url'" in raised.value.message and "without an access token" in raised.value.message


def test_the_expiry_follows_the_clamped_lifetime(requests_mock):
    requests_mock.post(TOKEN_URL, json={"access_token": "token-1", "expires_in": 10**30})
    token, expiry = authenticator().refresh_access_token()
    assert token == "token-1"
    assert expiry - ab_datetime_now() > timedelta(days=365)


def test_a_refusal_holds_for_the_sync_without_asking_again(requests_mock):
    mint = requests_mock.post(TOKEN_URL, status_code=401, json={"error": "invalid_client"})
    for auth in (authenticator(), authenticator()):
        with pytest.raises(AirbyteTracedException) as raised:
            auth.get_access_token()
        assert raised.value.failure_type == FailureType.config_error and "'client_id'" in raised.value.message
    assert mint.call_count == 1


def test_an_endpoint_that_failed_every_attempt_is_not_asked_again_in_the_sync(requests_mock):
    mint = requests_mock.post(TOKEN_URL, status_code=503)
    for auth in (authenticator(), authenticator()):
        with pytest.raises(AirbyteTracedException):
            auth.get_access_token()
    assert mint.call_count == tokens.TOKEN_ATTEMPTS
