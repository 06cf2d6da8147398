"""The CDK standard suites (spec, check, discover, read) for both connectors, against a local sandbox.

Both connectors share one `acceptance-test-config.yml` at the repository root (one section each),
and their configs name the sandbox as `{sandbox_url}`; the suite classes below override only where
the scenarios and the connector root come from.
"""
from __future__ import annotations

import atexit
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from boltons.typeutils import classproperty
from airbyte_cdk.test.models import ConnectorTestScenario
from airbyte_cdk.test.standard_tests import SourceTestSuiteBase

from sandbox import make_sandbox

pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]

REPOSITORY = Path(__file__).resolve().parent.parent
ACCEPTANCE_CONFIG = REPOSITORY / "acceptance-test-config.yml"


@lru_cache(maxsize=None)
def sandbox_url() -> str:
    """One sandbox for the whole suite, started when the scenarios are first collected."""
    running = make_sandbox(scale="small").start()
    atexit.register(running.stop)
    return running.url


def _with_sandbox_url(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("{sandbox_url}", sandbox_url())
    if isinstance(value, dict):
        return {key: _with_sandbox_url(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_sandbox_url(item) for item in value]
    return value


class RepositoryConnectorSuite(SourceTestSuiteBase):
    """A standard suite whose connector lives in `<repository>/<connector_folder>`."""

    connector_folder: str

    @classmethod
    def get_connector_root_dir(cls) -> Path:
        return REPOSITORY / cls.connector_folder

    @classmethod
    def get_scenarios(cls) -> list[ConnectorTestScenario]:
        scenarios = []
        for scenario in super().get_scenarios():
            config_path = REPOSITORY / scenario.config_path
            config = _with_sandbox_url(json.loads(config_path.read_text()))
            scenarios.append(scenario.model_copy(update={"config_path": config_path, "config_dict": config}))
        return scenarios

    @classmethod
    def create_connector(cls, scenario: ConnectorTestScenario | None) -> Any:
        """Our sources take their config at construction, as `run.py` builds them."""
        config = scenario.get_config_dict(connector_root=REPOSITORY, empty_if_missing=True) if scenario else None
        return cls.connector(config=config)

    @classproperty
    def acceptance_test_config(cls) -> Any:
        """This connector's section of the shared acceptance-test-config.yml."""
        return yaml.safe_load(ACCEPTANCE_CONFIG.read_text())[cls.connector_folder]


class TestSourceLinkedinLearning(RepositoryConnectorSuite):
    connector_folder = "source-linkedin-learning"


class TestSourceLearnworlds(RepositoryConnectorSuite):
    connector_folder = "source-learnworlds"
