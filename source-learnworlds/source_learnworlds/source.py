"""The LearnWorlds source: its manifest beside this module, plus the config rules."""
from __future__ import annotations

from pathlib import Path

from learning_connector_kit.source import ManifestSource

from source_learnworlds.config_rules import CONFIG_RULES


class SourceLearnworlds(ManifestSource):
    manifest_path = Path(__file__).resolve().parent / "manifest.yaml"
    config_rules = CONFIG_RULES
    endpoint_fields = {"school_url": ""}
    api_field = "school_url"
