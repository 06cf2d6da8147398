"""One connector into a DuckDB database through PyAirbyte, the way a data engineer would load it.

PyAirbyte runs the connector's installed console script (`local_executable`): that entry point
hands the saved state to the connector, so a second load reads only what changed. (Its in-process
`source_manifest` mode does not resume state.) The state lives in the DuckDB file, next to the
data, in the connector's own schema.
"""
from __future__ import annotations

import os
import sys
import time
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

# PyAirbyte reads these when it is imported: no registry look-ups, no telemetry.
os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Google client libraries that PyAirbyte imports warn about Python 3.11's end of life in 2027.
warnings.filterwarnings("ignore", category=FutureWarning, module="google")

import airbyte  # noqa: E402
from airbyte.caches import DuckDBCache  # noqa: E402

from demo.timestamps import UtcDuckDBCache, store_timestamps_with_time_zone  # noqa: E402


@dataclass(frozen=True)
class Connector:
    name: str  # the sandbox's and the config's name: linkedin_learning | learnworlds
    source: str  # the console script, and PyAirbyte's source name
    label: str

    @property
    def schema(self) -> str:
        """The DuckDB schema that holds this connector's tables and its state."""
        return self.name

    @property
    def executable(self) -> str:
        return str(Path(sys.executable).parent / self.source)


LINKEDIN_LEARNING = Connector("linkedin_learning", "source-linkedin-learning", "LinkedIn Learning")
LEARNWORLDS = Connector("learnworlds", "source-learnworlds", "LearnWorlds")


@dataclass
class Load:
    connector: Connector
    records_read: dict[str, int]  # per stream, in this load
    rows: dict[str, int]  # per stream, in the table after this load
    seconds: float


def duckdb_cache(database: Path, connector: Connector, scratch: Path) -> DuckDBCache:
    """The connector's schema in the database; PyAirbyte's staging files go to `scratch`."""
    return UtcDuckDBCache(db_path=database, schema_name=connector.schema, cache_dir=scratch / connector.schema)


def shielded_from_ctrl_c(connector: Connector, folder: Path) -> str:
    """A launcher of the connector's console script with SIGINT ignored (an ignored signal stays
    ignored across exec). Ctrl-C then reaches the job alone, which stops the connector through
    PyAirbyte (SIGTERM) instead of the connector dying mid-message with a traceback of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    launcher = folder / connector.source
    launcher.write_text(f"#!/bin/sh\ntrap '' INT\nexec '{connector.executable}' \"$@\"\n")
    launcher.chmod(0o755)
    return str(launcher)


def load(
    connector: Connector,
    config: Mapping[str, Any],
    streams: Sequence[str],
    database: Path,
    scratch: Path,
    force_full_refresh: bool = False,
) -> Load:
    """Read `streams` into `database` (incrementally, from the state saved there, unless forced)."""
    source = airbyte.get_source(connector.source, config=dict(config), local_executable=shielded_from_ctrl_c(connector, scratch))
    source.select_streams(list(streams))
    cache = duckdb_cache(database, connector, scratch)
    started_at = datetime.now(timezone.utc)
    started = time.monotonic()
    try:
        source.read(cache=cache, force_full_refresh=force_full_refresh)
        store_timestamps_with_time_zone(cache, streams)
    finally:
        # Closing the cache's connections checkpoints the database, even on Ctrl-C: no `.wal` stays.
        cache.get_sql_engine().dispose()
    seconds = time.monotonic() - started
    records_read, rows = {}, {}
    with cache.get_sql_engine().connect() as connection:
        tables = {name for (name,) in connection.exec_driver_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", (connector.schema,)
        )}
        for stream in streams:
            if stream not in tables:  # PyAirbyte creates a table with the first record
                rows[stream] = records_read[stream] = 0
                continue
            # A record read in this load carries this load's extraction time; merged rows are replaced.
            rows[stream], records_read[stream] = connection.exec_driver_sql(
                f'SELECT count(*), count(*) FILTER (WHERE _airbyte_extracted_at >= ?) FROM "{connector.schema}"."{stream}"',
                (started_at,),
            ).one()
    cache.get_sql_engine().dispose()
    return Load(connector, records_read, rows, seconds)
