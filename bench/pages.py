"""What each answer of the emulated API contained, to count the fewest requests a read could make.

The request log has no bodies, so the inspector wraps the app's handler and notes, per 200
answer, its partition (path and query without paging parameters), its page size and the total
the API reported. The minimum for a read is then, per partition, the pages of the largest size
the endpoint allows that hold the partition's records (one request for an empty partition).
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from dataclasses import dataclass
from typing import Any, Optional

PAGING_PARAMETERS = {"start", "count", "page", "items_per_page", "fields"}
LINKEDIN_LARGEST_PAGE = 100  # "The maximum count is 100 assets per page."
LEARNWORLDS_SIZEABLE_LARGEST_PAGE = 200  # `items_per_page` maximum
# The ten LearnWorlds endpoints that accept `items_per_page` (every other one has a fixed page size).
LEARNWORLDS_SIZEABLE = re.compile(
    r"/v2/(users|courses/[^/]+/users|payments|users/[^/]+/progress|courses/[^/]+/grades|assessments/[^/]+/responses"
    r"|forms/[^/]+/responses|community/spaces|community/spaces/[^/]+/users|community/posts)$"
)


@dataclass(frozen=True)
class Page:
    path: str
    partition: tuple
    items: int
    total: Optional[int]  # as the API reports it; None for a bare array
    served_page_size: Optional[int]  # the size the API used, when it says
    paginated: bool
    digest: str = ""  # of the body: a bare array's page past the end repeats the last page

    @property
    def largest_page_size(self) -> int:
        if "/v2/learning" in self.path:
            return LINKEDIN_LARGEST_PAGE
        if LEARNWORLDS_SIZEABLE.search(self.path):
            return LEARNWORLDS_SIZEABLE_LARGEST_PAGE
        return self.served_page_size or 20  # fixed-size endpoint; bare arrays are documented with 20


def _page(path: str, query: dict[str, list[str]], body: bytes) -> Page:
    partition = (path, tuple(sorted((k, tuple(v)) for k, v in query.items() if k not in PAGING_PARAMETERS)))
    payload = json.loads(body or b"null")
    if isinstance(payload, list):
        return Page(path, partition, len(payload), None, None, paginated=True, digest=hashlib.sha1(body).hexdigest())
    if isinstance(payload, dict) and isinstance(payload.get("elements"), list):
        paging = payload.get("paging") or {}
        return Page(path, partition, len(payload["elements"]), paging.get("total"), paging.get("count"), "paging" in payload)
    if isinstance(payload, dict) and isinstance(payload.get("data"), list) and isinstance(payload.get("meta"), dict):
        meta = payload["meta"]
        return Page(path, partition, len(payload["data"]), meta.get("totalItems"), meta.get("itemsPerPage"), True)
    return Page(path, partition, 1, None, None, paginated=False)


class PageInspector:
    """Wraps an app's `handle` to note every successful answer (in this process only)."""

    def __init__(self, app: Any) -> None:
        self._pages: list[Page] = []
        self._lock = threading.Lock()
        handle = app.handle

        def noting(request: Any) -> Any:
            response = handle(request)
            if response.status == 200 and "token" not in request.path.lower():
                page = _page(request.path, request.query, response.body)
                with self._lock:
                    self._pages.append(page)
            return response

        app.handle = noting

    def pages(self) -> list[Page]:
        with self._lock:
            return list(self._pages)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def minimum_requests(pages: list[Page]) -> tuple[int, int]:
    """(the fewest requests that fetch every partition seen, the number of partitions)."""
    partitions: dict[tuple, list[Page]] = {}
    for page in pages:
        partitions.setdefault(page.partition, []).append(page)
    needed = 0
    for answers in partitions.values():
        first = answers[0]
        if not first.paginated:
            needed += 1
            continue
        size = first.largest_page_size
        if first.total is not None:
            needed += max(1, math.ceil(first.total / size))
        else:  # a bare array shows its end only with a short page, so a multiple of the size needs one more
            distinct = {a.digest: a.items for a in answers}
            needed += sum(distinct.values()) // size + 1
    return needed, len(partitions)
