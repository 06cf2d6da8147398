"""The custom components, one behaviour at a time (HTTP mocked with requests-mock)."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import requests
import yaml
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.call_rate import APIBudget
from airbyte_cdk.utils.datetime_helpers import ab_datetime_parse
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

import source_learnworlds
from learning_connector_kit.tokens import ClientCredentialsAuthenticator, provider_message
from source_learnworlds.components import BareArrayExtractor, LearnerFullPassMigration, PreIssuedTokenAuthenticator
from learnworlds_testing import CLIENT_ID, CLIENT_SECRET, CONFIG, TOKEN_URL, token_response

MEMBERS = "https://school.example.com/admin/api/v2/user_groups/g1/users"


def get(requests_mock, url: str, body) -> requests.Response:
    requests_mock.get(url, text=json.dumps(body))
    return requests.get(url)


# -- BareArrayExtractor ------------------------------------------------------------------------------------
def users(first: int, count: int) -> list[dict]:
    return [{"id": f"u{index}"} for index in range(first, first + count)]


def test_a_full_page_then_its_repeat_yields_the_page_once(requests_mock):
    extractor = BareArrayExtractor(config={}, parameters={}, page_size=20)
    full = users(0, 20)
    assert list(extractor.extract_records(get(requests_mock, MEMBERS, full))) == full
    assert list(extractor.extract_records(get(requests_mock, f"{MEMBERS}?page=2", full))) == []


def test_pages_that_differ_are_all_read(requests_mock):
    extractor = BareArrayExtractor(config={}, parameters={}, page_size=20)
    assert len(list(extractor.extract_records(get(requests_mock, MEMBERS, users(0, 20))))) == 20
    assert list(extractor.extract_records(get(requests_mock, f"{MEMBERS}?page=2", users(20, 2)))) == users(20, 2)


def test_lists_are_told_apart_by_their_url_without_the_page(requests_mock):
    extractor = BareArrayExtractor(config={}, parameters={}, page_size=20)
    same_members = users(0, 20)
    extractor.extract_records(get(requests_mock, MEMBERS, same_members))
    other_group = "https://school.example.com/admin/api/v2/user_groups/g2/users"
    assert len(list(extractor.extract_records(get(requests_mock, other_group, same_members)))) == 20
    assert list(extractor.extract_records(get(requests_mock, f"{MEMBERS}?page=2", same_members))) == []


@pytest.mark.parametrize("body, expected", [(None, []), ({"id": "s1", "title": "Seats"}, [{"id": "s1", "title": "Seats"}]),
                                            ([{"id": "s1"}, {"id": "s2"}], [{"id": "s1"}, {"id": "s2"}])])
def test_unpaged_bare_lists_may_be_null_or_a_lone_object(requests_mock, body, expected):
    extractor = BareArrayExtractor(config={}, parameters={})
    url = "https://school.example.com/admin/api/v2/users/u1/seats"
    assert list(extractor.extract_records(get(requests_mock, url, body))) == expected


# -- error bodies ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("body, message", [
    ({"errors": [{"code": 400, "context": "client_id", "message": "Missing client_id or client cannot be found."}], "success": False},
     "Missing client_id or client cannot be found."),
    ({"error": "Too many requests"}, "Too many requests"),
    (["not", "an", "error"], ""),
])
def test_both_error_shapes_are_understood(requests_mock, body, message):
    assert provider_message(get(requests_mock, "https://school.example.com/x", body)) == message


# -- ClientCredentialsAuthenticator ------------------------------------------------------------------------
def authenticator(api_budget=None) -> ClientCredentialsAuthenticator:
    """The manifest's client-credentials authenticator, with its own words and body forms."""
    manifest = yaml.safe_load((Path(source_learnworlds.__file__).parent / "manifest.yaml").read_text())
    definition = dict(manifest["definitions"]["authenticator"]["authenticators"]["client_credentials"])
    assert definition.pop("class_name") == "learning_connector_kit.tokens.ClientCredentialsAuthenticator"
    definition.pop("type")
    return ClientCredentialsAuthenticator(config=CONFIG, parameters={}, api_budget=api_budget, **definition)


def test_the_token_request_is_the_documented_form_with_the_client_header(requests_mock):
    mint = requests_mock.post(TOKEN_URL, json=token_response("token-1"))
    assert authenticator().get_auth_header() == {"Authorization": "Bearer token-1"}
    sent = mint.last_request
    assert sent.headers["Lw-Client"] == CLIENT_ID
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert json.loads(parse_qs(sent.text)["data"][0]) == {
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "client_credentials"}


def test_one_token_serves_every_stream(requests_mock):
    mint = requests_mock.post(TOKEN_URL, json=token_response("token-1"))
    first, second = authenticator(), authenticator()
    assert first.get_access_token() == second.get_access_token() == "token-1"
    assert mint.call_count == 1


def test_a_rejected_token_is_minted_again_once_for_all_streams(requests_mock):
    mint = requests_mock.post(TOKEN_URL, [{"json": token_response("token-1")}, {"json": token_response("token-2")}])
    first, second = authenticator(), authenticator()
    first.get_access_token(), second.get_access_token()
    first.refresh_and_set_access_token()  # token-1 was rejected: mint
    second.refresh_and_set_access_token()  # the same token-1 was rejected: take the new one
    assert first.get_access_token() == second.get_access_token() == "token-2"
    assert mint.call_count == 2


def test_streams_switch_to_a_token_another_stream_minted_without_a_401(requests_mock):
    requests_mock.post(TOKEN_URL, [{"json": token_response("token-1")}, {"json": token_response("token-2")}])
    first, second = authenticator(), authenticator()
    first.get_access_token(), second.get_access_token()
    first.refresh_and_set_access_token()
    assert second.get_auth_header() == {"Authorization": "Bearer token-2"}


def test_minting_waits_for_the_shared_request_budget(requests_mock):
    class RecordingBudget(APIBudget):
        def __init__(self) -> None:
            super().__init__(policies=[])
            self.calls: list[str] = []

        def acquire_call(self, request, block=True, timeout=None) -> None:
            self.calls.append(request.url)

    budget = RecordingBudget()
    requests_mock.post(TOKEN_URL, json=token_response())
    authenticator(budget).get_access_token()
    assert budget.calls == [TOKEN_URL]


@pytest.mark.parametrize("status, body, names", [
    (401, {"errors": [{"code": "401", "context": "invalid_client", "message": "Client authentication failed"}], "success": False},
     ["'client_id'", "'credentials.client_secret'", "Client authentication failed"]),
    (400, {"errors": [{"code": 400, "context": "client_id", "message": "Missing client_id or client cannot be found."}], "success": False},
     ["'client_id'", "Lw-Client"]),
    (404, {"error": "Sorry the resource your trying to access does not exist."}, ["'school_url'"]),
])
def test_a_refused_mint_is_a_config_error_naming_the_fields(requests_mock, status, body, names):
    requests_mock.post(TOKEN_URL, status_code=status, json=body)
    with pytest.raises(AirbyteTracedException) as raised:
        authenticator().get_access_token()
    assert raised.value.failure_type == FailureType.config_error
    for name in names:
        assert name in raised.value.message
    assert CLIENT_SECRET not in raised.value.message


def test_a_failing_token_endpoint_is_not_blamed_on_the_credentials(requests_mock):
    requests_mock.post(TOKEN_URL, [{"status_code": 503, "json": {"error": "Server Error"}}, {"json": token_response("token-1")}])
    assert authenticator().get_access_token() == "token-1"


# -- PreIssuedTokenAuthenticator ---------------------------------------------------------------------------
def test_a_pre_issued_token_is_sent_and_its_rejection_is_final():
    config = {**CONFIG, "credentials": {"auth_type": "access_token", "access_token": "static-1"}}
    static = PreIssuedTokenAuthenticator(config=config, parameters={}, access_token="{{ config['credentials']['access_token'] }}")
    assert static.get_auth_header() == {"Authorization": "Bearer static-1"}
    with pytest.raises(AirbyteTracedException) as raised:
        static.refresh_and_set_access_token()
    assert raised.value.failure_type == FailureType.config_error
    assert "'credentials.access_token'" in raised.value.message and "static-1" not in raised.value.message


def test_a_school_that_refuses_the_form_body_is_sent_json_once_and_that_form_is_kept(requests_mock):
    def answer(request, context):
        if request.headers["Content-Type"].startswith("application/json"):
            return token_response(f"token-{len(mint.request_history)}")
        context.status_code = 400
        return {"errors": [{"code": "400", "context": "invalid_request", "message": "The request is malformed."}], "success": False}

    mint = requests_mock.post(TOKEN_URL, json=answer)
    auth = authenticator()
    assert auth.get_access_token() == "token-2"
    auth.refresh_and_set_access_token()  # the token was rejected: the next mint sends JSON at once
    assert auth.get_access_token() == "token-3"
    sent = [request.headers["Content-Type"].split(";")[0] for request in mint.request_history]
    assert sent == ["application/x-www-form-urlencoded", "application/json", "application/json"]
    assert mint.request_history[1].json() == {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "client_credentials"}


# -- LearnerFullPassMigration -------------------------------------------------------------------------------
def learner_state(events_at: str, learners_at: str = "2025-01-01T00:00:00.000000Z") -> dict:
    return {"use_global_cursor": True, "parent_state": {"learner_events": {"created": events_at},
                                                          "learners": {"created": learners_at}}}


@pytest.mark.parametrize(
    "days, events_at, now, full_pass",
    [
        (7, "2026-12-01T10:00:00.000000Z", "2026-12-01T12:00:00Z", False),  # same 7-day period
        (7, "2026-11-20T10:00:00.000000Z", "2026-12-01T12:00:00Z", True),  # a period has begun since
        (0, "2026-12-01T11:59:00.000000Z", "2026-12-01T12:00:00Z", True),  # 0: every sync
        (1, "2026-12-01T00:00:01.000000Z", "2026-12-01T23:59:00Z", False),
        (1, "2026-11-30T23:59:00.000000Z", "2026-12-01T00:01:00Z", True),
    ],
)
def test_a_full_pass_starts_once_in_each_period_of_learner_full_pass_days(days, events_at, now, full_pass, monkeypatch):
    monkeypatch.setattr("source_learnworlds.components.ab_datetime_now", lambda: ab_datetime_parse(now))
    migration = LearnerFullPassMigration(config={**CONFIG, "learner_full_pass_days": days}, parameters={})
    state = learner_state(events_at)
    assert migration.should_migrate(state) is full_pass
    if full_pass:  # the learner list starts over; the event log's position is kept
        assert migration.migrate(state)["parent_state"] == {"learner_events": {"created": events_at}}


@pytest.mark.parametrize(
    "last_read_at, full_pass",
    [
        ("2026-12-01T09:00:00.000000Z", False),  # a quiet school synced earlier in this period: no new pass
        ("2026-11-20T09:00:00.000000Z", True),  # neither the last sync nor the newest event is in this period
    ],
)
def test_a_school_without_recent_events_gets_one_full_pass_per_period(last_read_at, full_pass, monkeypatch):
    monkeypatch.setattr("source_learnworlds.components.ab_datetime_now", lambda: ab_datetime_parse("2026-12-01T12:00:00Z"))
    migration = LearnerFullPassMigration(config={**CONFIG, "learner_full_pass_days": 7}, parameters={})
    state = {**learner_state("2026-10-01T10:00:00.000000Z"), "state": {"learner_changed_at": last_read_at}}
    assert migration.should_migrate(state) is full_pass


def test_a_first_sync_or_a_pass_already_starting_is_left_alone():
    migration = LearnerFullPassMigration(config={**CONFIG, "learner_full_pass_days": 0}, parameters={})
    assert not migration.should_migrate({})
    assert not migration.should_migrate({"parent_state": {"learner_events": {"created": "2026-12-01T00:00:00.000000Z"}}})
