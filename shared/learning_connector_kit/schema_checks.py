"""Values a record carries outside its stream's declared schema: reported, never dropped.

A full JSON-schema validation costs milliseconds per record; this walks only the `type`
keywords (and the `properties` / `items` below them), which is what a destination's typed
columns depend on, at a few microseconds per record.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional

from airbyte_cdk.models import AirbyteMessage, ConfiguredAirbyteCatalog, Type

_PYTHON_TYPES: Mapping[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}

# (path, the value's JSON type, the declared types)
Mismatch = tuple[str, str, str]
# Returns the mismatches inside a value (paths relative to it), or None when there are none.
Check = Callable[[Any], Optional[list[Mismatch]]]


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    for name in ("object", "array", "string", "integer", "number", "null"):
        if isinstance(value, _PYTHON_TYPES[name]):
            return name
    return type(value).__name__


def _prefixed(prefix: str, mismatches: list[Mismatch]) -> list[Mismatch]:
    return [(f"{prefix}.{path}" if path and not path.startswith("[") else prefix + path, found, declared) for path, found, declared in mismatches]


def compile_type_check(schema: Mapping[str, Any]) -> Optional[Check]:
    """A function that lists every value inside a record whose type the schema does not allow.

    Paths are built only for mismatches, so a conforming record costs little more than the walk.
    """
    compiled = _compile(schema)
    return compiled[1] if compiled else None


def _compile(schema: Mapping[str, Any]) -> Optional[tuple[frozenset[type], Check]]:
    """The check of one schema node, and the exact Python types for which it has nothing to find.

    Why the types: a caller that sees one of them skips the call; most values of a record are
    leaves of an allowed type, and the call would cost more than the test.
    """
    declared = schema.get("type")
    names = [declared] if isinstance(declared, str) else list(declared or [])
    allowed = tuple(python for name in names for python in _PYTHON_TYPES.get(name, ()))
    allows_bool = "boolean" in names
    properties = [
        (name, *compiled)
        for name, sub in (schema.get("properties") or {}).items()
        if isinstance(sub, Mapping) and (compiled := _compile(sub))
    ]
    items = _compile(schema["items"]) if isinstance(schema.get("items"), Mapping) else None
    if not allowed and not properties and not items:
        return None
    described = "|".join(names)

    def check(value: Any) -> Optional[list[Mismatch]]:
        if allowed and (not isinstance(value, allowed) or (value is True or value is False) and not allows_bool):
            return [("", _json_type(value), described)]
        found: Optional[list[Mismatch]] = None
        if properties and type(value) is dict:
            for name, skipped_types, check_property in properties:
                if name in value:
                    property_value = value[name]
                    if type(property_value) not in skipped_types and (inner := check_property(property_value)):
                        found = (found or []) + _prefixed(name, inner)
        elif items and type(value) is list:
            item_skipped_types, check_item = items
            for item in value:
                if type(item) not in item_skipped_types and (inner := check_item(item)):
                    found = (found or []) + _prefixed("[]", inner)
        return found

    # An allowed value of these exact types passes the type test and has no properties or items to walk
    # (bool only when the schema allows booleans: True is an int too).
    skipped_types = frozenset(allowed) - ({dict} if properties else set()) - ({list} if items else set())
    return skipped_types, check


def reported_schema_mismatches(
    messages: Iterable[AirbyteMessage], catalog: ConfiguredAirbyteCatalog, logger: logging.Logger
) -> Iterator[AirbyteMessage]:
    """Pass messages through; warn once per stream and field about values outside the schema."""
    checks = {
        configured.stream.name: check
        for configured in catalog.streams
        if (check := compile_type_check(configured.stream.json_schema or {}))
    }
    reported: set[tuple[str, str]] = set()
    for message in messages:
        if message.type == Type.RECORD and (check := checks.get(message.record.stream)):
            for path, found, declared in check(message.record.data) or ():
                if (message.record.stream, path) not in reported:
                    reported.add((message.record.stream, path))
                    logger.warning(
                        f"Stream '{message.record.stream}': field '{path}' holds a {found} where the schema declares "
                        f"{declared}; the record is delivered as the API sent it (later ones are not reported again)."
                    )
        yield message
