"""The LinkedIn Learning source: its manifest beside this module, the config rules, field
projection from the configured catalog, and the sync's request budget."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, List, Mapping, Optional

from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    TraceType,
    Type,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from learning_connector_kit.schemas import load_stream_schema
from learning_connector_kit.source import ManifestSource

from source_linkedin_learning.components import RequestBudget
from source_linkedin_learning.config_rules import CONFIG_RULES

# The private config key through which the manifest learns each stream's `fields=` projection.
PROJECTION_KEY = "__projection"


@dataclass(frozen=True)
class ProjectedStream:
    """What a stream must always request, and which of its schema's fields the connector adds itself."""

    required: tuple[str, ...]
    derived: frozenset[str]
    # A field needed only in part when the whole field is not selected, e.g. the cursor inside `details`.
    nested_required: Mapping[str, str]


PROJECTED_STREAMS: Mapping[str, ProjectedStream] = {
    "learning_assets": ProjectedStream(
        required=("urn",),
        derived=frozenset({"last_updated_at", "source_locale"}),
        nested_required={"details": "details:(lastUpdatedAt)"},
    ),
    "learning_classifications": ProjectedStream(
        required=("urn",), derived=frozenset({"source_locale"}), nested_required={}
    ),
}


def projection(stream_name: str, selected: set[str]) -> Optional[str]:
    """The API's `fields=` value for the selected top-level fields, or None when all are selected."""
    rules = PROJECTED_STREAMS[stream_name]
    available = set(load_stream_schema("linkedin_learning", stream_name).get("properties", {}))
    if not selected or available <= selected:
        return None
    wanted = list(rules.required)
    wanted += sorted(field for field in selected - rules.derived - set(rules.required) if field in available)
    wanted += [partial for field, partial in rules.nested_required.items() if field not in wanted]
    return ",".join(wanted)


def projections(catalog: Optional[ConfiguredAirbyteCatalog]) -> dict[str, str]:
    result: dict[str, str] = {}
    for configured in catalog.streams if catalog else []:
        name = configured.stream.name
        if name in PROJECTED_STREAMS:
            fields = projection(name, set((configured.stream.json_schema or {}).get("properties", {})))
            if fields:
                result[name] = fields
    return result


class SourceLinkedinLearning(ManifestSource):
    manifest_path = Path(__file__).resolve().parent / "manifest.yaml"
    config_rules = CONFIG_RULES
    endpoint_fields = {"token_url": "https://www.linkedin.com/oauth/v2/accessToken", "api_url": "https://api.linkedin.com"}
    api_field = "api_url"

    def __init__(
        self,
        catalog: Optional[ConfiguredAirbyteCatalog] = None,
        config: Optional[Mapping[str, Any]] = None,
        state: Optional[List[AirbyteStateMessage]] = None,
        config_path: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        # Components never see the configured catalog; the manifest reads the projection from config.
        if config is not None:
            config = {**config, PROJECTION_KEY: projections(catalog)}
        super().__init__(catalog=catalog, config=config, state=state, config_path=config_path, **kwargs)
        # One budget for every requester of the sync. The manifest's `api_budget` can only wait, not
        # stop; the factory hands its budget to every HttpRequester it builds, so it is set there.
        self.request_budget = RequestBudget(max_requests=(config or {}).get("max_requests_per_day"))
        self._constructor._api_budget = self.request_budget

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: Optional[List[AirbyteStateMessage]] = None,
    ) -> Iterator[AirbyteMessage]:
        """When the request budget stops the sync, every partition still to read fails the same way:
        report that once, and end with it instead of the CDK's generic "streams did not sync"."""
        stop_reported = False
        try:
            for message in super().read(logger, config, catalog, state):
                if self._is_stop_error(message):
                    if stop_reported:
                        continue
                    stop_reported = True
                yield message
        except AirbyteTracedException as failure:
            if self.request_budget.stop_message is None:
                raise
            raise self.request_budget.stop_error() from failure

    def _is_stop_error(self, message: AirbyteMessage) -> bool:
        return (
            self.request_budget.stop_message is not None
            and message.type == Type.TRACE
            and message.trace.type == TraceType.ERROR
            and message.trace.error.message == self.request_budget.stop_message
        )
