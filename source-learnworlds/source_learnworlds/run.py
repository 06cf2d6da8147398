"""Console entry point: `source-learnworlds spec|check|discover|read --config ... [--catalog ...] [--state ...]`."""
from learning_connector_kit.source import run_source

from source_learnworlds.source import SourceLearnworlds


def run() -> None:
    run_source(SourceLearnworlds)
