"""Stream schemas live in the top-level `schemas/` folder (package `learning_schemas`).

A schema may reference a common definition with `{"$ref": "common/<file>.json"}` or
`{"$ref": "common/<file>.json#/definitions/<name>"}` (paths relative to `schemas/`), and its own
definitions with `{"$ref": "#/definitions/<name>"}`.
References are inlined, because Airbyte catalogs must carry self-contained schemas; the CDK's
`JsonFileSchemaLoader` only reads from the connector's own module, not from a folder both share.
"""
from __future__ import annotations

import copy
import json
from dataclasses import InitVar, dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

from airbyte_cdk.sources.declarative.schema.schema_loader import SchemaLoader
from airbyte_cdk.sources.types import Config


@lru_cache(maxsize=None)
def _read_schema_file(relative_path: str) -> Mapping[str, Any]:
    resource = resources.files("learning_schemas").joinpath(relative_path)
    try:
        return json.loads(resource.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise FileNotFoundError(f"No schema file schemas/{relative_path}") from error


def _resolve_pointer(document: Any, pointer: str) -> Any:
    for part in filter(None, pointer.split("/")):
        document = document[part.replace("~1", "/").replace("~0", "~")]
    return document


def _inline_references(node: Any, document: Any, seen: tuple[str, ...] = ()) -> Any:
    """Replace every `$ref` (to another file, or `#/...` within `document`) by what it points at."""
    if isinstance(node, list):
        return [_inline_references(item, document, seen) for item in node]
    if not isinstance(node, dict):
        return node
    reference = node.get("$ref")
    if isinstance(reference, str):
        path, _, pointer = reference.partition("#")
        key = reference if path else f"{id(document)}#{pointer}"
        if key in seen:
            raise ValueError(f"Circular schema reference: {' -> '.join((*seen, reference))}")
        target_document = _read_schema_file(path) if path else document
        target = copy.deepcopy(_resolve_pointer(target_document, pointer))
        resolved = _inline_references(target, target_document, (*seen, key))
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        return {**resolved, **_inline_references(siblings, document, seen)}
    return {key: _inline_references(value, document, seen) for key, value in node.items()}


@lru_cache(maxsize=None)
def _load_resolved(connector: str, stream: str) -> Mapping[str, Any]:
    document = _read_schema_file(f"{connector}/{stream}.json")
    schema = _inline_references(document, document)
    schema.pop("definitions", None)
    return schema


def load_stream_schema(connector: str, stream: str) -> dict[str, Any]:
    """The self-contained JSON schema of one stream (a fresh copy the caller may change)."""
    return copy.deepcopy(_load_resolved(connector, stream))


@dataclass
class SharedSchemaLoader(SchemaLoader):
    """Manifest component: `{type: CustomSchemaLoader, class_name: ...SharedSchemaLoader, connector: learnworlds}`.

    The stream name comes from `$parameters.name` unless `stream` is given.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    connector: str = ""
    stream: str = ""
    _name: str = field(init=False, default="")

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._name = self.stream or parameters.get("name", "")
        if not self.connector or not self._name:
            raise ValueError("SharedSchemaLoader needs `connector` and a stream name")

    def get_json_schema(self) -> Mapping[str, Any]:
        return load_stream_schema(self.connector, self._name)
