"""The base of both connectors' source classes and their console-script entry point."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Iterator, List, Mapping, Optional, Sequence

import orjson
import yaml
from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteMessage,
    AirbyteMessageSerializer,
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    FailureType,
    Status,
)
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from learning_connector_kit import argument_files, fail_fast, scrubbing, shared_lists, tokens
from learning_connector_kit.config_validation import ConfigRule, validate_config
from learning_connector_kit.observability import summarised
from learning_connector_kit.schema_checks import reported_schema_mismatches
from learning_connector_kit.state_checks import without_future_cursors


class ManifestSource(YamlDeclarativeSource):
    """A declarative source whose manifest sits beside its package.

    Subclasses set `manifest_path` and may list `config_rules`. Config, catalog and state all go
    to the constructor: the concurrent declarative source ignores the `state` passed to `read()`.
    `endpoint_fields` (config field -> default address) are the hosts a slow `check` probes, the
    token field first; `api_field` is blamed when a token was minted but no API answer came.
    """

    manifest_path: ClassVar[Path]
    config_rules: ClassVar[Sequence[ConfigRule]] = ()
    endpoint_fields: ClassVar[Mapping[str, str]] = {}
    api_field: ClassVar[str] = ""

    def __init__(
        self,
        catalog: Optional[ConfiguredAirbyteCatalog] = None,
        config: Optional[Mapping[str, Any]] = None,
        state: Optional[List[AirbyteStateMessage]] = None,
        config_path: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        state, self.state_warnings = without_future_cursors(state)
        super().__init__(
            path_to_yaml=str(self.manifest_path),
            catalog=catalog,
            config=config,
            state=state,
            config_path=config_path,
            **kwargs,
        )

    @classmethod
    def config_problems(cls, config: Mapping[str, Any]) -> list[str]:
        """The config rules' messages, then the spec's JSON-schema violations rewritten to name their field."""
        return validate_config(_connection_specification(cls.manifest_path), cls.config_rules, config)

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        problems = self.config_problems(config)
        if problems:
            return AirbyteConnectionStatus(status=Status.FAILED, message=" ".join(problems))
        token_field = next(iter(self.endpoint_fields), self.api_field)
        status, failure = fail_fast.within_deadline(
            lambda: super(ManifestSource, self).check(logger, config),
            fail_fast.endpoints_of(config, self.endpoint_fields),
            silent_field=lambda: self.api_field if tokens.any_minted() else token_field,
        )
        if failure:
            return AirbyteConnectionStatus(status=Status.FAILED, message=failure)
        return status

    def read(
        self,
        logger: logging.Logger,
        config: Mapping[str, Any],
        catalog: ConfiguredAirbyteCatalog,
        state: Optional[List[AirbyteStateMessage]] = None,
    ) -> Iterator[AirbyteMessage]:
        problems = self.config_problems(config)
        if problems:
            raise AirbyteTracedException(message=" ".join(problems), failure_type=FailureType.config_error)
        for warning in self.state_warnings:
            logger.warning(warning)
        # A sync reads its parent lists afresh and keeps them no longer than itself.
        shared_lists.forget_lists()
        try:
            messages = reported_schema_mismatches(super().read(logger, config, catalog, state), catalog, logger)
            yield from summarised(messages, logger)
        finally:
            shared_lists.forget_lists()


class _WithoutStartupNoise(logging.Filter):
    """Drops the CDK's memory-monitor settings, logged at INFO on every start: nothing a user can act on."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("MemoryMonitor instantiated")


_STARTUP_NOISE = _WithoutStartupNoise()


def run_source(source_class: type[ManifestSource], args: Optional[List[str]] = None) -> None:
    """`source-x spec|check|discover|read --config ... [--catalog ...] [--state ...]`, and
    `source-x catalog --config ... [--streams a,b]`, which prints a configured catalog."""
    args = list(sys.argv[1:] if args is None else args)
    logging.getLogger("airbyte").addFilter(_STARTUP_NOISE)  # adding the same filter twice is a no-op
    with scrubbing.scrubbed_output():
        try:
            _run(source_class, args)
        except Exception:
            # Reported here, inside the scrubbed output, rather than by the hook at interpreter exit.
            sys.excepthook(*sys.exc_info())
            sys.exit(1)


def _run(source_class: type[ManifestSource], args: List[str]) -> None:
    if args[:1] == ["catalog"]:
        _print_configured_catalog(source_class, args[1:])
        return
    command = AirbyteEntrypoint.parse_args(args).command
    config_path = AirbyteEntrypoint.extract_config(args)
    catalog_path = AirbyteEntrypoint.extract_catalog(args)
    state_path = AirbyteEntrypoint.extract_state(args)
    try:
        config = argument_files.read_config(config_path) if config_path else None
        catalog = argument_files.read_catalog(catalog_path) if catalog_path else None
        state = argument_files.read_state(state_path) if state_path else None
    except argument_files.ArgumentFileError as error:
        _reject_config(command, str(error))
        return
    if config is not None:
        scrubbing.add_config_secrets(_connection_specification(source_class.manifest_path), config)
    # Before the source is built: building it interpolates the config (a mistyped `num_workers`
    # would end in a traceback), and the CDK's own spec check names no field.
    problems = source_class.config_problems(config) if config is not None else []
    if problems:
        _reject_config(command, " ".join(problems))
        return
    source = source_class(config=config, catalog=catalog, state=state, config_path=config_path)
    launch(source, args)


def _print_configured_catalog(source_class: type[ManifestSource], args: List[str]) -> None:
    """The step between `discover` and `read`: a configured catalog of every stream or the chosen ones."""
    parser = argparse.ArgumentParser(
        prog=f"{Path(sys.argv[0]).name} catalog",
        description="Print a configured catalog for `read --catalog`: each stream in its preferred sync mode "
        "(incremental where the stream has a cursor, else full refresh).",
    )
    parser.add_argument("--config", required=True, help="the connector's config file")
    parser.add_argument("--streams", help="comma-separated stream names (default: every stream)")
    options = parser.parse_args(args)
    try:
        config = argument_files.read_config(options.config)
        problems = source_class.config_problems(config)
        if problems:
            raise argument_files.ArgumentFileError(" ".join(problems))
        discovered = source_class(config=config).discover(logging.getLogger("airbyte"), config)
        streams = [name.strip() for name in options.streams.split(",") if name.strip()] if options.streams else None
        catalog = argument_files.configured_catalog(discovered, streams)
    except argument_files.ArgumentFileError as error:
        sys.exit(str(error))
    print(json.dumps(catalog, indent=2))


@cache
def _connection_specification(manifest_path: Path) -> Mapping[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(manifest_path.read_text(encoding="utf-8"), Loader=loader)["spec"]["connection_specification"]


def _reject_config(command: str, message: str) -> None:
    """A config or argument-file error as the CDK reports one: FAILED status for `check`, else an
    error trace and exit code 1."""
    error = AirbyteTracedException(message=message, internal_message=message, failure_type=FailureType.config_error)
    reply = error.as_connection_status_message() if command == "check" else error.as_airbyte_message()
    print(orjson.dumps(AirbyteMessageSerializer.dump(reply)).decode(), flush=True)
    if command != "check":
        sys.exit(1)
