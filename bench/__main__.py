"""`python -m bench [FIGURE ...] [--quick]`: the benchmark table (see BENCHMARKS.md).

Figures: throughput, latency, rate_limit, memory, requests, startup (default: all, in that order).
`--quick` runs the same scenarios on small data, as a smoke check of the harness (about a minute).
"""
from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from bench.harness import machine_description
from bench.report import FAILED, Row, failed_row, machine_lines, markdown_table
from bench.scenarios import FULL, QUICK, SCENARIOS, Bench


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("figures", nargs="*", choices=[[], *SCENARIOS], metavar="FIGURE",
                        help=f"any of: {', '.join(SCENARIOS)}")
    parser.add_argument("--quick", action="store_true", help="small data: checks the harness, not the targets")
    args = parser.parse_args()
    names = args.figures or list(SCENARIOS)
    bench = Bench(QUICK if args.quick else FULL)
    machine = machine_description()  # dated when the run starts
    started = time.monotonic()

    def measure(name: str) -> list[Row]:
        print(f"... {name}", file=sys.stderr, flush=True)
        figure_started = time.monotonic()
        try:
            rows = SCENARIOS[name](bench)
        except Exception as error:  # one broken scenario must not cost the figures of the others
            rows = [failed_row(name, "harness", f"{type(error).__name__}: {error}")]
        print(f"... {name} done in {time.monotonic() - figure_started:.0f} s", file=sys.stderr, flush=True)
        return rows

    # The full run measures one connector process at a time; the smoke check only proves that every
    # scenario works, so it runs two at once to finish in about a minute.
    try:
        with ThreadPoolExecutor(max_workers=2 if args.quick else 1) as pool:
            rows = [row for figure_rows in pool.map(measure, names) for row in figure_rows]
    finally:
        bench.workspace.close()
    print(machine_lines(machine))
    print(f"- mode: {'quick (small data; figures are not comparable with the targets)' if args.quick else 'full'}")
    print(f"- benchmark wall time: {time.monotonic() - started:.0f} s\n")
    print(markdown_table(rows))
    sys.exit(1 if any(row.verdict == FAILED for row in rows) else 0)


if __name__ == "__main__":
    main()
