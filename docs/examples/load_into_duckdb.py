"""Load one connector into a DuckDB file through PyAirbyte; a second run reads only what changed.

    python docs/examples/load_into_duckdb.py source-learnworlds source-learnworlds/secrets/config.json \
        --streams courses users payments --database output/learnworlds.duckdb

Runs the connector's installed console script (PyAirbyte's `local_executable` mode), so the
connector gets its state back on every run; the state is kept inside the DuckDB file.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

# Before PyAirbyte is imported: no registry look-ups, no telemetry.
os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

import airbyte as ab  # noqa: E402
from airbyte.caches import DuckDBCache  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("connector", choices=["source-linkedin-learning", "source-learnworlds"])
    parser.add_argument("config", type=Path, help="the connector's config.json")
    parser.add_argument("--streams", nargs="*", help="streams to load (default: every stream)")
    parser.add_argument("--database", type=Path, default=Path("output/learning.duckdb"))
    args = parser.parse_args()

    executable = shutil.which(args.connector) or str(Path(sys.executable).parent / args.connector)
    source = ab.get_source(args.connector, config=json.loads(args.config.read_text()), local_executable=executable)
    source.check()
    if args.streams:
        source.select_streams(args.streams)
    else:
        source.select_all_streams()

    args.database.parent.mkdir(parents=True, exist_ok=True)
    cache = DuckDBCache(db_path=args.database, schema_name=args.connector.removeprefix("source-").replace("-", "_"))
    result = source.read(cache=cache)
    for stream, dataset in result.streams.items():
        print(f"{cache.schema_name}.{stream}: {len(dataset)} rows")


if __name__ == "__main__":
    main()
