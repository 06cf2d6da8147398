"""The wheel, built from exactly what the Dockerfile copies and installed into a fresh virtual
environment outside the source tree, runs `spec`, `check`, `discover` and `read` of both connectors.

This is what the image would run (Docker is not available where the tests run): it proves the
manifests and schemas ship as package data and nothing is read from the checkout.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import uuid
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from integration_tests.connector_runner import CONNECTORS, ConnectorRun, configured_catalog, run_connector
from sandbox import sandbox_config

REPOSITORY = Path(__file__).resolve().parent.parent
PACKAGES = {"linkedin_learning": "source_linkedin_learning", "learnworlds": "source_learnworlds"}
# One cheap stream per connector (no per-record fan-out): its API path, and its records in the
# sandbox's dataset (connector configs default to the en_US locale).
READ_STREAM = {
    "linkedin_learning": (
        "learning_classifications", "/v2/learningClassifications", lambda dataset: dataset.classifications(locale="en_US")
    ),
    "learnworlds": ("courses", "/admin/api/v2/courses", lambda dataset: dataset.courses),
}
BEFORE_ANY_RECORD = "2020-01-01T00:00:00Z"
# Nothing from the checkout or the test run may reach the installed connectors' imports.
ISOLATED_ENV = {"PYTHONPATH": "", "PYTHONSAFEPATH": "1"}
# pip must not see the checkout (`python3 tasks.py` puts it on PYTHONPATH): its build metadata there
# would read as "already installed" and the wheel would not be installed at all.
WITHOUT_SOURCE_TREE = {**os.environ, **ISOLATED_ENV}


@dataclass
class Installation:
    wheel: Path
    python: Path
    outside: Path  # an empty working directory outside the source tree

    def script(self, connector: str) -> str:
        return str(self.python.parent / CONNECTORS[connector])

    def run(self, connector: str, command: str, **kwargs) -> ConnectorRun:
        return run_connector(connector, command, executable=self.script(connector), cwd=self.outside, env=ISOLATED_ENV, timeout=300, **kwargs)


def dockerfile_build_context() -> list[str]:
    """The paths the Dockerfile's build stage copies before it builds the wheel."""
    copied = []
    for line in (REPOSITORY / "Dockerfile").read_text().splitlines():
        if line.startswith("RUN pip wheel"):
            return copied
        if line.startswith("COPY ") and "--from" not in line:
            copied += line.split()[1:-1]
    raise AssertionError("the Dockerfile's build stage has no `RUN pip wheel` step")


@pytest.fixture(scope="module")
def installation(tmp_path_factory) -> Installation:
    work = tmp_path_factory.mktemp("installed-wheel")
    context = work / "context"
    for relative in dockerfile_build_context():
        source, target = REPOSITORY / relative, context / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target)
    # No build isolation: setuptools comes from the test environment, so this works offline.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "--wheel-dir", str(work / "dist"), "."],
        cwd=context, check=True, capture_output=True, text=True, env=WITHOUT_SOURCE_TREE,
    )
    (wheel,) = (work / "dist").glob("*.whl")

    environment = work / "venv"
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    fresh_site_packages = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip())
    # Dependencies (airbyte-cdk and the rest, ~300 MB, installed from the locks) come from the test
    # environment as a plain path entry: Python does not run the .pth files of such a path, so the editable install of
    # this checkout stays invisible and only the wheel provides the connector packages.
    (fresh_site_packages / "dependencies-from-test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True, capture_output=True, text=True, env=WITHOUT_SOURCE_TREE,
    )
    outside = work / "elsewhere"
    outside.mkdir()
    return Installation(wheel=wheel, python=python, outside=outside)


def test_wheel_ships_manifests_and_every_schema(installation):
    names = set(zipfile.ZipFile(installation.wheel).namelist())
    for package in PACKAGES.values():
        assert f"{package}/manifest.yaml" in names
    schema_files = sorted(path.relative_to(REPOSITORY / "schemas").as_posix() for path in (REPOSITORY / "schemas").glob("*/*.json"))
    assert schema_files, "the checkout has no schemas/<folder>/<name>.json files"
    missing = [name for name in schema_files if f"learning_schemas/{name}" not in names]
    assert not missing, f"schemas missing from the wheel: {missing}"


def test_the_installation_runs_on_the_locked_dependencies(installation):
    """The dependencies it sees are exactly requirements.lock's pins, which the Dockerfile installs."""
    assert "requirements.lock" in (REPOSITORY / "Dockerfile").read_text()
    # Offline, without dependencies: pip would have something to install only for a pin the environment lacks.
    check = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--no-deps", "-r", str(REPOSITORY / "requirements.lock")],
        capture_output=True, text=True, env=WITHOUT_SOURCE_TREE,
    )
    assert check.returncode == 0 and "Would install" not in check.stdout, check.stdout + check.stderr


def test_packages_are_imported_from_the_installation_only(installation):
    modules = [*PACKAGES.values(), "learning_connector_kit", "learning_schemas"]
    printed = subprocess.run(
        [str(installation.python), "-c", f"import {', '.join(modules)}; print('\\n'.join(m.__file__ for m in ({', '.join(modules)},)))"],
        cwd=installation.outside, env={**ISOLATED_ENV, "PATH": ""}, check=True, capture_output=True, text=True,
    ).stdout.split()
    environment = installation.python.parent.parent
    assert len(printed) == len(modules)
    assert all(Path(location).is_relative_to(environment) for location in printed), printed


def metadata(connector: str) -> dict:
    return yaml.safe_load((REPOSITORY / CONNECTORS[connector] / "metadata.yaml").read_text())["data"]


@pytest.mark.parametrize("connector", PACKAGES)
def test_metadata_describes_the_image_the_dockerfile_builds(connector):
    data = metadata(connector)
    folder = REPOSITORY / CONNECTORS[connector]
    assert data["dockerRepository"] == f"airbyte/{CONNECTORS[connector]}"
    assert {"language:python", "cdk:low-code"} <= set(data["tags"])
    assert uuid.UUID(data["definitionId"]).version == 4
    dockerfile_base_image = re.search(r"^ARG BASE_IMAGE=(\S+)$", (REPOSITORY / "Dockerfile").read_text(), re.MULTILINE).group(1)
    assert data["connectorBuildOptions"]["baseImage"] == dockerfile_base_image
    assert re.fullmatch(r"docker\.io/airbyte/python-connector-base:[0-9.]+@sha256:[0-9a-f]{64}", dockerfile_base_image)
    assert ElementTree.parse(folder / data["icon"]).getroot().tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize("connector", PACKAGES)
def test_spec_from_the_installation(installation, connector):
    run = installation.run(connector, "spec")
    assert run.exit_code == 0, run.output
    properties = run.spec["connectionSpecification"]["properties"]
    assert "client_id" in properties


@pytest.mark.parametrize("connector", PACKAGES)
def test_check_discover_and_read_from_the_installation(installation, sandbox, connector):
    config = sandbox_config(connector, sandbox.url, start_date=BEFORE_ANY_RECORD)

    check = installation.run(connector, "check", config=config)
    assert check.connection_status and check.connection_status["status"] == "SUCCEEDED", check.output

    discover = installation.run(connector, "discover", config=config)
    assert discover.exit_code == 0, discover.output
    stream, path, records_in = READ_STREAM[connector]
    discovered = {entry["name"]: entry for entry in discover.catalog["streams"]}
    assert discovered[stream]["json_schema"]["properties"], f"{stream} has an empty schema"
    assert set(metadata(connector)["suggestedStreams"]["streams"]) <= set(discovered)
    # The documentation's example catalog must still describe the streams as discovered.
    example = json.loads((REPOSITORY / "docs" / "examples" / f"{connector}_catalog.json").read_text())
    for configured in example["streams"]:
        assert configured["stream"] == discovered[configured["stream"]["name"]], (
            f"docs/examples/{connector}_catalog.json is stale: replace its `stream` entries with the discovered ones"
        )

    served_before = len(sandbox.log.entries(app=connector))
    read = installation.run(connector, "read", config=config, catalog=configured_catalog(discover.catalog, streams=[stream]))
    assert read.exit_code == 0, read.output
    assert not read.errors, read.errors
    key = discovered[stream]["source_defined_primary_key"][0][0]
    expected = sorted(record[key] for record in records_in(sandbox.app(connector).dataset))
    assert expected, f"the sandbox has no {stream}"
    assert sorted(record[key] for record in read.records_of(stream)) == expected

    # Observability: the CDK's stream status traces, and the summary line with records and requests.
    statuses = read.stream_statuses(stream)
    assert statuses[0] == "STARTED" and statuses[-1] == "COMPLETE", statuses
    requests_sent = [entry for entry in sandbox.log.entries(app=connector)[served_before:] if entry.path == path]
    summaries = [log["message"] for log in read.logs if log["message"].startswith(f"Sync summary: stream {stream} ")]
    assert len(summaries) == 1, read.logs
    assert re.fullmatch(
        rf"Sync summary: stream {stream} \(COMPLETE\): {len(expected)} records, {len(requests_sent)} requests, [0-9.]+s", summaries[0]
    ), summaries[0]
