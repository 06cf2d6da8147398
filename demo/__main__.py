"""`python -m demo [--database output/learning.duckdb] [--fresh] [--scale demo]`

Starts the sandbox (both APIs, a realistic dataset), loads both connectors into one DuckDB
database through PyAirbyte, and prints rows per table and example questions answered in SQL.
Run it again for an incremental sync: the state is kept in the database. `--fresh` starts over.
The connectors' logs are written next to the database, under `logs/`.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

DEFAULT_DATABASE = Path("output/learning.duckdb")
INTERRUPTED = 130  # the shell's exit code for a program stopped by Ctrl-C (128 + SIGINT)


def main() -> None:
    started = time.monotonic()
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, default=DEFAULT_DATABASE, help=f"the DuckDB file to load into (default {DEFAULT_DATABASE})")
    parser.add_argument("--fresh", action="store_true", help="delete the database first: a full sync, as on the first run")
    parser.add_argument("--scale", default="demo", choices=("tiny", "small", "demo"), help="the sandbox dataset's size (default demo)")
    args = parser.parse_args()
    database = args.database.resolve()
    # PyAirbyte fixes its log folder when it is imported, so it is set before the job is imported.
    os.environ.setdefault("AIRBYTE_LOGGING_ROOT", str(database.parent / "logs"))
    try:
        from demo.job import run_main_job

        run_main_job(database, fresh=args.fresh, scale=args.scale, started=started)
    except KeyboardInterrupt:
        print("\nInterrupted: sandbox stopped, staging files removed; the run is recorded as interrupted, and streams "
              "loaded so far keep their state in the database.", file=sys.stderr, flush=True)
        sys.exit(INTERRUPTED)


if __name__ == "__main__":
    main()
