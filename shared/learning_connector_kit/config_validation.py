"""Config checks whose messages name the field, say what is wrong and what to do.

A rule looks at the whole config and returns one message or None when the config is fine. The
builders below make the rules both connectors need; fields are dotted paths into nested objects
(`credentials.client_secret`). A rule says nothing about an absent field: the spec decides what is
mandatory and the defaults apply to what is left out.

`validate_config` runs a connector's rules and then its spec's JSON schema, whose own messages
(jsonschema's "'x' is not one of [...]") name no field: `spec_problems` rewrites them.

Messages quote a field's value only where it cannot be a secret (never a URL's user info, never
a field the spec marks `airbyte_secret`).
"""
from __future__ import annotations

import ipaddress
import json
import re
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Optional, Sequence
from urllib.parse import urlsplit

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

ConfigRule = Callable[[Mapping[str, Any]], Optional[str]]
ValueCheck = Callable[[Any], Optional[str]]

_ABSENT = object()

# RFC 3339 date-time: a date, a time, optional fraction, and a zone (Z or +hh:mm).
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_RFC3339_EXAMPLE = "2024-01-31T00:00:00Z"
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def field_value(config: Mapping[str, Any], field: str) -> Any:
    """The value at a dotted path, or `_ABSENT` (a missing key or a null both count as absent)."""
    value: Any = config
    for part in field.split("."):
        if not isinstance(value, Mapping) or value.get(part) is None:
            return _ABSENT
        value = value[part]
    return value


def _describe(value: Any) -> str:
    """A value's JSON type, for messages about the wrong type (never the value itself)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def field_rule(field: str, check: ValueCheck) -> ConfigRule:
    """A rule that runs `check` on the field's value when present; its message is prefixed with the field."""

    def rule(config: Mapping[str, Any]) -> Optional[str]:
        value = field_value(config, field)
        if value is _ABSENT:
            return None
        problem = check(value)
        return f"Config field '{field}' {problem}" if problem else None

    rule.__name__ = f"{getattr(check, '__name__', 'check')}({field})"
    rule.field = field  # type: ignore[attr-defined]  # lets validate_config skip the spec's message for it
    return rule


def text(field: str, sent_in_header: bool = False, max_length: Optional[int] = None) -> ConfigRule:
    """The field, when given, is a non-blank string, at most `max_length` characters long. Its value is
    never shown: it may be a secret.

    A value sent in an HTTP header must be ASCII (HTTP clients encode headers as latin-1 and fail at
    request time on anything else) and not too large (a server refuses such headers)."""

    def check(value: Any) -> Optional[str]:
        if not isinstance(value, str):
            return f"must be text, not {_describe(value)}: put the value in quotes."
        if not value.strip():
            return "is blank: give a value."
        if max_length is not None and len(value) > max_length:
            return f"is {len(value)} characters long; at most {max_length} fit in the request header it is sent in."
        if sent_in_header and not value.isascii():
            return "holds characters outside ASCII, which an HTTP header cannot carry: copy the value again, without accented letters or typographic quotes."
        return None

    return field_rule(field, check)


def url_path_segments(field: str) -> ConfigRule:
    """A list of ids, each sent as one segment of a request path: `/`, `?`, `#` or `%` would change the address."""

    def check(value: Any) -> Optional[str]:
        if not isinstance(value, (list, tuple)):
            return f"must be a list of ids like [\"64f1a2b3c4d5e6f7a8b9c0d1\"], not {_describe(value)}."
        for item in value:
            if not isinstance(item, str) or not item.strip():
                return f"holds {_describe(item) if not isinstance(item, str) else 'a blank id'}: list each id as non-blank text."
            if any(character in item for character in "/?#%") or not item.isascii() or any(c.isspace() for c in item):
                return (f"holds {item!r}, which is not a bare id (it has /, ?, #, %, a space or a non-ASCII character): "
                        "copy only the id from the form's address, not the address itself.")
        return None

    return field_rule(field, check)


def _whole_number(value: Any) -> Optional[int]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        return None
    return int(value)


def int_range(field: str, lo: int, hi: int) -> ConfigRule:
    """A whole number from `lo` to `hi` inclusive."""

    def check(value: Any) -> Optional[str]:
        number = _whole_number(value)
        if number is None:
            shown = repr(value) if isinstance(value, (int, float, str)) and not isinstance(value, bool) else _describe(value)
            return f"must be a whole number from {lo} to {hi}; got {shown}: write a number without quotes in that range."
        if not lo <= number <= hi:
            return f"must be from {lo} to {hi}; got {number}: choose a value in that range."
        return None

    return field_rule(field, check)


# Cursors and request windows are computed as Unix timestamps; earlier dates overflow them.
EARLIEST_START = datetime(1970, 1, 1, tzinfo=timezone.utc)


def rfc3339_not_future(field: str, now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> ConfigRule:
    """An RFC 3339 date-time with a time zone, from 1970 on and not later than now."""

    def check(value: Any) -> Optional[str]:
        if not isinstance(value, str) or not _RFC3339.match(value):
            shown = repr(value) if isinstance(value, str) else _describe(value)
            return f"is {shown}, which is not an RFC 3339 date-time with a time zone: write it like {_RFC3339_EXAMPLE}."
        try:
            moment = datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
        except ValueError:
            return f"is {value!r}, which is not a real date or time: write it like {_RFC3339_EXAMPLE}."
        if moment > now():
            return f"is {value!r}, which is in the future, so nothing could be read: choose a date-time in the past."
        if moment < EARLIEST_START:
            return f"is {value!r}, which is before 1970: choose a date-time from {EARLIEST_START:%Y-%m-%dT%H:%M:%SZ} on (no data is older)."
        return None

    return field_rule(field, check)


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def https_url(field: str, allow_loopback: bool = True, base: bool = False) -> ConfigRule:
    """An absolute https:// address; plain http only for loopback hosts (local testing), so no
    config sends credentials in clear text. User info in the address is refused (it would be a
    credential outside the secret fields). A `base` address, to which request paths are joined,
    has no query or fragment: joining a path drops them."""
    loopback_note = " (http:// is accepted only for loopback addresses such as http://127.0.0.1:8080, for local testing)"  # ignore-https-check
    note = loopback_note if allow_loopback else ""

    def check(value: Any) -> Optional[str]:
        if not isinstance(value, str):
            return f"must be an address written as text, not {_describe(value)}: write it like \"https://api.example.com\"."
        try:
            parts = urlsplit(value.strip())
            parts.port  # raises ValueError unless the port is a number from 0 to 65535
        except ValueError:
            return f"is not a valid address: write it like https://api.example.com{note}."
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or not host:
            return f"is not an absolute http(s) address: write it like https://api.example.com{note}."
        if parts.username is not None or parts.password is not None:
            return "must not contain a user name or password: remove them and put credentials in the credential fields."
        if parts.scheme == "http" and not (allow_loopback and _is_loopback(host)):
            return f"uses http:// for host {host}, which would send credentials in clear text: use https://{note}."  # ignore-https-check
        if base and (parts.query or parts.fragment or value.rstrip().endswith(("?", "#"))):
            return "has a query (?...) or fragment (#...), which requests would drop: give the base address alone, like https://api.example.com."
        return None

    return field_rule(field, check)


# -- the spec's JSON schema, with messages that name the field ---------------------------------------
_TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false", "array": "a list", "object": "an object"}


def _secret_paths(schema: Mapping[str, Any], prefix: str = "") -> set[str]:
    """Dotted paths of every `airbyte_secret` property, oneOf branches included."""
    paths: set[str] = set()
    for name, prop in (schema.get("properties") or {}).items():
        path = f"{prefix}{name}"
        if prop.get("airbyte_secret"):
            paths.add(path)
        for branch in [prop, *prop.get("oneOf", []), *prop.get("anyOf", [])]:
            paths |= _secret_paths(branch, f"{path}.")
    return paths


def _field_of(error: ValidationError) -> str:
    """The dotted field an error is about (list items count as their list)."""
    parts = [str(part) for part in error.absolute_path if not isinstance(part, int)]
    if error.validator == "required":
        missing = re.match(r"'([^']+)' is a required property", error.message)
        parts.append(missing.group(1) if missing else "?")
    return ".".join(parts)


def _spec_message(error: ValidationError, secret: bool) -> str:
    """What is wrong with the field and what to do, from one jsonschema error."""
    kind, expected, schema, value = error.validator, error.validator_value, error.schema, error.instance
    shown = "the value" if secret else (repr(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else _describe(value))
    example = schema.get("pattern_descriptor") or next(iter(schema.get("examples") or []), None)
    if kind == "required":
        described = (schema.get("properties") or {}).get(_field_of(error).rsplit(".", 1)[-1], {})
        about = ": ".join(filter(None, [described.get("title"), described.get("description")]))
        return f"is missing: add it.{f' {about}' if about else ''}"
    if kind == "type":
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected))
        return f"must be {wanted}, not {_describe(value)}" + (f": write it like {json.dumps(example)}." if example is not None and not secret else ".")
    if kind == "enum":
        return f"has {shown}, which is not a supported value: choose from {', '.join(map(str, expected))}."
    if kind == "pattern":
        return f"is {shown}, which is not in the expected form" + (f": write it like {example}." if example else ".")
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        bound = {"minimum": "at least", "exclusiveMinimum": "more than", "maximum": "at most", "exclusiveMaximum": "less than"}[kind]
        return f"must be {bound} {expected}; got {shown}: choose a value in range."
    if kind == "minItems":
        return f"must list at least {expected} item{'s' if expected != 1 else ''}: add one, or leave the field out to use the default."
    if kind == "uniqueItems":
        return "lists the same item twice: list each once."
    if kind in ("oneOf", "anyOf"):
        titles = [branch.get("title") for branch in expected if branch.get("title")]
        return "matches none of its options" + (f" ({', '.join(titles)})" if titles else "") + ": pick one and fill in its fields."
    return "is not valid." if secret else f"is not valid: {error.message}."


def _leaf_errors(error: ValidationError) -> list[ValidationError]:
    """For a oneOf whose branches are told apart by a `const` (an `auth_type`), the chosen branch's errors."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [error]
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
    chosen = [subs for subs in by_branch.values() if not any(sub.validator == "const" for sub in subs)]
    if len(chosen) == 1:
        return [leaf for sub in chosen[0] for leaf in _leaf_errors(sub)]
    return [error]


def _spec_problems_by_field(connection_specification: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, str]:
    secrets = _secret_paths(connection_specification)
    problems: dict[str, str] = {}
    for error in sorted(Draft7Validator(connection_specification).iter_errors(config), key=lambda e: [str(p) for p in e.absolute_path]):
        for leaf in _leaf_errors(error):
            field = _field_of(leaf)
            if field not in problems:
                problems[field] = f"Config field '{field}' {_spec_message(leaf, secret=field in secrets)}"
    return problems


def spec_problems(connection_specification: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    """The spec's JSON-schema violations, one message per field, naming it (secrets never shown)."""
    return list(_spec_problems_by_field(connection_specification, config).values())


def validate_config(connection_specification: Mapping[str, Any], rules: Sequence[ConfigRule], config: Mapping[str, Any]) -> list[str]:
    """Every problem of a config: the rules' messages, then the spec's for fields no rule reported."""
    problems = []
    reported: set[str] = set()
    for rule in rules:
        message = rule(config)
        if message:
            problems.append(message)
            reported.add(getattr(rule, "field", ""))
    spec_messages = _spec_problems_by_field(connection_specification, config)
    return problems + [message for field, message in spec_messages.items() if field not in reported]
