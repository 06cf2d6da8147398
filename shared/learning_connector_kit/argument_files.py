"""The files a connector command is given (--config, --catalog, --state), read with errors that
name the file and say what is wrong, and the configured catalog the `catalog` command writes.

The CDK reads these files itself but fails with a traceback on a missing file, text that is not
JSON or a value of the wrong shape; a user needs the file's name and the fix instead.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, List, Mapping, Optional, Sequence

from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteStateMessage,
    AirbyteStateMessageSerializer,
    AirbyteStateType,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteCatalogSerializer,
    ConfiguredAirbyteStream,
    DestinationSyncMode,
    SyncMode,
)

CATALOG_HINT = "write one with `python main.py catalog --config <config file> [--streams a,b] > configured_catalog.json`"
STATE_HINT = "give the last STATE message of each stream, as a JSON list: [{\"type\": \"STREAM\", \"stream\": {...}}, ...]"


class ArgumentFileError(ValueError):
    """A --config, --catalog or --state file that cannot be used; the message names the file."""


def _json_file(path: str, option: str) -> Any:
    try:
        with open(path, encoding="utf-8") as file:
            content = file.read()
    except FileNotFoundError:
        raise ArgumentFileError(f"The {option} file {path} does not exist: check the path (relative paths start at the current folder).") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "it is not UTF-8 text"
        raise ArgumentFileError(f"The {option} file {path} cannot be read ({reason}).") from None
    try:
        return json.loads(content)
    except json.JSONDecodeError as error:
        if option == "--catalog" and _holds_discover_output(content):
            raise ArgumentFileError(f"The {option} file {path} holds the protocol messages `discover` prints, not a configured catalog: {CATALOG_HINT}.") from None
        raise ArgumentFileError(f"The {option} file {path} is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}).") from None


def _holds_discover_output(content: str) -> bool:
    for line in content.splitlines():
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            return False
        if isinstance(message, dict) and message.get("type") == "CATALOG":
            return True
    return False


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(type(value), "a number")


def read_config(path: str) -> Mapping[str, Any]:
    config = _json_file(path, "--config")
    if not isinstance(config, dict):
        raise ArgumentFileError(f"The --config file {path} holds {_kind(config)}; a config is one JSON object of fields: {{\"field\": value, ...}}.")
    return config


def read_catalog(path: str) -> ConfiguredAirbyteCatalog:
    catalog = _json_file(path, "--catalog")
    if not isinstance(catalog, dict) or not isinstance(catalog.get("streams"), list):
        found = "an object without a \"streams\" list" if isinstance(catalog, dict) else _kind(catalog)
        raise ArgumentFileError(f"The --catalog file {path} holds {found}, not a configured catalog: {CATALOG_HINT}.")
    try:
        return ConfiguredAirbyteCatalogSerializer.load(catalog)
    except Exception as error:  # the serializer's errors name the missing key, nothing more
        raise ArgumentFileError(f"The --catalog file {path} is not a configured catalog (an entry lacks or mistypes {error}): {CATALOG_HINT}.") from None


def read_state(path: str) -> List[AirbyteStateMessage]:
    state = _json_file(path, "--state")
    if not isinstance(state, list):
        raise ArgumentFileError(f"The --state file {path} holds {_kind(state)}, not a list of state messages: {STATE_HINT}.")
    messages = []
    for position, entry in enumerate(state, start=1):
        if not isinstance(entry, dict):
            raise ArgumentFileError(f"The --state file {path} has {_kind(entry)} as entry {position}, not a state message: {STATE_HINT}.")
        if entry.get("type") == AirbyteStateType.GLOBAL.value:
            raise ArgumentFileError(f"The --state file {path} holds a GLOBAL state (entry {position}); these connectors keep one state per stream: {STATE_HINT}.")
        if entry.get("type") != AirbyteStateType.STREAM.value or not isinstance(entry.get("stream"), dict) or not isinstance(entry["stream"].get("stream_descriptor"), dict):
            raise ArgumentFileError(f"The --state file {path} has an entry ({position}) that is not a STREAM state message with a stream_descriptor: {STATE_HINT}.")
        try:
            messages.append(AirbyteStateMessageSerializer.load(entry))
        except Exception as error:  # the serializer's errors name the missing key, nothing more
            raise ArgumentFileError(f"The --state file {path} has a malformed entry {position} (it lacks or mistypes {error}): {STATE_HINT}.") from None
    return messages


def configured_catalog(catalog: AirbyteCatalog, streams: Optional[Sequence[str]] = None) -> Mapping[str, Any]:
    """Every stream (or the named ones) in its preferred mode: incremental with deduplication on the
    primary key where the stream has a cursor, else a full refresh that overwrites."""
    available = {stream.name: stream for stream in catalog.streams}
    chosen: Iterable[str] = streams if streams else available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise ArgumentFileError(f"--streams names {', '.join(map(repr, unknown))}, which this connector does not have: choose from {', '.join(available)}.")
    entries = []
    for name in chosen:
        stream = available[name]
        incremental = SyncMode.incremental in (stream.supported_sync_modes or []) and bool(stream.default_cursor_field)
        entries.append(ConfiguredAirbyteStream(
            stream=stream,
            sync_mode=SyncMode.incremental if incremental else SyncMode.full_refresh,
            destination_sync_mode=DestinationSyncMode.append_dedup if incremental and stream.source_defined_primary_key else DestinationSyncMode.overwrite,
            cursor_field=stream.default_cursor_field if incremental else None,
            primary_key=stream.source_defined_primary_key,
        ))
    return ConfiguredAirbyteCatalogSerializer.dump(ConfiguredAirbyteCatalog(streams=entries))
