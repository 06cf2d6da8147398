"""Each LearnWorlds unit test starts from a clean process: no shared token, no cached parent pages."""
import pytest

from source_learnworlds import components


@pytest.fixture(autouse=True)
def isolated_process_state(monkeypatch, tmp_path):
    """Each test starts without shared tokens or cached parent pages of an earlier test."""
    components._minted_tokens.clear()
    components._replacement_tokens.clear()
    monkeypatch.setenv("REQUEST_CACHE_PATH", str(tmp_path))
    yield
    components._minted_tokens.clear()
    components._replacement_tokens.clear()
