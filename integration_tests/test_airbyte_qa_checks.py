"""Airbyte's own connector checks, applied by hand the way its connector QA and metadata validator
apply them: https-only source files (with the loopback exception written as that check accepts
it), allowedHosts covering every host the spec lets users choose, the metadata's required keys
and values, and the documentation template's headers and sections.

The rules are restated here, not imported: Airbyte's QA tooling is not a dependency of this project.
"""
from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONNECTORS = {
    "source-linkedin-learning": ROOT / "source-linkedin-learning" / "source_linkedin_learning" / "manifest.yaml",
    "source-learnworlds": ROOT / "source-learnworlds" / "source_learnworlds" / "manifest.yaml",
}
# What an upstream connector folder would hold: the connector's own folder and, in this layout,
# the common package and the schemas that ship beside it.
SHIPPED_WITH_EVERY_CONNECTOR = [ROOT / "shared" / "learning_connector_kit", ROOT / "schemas"]


def metadata(connector: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / connector / "metadata.yaml").read_text(encoding="utf-8"))


def spec(connector: str) -> dict[str, Any]:
    return yaml.safe_load(CONNECTORS[connector].read_text(encoding="utf-8"))["spec"]["connection_specification"]


def documentation(connector: str) -> str:
    slug = metadata(connector)["data"]["documentationUrl"].rstrip("/").rsplit("/", 1)[-1]
    return (ROOT / "docs" / f"{slug}.md").read_text(encoding="utf-8")


# -- HTTPS only ---------------------------------------------------------------------------------------
IGNORED_FOLDERS = {".venv", "tests", "unit_tests", "integration_tests", "build", ".pytest_cache", "__pycache__"}
IGNORED_SUFFIXES = {".pyc", ".svg", ".jar", ".gz"}
IGNORE_COMMENT = "# ignore-https-check"
IGNORED_PREFIXES = ("http://json-schema.org", "http://localhost")
COMMENT_STARTS = {".py": "#", ".yml": "#", ".yaml": "#", ".md": "<!--"}


def lines_with_plain_http(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or IGNORED_FOLDERS & set(path.relative_to(ROOT).parts) or path.suffix in IGNORED_SUFFIXES:
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(lines, start=1):
            lowered = line.lower()
            comment = COMMENT_STARTS.get(path.suffix)
            if (comment and lowered.lstrip().startswith(comment)) or IGNORE_COMMENT in lowered:
                continue
            for prefix in IGNORED_PREFIXES:
                lowered = lowered.replace(prefix, "")
            if "http://" in lowered:
                found.append(f"{path.relative_to(ROOT)}:{number}")
    return found


@pytest.mark.parametrize("connector", CONNECTORS)
def test_connector_files_use_https_only(connector):
    offending = [line for folder in [ROOT / connector, *SHIPPED_WITH_EVERY_CONNECTOR] for line in lines_with_plain_http(folder)]
    assert not offending, f"plain http:// outside a line marked '{IGNORE_COMMENT}': {offending}"


@pytest.mark.parametrize("connector", CONNECTORS)
def test_the_spec_still_allows_loopback_http_for_local_testing(connector):
    address_fields = {name: field for name, field in spec(connector)["properties"].items() if name.endswith("_url")}
    assert address_fields
    for name, field in address_fields.items():
        assert re.match(field["pattern"], "http://127.0.0.1:8765"), name
        assert not re.match(field["pattern"], "http://api.example.com"), name


# -- allowedHosts -------------------------------------------------------------------------------------
@pytest.mark.parametrize("connector", CONNECTORS)
def test_allowed_hosts_cover_every_address_the_spec_lets_users_choose(connector):
    hosts = metadata(connector)["data"]["allowedHosts"]["hosts"]
    for name, field in spec(connector)["properties"].items():
        if not name.endswith("_url"):
            continue
        assert f"${{{name}}}" in hosts, f"allowedHosts lacks ${{{name}}}"
        if "default" in field:
            default_host = re.match(r"https://([^/:]+)", field["default"]).group(1)
            assert default_host in hosts, f"allowedHosts lacks {default_host}, the default of {name}"


# -- metadata -----------------------------------------------------------------------------------------
REQUIRED_DATA_KEYS = {"name", "definitionId", "connectorType", "dockerRepository", "dockerImageTag", "license",
                      "documentationUrl", "githubIssueLabel", "connectorSubtype", "releaseStage"}


@pytest.mark.parametrize("connector", CONNECTORS)
def test_metadata_has_the_keys_and_values_the_metadata_schema_requires(connector):
    document = metadata(connector)
    assert set(document) == {"metadataSpecVersion", "data"}
    assert isinstance(document["metadataSpecVersion"], str)
    data = document["data"]
    assert REQUIRED_DATA_KEYS <= set(data), REQUIRED_DATA_KEYS - set(data)
    uuid.UUID(data["definitionId"])
    assert data["connectorType"] == "source" and data["connectorSubtype"] == "api"
    assert data["dockerRepository"].endswith(f"/{connector}") and data["githubIssueLabel"] == connector
    assert re.fullmatch(r"\d+\.\d+\.\d+", data["dockerImageTag"])
    assert data["releaseStage"] in {"alpha", "beta", "generally_available", "custom"}
    assert data["supportLevel"] in {"community", "certified", "archived"}
    assert data["documentationUrl"].startswith("https://")
    assert all(isinstance(tag, str) and ":" in tag for tag in data["tags"]) and "cdk:low-code" in data["tags"]
    assert re.fullmatch(r"[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}", data["connectorBuildOptions"]["baseImage"])
    assert all(isinstance(host, str) and host for host in data["allowedHosts"]["hosts"])
    assert (ROOT / connector / data["icon"]).exists()


# -- documentation template ---------------------------------------------------------------------------
SPECIFIC = None  # where the template lets a connector add headings of its own


def template_headings(name: str) -> list[Any]:
    return [
        name, "Prerequisites", "Setup guide", f"Set up {name}", "For Airbyte Cloud:", "For Airbyte Open Source:", SPECIFIC,
        f"Set up the {name} connector in Airbyte", "For Airbyte Cloud:", "For Airbyte Open Source:", SPECIFIC,
        "Supported sync modes", "Supported Streams", SPECIFIC, "Performance considerations", "Data type map",
        "Limitations & Troubleshooting", SPECIFIC, "Tutorials", "Changelog",
    ]


def optional_headings(name: str) -> set[str]:
    return {f"Set up the {name} connector in Airbyte", "For Airbyte Cloud:", "For Airbyte Open Source:",
            "Performance considerations", "Data type map", "Limitations & Troubleshooting", "Tutorials"}


def heading_problems(headings: list[str], name: str) -> list[str]:
    """Walk the document's headings along the template's: required ones in order, optional ones
    where they belong, the connector's own headings only where the template leaves room."""
    expected, optional = template_headings(name), optional_headings(name)
    position = 0
    for heading in headings:
        while True:
            if position == len(expected):
                return [f"'{heading}' comes after the template's last heading"]
            wanted = expected[position]
            if wanted is SPECIFIC and heading not in expected:
                break  # the connector's own heading, where the template allows it
            if heading == wanted:
                position += 1
                break
            if wanted is SPECIFIC or wanted in optional:
                position += 1
                continue
            return [f"'{heading}' where the template expects '{wanted}'"]
    missing = [wanted for wanted in expected[position:] if wanted is not SPECIFIC and wanted not in optional]
    return [f"missing '{wanted}'" for wanted in missing]


def headings_of(text: str) -> list[str]:
    without_code = re.sub(r"```.*?```", "", text, flags=re.S)
    return [match.group(1).strip() for match in re.finditer(r"^#{1,6} +(.+)$", without_code, flags=re.M)]


def test_the_heading_walk_finds_what_is_out_of_place():
    good = ["X", "Prerequisites", "Setup guide", "Set up X", "Step 1", "Supported sync modes", "Supported Streams", "Keys", "Changelog"]
    assert heading_problems(good, "X") == []
    assert heading_problems([heading for heading in good if heading != "Set up X"], "X") == ["'Step 1' where the template expects 'Set up X'"]
    assert heading_problems(good[:-1], "X") == ["missing 'Changelog'"]
    assert heading_problems(["X", "Setup guide", *good[3:]], "X") == ["'Setup guide' where the template expects 'Prerequisites'"]


@pytest.mark.parametrize("connector", CONNECTORS)
def test_documentation_headings_follow_the_source_template(connector):
    name = metadata(connector)["data"]["name"]
    assert heading_problems(headings_of(documentation(connector)), name) == []


@pytest.mark.parametrize("connector", CONNECTORS)
def test_documentation_has_the_template_intro_sync_modes_sentence_and_changelog(connector):
    name, text = metadata(connector)["data"]["name"], documentation(connector)
    assert re.search(rf"<HideInUI>\s+This page contains the setup guide and reference information for the \[{re.escape(name)}\]\(https://[^)]+\) source connector\.\s+</HideInUI>", text)
    assert f"The {name} source connector supports the following [sync modes](https://docs.airbyte.com/cloud/core-concepts/#connection-sync-modes):" in text
    changelog = text.split("\n## Changelog\n", 1)[1]
    assert re.match(r"\s*<details>\s*<summary>Expand to review</summary>", changelog)
    assert re.search(r"^\| Version \| Date \| Pull Request \| Subject \|$", changelog, flags=re.M)
    assert changelog.rstrip().endswith("</details>")
    version = metadata(connector)["data"]["dockerImageTag"]
    assert re.search(rf"^\| {re.escape(version)} \| \d{{4}}-\d{{2}}-\d{{2}} \|", changelog, flags=re.M), "the metadata's version has no changelog row"


CREDENTIAL_WORDS = ("account", "auth", "credentials", "access", "client")


@pytest.mark.parametrize("connector", CONNECTORS)
def test_prerequisites_name_every_required_field(connector):
    text = documentation(connector)
    prerequisites = text.split("\n## Prerequisites\n", 1)[1].split("\n## ", 1)[0].lower()
    specification = spec(connector)
    for name in specification["required"]:
        field = specification["properties"][name]
        if field.get("airbyte_secret") or name in ("credentials", "client_id", "client_secret") or field.get("type") == "object":
            assert any(word in prerequisites for word in CREDENTIAL_WORDS), f"{name}: the prerequisites say nothing of credentials"
        else:
            assert field["title"].lower() in prerequisites, f"the prerequisites do not name '{field['title']}'"
