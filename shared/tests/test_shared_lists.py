"""Parent lists shared within a sync: read once however many readers, kept only when read whole,
forgotten when a sync starts, handed to each reader with its own slice."""
import threading
import time

import pytest
from airbyte_cdk.sources.declarative.extractors.record_filter import RecordFilter
from airbyte_cdk.sources.types import Record, StreamSlice

from learning_connector_kit import shared_lists
from learning_connector_kit.shared_lists import SharedListRetriever


class Params:
    def __init__(self, params: dict) -> None:
        self.params = params

    def get_request_params(self, **_: object) -> dict:
        return dict(self.params)


class Requester(Params):
    def get_url(self, stream_slice: StreamSlice, **_: object) -> str:
        return f"https://api.example/v2/{stream_slice.partition.get('parent_id', 'things')}"


class CountingRetriever:
    """Stands for the list's SimpleRetriever: counts its reads, may fail after some records."""

    name = "things"

    def __init__(self, records: list[dict], fail_after: int = -1, delay: float = 0.0, params: dict | None = None) -> None:
        self.records, self.fail_after, self.delay, self.reads = records, fail_after, delay, 0
        self.requester = Requester(params or {"sort": "asc"})
        self.request_option_provider = Params({})

    def read_records(self, records_schema, stream_slice):
        self.reads += 1
        for index, data in enumerate(self.records):
            if index == self.fail_after:
                raise ConnectionError("cut off")
            time.sleep(self.delay)
            yield Record(data=data, stream_name=self.name, associated_slice=stream_slice)


def shared(inner: CountingRetriever, **options) -> SharedListRetriever:
    return SharedListRetriever(retriever=inner, list_name="things", config={}, parameters={}, **options)


def window(end: str) -> StreamSlice:
    return StreamSlice(partition={}, cursor_slice={"start_time": "2024-01-01T00:00:00Z", "end_time": end})


@pytest.fixture(autouse=True)
def new_sync():
    shared_lists.forget_lists()
    yield
    shared_lists.forget_lists()


RECORDS = [{"id": "a"}, {"id": "b"}, {"id": "c"}]


def test_readers_in_parallel_share_one_read_and_each_gets_its_own_slice():
    inner = CountingRetriever(RECORDS, delay=0.05)
    readers = [shared(inner) for _ in range(4)]
    slices = [window(f"2024-06-0{n}T00:00:00Z") for n in range(1, 5)]  # "now" differs per reader
    results: list = [None] * 4

    def read(n: int) -> None:
        results[n] = list(readers[n].read_records({}, slices[n]))

    threads = [threading.Thread(target=read, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert inner.reads == 1
    for n, records in enumerate(results):
        assert [record.data for record in records] == RECORDS
        assert all(record.associated_slice is slices[n] for record in records)


def test_a_list_that_failed_part_way_is_not_kept_and_the_next_reader_reads_it_again():
    failing = CountingRetriever(RECORDS, fail_after=2)
    with pytest.raises(ConnectionError):
        list(shared(failing).read_records({}, window("2024-06-01T00:00:00Z")))
    assert shared_lists.STORE.kept() == {}
    whole = CountingRetriever(RECORDS)
    assert [record.data for record in shared(whole).read_records({}, window("2024-06-01T00:00:00Z"))] == RECORDS
    assert whole.reads == 1


def test_other_request_parameters_or_partitions_are_other_lists():
    first, other_params = CountingRetriever(RECORDS), CountingRetriever(RECORDS[:1], params={"sort": "desc"})
    list(shared(first).read_records({}, window("2024-06-01T00:00:00Z")))
    assert [r.data for r in shared(other_params).read_records({}, window("2024-06-01T00:00:00Z"))] == RECORDS[:1]
    other_parent = CountingRetriever(RECORDS[1:])
    parent_slice = StreamSlice(partition={"parent_id": "p2"}, cursor_slice={})
    assert [r.data for r in shared(other_parent).read_records({}, parent_slice)] == RECORDS[1:]
    assert (first.reads, other_params.reads, other_parent.reads) == (1, 1, 1)


def test_a_new_sync_reads_again():
    inner = CountingRetriever(RECORDS)
    list(shared(inner).read_records({}, window("2024-06-01T00:00:00Z")))
    shared_lists.forget_lists()
    list(shared(inner).read_records({}, window("2024-06-01T00:00:00Z")))
    assert inner.reads == 2


def test_a_narrower_list_filters_the_shared_records():
    inner = CountingRetriever([{"id": "a", "type": "pdf"}, {"id": "b", "type": "assessmentV2"}])
    assessments = RecordFilter(config={}, parameters={}, condition="{{ record.get('type') == 'assessmentV2' }}")
    every = list(shared(inner).read_records({}, window("2024-06-01T00:00:00Z")))
    narrow = list(shared(inner, record_filter=assessments).read_records({}, window("2024-06-01T00:00:00Z")))
    assert [r["id"] for r in every] == ["a", "b"] and [r["id"] for r in narrow] == ["b"]
    assert inner.reads == 1


def test_a_stream_whose_cursor_filters_its_records_cannot_share():
    with pytest.raises(ValueError, match="client-side cursor"):
        shared(CountingRetriever(RECORDS), is_client_side_incremental_sync=True)


def test_a_list_no_stream_emits_keeps_only_the_fields_its_readers_use():
    inner = CountingRetriever([{"id": "u1", "created": "2024-01-01T00:00:00Z", "email": "a@example.com", "fields": {"bio": "x"}}])
    records = list(shared(inner, kept_fields=["id", "created"]).read_records({}, window("2024-06-01T00:00:00Z")))
    again = list(shared(inner, kept_fields=["id", "created"]).read_records({}, window("2024-06-02T00:00:00Z")))
    assert [r.data for r in records] == [r.data for r in again] == [{"id": "u1", "created": "2024-01-01T00:00:00Z"}]
    assert inner.reads == 1


def test_a_parameter_the_key_ignores_does_not_part_two_reads():
    first = CountingRetriever(RECORDS, params={"after": "1", "before": "1700000000.1"})
    later = CountingRetriever(RECORDS[:1], params={"after": "1", "before": "1700000003.7"})
    list(shared(first, key_ignores=["before"]).read_records({}, window("2024-06-01T00:00:00Z")))
    assert [r.data for r in shared(later, key_ignores=["before"]).read_records({}, window("2024-06-02T00:00:00Z"))] == RECORDS
    assert (first.reads, later.reads) == (1, 0)
    assert [r.data for r in shared(later).read_records({}, window("2024-06-02T00:00:00Z"))] == RECORDS[:1]
