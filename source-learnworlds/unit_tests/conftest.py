"""Each LearnWorlds unit test starts from a clean process: no shared token, no cached parent pages."""
import pytest

from learning_connector_kit import tokens


@pytest.fixture(autouse=True)
def isolated_process_state(monkeypatch, tmp_path):
    """Each test starts without shared tokens or cached parent pages of an earlier test."""
    tokens.forget_tokens()
    monkeypatch.setenv("REQUEST_CACHE_PATH", str(tmp_path))
    yield
    tokens.forget_tokens()
