"""Tokens revoked mid-sync: the sync's one token is minted again once and the sync continues; when
minting fails too, the sync ends with a config error that names the credentials."""
from __future__ import annotations

import re

import pytest

from integration_tests.reliability.harness import FIGURES, KeyedRecords, compare
from integration_tests.reliability.profiles import PROFILES
from sandbox import LoggedRequest


# The manifests' `default_concurrency`: at most this many requests are in flight when a token is revoked.
DEFAULT_WORKERS = {"linkedin_learning": 8, "learnworlds": 3}


def token_requests(sandbox, profile) -> list[LoggedRequest]:
    return [e for e in sandbox.log.entries(app=profile.connector) if "token" in e.path.lower()]


def revoke_midway(clean_requests: int) -> int:
    """Revoke after about half of a clean sync's API requests."""
    return max(1, clean_requests // 2)


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_revoked_token_is_reminted_once_and_the_sync_completes(profile, clean_runs, fresh_sandbox, launcher):
    clean = clean_runs(profile)
    sandbox = profile.sandbox(fresh_sandbox)
    sandbox.set_faults(revoke_tokens_after=revoke_midway(clean.requests))

    run = launcher.run(profile.connector, "read", config=profile.config(sandbox.url), catalog=clean.catalog, timeout=240)

    assert run.exit_code == 0 and not run.errors, run.output[-3000:]
    entries = sandbox.log.entries(app=profile.connector)
    first_401 = next((i for i, e in enumerate(entries) if e.status == 401), None)
    assert first_401 is not None, "no request met the revoked token: the scenario proves nothing"
    mints_before = sum(1 for e in entries[:first_401] if "token" in e.path.lower())
    mints_after = sum(1 for e in entries[first_401:] if "token" in e.path.lower())
    rejected = sum(1 for e in entries if e.status == 401)
    assert (mints_before, mints_after) == (1, 1), f"{mints_before} token(s) before the revocation, {mints_after} after: one token per sync, re-minted once"
    workers = int(profile.config(sandbox.url).get("num_workers") or DEFAULT_WORKERS[profile.connector])
    assert rejected <= workers, f"{rejected} requests were refused with {workers} workers: only requests in flight meet the revoked token, each retried once with the new one"
    difference = compare(KeyedRecords.of([run], clean.catalog), clean.records)
    FIGURES.add_sync(sandbox, compared=len(clean.records.records), lost=len(difference.missing), retries=len(entries) - clean.requests)
    assert not difference, difference.describe()


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_revoked_token_that_cannot_be_reminted_is_a_config_error_naming_the_credentials(profile, clean_runs, fresh_sandbox, launcher):
    clean = clean_runs(profile)
    sandbox = profile.sandbox(fresh_sandbox)
    sandbox.set_faults(revoke_tokens_after=revoke_midway(clean.requests), reject_minting_after_revocation=True)

    run = launcher.run(profile.connector, "read", config=profile.config(sandbox.url), catalog=clean.catalog, timeout=240)

    FIGURES.add_sync(sandbox, compared=0, lost=0)
    assert run.exit_code != 0
    assert run.errors, run.output[-3000:]
    assert {error["failure_type"] for error in run.errors} == {"config_error"}, [(e["failure_type"], e["message"][:200]) for e in run.errors]
    message = run.errors[0]["message"]
    assert all(re.search(rf"\b{field}\b", message) for field in profile.credential_fields), f"the message does not name {profile.credential_fields}: {message}"
    assert "Traceback" not in run.stderr
    refused_mints = sum(1 for e in token_requests(sandbox, profile) if e.status != 200)
    refused_calls = sum(1 for e in sandbox.log.entries(app=profile.connector) if e.status == 401 and "token" not in e.path.lower())
    assert 1 <= refused_mints <= refused_calls, f"{refused_mints} refused mints for {refused_calls} refused calls: at most one re-mint per refused call"


def test_revoked_pre_issued_token_is_a_config_error_naming_it(clean_runs, fresh_sandbox, launcher):
    """LearnWorlds' pre-issued access token cannot be re-minted: its revocation must say so."""
    profile = PROFILES["learnworlds"]
    clean = clean_runs(profile)
    sandbox = profile.sandbox(fresh_sandbox)
    sandbox.set_faults(revoke_tokens_after=revoke_midway(clean.requests))
    config = profile.config(sandbox.url, credentials={"auth_type": "access_token", "access_token": sandbox.app("learnworlds").static_token})

    run = launcher.run(profile.connector, "read", config=config, catalog=clean.catalog, timeout=240)

    FIGURES.add_sync(sandbox, compared=0, lost=0)
    assert run.exit_code != 0
    assert run.errors and run.errors[0]["failure_type"] == "config_error", run.output[-3000:]
    assert "access_token" in run.errors[0]["message"], run.errors[0]["message"]
