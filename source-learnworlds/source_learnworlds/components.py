"""What the manifest cannot say about LearnWorlds (each class says why the CDK's own component does not do)."""
from __future__ import annotations

import hashlib
import threading
from dataclasses import InitVar, dataclass, field
from typing import Any, Iterable, Mapping, MutableMapping, Union
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.auth.declarative_authenticator import DeclarativeAuthenticator
from airbyte_cdk.sources.declarative.extractors.record_extractor import RecordExtractor
from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString
from airbyte_cdk.sources.types import Config
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

ACCESS_TOKEN_REJECTED = (
    "LearnWorlds rejected the access token in 'credentials.access_token' (HTTP 401): it is wrong, expired or revoked. "
    "A pre-issued token cannot be renewed by the connector: paste a current one, or choose the client credentials "
    "option ('credentials.client_secret') so the connector mints its own tokens. Copy them from the school's admin: "
    "Settings > Developers > API."
)


@dataclass
class PreIssuedTokenAuthenticator(DeclarativeAuthenticator):
    """`Authorization: Bearer <pre-issued token>`.

    Why not the CDK's BearerAuthenticator: on a 401 the CDK asks the authenticator to refresh its token
    and, when it cannot, merely retries the rejected request several times before failing with a
    generic error. A pre-issued token cannot be renewed, so the answer is a config error at once.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    access_token: Union[InterpolatedString, str] = ""
    _access_token: InterpolatedString = field(init=False, repr=False)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self._access_token = InterpolatedString.create(self.access_token, parameters=parameters)

    @property
    def auth_header(self) -> str:
        return "Authorization"

    @property
    def token(self) -> str:
        return f"Bearer {self._access_token.eval(self.config)}"

    def refresh_and_set_access_token(self) -> None:
        raise AirbyteTracedException(message=ACCESS_TOKEN_REJECTED, failure_type=FailureType.config_error)


def _without_page(url: str) -> str:
    parts = urlsplit(url)
    query = urlencode([(name, value) for name, value in parse_qsl(parts.query) if name != "page"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


@dataclass
class BareArrayExtractor(RecordExtractor):
    """Records of the endpoints that answer with a bare JSON array instead of the `{data, meta}` envelope.

    Why not the CDK's DpathExtractor: these lists also come as `null` (no items) or, in the vendor's
    example, as a lone object; and the paged ones (`page_size` > 0) carry no `meta`, repeat their last
    page past the end, and so can only be told finished by a short page or by a page identical to the
    previous one. The repeat yields no records, which stops the CDK's PageIncrement. Partitions are
    read concurrently, so the previous page is remembered per URL (without its `page`), under a lock.
    """

    config: Config
    parameters: InitVar[Mapping[str, Any]]
    page_size: int = 0
    _previous_pages: MutableMapping[str, str] = field(init=False, repr=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self, parameters: Mapping[str, Any]) -> None:
        self.page_size = int(self.page_size)

    def extract_records(self, response: requests.Response) -> Iterable[MutableMapping[Any, Any]]:
        body = response.json()
        items = body if isinstance(body, list) else [] if body is None else [body]
        if self.page_size:
            list_url = _without_page(response.request.url or response.url)
            fingerprint = hashlib.sha256(response.content).hexdigest()
            with self._lock:
                repeated = self._previous_pages.pop(list_url, None) == fingerprint
                if not repeated and len(items) >= self.page_size:
                    self._previous_pages[list_url] = fingerprint
            if repeated:
                return []
        return [item for item in items if isinstance(item, dict)]
