"""The config rule builders: silent on good values and absent fields; otherwise one message that
names the field, says what is wrong and what to do, and never shows a secret."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from learning_connector_kit.config_validation import (
    https_url,
    int_range,
    rfc3339_not_future,
    spec_problems,
    text,
    url_path_segments,
    validate_config,
)

FIXED_NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.linkedin.com",
        "https://school.example.com/",
        "https://school.example.com:8443/base",
        "http://127.0.0.1:8765",
        "http://127.9.9.9",
        "http://localhost:8000/oauth/v2/accessToken",
        "http://[::1]:9000",
    ],
)
def test_https_url_accepts_https_and_loopback_http(url):
    assert https_url("api_url")({"api_url": url}) is None


@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://api.linkedin.com", "uses http:// for host api.linkedin.com"),
        ("http://10.0.0.5:8080", "uses http:// for host 10.0.0.5"),
        ("http://localhost.evil.com", "uses http:// for host localhost.evil.com"),
        ("ftp://files.example.com", "is not an absolute http(s) address"),
        ("api.linkedin.com", "is not an absolute http(s) address"),
        ("https://", "is not an absolute http(s) address"),
        ("https://host:port", "is not a valid address"),
        ("https://host:70000", "is not a valid address"),
        (12, "must be an address written as text, not a number"),
    ],
)
def test_https_url_rejects_clear_text_and_malformed_addresses(url, expected):
    problem = https_url("api_url")({"api_url": url})
    assert problem.startswith("Config field 'api_url' ")
    assert expected in problem
    assert "https://" in problem  # says what to write instead


def test_https_url_without_loopback_exception_refuses_local_http():
    problem = https_url("school_url", allow_loopback=False)({"school_url": "http://127.0.0.1:80"})
    assert "uses http:// for host 127.0.0.1" in problem
    assert "loopback" not in problem


def test_https_url_never_echoes_user_info():
    problem = https_url("token_url")({"token_url": "https://me:hunter2-canary@auth.example.com/token"})
    assert "user name or password" in problem
    assert "hunter2-canary" not in problem


@pytest.mark.parametrize("value", ["2024-01-01T00:00:00Z", "2024-02-29T23:59:59.123456+02:00", "2026-06-01T12:00:00z"])
def test_rfc3339_accepts_past_date_times(value):
    assert rfc3339_not_future("start_date", now=lambda: FIXED_NOW)({"start_date": value}) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-01-01", "not an RFC 3339 date-time with a time zone"),
        ("2024-01-01T00:00:00", "not an RFC 3339 date-time with a time zone"),
        ("01/02/2024", "not an RFC 3339 date-time"),
        ("2024-13-01T00:00:00Z", "not a real date or time"),
        ("2024-02-30T00:00:00Z", "not a real date or time"),
        (20240101, "is a number, which is not an RFC 3339 date-time"),
        ("2026-06-01T12:00:01Z", "is in the future"),
    ],
)
def test_rfc3339_rejects_malformed_and_future(value, expected):
    problem = rfc3339_not_future("start_date", now=lambda: FIXED_NOW)({"start_date": value})
    assert problem.startswith("Config field 'start_date' ")
    assert expected in problem


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z"])
def test_rfc3339_rejects_dates_before_1970(value):
    problem = rfc3339_not_future("start_date", now=lambda: FIXED_NOW)({"start_date": value})
    assert problem.startswith("Config field 'start_date' ")
    assert "before 1970" in problem and "1970-01-01T00:00:00Z" in problem


def test_rfc3339_accepts_the_first_moment_of_1970():
    assert rfc3339_not_future("start_date", now=lambda: FIXED_NOW)({"start_date": "1970-01-01T00:00:00Z"}) is None


@pytest.mark.parametrize("url", ["https://api.example.com/?proxy=1", "https://api.example.com#v2", "https://api.example.com/base?", "http://127.0.0.1:8080/#x"])
def test_a_base_address_refuses_a_query_or_fragment(url):
    problem = https_url("api_url", base=True)({"api_url": url})
    assert problem.startswith("Config field 'api_url' ") and "query" in problem and "fragment" in problem
    assert https_url("api_url")({"api_url": url}) is None  # an endpoint (a token URL) may carry a query


def test_a_base_address_may_have_a_path():
    assert https_url("api_url", base=True)({"api_url": "https://proxy.example.com/linkedin/"}) is None


def test_text_sent_in_a_header_must_be_ascii_and_is_never_shown():
    problem = text("credentials.access_token", sent_in_header=True)({"credentials": {"access_token": "secret-tökén"}})
    assert problem.startswith("Config field 'credentials.access_token' ") and "ASCII" in problem
    assert "tökén" not in problem
    assert text("credentials.access_token")({"credentials": {"access_token": "secret-tökén"}}) is None
    assert text("partner_referer", sent_in_header=True)({"partner_referer": "urn:li:partner:acme"}) is None


@pytest.mark.parametrize("ids", [["64f1/responses"], ["64f1?page=2"], ["64f1#top"], ["64f1%2F"], ["64 f1"], ["ok", ""], [7]])
def test_url_path_segments_refuse_what_would_change_the_address(ids):
    problem = url_path_segments("form_ids")({"form_ids": ids})
    assert problem.startswith("Config field 'form_ids' ")


def test_url_path_segments_accept_bare_ids():
    assert url_path_segments("form_ids")({"form_ids": ["64f1a2b3c4d5e6f7a8b9c0d1", "form-2_b"]}) is None
    assert url_path_segments("form_ids")({"form_ids": []}) is None


def test_rfc3339_uses_the_real_clock_by_default():
    assert "in the future" in rfc3339_not_future("start_date")({"start_date": "2999-01-01T00:00:00Z"})


@pytest.mark.parametrize("value", [1, 7, 14, 14.0])
def test_int_range_accepts_bounds_inclusive(value):
    assert int_range("window_days", 1, 14)({"window_days": value}) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        (0, "must be from 1 to 14; got 0"),
        (15, "must be from 1 to 14; got 15"),
        (2.5, "must be a whole number from 1 to 14; got 2.5"),
        ("7", "must be a whole number from 1 to 14; got '7'"),
        (True, "got true/false"),
    ],
)
def test_int_range_rejects_out_of_range_and_mistyped(value, expected):
    problem = int_range("window_days", 1, 14)({"window_days": value})
    assert problem.startswith("Config field 'window_days' ")
    assert expected in problem


def test_text_names_the_wrong_type_without_showing_the_value():
    secret_rule = text("credentials.client_secret")
    problem = secret_rule({"credentials": {"client_secret": 987654321}})
    assert problem == "Config field 'credentials.client_secret' must be text, not a number: put the value in quotes."
    assert "987654321" not in problem
    assert secret_rule({"credentials": {"client_secret": "   "}}) == "Config field 'credentials.client_secret' is blank: give a value."


def test_rules_are_silent_about_absent_optional_fields():
    rules = [https_url("api_url"), rfc3339_not_future("start_date"), int_range("w", 1, 2), text("t")]
    assert validate_config({}, rules, {}) == []


def test_validate_config_collects_every_rule_message_in_order():
    rules = [int_range("num_workers", 1, 16), https_url("api_url")]
    problems = validate_config({}, rules, {"num_workers": 0, "api_url": "http://example.com"})
    assert [p.split("'")[1] for p in problems] == ["num_workers", "api_url"]


SPEC = {
    "type": "object",
    "required": ["client_id", "credentials"],
    "properties": {
        "client_id": {"title": "Client ID", "description": "From the admin page.", "type": "string"},
        "locales": {"type": "array", "items": {"type": "string", "enum": ["en_US", "fr_FR"]}, "uniqueItems": True, "examples": [["en_US"]]},
        "window_days": {"type": "integer", "minimum": 1, "maximum": 14},
        "school_url": {"type": "string", "pattern": "^https://[^/]+$", "pattern_descriptor": "https://school.example.com"},
        "credentials": {
            "type": "object",
            "oneOf": [
                {"title": "Client credentials", "required": ["auth_type", "client_secret"],
                 "properties": {"auth_type": {"const": "client_credentials"}, "client_secret": {"type": "string", "airbyte_secret": True}}},
                {"title": "Access token", "required": ["auth_type", "access_token"],
                 "properties": {"auth_type": {"const": "access_token"}, "access_token": {"type": "string", "airbyte_secret": True}}},
            ],
        },
    },
}
GOOD = {"client_id": "abc", "credentials": {"auth_type": "client_credentials", "client_secret": "s"}}


def test_spec_problems_is_empty_for_a_valid_config():
    assert spec_problems(SPEC, GOOD) == []


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"client_id": None}, "Config field 'client_id' must be text, not null."),
        ({"locales": ["xx_XX"]}, "Config field 'locales' has 'xx_XX', which is not a supported value: choose from en_US, fr_FR."),
        ({"locales": "en_US"}, "Config field 'locales' must be a list, not text: write it like [\"en_US\"]."),
        ({"window_days": 30}, "Config field 'window_days' must be at most 14; got 30: choose a value in range."),
        ({"school_url": "http://x"}, "Config field 'school_url' is 'http://x', which is not in the expected form: write it like https://school.example.com."),
        ({"credentials": {"auth_type": "password"}}, "Config field 'credentials' matches none of its options (Client credentials, Access token): pick one and fill in its fields."),
        ({"credentials": {"auth_type": "access_token"}}, "Config field 'credentials.access_token' is missing: add it."),
    ],
)
def test_spec_problems_name_the_field_and_what_to_do(changes, expected):
    assert spec_problems(SPEC, {**GOOD, **changes}) == [expected]


def test_spec_problems_say_what_a_missing_field_is():
    config = {key: value for key, value in GOOD.items() if key != "client_id"}
    assert spec_problems(SPEC, config) == ["Config field 'client_id' is missing: add it. Client ID: From the admin page."]


def test_spec_problems_never_show_a_secret_value():
    problems = spec_problems(SPEC, {**GOOD, "credentials": {"auth_type": "access_token", "access_token": 4815162342}})
    assert problems == ["Config field 'credentials.access_token' must be text, not a number."]


def test_validate_config_prefers_the_rule_message_for_a_field_the_spec_also_rejects():
    problems = validate_config(SPEC, [https_url("school_url"), text("client_id")], {**GOOD, "school_url": "http://school.example.com"})
    assert len(problems) == 1
    assert problems[0].startswith("Config field 'school_url' uses http:// for host school.example.com")


def test_validate_config_adds_the_spec_problems_no_rule_covers():
    problems = validate_config(SPEC, [int_range("window_days", 1, 14)], {"client_id": "abc", "window_days": 0})
    assert problems == [
        "Config field 'window_days' must be from 1 to 14; got 0: choose a value in that range.",
        "Config field 'credentials' is missing: add it.",
    ]
