"""What the reliability scenarios share: keyed record sets, their comparison, and the suite's figures."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from integration_tests.connector_runner import ConnectorRun
from sandbox import Sandbox

RecordKey = tuple[str, str]  # (stream, the record's primary key as JSON)


def primary_keys(catalog: Mapping[str, Any]) -> dict[str, list[list[str]]]:
    """Each configured stream's primary key (a list of field paths)."""
    return {entry["stream"]["name"]: entry.get("primary_key") or entry["stream"].get("source_defined_primary_key") or [] for entry in catalog["streams"]}


def _dig(record: Mapping[str, Any], path: list[str]) -> Any:
    value: Any = record
    for part in path:
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def record_key(stream: str, record: Mapping[str, Any], key_paths: list[list[str]]) -> RecordKey:
    assert key_paths, f"stream {stream} has no primary key: reliability comparisons need one"
    return stream, json.dumps([_dig(record, path) for path in key_paths])


@dataclass
class KeyedRecords:
    """A run's records by (stream, primary key); `duplicates` counts keys delivered more than once."""

    records: dict[RecordKey, Mapping[str, Any]]
    duplicates: Counter[RecordKey]

    @classmethod
    def of(cls, runs: Iterable[ConnectorRun], catalog: Mapping[str, Any]) -> "KeyedRecords":
        keys = primary_keys(catalog)
        records: dict[RecordKey, Mapping[str, Any]] = {}
        seen: Counter[RecordKey] = Counter()
        for run in runs:
            for message in run.records:
                key = record_key(message["stream"], message["data"], keys[message["stream"]])
                seen[key] += 1
                records[key] = message["data"]
        return cls(records, Counter({key: count - 1 for key, count in seen.items() if count > 1}))

    def streams(self) -> Counter[str]:
        return Counter(stream for stream, _ in self.records)


@dataclass
class Difference:
    missing: list[RecordKey]
    unexpected: list[RecordKey]
    changed: list[RecordKey]

    def __bool__(self) -> bool:
        return bool(self.missing or self.unexpected or self.changed)

    def describe(self, limit: int = 5) -> str:
        parts = []
        for label, keys in (("missing", self.missing), ("unexpected", self.unexpected), ("changed", self.changed)):
            if keys:
                parts.append(f"{len(keys)} {label}, e.g. {keys[:limit]}")
        return "; ".join(parts) or "identical"


def compare(actual: KeyedRecords, expected: KeyedRecords) -> Difference:
    return Difference(
        missing=sorted(set(expected.records) - set(actual.records)),
        unexpected=sorted(set(actual.records) - set(expected.records)),
        changed=sorted(key for key in set(actual.records) & set(expected.records) if actual.records[key] != expected.records[key]),
    )


def injected_faults(sandbox: Sandbox) -> Counter[str]:
    """Faults the sandbox injected, by kind (from its request log)."""
    return Counter(entry.fault for entry in sandbox.log.entries() if entry.fault)


def log_lines(run: ConnectorRun) -> list[str]:
    return [log["message"] for log in run.logs]


@dataclass
class Figures:
    """The suite's totals, printed at the end of the run (the closing note quotes them)."""

    faults_injected: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    records_compared: int = 0
    records_lost: int = 0
    secrets_checked: int = 0
    secrets_leaked: int = 0
    commands_run: int = 0

    def add_sync(self, sandbox: Optional[Sandbox], compared: int, lost: int, retries: int = 0) -> None:
        if sandbox is not None:
            self.faults_injected.update(injected_faults(sandbox))
        self.records_compared += compared
        self.records_lost += lost
        self.retries += retries

    def lines(self) -> list[str]:
        faults = ", ".join(f"{kind} {count}" for kind, count in sorted(self.faults_injected.items())) or "none"
        return [
            f"faults injected: {sum(self.faults_injected.values())} ({faults})",
            f"retries made (requests beyond a clean run's): {self.retries}",
            f"records compared with a clean run: {self.records_compared}; records lost: {self.records_lost}",
            f"secret values looked for: {self.secrets_checked} in {self.commands_run} command outputs; leaked: {self.secrets_leaked}",
        ]


FIGURES = Figures()
