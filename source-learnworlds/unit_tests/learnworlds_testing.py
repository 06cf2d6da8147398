"""Helpers of the LearnWorlds unit tests: a mocked school's addresses, its answers, and reads of the source."""
from __future__ import annotations

from typing import Any, Iterable, Optional

from airbyte_cdk.models import ConfiguredAirbyteCatalog, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.models import ExpectedOutcome

from source_learnworlds import SourceLearnworlds

SCHOOL = "https://school.example.com"
API = f"{SCHOOL}/admin/api/v2"
TOKEN_URL = f"{SCHOOL}/admin/api/oauth2/access_token"
CLIENT_ID = "client-1"
CLIENT_SECRET = "client-secret-1"
CONFIG = {
    "school_url": SCHOOL,
    "client_id": CLIENT_ID,
    "credentials": {"auth_type": "client_credentials", "client_secret": CLIENT_SECRET},
    "start_date": "2024-01-01T00:00:00Z",
}


def token_response(token: str = "token-1", expires_in: int = 8000) -> dict:
    return {"tokenData": {"access_token": token, "token_type": "Bearer", "expires_in": expires_in}, "errors": [], "success": True}


def page(records: list, number: int = 1, total_pages: int = 1, per_page: int = 20) -> dict:
    return {"data": records, "meta": {"page": number, "totalItems": len(records), "totalPages": total_pages, "itemsPerPage": per_page}}


def catalog(*streams: str, sync_mode: SyncMode = SyncMode.full_refresh) -> ConfiguredAirbyteCatalog:
    builder = CatalogBuilder()
    for name in streams:
        builder = builder.with_stream(name, sync_mode)
    return builder.build()


def run_read(streams: Iterable[str], config: Optional[dict] = None, sync_mode: SyncMode = SyncMode.full_refresh,
             state: Optional[list] = None, fails: bool = False) -> EntrypointOutput:
    config = config or CONFIG
    configured = catalog(*streams, sync_mode=sync_mode)
    source = SourceLearnworlds(catalog=configured, config=config, state=state)
    outcome = ExpectedOutcome.EXPECT_EXCEPTION if fails else ExpectedOutcome.EXPECT_SUCCESS
    return read(source, config, configured, state, expected_outcome=outcome)


def records_of(output: EntrypointOutput, stream: str) -> list[dict[str, Any]]:
    return [message.record.data for message in output.records if message.record.stream == stream]
