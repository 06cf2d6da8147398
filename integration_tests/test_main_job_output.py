"""The main job's output when stderr is not a terminal: PyAirbyte's hint about its own
`force_full_refresh` parameter becomes the job's `--fresh`, and its closing divider ends its line."""
from __future__ import annotations

import io

from demo.progress import TidyStderr


def written(*parts: str) -> str:
    target = io.StringIO()
    tidy = TidyStderr(target)
    for part in parts:
        assert tidy.write(part) == len(part)
    return target.getvalue()


def test_the_full_refresh_hint_names_the_jobs_own_flag():
    # PyAirbyte prints the hint with print(): the message, then a line break, in two writes.
    hint = ("The following streams are currently using incremental sync:\n{'payments'}\n"
            "To perform a full refresh, set 'force_full_refresh=True' in 'airbyte.read()' method.")
    output = written("before\n", hint, "\n", "after\n")
    assert output == "before\n  Incremental streams resume from the state saved in the database; --fresh starts over.\nafter\n"


def test_a_divider_is_not_glued_to_the_next_line():
    assert written("────────", "Writing PyAirbyte performance stats\n") == "────────\nWriting PyAirbyte performance stats\n"
    assert written("────────\n", "next\n") == "────────\nnext\n"
    assert written("plain", " text\n") == "plain text\n"
