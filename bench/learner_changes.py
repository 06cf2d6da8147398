"""`python -m bench.learner_changes [--learners 20000] [--active-share 0.02]`: the change pass of
LearnWorlds' five per-learner streams against a school where a share of the learners was active
for a day, under the school's 30 requests / 10 s (BENCHMARKS.md, "Per-learner streams").

The sync starts from the state a completed full pass leaves (the newest event and the newest
registration), so the full pass itself, 5 requests per learner, is projected rather than run: at
20,000 learners it takes about 9.5 hours.
"""
from __future__ import annotations

import argparse
import json
import os
import threading
import time
import tracemalloc
from datetime import datetime, timezone

from integration_tests.connector_runner import configured_catalog, run_connector
from sandbox import make_sandbox, sandbox_config

STREAMS = ("user_enrollments", "user_progress", "user_products", "user_seats", "user_group_memberships")
LEARNER_REQUEST = "/admin/api/v2/users/"
LIST_PATHS = ("/admin/api/v2/users", "/admin/api/v2/event-logs")


def rfc3339(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ChildPeakMemory:
    """The largest `VmHWM` of this process's children while it runs. Not `ru_maxrss`: a child's counts
    the memory of the benchmark process it was spawned from (the sandbox's school), not its own."""

    def __init__(self, interval_seconds: float = 0.05) -> None:
        self.peak_kib, self._interval, self._stopped = 0, interval_seconds, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "ChildPeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stopped.set()
        self._thread.join()

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stopped.wait(self._interval):
            for task in os.listdir(f"/proc/{me}/task"):
                try:
                    children = open(f"/proc/{me}/task/{task}/children").read().split()
                    for child in children:
                        for line in open(f"/proc/{child}/status"):
                            if line.startswith("VmHWM:"):
                                self.peak_kib = max(self.peak_kib, int(line.split()[1]))
                except OSError:
                    continue  # a child or thread that ended between two reads


def kept_learner_list_mib(school) -> float:
    """What a full pass keeps of the learner list for the sync (learning_connector_kit.shared_lists: the
    id and the converted `created` of each learner), measured as Python objects of the same shape."""
    tracemalloc.start()
    kept = [{"id": str(user["id"]), "created": rfc3339(user["created"])} for user in school.users]
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return round(size / 2**20, 1)


def measure(learners: int, active_share: float) -> dict:
    with make_sandbox(scale="bench", apps=["learnworlds"], learnworlds={"user_count": learners}) as sandbox:
        school = sandbox.app("learnworlds").dataset
        config = sandbox_config("learnworlds", sandbox.url, start_date="2023-01-01T00:00:00Z",
                                learner_full_pass_days=3650)  # the school's clock is behind today's
        catalog = configured_catalog(run_connector("learnworlds", "discover", config=config).catalog, streams=STREAMS)
        positions = {"learner_events": {"created": rfc3339(school.event_logs[-1]["created"])},
                     "learners": {"created": rfc3339(max(user["created"] for user in school.users))}}
        state = [{"type": "STREAM", "stream": {"stream_descriptor": {"name": name}, "stream_state": {
            "use_global_cursor": True, "lookback_window": 0, "parent_state": positions}}} for name in STREAMS]
        day = school.simulate_day(1, active_share=active_share)
        time.sleep(11)  # the discover's calls leave the school's window
        first_entry, rejected_before = len(sandbox.log.entries(app="learnworlds")), sandbox.app("learnworlds").rejected
        started = time.monotonic()
        with ChildPeakMemory() as memory:
            run = run_connector("learnworlds", "read", config=config, catalog=catalog, state=state, timeout=6 * 3600)
        seconds = time.monotonic() - started
        entries = sandbox.log.entries(app="learnworlds")[first_entry:]
        per_learner = [entry for entry in entries if entry.path.startswith(LEARNER_REQUEST) and entry.path.count("/") == 6]
        lists = [entry for entry in entries if entry.path in LIST_PATHS]
        answered = [entry for entry in entries if entry.status != 429]
        with_event = set(day.changed_with_event)
        read = {entry.path.split("/")[5] for entry in per_learner}
        return {
            "exit_code": run.exit_code, "learners": learners, "active": len(day.changed),
            "active_with_event": len(with_event), "learners_read": len(read),
            "learners_read_without_a_change": len(read - set(day.changed)),
            "requests": len(entries), "per_learner_requests": len(per_learner), "list_and_event_log_requests": len(lists),
            "bound": round(1.1 * (len(with_event) * len(STREAMS) + len(lists)), 1),
            "answers_429": sandbox.app("learnworlds").rejected - rejected_before,
            "seconds": round(seconds, 1), "rate_limit_minimum_seconds": round(len(answered) / 3.0, 1),
            "read_peak_rss_mib": round(memory.peak_kib / 1024, 1),
            "full_pass_kept_learner_list_mib": kept_learner_list_mib(school),
        }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.learner_changes", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--active-share", type=float, default=0.02)
    args = parser.parse_args()
    print(json.dumps(measure(args.learners, args.active_share), indent=1))


if __name__ == "__main__":
    main()
