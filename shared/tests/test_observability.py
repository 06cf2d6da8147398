import logging
from concurrent.futures import ThreadPoolExecutor
from itertools import count

import requests_mock
from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteStreamStatus,
    AirbyteStreamStatusTraceMessage,
    AirbyteTraceMessage,
    StreamDescriptor,
    TraceType,
    Type,
)
from airbyte_cdk.sources.streams.http.error_handlers import ErrorResolution, ResponseAction
from airbyte_cdk.sources.streams.http.http_client import HttpClient

from learning_connector_kit.observability import REQUESTS_BY_STREAM, count_requests_per_stream, summarised

URL = "https://api.example.test/items"
logger = logging.getLogger("airbyte")


def http_client(stream: str, **options) -> HttpClient:
    return HttpClient(name=stream, logger=logger, **options)


def requests_sent_during(action) -> dict[str, int]:
    count_requests_per_stream()
    before = REQUESTS_BY_STREAM.snapshot()
    action()
    after = REQUESTS_BY_STREAM.snapshot()
    after.subtract(before)
    return {name: sent for name, sent in after.items() if sent}


def record(stream: str) -> AirbyteMessage:
    return AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream=stream, data={"id": 1}, emitted_at=0))


def status(stream: str, value: AirbyteStreamStatus) -> AirbyteMessage:
    trace = AirbyteTraceMessage(
        type=TraceType.STREAM_STATUS,
        emitted_at=0,
        stream_status=AirbyteStreamStatusTraceMessage(stream_descriptor=StreamDescriptor(name=stream), status=value),
    )
    return AirbyteMessage(type=Type.TRACE, trace=trace)


def test_requests_are_counted_under_the_stream_that_sent_them():
    with requests_mock.Mocker() as mock:
        mock.get(URL, json={"items": []})
        courses, users = http_client("courses"), http_client("users")

        def send():
            for client in (courses, courses, users):
                client.send_request("GET", URL, request_kwargs={})

        assert requests_sent_during(send) == {"courses": 2, "users": 1}


def test_installing_twice_counts_each_request_once():
    count_requests_per_stream()
    with requests_mock.Mocker() as mock:
        mock.get(URL, json={})
        client = http_client("courses")
        assert requests_sent_during(lambda: client.send_request("GET", URL, request_kwargs={})) == {"courses": 1}


def test_retried_attempts_are_counted():
    retry_once = iter([ErrorResolution(ResponseAction.RETRY, None, "try again"), ErrorResolution(ResponseAction.SUCCESS)])

    class RetryOnceHandler:
        max_retries = 3
        max_time = 60

        def interpret_response(self, _response):
            return next(retry_once)

    class NoWait:
        def backoff_time(self, *_args, **_kwargs):
            return 0

    with requests_mock.Mocker() as mock:
        mock.get(URL, [{"status_code": 500, "json": {}}, {"status_code": 200, "json": {}}])
        client = http_client("payments", error_handler=RetryOnceHandler(), backoff_strategy=NoWait())
        assert requests_sent_during(lambda: client.send_request("GET", URL, request_kwargs={})) == {"payments": 2}


def test_counting_is_exact_across_threads():
    threads, per_thread = 8, 25
    with requests_mock.Mocker() as mock:
        mock.get(URL, json={})
        client = http_client("event_logs")

        def send_many(_):
            for _ in range(per_thread):
                client.send_request("GET", URL, request_kwargs={})

        def send_from_threads():
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(send_many, range(threads)))

        assert requests_sent_during(send_from_threads) == {"event_logs": threads * per_thread}


def test_summary_has_one_line_per_stream_with_records_requests_and_seconds(caplog):
    ticks = count()  # each message (and the start and end of the sync) is one second later than the previous
    messages = [
        status("courses", AirbyteStreamStatus.STARTED),
        record("courses"),
        record("courses"),
        status("courses", AirbyteStreamStatus.COMPLETE),
        status("users", AirbyteStreamStatus.STARTED),
        record("users"),
        status("users", AirbyteStreamStatus.INCOMPLETE),
    ]
    with requests_mock.Mocker() as mock:
        mock.get(URL, json={})
        parent = http_client("course_contents")

        def read_with_parent_requests():
            for message in messages:
                if message.type == Type.RECORD:
                    parent.send_request("GET", URL, request_kwargs={})
                yield message

        with caplog.at_level(logging.INFO, logger="airbyte"):
            passed = list(summarised(read_with_parent_requests(), logger, clock=lambda: float(next(ticks))))

    assert passed == messages
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Sync summary")]
    assert lines == [
        "Sync summary: stream course_contents (read as a parent stream): 0 records, 3 requests, 0.0s",
        "Sync summary: stream courses (COMPLETE): 2 records, 0 requests, 3.0s",
        "Sync summary: stream users (INCOMPLETE): 1 records, 0 requests, 2.0s",
        "Sync summary: 3 records, 3 requests in 8.0s",
    ]


def test_summary_is_logged_when_the_sync_fails(caplog):
    def failing_read():
        yield status("payments", AirbyteStreamStatus.STARTED)
        yield record("payments")
        raise RuntimeError("connection lost")

    with caplog.at_level(logging.INFO, logger="airbyte"):
        try:
            list(summarised(failing_read(), logger))
        except RuntimeError:
            pass
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Sync summary: stream payments")]
    assert len(lines) == 1 and "(STARTED): 1 records" in lines[0]
