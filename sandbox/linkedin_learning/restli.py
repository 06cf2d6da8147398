"""The Rest.li conventions LinkedIn Learning responses follow: field projections, paging, error bodies."""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import quote

import orjson

from sandbox.core import Response

# serviceErrorCode per status, as LinkedIn's Rest.li errors carry them.
SERVICE_ERROR_CODES = {401: 65600, 403: 100, 429: 101}

Projection = Optional[dict[str, "Projection"]]
"""A parsed `fields=` value: field name -> sub-projection (None: the whole value). `$*` is "each array item"."""


class ProjectionSyntaxError(ValueError):
    pass


def json_response(status: int, payload: Any, headers: Optional[dict[str, str]] = None) -> Response:
    return Response(status, orjson.dumps(payload), {"Content-Type": "application/json", **(headers or {})})


def error_response(status: int, message: str) -> Response:
    """Rest.li's error body: `{"status", "serviceErrorCode", "message"}`."""
    return json_response(status, {"status": status, "serviceErrorCode": SERVICE_ERROR_CODES.get(status, 0), "message": message})


def parse_projection(text: str) -> dict[str, Projection]:
    """Parse `urn,title:(value),contents:($*:(asset:(urn,type)))`."""
    tree, position = _parse_fields(text, 0)
    if position != len(text):
        raise ProjectionSyntaxError(f"unexpected {text[position]!r} at position {position} in fields={text!r}")
    return tree


def _parse_fields(text: str, position: int) -> tuple[dict[str, Projection], int]:
    tree: dict[str, Projection] = {}
    while True:
        end = position
        while end < len(text) and text[end] not in ",():":
            end += 1
        name = text[position:end].strip()
        if not name:
            raise ProjectionSyntaxError(f"empty field name at position {position} in fields={text!r}")
        position = end
        sub: Projection = None
        if text.startswith(":(", position):
            sub, position = _parse_fields(text, position + 2)
            if not text.startswith(")", position):
                raise ProjectionSyntaxError(f"missing ')' in fields={text!r}")
            position += 1
        elif text.startswith(":", position):
            raise ProjectionSyntaxError(f"expected ':(' after {name!r} in fields={text!r}")
        tree[name] = sub
        if not text.startswith(",", position):
            return tree, position
        position += 1


def project(value: Any, projection: Projection) -> Any:
    """Keep only the projected fields; unknown fields are simply absent.

    Array items are reached only through `$*`: an array projected without it keeps its items but
    none of their fields, as in Rest.li.
    """
    if projection is None:
        return value
    if isinstance(value, dict):
        return {key: project(item, projection[key]) for key, item in value.items() if key in projection}
    if isinstance(value, list):
        each = projection.get("$*", {})
        return [project(item, each) for item in value]
    return value


def paging(path: str, query: dict[str, list[str]], start: int, count: int, total: int, reachable: int,
           next_link: bool = True) -> dict[str, Any]:
    """The `paging` object: `count`/`start` echo the request, links are relative, alphabetical and
    never carry `fields` (documented). `reachable` is how far paging can go (below `total` when
    the response is truncated). Without `next_link`, no page has a `next` link."""
    links = []
    if count and start > 0:
        links.append(_link("prev", path, query, max(0, start - count), count))
    if next_link and count and start + count < reachable:
        links.append(_link("next", path, query, start + count, count))
    return {"total": total, "count": count, "start": start, "links": links}


def _link(rel: str, path: str, query: dict[str, list[str]], start: int, count: int) -> dict[str, str]:
    pairs = [(key, value) for key, values in query.items() if key not in ("fields", "start", "count") for value in values]
    pairs += [("count", str(count)), ("start", str(start))]
    encoded = "&".join(f"{quote(key, safe='[].')}={quote(value, safe=':(),')}" for key, value in sorted(pairs))
    return {"rel": rel, "href": f"{path}?{encoded}", "type": "application/json"}
