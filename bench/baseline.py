"""The baseline: `baseline_manifest.yaml`, a manifest-only connector as the Connector Builder makes it.

`python -m bench.baseline spec|check|discover|read --config ... [--catalog ...]` runs it the way
the CDK runs any declarative connector: `YamlDeclarativeSource` and `launch`.
"""
from __future__ import annotations

import sys
from pathlib import Path

from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource

MANIFEST = Path(__file__).resolve().parent / "baseline_manifest.yaml"


def main() -> None:
    args = sys.argv[1:]
    config_path = AirbyteEntrypoint.extract_config(args)
    catalog_path = AirbyteEntrypoint.extract_catalog(args)
    source = YamlDeclarativeSource(
        path_to_yaml=str(MANIFEST),
        config=YamlDeclarativeSource.read_config(config_path) if config_path else None,
        catalog=YamlDeclarativeSource.read_catalog(catalog_path) if catalog_path else None,
        config_path=config_path,
    )
    launch(source, args)


if __name__ == "__main__":
    main()
