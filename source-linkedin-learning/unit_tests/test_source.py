"""The source class: spec, and the manifest's field projection lists."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from source_linkedin_learning import SourceLinkedinLearning

URL_FIELDS = ("api_url", "token_url")
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas" / "linkedin_learning"


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


# The manifest's `fields=` lists name every top-level field of the stream's schema that the API returns.
@pytest.mark.parametrize("stream, added_by_the_connector", [
    ("learning_assets", {"last_updated_at", "source_locale"}),
    ("learning_classifications", {"source_locale"}),
])
def test_projected_fields_are_the_schemas_fields_the_api_returns(stream: str, added_by_the_connector: set) -> None:
    fields = yaml.safe_load(SourceLinkedinLearning.manifest_path.read_text())["definitions"][f"{stream}_fields"]
    schema = json.loads((SCHEMAS / f"{stream}.json").read_text())
    top_level = {name for name in fields["property_list"] if ":" not in name} | set(fields["always_include_properties"])
    assert top_level == set(schema["properties"]) - added_by_the_connector
