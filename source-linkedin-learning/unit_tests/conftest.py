"""Each LinkedIn Learning unit test starts from a clean process: no shared token of an earlier test."""
import pytest

from learning_connector_kit import tokens


@pytest.fixture(autouse=True)
def no_shared_token():
    tokens.forget_tokens()
    yield
    tokens.forget_tokens()
