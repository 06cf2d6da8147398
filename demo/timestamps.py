"""Timestamps in the DuckDB file as TIMESTAMP WITH TIME ZONE, holding the right instants.

The connectors declare every date-time `timestamp_with_timezone` and write it in UTC (`...Z`).
PyAirbyte asks for `TIMESTAMP(timezone=True)`, but its DuckDB cache writes the type's generic
name into CREATE TABLE, so each table (and each load's temporary table) gets plain TIMESTAMP
columns holding UTC wall-clock times. Two steps make them time-zone timestamps:

- every connection of the cache works in UTC: a later load appends or merges naive UTC values
  into a TIMESTAMPTZ column through a cast that reads them in the session's time zone, which is
  otherwise the machine's;
- after each load, the stream tables' TIMESTAMP columns become TIMESTAMPTZ, read as UTC. This
  runs after every load, not once: a full refresh replaces a table with a new TIMESTAMP one.

No schema of either connector declares `timestamp_without_timezone`, so every TIMESTAMP column
PyAirbyte creates for them (their date-times and `_airbyte_extracted_at`) is meant to carry a zone.
"""
from __future__ import annotations

from typing import Any, Sequence

from airbyte.caches import DuckDBCache
from sqlalchemy import Engine, event


def work_in_utc(dbapi_connection: Any, _connection_record: Any) -> None:
    dbapi_connection.execute("SET TimeZone = 'UTC'")


class UtcDuckDBCache(DuckDBCache):
    """PyAirbyte has no setting for the session's time zone, so each new connection pins it to UTC."""

    def get_sql_engine(self) -> Engine:
        engine = super().get_sql_engine()
        if not event.contains(engine, "connect", work_in_utc):
            event.listen(engine, "connect", work_in_utc)
        return engine


def store_timestamps_with_time_zone(cache: DuckDBCache, streams: Sequence[str]) -> list[tuple[str, str]]:
    """Turn the TIMESTAMP columns of the streams' tables into TIMESTAMPTZ; return the (table, column) changed."""
    with cache.get_sql_engine().begin() as connection:
        columns = [tuple(row) for row in connection.exec_driver_sql(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = ? AND data_type = 'TIMESTAMP' ORDER BY table_name, ordinal_position",
            (cache.schema_name,),
        ) if row[0] in streams]
        for table, column in columns:
            # timezone('UTC', naive) reads the value as UTC whatever the session's time zone.
            connection.exec_driver_sql(
                f'ALTER TABLE "{cache.schema_name}"."{table}" ALTER COLUMN "{column}"'
                f' SET DATA TYPE TIMESTAMPTZ USING timezone(\'UTC\', "{column}")'
            )
    return columns
