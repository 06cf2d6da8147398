"""Every command (spec, check, discover, read; succeeding and failing; with and without --debug)
runs with distinctive secret values, which the sandbox accepts; none of them, nor any access token
the sandbox issued, nor their usual encodings, appears in stdout or stderr."""
from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

import pytest

from integration_tests.connector_runner import configured_catalog
from integration_tests.reliability.harness import FIGURES
from integration_tests.reliability.profiles import CANARY, PROFILES, Profile

WRONG_CANARY = "S3CRET-canary-wrong-5d21e8"
TOKEN_CANARY = "S3CRET-canary-token-b64e07"


def secret_forms(client_id: str, secret: str) -> set[str]:
    """The secret as it could leak: plain, URL-encoded, and inside a Basic authorization header."""
    return {secret, quote(secret, safe=""), base64.b64encode(f"{client_id}:{secret}".encode()).decode(), base64.b64encode(secret.encode()).decode()}


@pytest.fixture
def canary_sandbox(profile, fresh_sandbox, monkeypatch):
    """A sandbox that accepts the canary secret (and, for LearnWorlds, the canary access token)."""
    sandbox = profile.sandbox(fresh_sandbox)
    app = sandbox.app(profile.connector)
    if profile.connector == "learnworlds":
        monkeypatch.setattr(app, "client_secret", CANARY)
        monkeypatch.setattr(app, "static_token", TOKEN_CANARY)
    else:
        monkeypatch.setattr("sandbox.linkedin_learning.app.LINKEDIN_CLIENT_SECRET", CANARY)
    return sandbox


def commands(profile: Profile, sandbox, debug: bool) -> list[tuple[str, dict[str, Any], bool]]:
    """(command, config, should succeed) with the accepted and a wrong secret. Debug output holds
    everything normal output does (and the requests), so normal mode repeats only the failures."""
    good = profile.with_secret(profile.config(sandbox.url), CANARY)
    wrong = profile.with_secret(good, WRONG_CANARY)
    failures = [("check", wrong, False), ("read", wrong, False)]
    if not debug:
        return failures
    runs = [("spec", None, True), ("check", good, True), ("discover", good, True), ("read", good, True), *failures]
    if profile.connector == "learnworlds":
        runs.append(("read", {**good, "credentials": {"auth_type": "access_token", "access_token": TOKEN_CANARY}}, True))
    return runs


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
@pytest.mark.parametrize("debug", [False, True], ids=["normal", "debug"])
def test_no_secret_in_any_output(profile, debug, canary_sandbox, launcher, discovered):
    sandbox = canary_sandbox
    client_id = profile.config(sandbox.url)["client_id"]
    catalog = configured_catalog(discovered(profile.connector), streams=profile.fault_streams[:1])
    outcomes = []
    for command, config, should_succeed in commands(profile, sandbox, debug):
        run = launcher.run(
            profile.connector, command, config=config, catalog=catalog if command == "read" else None,
            extra_args=["--debug"] if debug else [], timeout=180,
        )
        succeeded = run.exit_code == 0 and not run.errors and (command != "check" or run.connection_status["status"] == "SUCCEEDED")
        outcomes.append((command, succeeded, should_succeed))
        if command == "read" and should_succeed:
            assert run.records, f"the read with the canary secret delivered nothing:\n{run.output[-2000:]}"
        tokens = set(sandbox.app(profile.connector).tokens.issued())
        secrets = secret_forms(client_id, CANARY) | secret_forms(client_id, WRONG_CANARY) | secret_forms(client_id, TOKEN_CANARY) | tokens
        leaked = sorted(secret for secret in secrets if secret in run.output)
        FIGURES.commands_run += 1
        FIGURES.secrets_checked += len(secrets)
        FIGURES.secrets_leaked += len(leaked)
        assert not leaked, f"{run.command} {'--debug ' if debug else ''}printed {len(leaked)} secret value(s); first lines containing one:\n" + "\n".join(
            line[:400] for line in run.output.splitlines() if any(secret in line for secret in leaked)
        )[:3000]
    assert [(command, ok) for command, ok, _ in outcomes] == [(command, expected) for command, _, expected in outcomes]
