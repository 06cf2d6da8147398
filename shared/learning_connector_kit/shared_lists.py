"""Parent lists read once per sync and shared by every child stream that partitions on them.

A manifest names this retriever where a list is read as a parent (in its partition routers), and
for a stream that emits the same list without a cursor; a stream whose cursor filters its records
keeps its own retriever (this one refuses it).
Only a list read completely and without an error is kept, so a page that arrived cut off (retried
by the error handler) is never served again. `forget_lists` empties the store at both ends of a sync: nothing is shared
between two syncs of one process.
"""
from __future__ import annotations

import json
import threading
from dataclasses import InitVar, dataclass
from typing import Any, Iterable, List, Mapping, Optional

from airbyte_cdk.sources.declarative.extractors.record_filter import RecordFilter
from airbyte_cdk.sources.declarative.retrievers.retriever import Retriever
from airbyte_cdk.sources.declarative.retrievers.simple_retriever import SimpleRetriever
from airbyte_cdk.sources.streams.core import StreamData
from airbyte_cdk.sources.types import Config, Record, StreamSlice


class _Store:
    """The lists of the current sync, each with the lock its readers queue on."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._lists: dict[str, list[Any]] = {}

    def lock_for(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def get(self, key: str) -> Optional[list[Any]]:
        with self._guard:
            return self._lists.get(key)

    def keep(self, key: str, records: list[Any]) -> None:
        with self._guard:
            self._lists[key] = records

    def clear(self) -> None:
        with self._guard:
            self._locks.clear()
            self._lists.clear()

    def kept(self) -> dict[str, int]:
        """The number of records kept per list (for tests and diagnostics)."""
        with self._guard:
            return {key: len(records) for key, records in self._lists.items()}


STORE = _Store()


def forget_lists() -> None:
    """Forget every list kept: called when a sync starts and when it ends."""
    STORE.clear()


@dataclass
class SharedListRetriever(Retriever):
    """Reads a parent list once per sync for all child streams: the first reader reads it whole, the
    others wait for it and receive the same records.

    Why: the CDK's only sharing is its HTTP cache, which would keep a 200 page whose body was cut off
    and serve it again to every retry of that page.
    """

    retriever: SimpleRetriever
    list_name: str
    config: Config
    parameters: InitVar[Mapping[str, Any]]
    # Applied to the shared records: a narrower list (assessment units) shares its wider one's reads.
    record_filter: Optional[RecordFilter] = None
    # For a list no stream emits (the learners and their events): only the fields its child streams
    # and its cursor read are kept, a small part of each record.
    kept_fields: Optional[List[str]] = None
    # Request parameters that do not tell two reads apart: a window's end of "now" comes a moment
    # later for each reader. A later reader then gets the records up to the first reader's "now";
    # its cursor still saves only the newest record it saw, so the rest comes in the next sync.
    key_ignores: Optional[List[str]] = None
    # Set by the factory from the stream: the list's own slicing (read by the stream, not here), and
    # whether a cursor filters its records, which would make them unfit to share.
    partition_router: Any = None
    is_client_side_incremental_sync: bool = False

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        if not self.list_name:
            raise ValueError("SharedListRetriever needs 'list_name': the parent definition whose list it shares.")
        if self.is_client_side_incremental_sync:
            raise ValueError(
                f"The shared list '{self.list_name}' is used by a stream with a client-side cursor, which filters "
                "its records: give that stream the list's plain retriever (definitions/parents), not the shared one."
            )

    def _key(self, stream_slice: StreamSlice) -> str:
        """The list and the request that reads it. The slice's cursor part is left out: a window's end
        of "now" differs between readers, and whatever of it reaches the API is in the parameters."""
        requester = self.retriever.requester
        params = {
            **requester.get_request_params(stream_slice=stream_slice),
            **self.retriever.request_option_provider.get_request_params(stream_slice=stream_slice),
        }
        request = {
            "list": self.list_name,
            "partition": dict(stream_slice.partition),
            "url": requester.get_url(stream_slice=stream_slice),
            "params": {name: value for name, value in params.items() if name not in (self.key_ignores or ())},
        }
        return json.dumps(request, sort_keys=True, default=str)

    def read_records(self, records_schema: Mapping[str, Any], stream_slice: Optional[StreamSlice] = None) -> Iterable[StreamData]:
        stream_slice = stream_slice or StreamSlice(partition={}, cursor_slice={})
        key = self._key(stream_slice)
        messages: list[StreamData] = []
        # Read whole under the lock, handed out after it: no lock is held while a consumer pauses.
        with STORE.lock_for(key):
            records = STORE.get(key)
            if records is None:
                records = []
                for item in self.retriever.read_records(records_schema, stream_slice):
                    if isinstance(item, Mapping):
                        data = item.data if isinstance(item, Record) else item
                        records.append({name: data[name] for name in self.kept_fields if name in data} if self.kept_fields else data)
                    else:
                        messages.append(item)
                # Reached only when every page was read and checked: an error leaves nothing kept.
                STORE.keep(key, records)
        yield from messages  # log or trace messages: passed on by the first reader only
        if self.record_filter is not None:
            records = self.record_filter.filter_records(records, stream_state={}, stream_slice=stream_slice)
        # Each reader's records carry its own slice: the parent's cursor (the learners' positions)
        # counts a record for the slice it is associated with.
        name = self.retriever.name
        for data in records:
            yield Record(data=data, stream_name=name, associated_slice=stream_slice)
