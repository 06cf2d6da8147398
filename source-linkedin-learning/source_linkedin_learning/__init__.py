"""Airbyte source for the LinkedIn Learning API (catalog, taxonomy and learner activity)."""
from source_linkedin_learning.source import SourceLinkedinLearning

__all__ = ["SourceLinkedinLearning"]
