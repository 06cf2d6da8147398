"""The LinkedIn Learning API emulator: `LinkedInLearningApp` (HTTP) over `LinkedInLearningDataset` (data)."""
from sandbox.linkedin_learning.app import UNLICENSED_CLIENT_ID, UNLICENSED_CLIENT_SECRET, LinkedInLearningApp
from sandbox.linkedin_learning.dataset import LinkedInLearningDataset

__all__ = ["LinkedInLearningApp", "LinkedInLearningDataset", "UNLICENSED_CLIENT_ID", "UNLICENSED_CLIENT_SECRET"]
