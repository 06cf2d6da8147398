"""The source class: spec, and the field projection it derives from the configured catalog."""
from __future__ import annotations

import re

import pytest
from airbyte_cdk.models import ConfiguredAirbyteCatalog, ConfiguredAirbyteCatalogSerializer

from source_linkedin_learning import SourceLinkedinLearning
from source_linkedin_learning.source import projection, projections

URL_FIELDS = ("api_url", "token_url")


@pytest.fixture(scope="module")
def spec_properties() -> dict:
    spec = SourceLinkedinLearning().spec(logger=None)
    return spec.connectionSpecification["properties"]


def test_every_field_is_documented_and_ordered(spec_properties: dict) -> None:
    for name, field in spec_properties.items():
        assert {"title", "description", "examples", "order"} <= field.keys(), name
    assert sorted(field["order"] for field in spec_properties.values()) == list(range(len(spec_properties)))
    assert spec_properties["client_secret"]["airbyte_secret"] is True


def test_contract_field_names_and_defaults(spec_properties: dict) -> None:
    assert {"client_id", "client_secret", "start_date", "locales", "asset_types", "include_retired", "partner_referer",
            "api_url", "token_url", "num_workers", "max_requests_per_day"} <= spec_properties.keys()
    assert spec_properties["locales"]["default"] == ["en_US"]
    assert spec_properties["asset_types"]["default"] == ["COURSE", "LEARNING_PATH"]
    assert spec_properties["include_retired"]["default"] is True
    assert spec_properties["activity_report_window_days"]["maximum"] == 14


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("https://api.linkedin.com", True),
        ("https://proxy.example.com/linkedin", True),
        ("http://127.0.0.1:8765", True),
        ("http://localhost:8765/oauth/v2/accessToken", True),
        ("http://[::1]:8765", True),
        ("http://api.linkedin.com", False),
        ("http://127.0.0.1.example.com", False),
        ("ftp://api.linkedin.com", False),
    ],
)
def test_url_fields_need_https_except_on_loopback(spec_properties: dict, url: str, allowed: bool) -> None:
    for name in URL_FIELDS:
        assert bool(re.fullmatch(spec_properties[name]["pattern"], url)) is allowed, (name, url)


@pytest.mark.parametrize(
    "selected, expected",
    [
        ({"urn", "title"}, "urn,title,details:(lastUpdatedAt)"),
        ({"title", "details", "last_updated_at"}, "urn,details,title"),
        ({"urn", "source_locale"}, "urn,details:(lastUpdatedAt)"),
        ({"urn", "type", "title", "details", "contents", "last_updated_at", "source_locale"}, None),
        (set(), None),
    ],
)
def test_learning_assets_projection(selected: set, expected) -> None:
    assert projection("learning_assets", selected) == expected


def test_classification_projection_keeps_the_key() -> None:
    assert projection("learning_classifications", {"name", "source_locale"}) == "urn,name"


def catalog_selecting(stream: str, properties: list[str]) -> ConfiguredAirbyteCatalog:
    return ConfiguredAirbyteCatalogSerializer.load({"streams": [{
        "stream": {"name": stream, "json_schema": {"type": "object", "properties": {p: {} for p in properties}},
                   "supported_sync_modes": ["full_refresh"]},
        "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]})


def test_projections_come_from_the_configured_catalog_only_for_projected_streams() -> None:
    assert projections(catalog_selecting("learning_assets", ["urn", "title"])) == {"learning_assets": "urn,title,details:(lastUpdatedAt)"}
    assert projections(catalog_selecting("learning_activity_reports", ["report_key"])) == {}
    assert projections(None) == {}
