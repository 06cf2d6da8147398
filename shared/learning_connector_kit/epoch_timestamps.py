"""Record transformation: unix-seconds timestamps become RFC 3339 strings, driven by the stream's schema.

LearnWorlds sends instants as unix seconds, often fractional. A stream's schema marks every such field
with `"format": "date-time"`, so the schema stays the one place that says which fields are timestamps:
this transformation converts exactly the numeric values found at those places, however deeply nested
(objects and arrays). (LinkedIn Learning's milliseconds are converted by its own components.)

Manifest:
    {type: CustomTransformation, class_name: learning_connector_kit.epoch_timestamps.EpochTimestampsToRfc3339,
     connector: learnworlds}
The stream name comes from `$parameters.name` unless `stream` is given.
"""
from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional

from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState

from learning_connector_kit.schemas import load_stream_schema
from learning_connector_kit.timestamps import epoch_seconds_to_rfc3339



def _is_epoch_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_timestamp(schema: Mapping[str, Any]) -> bool:
    return schema.get("format") == "date-time"


def convert_timestamps(value: Any, schema: Mapping[str, Any], convert: Callable[[Any], Optional[str]]) -> Any:
    """`value` with every number at a `date-time` place of `schema` converted (objects are changed in place)."""
    if _is_timestamp(schema):
        if not _is_epoch_number(value):
            return value
        try:
            return convert(value)
        except ValueError:
            # Kept as it came: the schema check reports it with its stream and field.
            return value
    if isinstance(value, dict):
        for name, property_schema in (schema.get("properties") or {}).items():
            if name in value:
                value[name] = convert_timestamps(value[name], property_schema, convert)
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        value[:] = [convert_timestamps(item, schema["items"], convert) for item in value]
    return value


@dataclass
class EpochTimestampsToRfc3339(RecordTransformation):
    """Converts the numbers at the `date-time` fields of the stream's schema to RFC 3339 UTC strings."""

    parameters: InitVar[Mapping[str, Any]]
    connector: str = ""
    stream: str = ""
    _schema: Mapping[str, Any] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        name = self.stream or parameters.get("name", "")
        if not self.connector or not name:
            raise ValueError("EpochTimestampsToRfc3339 needs `connector` and a stream name")
        self._schema = load_stream_schema(self.connector, name)

    def transform(
        self,
        record: Dict[str, Any],
        config: Optional[Config] = None,
        stream_state: Optional[StreamState] = None,
        stream_slice: Optional[StreamSlice] = None,
    ) -> None:
        convert_timestamps(record, self._schema, epoch_seconds_to_rfc3339)
