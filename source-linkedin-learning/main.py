"""`python main.py spec|check|discover|read --config ... [--catalog ...] [--state ...]`."""
import sys

try:
    from source_linkedin_learning.run import run
except ModuleNotFoundError as missing:
    # Run with a Python that lacks the project's environment: say how to get into it.
    sys.exit(f"{missing}: activate the project's environment first, from the repository's root: "
             "`source .venv/bin/activate` (any `python3 tasks.py` command creates .venv on its first run; "
             "see docs/real-credentials.md).")

if __name__ == "__main__":
    run()
