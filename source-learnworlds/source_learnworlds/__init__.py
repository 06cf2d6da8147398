"""Airbyte source for a LearnWorlds school (API v2)."""
from source_learnworlds.source import SourceLearnworlds

__all__ = ["SourceLearnworlds"]
