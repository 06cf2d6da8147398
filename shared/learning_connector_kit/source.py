"""The base of both connectors' source classes and their console-script entry point."""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, ClassVar, Iterator, List, Mapping, Optional, Sequence

from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteMessage,
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    FailureType,
    Status,
)
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from learning_connector_kit.config_validation import ConfigRule, config_problems
from learning_connector_kit.observability import summarised


class ManifestSource(YamlDeclarativeSource):
    """A declarative source whose manifest sits beside its package.

    Subclasses set `manifest_path` and may list `config_rules`. Config, catalog and state all go
    to the constructor: the concurrent declarative source ignores the `state` passed to `read()`.
    """

    manifest_path: ClassVar[Path]
    config_rules: ClassVar[Sequence[ConfigRule]] = ()

    def __init__(
        self,
        catalog: Optional[ConfiguredAirbyteCatalog] = None,
        config: Optional[Mapping[str, Any]] = None,
        state: Optional[List[AirbyteStateMessage]] = None,
        config_path: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            path_to_yaml=str(self.manifest_path),
            catalog=catalog,
            config=config,
            state=state,
            config_path=config_path,
            **kwargs,
        )

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        problems = config_problems(self.config_rules, config)
        if problems:
            return AirbyteConnectionStatus(status=Status.FAILED, message=" ".join(problems))
        return super().check(logger, config)

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: Optional[List[AirbyteStateMessage]] = None,
    ) -> Iterator[AirbyteMessage]:
        problems = config_problems(self.config_rules, config)
        if problems:
            raise AirbyteTracedException(message=" ".join(problems), failure_type=FailureType.config_error)
        yield from summarised(super().read(logger, config, catalog, state), logger)


def run_source(source_class: type[ManifestSource], args: Optional[List[str]] = None) -> None:
    """`source-x spec|check|discover|read --config ... [--catalog ...] [--state ...]`."""
    args = list(sys.argv[1:] if args is None else args)
    config_path = AirbyteEntrypoint.extract_config(args)
    catalog_path = AirbyteEntrypoint.extract_catalog(args)
    state_path = AirbyteEntrypoint.extract_state(args)
    source = source_class(
        config=source_class.read_config(config_path) if config_path else None,
        catalog=source_class.read_catalog(catalog_path) if catalog_path else None,
        state=source_class.read_state(state_path) if state_path else None,
        config_path=config_path,
    )
    launch(source, args)
