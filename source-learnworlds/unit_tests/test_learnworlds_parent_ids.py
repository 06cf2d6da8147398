"""The parent id each fan-out stream adds to its records, under the name its schema gives it.

The manifest says the transformation once (`parent_id_and_timestamps`); each stream names the field
in `$parameters.parent_id_field`. A stream that forgot the name would add a field named "".
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from airbyte_cdk.sources.declarative.models import declarative_component_schema as models
from airbyte_cdk.sources.declarative.parsers.manifest_component_transformer import ManifestComponentTransformer
from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver
from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory
from airbyte_cdk.sources.types import StreamSlice

from learnworlds_testing import CONFIG

MANIFEST = Path(__file__).resolve().parents[1] / "source_learnworlds" / "manifest.yaml"

# Stream -> the field holding the id of the parent it is read for (the schemas' names).
PARENT_ID_FIELDS = {
    "course_sections": "course_id",
    "course_learning_units": "course_id",
    "course_analytics": "course_id",
    "course_users": "course_id",
    "course_grades": "course_id",
    "user_segment_members": "segment_id",
    "bundle_users": "bundle_id",
    "subscription_plan_users": "subscription_plan_id",
    "promotion_coupons": "promotion_id",
    "affiliate_leads": "affiliate_id",
    "affiliate_customers": "affiliate_id",
    "affiliate_payments": "affiliate_id",
    "affiliate_completed_payouts": "affiliate_id",
    "seat_offering_users": "seat_offering_id",
    "user_group_users": "user_group_id",
    "community_space_users": "space_id",
}


def resolved_streams() -> dict[str, dict]:
    """The streams as the CDK sees them: references resolved, `$parameters` handed down."""
    manifest = ManifestReferenceResolver().preprocess_manifest(yaml.safe_load(MANIFEST.read_text(encoding="utf-8")))
    manifest = ManifestComponentTransformer().propagate_types_and_parameters("", manifest, {})
    return {stream["name"]: stream for stream in manifest["streams"]}


STREAMS = resolved_streams()


def transformed(stream: str, record: dict, parent_id: str) -> dict:
    """The record after the stream's transformations, read for the parent `parent_id`."""
    factory = ModelToComponentFactory()
    for definition in STREAMS[stream].get("transformations", []):
        model = getattr(models, definition["type"])
        factory.create_component(model, definition, CONFIG).transform(
            record, config=CONFIG, stream_slice=StreamSlice(partition={"parent_id": parent_id}, cursor_slice={})
        )
    return record


def test_every_stream_that_adds_a_parent_id_is_listed_here():
    adding = {name for name, stream in STREAMS.items()
              if any(t["type"] == "KeysReplace" for t in stream.get("transformations", []))}
    assert adding == set(PARENT_ID_FIELDS)


@pytest.mark.parametrize("stream, field", sorted(PARENT_ID_FIELDS.items()))
def test_the_parent_id_is_added_last_under_the_streams_name_for_it(stream, field):
    record = transformed(stream, {"id": "r1", "title": "Sleep science", "meta": {"tags": ["a"]}}, "parent-7")
    assert list(record.items()) == [("id", "r1"), ("title", "Sleep science"), ("meta", {"tags": ["a"]}), (field, "parent-7")]


def test_a_parent_id_the_api_sent_as_well_is_replaced_in_its_place():
    record = transformed("course_users", {"course_id": "as-sent", "id": "u1"}, "course-1")
    assert list(record.items()) == [("course_id", "course-1"), ("id", "u1")]


def test_numeric_ids_stay_numbers_as_before():
    # The value is interpolated: an id made of digits becomes a number, as AddFields always did.
    assert transformed("affiliate_leads", {"id": "l1"}, "42")["affiliate_id"] == 42


def test_timestamps_are_still_converted_after_the_parent_id_is_added():
    record = transformed("course_users", {"id": "u1", "created": 1700000000}, "course-1")
    assert record == {"id": "u1", "created": "2023-11-14T22:13:20Z", "course_id": "course-1"}
