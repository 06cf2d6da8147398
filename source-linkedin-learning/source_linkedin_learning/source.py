"""The LinkedIn Learning source: its manifest beside this module, the config rules and the daily request budget."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterator, List, Mapping, Optional, Tuple

from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    TraceType,
    Type,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from learning_connector_kit import daily_requests
from learning_connector_kit.cdk_internals import share_api_budget
from learning_connector_kit.source import ManifestSource

from source_linkedin_learning.components import RequestBudget
from source_linkedin_learning.config_rules import CONFIG_RULES


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
        state, requests_today = daily_requests.taken_from_state(state, daily_requests.utc_day())
        super().__init__(catalog=catalog, config=config, state=state, config_path=config_path, **kwargs)
        # One budget for every requester of the sync, so that it can stop the whole sync.
        self.request_budget = RequestBudget(max_requests=(config or {}).get("max_requests_per_day"), requests_today=requests_today)
        share_api_budget(self, self.request_budget)

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: Optional[List[AirbyteStateMessage]] = None,
    ) -> Iterator[AirbyteMessage]:
        """Every stream STATE message carries the day's request count, for the next sync's budget.

        When the budget stops the sync, every partition still to read fails the same way: report that
        once, and end with it instead of the CDK's generic "streams did not sync"."""
        state, _ = daily_requests.taken_from_state(state, daily_requests.utc_day())
        stop_reported = False
        last_state: Optional[AirbyteMessage] = None
        last_count = self.request_budget.daily_count()
        try:
            for message in super().read(logger, config, catalog, state):
                if self._is_stop_error(message):
                    if stop_reported:
                        continue
                    stop_reported = True
                if daily_requests.is_stream_state(message):
                    last_state = message
                    last_count = self.request_budget.daily_count()
                    message = daily_requests.stamped(message, *last_count)
                yield message
        except AirbyteTracedException as failure:
            yield from self._latest_daily_count(last_state, last_count)
            if self.request_budget.stop_message is None:
                raise
            raise self.request_budget.stop_error() from failure
        yield from self._latest_daily_count(last_state, last_count)

    def _latest_daily_count(self, last_state: Optional[AirbyteMessage], its_count: Tuple[str, int]) -> Iterator[AirbyteMessage]:
        """The last STATE message again if requests were made after it, so that the saved count misses none."""
        count = self.request_budget.daily_count()
        if last_state is not None and count != its_count:
            yield daily_requests.stamped(last_state, *count)

    def _is_stop_error(self, message: AirbyteMessage) -> bool:
        return (
            self.request_budget.stop_message is not None
            and message.type == Type.TRACE
            and message.trace.type == TraceType.ERROR
            and message.trace.error.message == self.request_budget.stop_message
        )
