import email.utils
import time

import requests

from learning_connector_kit.backoff import RateLimitBackoffStrategy, retry_after_seconds


def response(status: int, headers: dict[str, str] | None = None) -> requests.Response:
    result = requests.Response()
    result.status_code = status
    result.headers.update(headers or {})
    return result


def strategy(**options) -> RateLimitBackoffStrategy:
    return RateLimitBackoffStrategy(parameters={}, config={}, **options)


def test_retry_after_in_seconds_is_honoured():
    assert strategy().backoff_time(response(429, {"Retry-After": "7"}), attempt_count=1) == 7.0


def test_retry_after_as_http_date_is_honoured():
    moment = email.utils.formatdate(time.time() + 30, usegmt=True)
    wait = retry_after_seconds(response(429, {"Retry-After": moment}))
    assert 28 <= wait <= 30


def test_retry_after_is_capped():
    assert strategy(max_seconds=5).backoff_time(response(429, {"Retry-After": "3600"}), attempt_count=1) == 5


def test_unreadable_retry_after_falls_back_to_exponential():
    wait = strategy(base_seconds=2).backoff_time(response(503, {"Retry-After": "soon"}), attempt_count=1)
    assert 1.0 <= wait <= 2.0


def test_exponential_backoff_grows_with_jitter_and_stays_under_the_cap():
    backoff = strategy(base_seconds=1, max_seconds=10)
    waits = {attempt: [backoff.backoff_time(response(500), attempt) for _ in range(50)] for attempt in (1, 3, 6)}
    assert all(0.5 <= w <= 1 for w in waits[1])
    assert all(2 <= w <= 4 for w in waits[3])
    assert all(5 <= w <= 10 for w in waits[6])
    assert len(set(waits[3])) > 1, "workers that fail together must not retry together"


def test_connection_errors_back_off_too():
    wait = strategy(base_seconds=1).backoff_time(requests.ConnectionError("reset"), attempt_count=2)
    assert 1 <= wait <= 2


def test_a_retried_success_is_described_as_an_unreadable_body(caplog):
    caplog.set_level("INFO", logger="airbyte")
    strategy().backoff_time(response(200), attempt_count=1)
    assert "not valid JSON" in caplog.text


def test_retry_lines_name_the_request(caplog):
    caplog.set_level("INFO", logger="airbyte")
    failed = response(502)
    failed.request = requests.Request("GET", "https://api.example.com/v2/learningAssets?q=x").prepare()
    strategy().backoff_time(failed, attempt_count=1)
    assert "GET /v2/learningAssets: HTTP 502" in caplog.text
