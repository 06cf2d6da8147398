"""The LearnWorlds API v2 emulator (see README.md beside this file)."""
from sandbox.learnworlds.app import LearnWorldsApp
from sandbox.learnworlds.dataset import LearnWorldsDataset

__all__ = ["LearnWorldsApp", "LearnWorldsDataset"]
