"""Console entry point: `source-linkedin-learning spec|check|discover|read --config ... [--catalog ...] [--state ...]`."""
from learning_connector_kit.source import run_source

from source_linkedin_learning.source import SourceLinkedinLearning


def run() -> None:
    run_source(SourceLinkedinLearning)
