"""The six figures of the benchmark.

Every scenario starts its own sandbox in a thread of this process and measures connector
processes from outside (`harness.run_child`), so the sandbox's work is never charged to them.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Optional

from integration_tests.connector_runner import configured_catalog
from sandbox import Sandbox, make_sandbox, sandbox_config
from sandbox.linkedin_learning.dataset import LinkedInLearningDataset

from bench.harness import (
    BASELINE,
    FLOOR,
    LEARNWORLDS_CONNECTOR,
    LINKEDIN_CONNECTOR,
    ChildRun,
    Command,
    Workspace,
    run_child,
)
from bench.pages import PageInspector, minimum_requests
from bench.report import Row, failed_row, megabytes, ratio, seconds, verdict

ASSET_TYPE = "COURSE"
LOCALE = "en_US"
PROJECTED_ASSET_FIELDS = ["urn", "type", "title", "contents", "last_updated_at"]  # key, cursor and three more
LEARNWORLDS_REQUESTS_PER_SECOND = 3.0  # the school's 30 requests / 10 s


@dataclass(frozen=True)
class Sizes:
    assets: int
    assets_large: int
    activity_days: int
    progress_users: int
    startup_repeats: int
    requests_scale: str
    projection_assets: int
    requests_streams: Optional[frozenset[str]] = None  # None: every stream of both connectors
    startup_connectors: int = 3  # how many of (ours LinkedIn, ours LearnWorlds, baseline) start up


FULL = Sizes(assets=100_000, assets_large=1_000_000, activity_days=90, progress_users=600, startup_repeats=3,
             requests_scale="small", projection_assets=10_000)
# A smoke check of the harness (about a minute): every scenario runs, on data too small for the targets.
QUICK = Sizes(assets=1_000, assets_large=3_000, activity_days=8, progress_users=20, startup_repeats=1,
              requests_scale="tiny", projection_assets=1_000,
              requests_streams=frozenset({"learning_classifications", "courses"}), startup_connectors=1)


@dataclass
class Bench:
    """State shared by the scenarios of one run."""

    sizes: Sizes
    workspace: Workspace = field(default_factory=Workspace)
    ours_assets_run: Optional[ChildRun] = None  # figure 1's run of our connector, reused by figure 4
    _catalogs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def discovered(self, command: Command, config: Path) -> dict[str, Any]:
        """The command's catalog (discovered once per benchmark run: streams do not depend on the data)."""
        if command.label not in self._catalogs:
            run = run_child(command.invocation("discover", config), timeout_seconds=300)
            message = run.json_output("CATALOG")
            if message is None:
                raise RuntimeError(f"{command.label} discover: {run.problem() or 'no catalog'}")
            self._catalogs[command.label] = message["catalog"]
        return self._catalogs[command.label]

    def catalog_file(self, command: Command, config: Path, stream: str, fields: Optional[list[str]] = None) -> Path:
        discovered = self.discovered(command, config)
        catalog = configured_catalog(discovered, streams=[stream], incremental=False,
                                     fields={stream: fields} if fields else None)
        return self.workspace.write(f"{stream}-catalog", catalog)


def linkedin_sandbox(records: int) -> Sandbox:
    """A LinkedIn Learning sandbox whose catalog has exactly `records` assets of ASSET_TYPE in LOCALE."""
    return make_sandbox(scale="tiny", apps=["linkedin_learning"], linkedin_learning={"asset_count": _courses_for(records)})


def _courses_for(records: int) -> int:
    """The catalog size (all locales) that holds `records` courses in LOCALE: the smallest that does."""
    def found(courses: int) -> int:
        return LinkedInLearningDataset("tiny", asset_count=courses).asset_count_of(ASSET_TYPE, LOCALE, include_retired=True)

    low, high = records, records * 4
    while low < high:
        middle = (low + high) // 2
        low, high = (middle + 1, high) if found(middle) < records else (low, middle)
    if found(low) != records:
        raise RuntimeError(f"no catalog size gives exactly {records} {ASSET_TYPE} assets in {LOCALE}")
    return low


def linkedin_assets_config(url: str, **overrides: Any) -> dict[str, Any]:
    return sandbox_config("linkedin_learning", url, asset_types=[ASSET_TYPE], locales=[LOCALE], include_retired=True, **overrides)


def expected_assets(sandbox: Sandbox) -> int:
    return sandbox.app("linkedin_learning").dataset.asset_count_of(ASSET_TYPE, LOCALE, include_retired=True)


def read_problem(run: ChildRun, expected_records: Optional[int]) -> Optional[str]:
    problem = run.problem()
    if problem is None and expected_records is not None and run.records != expected_records:
        problem = f"{run.records:,} records arrived, {expected_records:,} expected"
    return problem


def describe_read(run: ChildRun, requests: int) -> str:
    per_record = run.cpu_seconds / run.records * 1e6 if run.records else float("nan")
    return (f"{run.records:,} records in {seconds(run.wall_seconds)} = {run.records / run.wall_seconds:,.0f} rec/s; "
            f"CPU {seconds(run.cpu_seconds)} = {per_record:,.0f} µs/record; peak RSS {megabytes(run.peak_rss_bytes)}; "
            f"{requests:,} requests")


def api_requests(sandbox: Sandbox, app: str) -> list:
    return [entry for entry in sandbox.log.entries(app=app) if "token" not in entry.path.lower()]


# -- 1. throughput ----------------------------------------------------------------------------
def throughput(bench: Bench) -> list[Row]:
    figure = f"1 Throughput, learning_assets ({bench.sizes.assets:,} records, one type and locale)"
    rows: list[Row] = []
    cpu_per_record: dict[str, float] = {}
    with linkedin_sandbox(bench.sizes.assets) as sandbox:
        expected = expected_assets(sandbox)
        config = bench.workspace.write("linkedin-assets", linkedin_assets_config(sandbox.url))
        for command in (LINKEDIN_CONNECTOR, BASELINE, FLOOR):
            try:
                catalog = None if command is FLOOR else bench.catalog_file(command, config, "learning_assets")
            except RuntimeError as error:
                rows.append(failed_row(figure, command.label, str(error)))
                continue
            sandbox.log.clear()
            run = run_child(command.invocation("read", config, catalog))
            problem = read_problem(run, expected)
            if problem:
                rows.append(failed_row(figure, command.label, problem))
                continue
            cpu_per_record[command.label] = run.cpu_seconds / run.records
            if command is LINKEDIN_CONNECTOR:
                bench.ours_assets_run = run
            rows.append(Row(figure, command.label, describe_read(run, len(api_requests(sandbox, "linkedin_learning")))))
    ours, baseline, floor = (cpu_per_record.get(c.label) for c in (LINKEDIN_CONNECTOR, BASELINE, FLOOR))
    if ours is not None and baseline is not None:
        rows[0].target = "CPU per record no worse than (a)"
        rows[0].measured += f"; CPU per record {ratio(ours / baseline)} of (a)"
        rows[0].verdict = verdict(ours <= baseline)
    if ours is not None and floor is not None:
        rows.append(Row(figure, "ours / (b) floor", f"CPU per record {ratio(ours / floor)} of the floor",
                        "report, bring down"))
    return rows


# -- 2. latency hiding -------------------------------------------------------------------------
def latency_hiding(bench: Bench) -> list[Row]:
    days = bench.sizes.activity_days
    figure = f"2 Latency hiding, learning_activity_reports ({days} one-day windows, 150 ms per request)"
    end = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    start = (end - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    measured: dict[str, tuple[ChildRun, int, float]] = {}
    sandbox = make_sandbox(scale="tiny", apps=["linkedin_learning"], linkedin_learning={"activity_days": days + 7})
    with sandbox:
        base = linkedin_assets_config(sandbox.url, start_date=start, **ACTIVITY_WINDOW_OPTIONS)
        default_config = bench.workspace.write("activity-default", base)
        try:
            catalog = bench.catalog_file(LINKEDIN_CONNECTOR, default_config, "learning_activity_reports")
        except RuntimeError as error:
            return [failed_row(figure, LINKEDIN_CONNECTOR.label, str(error))]
        sandbox.set_faults(latency_ms=150)
        for label, config in (("num_workers=1", bench.workspace.write("activity-one", {**base, "num_workers": 1})),
                              ("default num_workers", default_config)):
            sandbox.log.clear()
            run = run_child(LINKEDIN_CONNECTOR.invocation("read", config, catalog))
            problem = read_problem(run, None)
            if problem:
                return [failed_row(figure, f"{LINKEDIN_CONNECTOR.label}, {label}", problem)]
            answered = [e.at for e in api_requests(sandbox, "linkedin_learning")]
            # from the first request's start to the last answer: the part that concurrency can shorten
            request_phase = max(answered) - min(answered) + 0.150
            measured[label] = (run, len(answered), request_phase)
    rows = []
    (slow, _, slow_phase) = measured["num_workers=1"]
    for label, (run, requests, phase) in measured.items():
        rows.append(Row(figure, f"{LINKEDIN_CONNECTOR.label}, {label}",
                        f"{seconds(run.wall_seconds)} wall, of which {seconds(phase)} from first request to last answer; "
                        f"{requests} requests, {run.records:,} records"))
    fast, _, fast_phase = measured["default num_workers"]
    speedup = slow.wall_seconds / fast.wall_seconds
    rows[-1].measured += f"; {speedup:.1f}x faster (requests alone: {slow_phase / fast_phase:.1f}x)"
    rows[-1].target, rows[-1].verdict = ">= 3x faster (wall)", verdict(speedup >= 3)
    return rows


# One-day windows and no lookback: exactly `activity_days` windows, one report request each.
ACTIVITY_WINDOW_OPTIONS = {"activity_report_window_days": 1, "activity_report_lookback_days": 0}


# -- 3. rate-limit saturation -----------------------------------------------------------------
def rate_limit(bench: Bench) -> list[Row]:
    users = bench.sizes.progress_users
    figure = f"3 Rate-limit saturation, LearnWorlds user progress ({users} users, 30 requests / 10 s)"
    sandbox = make_sandbox(scale="bench", apps=["learnworlds"], learnworlds={"user_count": users})
    with sandbox:
        config = bench.workspace.write("learnworlds", sandbox_config("learnworlds", sandbox.url))
        try:
            catalog = bench.catalog_file(LEARNWORLDS_CONNECTOR, config, USER_PROGRESS_STREAM)
        except RuntimeError as error:
            return [failed_row(figure, LEARNWORLDS_CONNECTOR.label, str(error))]
        expected = sum(len(progress) for progress in sandbox.app("learnworlds").dataset.user_progress.values())
        time.sleep(sandbox.app("learnworlds").limiter.seconds_until_free())
        sandbox.log.clear()
        run = run_child(LEARNWORLDS_CONNECTOR.invocation("read", config, catalog))
        requests = sandbox.log.entries(app="learnworlds")
    problem = read_problem(run, expected)
    if problem:
        return [failed_row(figure, LEARNWORLDS_CONNECTOR.label, problem)]
    throttled = sum(1 for entry in requests if entry.status == 429)
    minimum = len(requests) / LEARNWORLDS_REQUESTS_PER_SECOND
    measured = (f"{run.records:,} records, {len(requests)} requests ({throttled} answered 429) in "
                f"{seconds(run.wall_seconds)}; minimum {seconds(minimum)}: {ratio(run.wall_seconds / minimum)}")
    return [Row(figure, LEARNWORLDS_CONNECTOR.label, measured, "<= 1.10x the minimum, zero 429",
                verdict(run.wall_seconds <= 1.10 * minimum and throttled == 0))]


USER_PROGRESS_STREAM = "user_progress"


# -- 4. memory ---------------------------------------------------------------------------------
def memory(bench: Bench) -> list[Row]:
    small, large = bench.sizes.assets, bench.sizes.assets_large
    figure = f"4 Memory, learning_assets {large:,} vs {small:,} records"
    peaks: dict[int, ChildRun] = {}
    for count in (small, large):
        if count == small and bench.ours_assets_run is not None:
            peaks[count] = bench.ours_assets_run
            continue
        with linkedin_sandbox(count) as sandbox:
            config = bench.workspace.write("linkedin-assets", linkedin_assets_config(sandbox.url))
            try:
                catalog = bench.catalog_file(LINKEDIN_CONNECTOR, config, "learning_assets")
            except RuntimeError as error:
                return [failed_row(figure, LINKEDIN_CONNECTOR.label, str(error))]
            run = run_child(LINKEDIN_CONNECTOR.invocation("read", config, catalog), timeout_seconds=3600)
            problem = read_problem(run, expected_assets(sandbox))
        if problem:
            return [failed_row(figure, LINKEDIN_CONNECTOR.label, problem)]
        peaks[count] = run
    growth = peaks[large].peak_rss_bytes / peaks[small].peak_rss_bytes
    measured = (f"peak RSS {megabytes(peaks[small].peak_rss_bytes)} at {small:,}, "
                f"{megabytes(peaks[large].peak_rss_bytes)} at {large:,} ({seconds(peaks[large].wall_seconds)}): {ratio(growth)}")
    return [Row(figure, LINKEDIN_CONNECTOR.label, measured, "ratio <= 1.2", verdict(growth <= 1.2))]


# -- 5. requests -------------------------------------------------------------------------------
def requests_per_record(bench: Bench) -> list[Row]:
    rows = [*_paginated_streams(bench, LINKEDIN_CONNECTOR, "linkedin_learning"),
            *_paginated_streams(bench, LEARNWORLDS_CONNECTOR, "learnworlds")]
    rows.extend(_projection(bench))
    return rows


def _paginated_streams(bench: Bench, command: Command, app_name: str) -> list[Row]:
    scale = bench.sizes.requests_scale
    figure = f"5 Requests per record ({scale} dataset)"
    sandbox = make_sandbox(scale=scale, apps=[app_name], **{app_name: REQUESTS_APP_OPTIONS.get(app_name, {})})
    rows: list[Row] = []
    unpaginated: list[str] = []
    with sandbox:
        inspector = PageInspector(sandbox.app(app_name))
        config = bench.workspace.write(app_name, sandbox_config(app_name, sandbox.url))
        try:
            discovered = bench.discovered(command, config)
        except RuntimeError as error:
            return [failed_row(figure, command.label, str(error))]
        for stream in discovered["streams"]:
            name = stream["name"]
            if bench.sizes.requests_streams is not None and name not in bench.sizes.requests_streams:
                continue
            catalog = bench.workspace.write(f"{name}-catalog", configured_catalog(discovered, streams=[name], incremental=False))
            limiter = getattr(sandbox.app(app_name), "limiter", None)
            if limiter is not None:
                time.sleep(limiter.seconds_until_free())
            sandbox.log.clear()
            inspector.clear()
            run = run_child(command.invocation("read", config, catalog))
            problem = read_problem(run, None)
            if problem:
                rows.append(failed_row(figure, f"{command.label} {name}", problem))
                continue
            pages = inspector.pages()
            if not any(page.paginated for page in pages):
                unpaginated.append(name)
                continue
            throttled = sum(1 for entry in sandbox.log.entries(app=app_name) if entry.status == 429)
            needed, partitions = minimum_requests(pages)
            made = len(pages)
            largest = max(page.largest_page_size for page in pages if page.paginated)
            per_record = f"{made / run.records:.4f}" if run.records else "n/a"
            measured = (f"{made} requests for {run.records:,} records over {partitions} partitions = {per_record} per record "
                        f"(1/{largest} + partitions); minimum {needed}" + (f"; {throttled} answered 429" if throttled else ""))
            rows.append(Row(figure, f"{command.label} {name}", measured, "requests = minimum", verdict(made <= needed)))
    if unpaginated:
        rows.append(Row(figure, f"{command.label}, not paginated", ", ".join(unpaginated)))
    return rows


# Request counts, not time, are measured here; the connector keeps to the school's limit by itself.
REQUESTS_APP_OPTIONS: dict[str, dict[str, Any]] = {"learnworlds": {"rate_limit": None}}


def _projection(bench: Bench) -> list[Row]:
    count = bench.sizes.projection_assets
    figure = f"5 Bytes received, learning_assets ({count:,} records), five selected fields"
    received: dict[str, int] = {}
    with linkedin_sandbox(count) as sandbox:
        config = bench.workspace.write("linkedin-assets", linkedin_assets_config(sandbox.url))
        expected = expected_assets(sandbox)
        for label, fields in (("all fields", None), ("five fields", PROJECTED_ASSET_FIELDS)):
            try:
                catalog = bench.catalog_file(LINKEDIN_CONNECTOR, config, "learning_assets", fields)
            except RuntimeError as error:
                return [failed_row(figure, LINKEDIN_CONNECTOR.label, str(error))]
            sandbox.log.clear()
            run = run_child(LINKEDIN_CONNECTOR.invocation("read", config, catalog))
            problem = read_problem(run, expected)
            if problem:
                return [failed_row(figure, f"{LINKEDIN_CONNECTOR.label}, {label}", problem)]
            received[label] = sum(e.response_bytes for e in api_requests(sandbox, "linkedin_learning"))
    share = received["five fields"] / received["all fields"]
    measured = (f"{megabytes(received['five fields'])} with {', '.join(PROJECTED_ASSET_FIELDS)} vs "
                f"{megabytes(received['all fields'])} unprojected: {share:.0%}")
    return [Row(figure, LINKEDIN_CONNECTOR.label, measured, "at most 50%", verdict(share <= 0.5))]


# -- 6. start-up -------------------------------------------------------------------------------
def startup(bench: Bench) -> list[Row]:
    repeats = bench.sizes.startup_repeats
    figure = f"6 Start-up (median of {repeats})"

    def median_run(argv: list[str]) -> tuple[Optional[str], float, float]:
        runs = [run_child(argv, timeout_seconds=120) for _ in range(repeats)]
        problem = next((run.problem() for run in runs if run.problem()), None)
        return problem, statistics.median(r.wall_seconds for r in runs), statistics.median(r.cpu_seconds for r in runs)

    rows: list[Row] = []
    import_problem, import_wall, import_cpu = median_run([BASELINE.argv[0], "-c", "import airbyte_cdk"])
    rows.append(Row(figure, "python -c 'import airbyte_cdk'", f"{seconds(import_wall)} wall, CPU {seconds(import_cpu)}"))
    with make_sandbox(scale="tiny") as sandbox:
        subjects = (
            (LINKEDIN_CONNECTOR, sandbox_config("linkedin_learning", sandbox.url)),
            (LEARNWORLDS_CONNECTOR, sandbox_config("learnworlds", sandbox.url)),
            (BASELINE, linkedin_assets_config(sandbox.url)),
        )
        for command, config_content in subjects[: bench.sizes.startup_connectors]:
            config = bench.workspace.write("startup", config_content)
            parts = []
            for verb in ("spec", "check"):
                problem, wall, cpu = median_run(command.invocation(verb, None if verb == "spec" else config))
                if problem:
                    parts.append(f"{verb}: {problem}")
                    continue
                parts.append(f"{verb} {seconds(wall)} ({wall - import_wall:+.2f} s beside the import), CPU {seconds(cpu)}")
            rows.append(Row(figure, command.label, "; ".join(parts)))
    return rows


SCENARIOS: dict[str, Callable[[Bench], list[Row]]] = {
    "throughput": throughput,
    "latency": latency_hiding,
    "rate_limit": rate_limit,
    "memory": memory,
    "requests": requests_per_record,
    "startup": startup,
}
