"""Fixtures for end-to-end tests: a sandbox on loopback, and connectors run as real processes."""
from __future__ import annotations

from typing import Callable, Iterator

import pytest

from sandbox import Sandbox, make_sandbox


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """A shared sandbox with both APIs at the small scale. Do not switch faults on here: use `fresh_sandbox`."""
    with make_sandbox(scale="small") as running:
        yield running


@pytest.fixture
def fresh_sandbox() -> Iterator[Callable[..., Sandbox]]:
    """A factory of private sandboxes (for faults, other scales, counters); all stopped after the test."""
    started: list[Sandbox] = []

    def factory(**options) -> Sandbox:
        running = make_sandbox(**options).start()
        started.append(running)
        return running

    yield factory
    for running in started:
        running.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The standard suites' image tests build with Docker; this machine has the client but no engine."""
    skip_image = pytest.mark.skip(reason="needs a Docker engine; the installed-wheel test covers the packaged connector")
    for item in items:
        if "image_tests" in item.keywords:
            item.add_marker(skip_image)
