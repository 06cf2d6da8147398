"""Errors are classified: 401/403 are config errors saying what to do, a 400 carries the API's own
message, and LinkedIn's daily quota is a transient error that says when it resets, state saved."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from integration_tests.reliability.harness import FIGURES
from integration_tests.reliability.profiles import PROFILES
from sandbox.linkedin_learning import UNLICENSED_CLIENT_ID, UNLICENSED_CLIENT_SECRET

# The CDK's own texts for these statuses: a message that is only this says nothing to the user.
CDK_DEFAULT_MESSAGES = re.compile(r"^HTTP Status Code: \d+\. Error: [^.]+\.( Please [^.]+\.)?$")


def failed_read(profile, clean, sandbox, launcher, config=None):
    run = launcher.run(profile.connector, "read", config=config or profile.config(sandbox.url), catalog=clean.catalog, timeout=240)
    FIGURES.add_sync(sandbox, compared=0, lost=0)
    assert run.exit_code != 0, "the sync succeeded although every call was refused"
    assert run.errors, run.output[-3000:]
    assert "Traceback" not in run.stderr
    return run


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_401_after_a_fresh_token_is_a_config_error_naming_the_credentials(profile, clean_runs, fresh_sandbox, launcher):
    sandbox = profile.sandbox(fresh_sandbox)
    sandbox.set_faults(error_rate=1.0, error_status=401, error_message="Invalid access token")

    run = failed_read(profile, clean_runs(profile), sandbox, launcher)

    error = run.errors[0]
    assert error["failure_type"] == "config_error", error
    assert all(re.search(rf"\b{field}\b", error["message"]) for field in profile.credential_fields), error["message"]


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_403_is_a_config_error_that_says_what_to_do(profile, clean_runs, fresh_sandbox, launcher):
    sandbox = profile.sandbox(fresh_sandbox)
    config = profile.config(sandbox.url)
    if profile.connector == "linkedin_learning":
        # The emulated API's own 403: a valid application without a LinkedIn Learning licence.
        config.update(client_id=UNLICENSED_CLIENT_ID, client_secret=UNLICENSED_CLIENT_SECRET)
    else:
        sandbox.set_faults(error_rate=1.0, error_status=403, error_message="Forbidden")

    run = failed_read(profile, clean_runs(profile), sandbox, launcher, config)

    error = run.errors[0]
    assert error["failure_type"] == "config_error", error
    assert not CDK_DEFAULT_MESSAGES.match(error["message"]), f"only the CDK's generic text: {error['message']}"
    assert "client_id" in error["message"], f"the message should name the client whose access is missing: {error['message']}"


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_400_carries_the_api_message(profile, clean_runs, fresh_sandbox, launcher):
    api_message = "Invalid parameter 'count': must be 100 or less (injected)"
    sandbox = profile.sandbox(fresh_sandbox)
    sandbox.set_faults(error_rate=1.0, error_status=400, error_message=api_message)

    run = failed_read(profile, clean_runs(profile), sandbox, launcher)

    assert any(api_message in error["message"] for error in run.errors), [error["message"] for error in run.errors]


def test_linkedin_daily_quota_is_transient_with_the_reset_time_and_state_saved(clean_runs, fresh_sandbox, launcher):
    profile = PROFILES["linkedin_learning"]
    clean = clean_runs(profile)
    sandbox = profile.sandbox(fresh_sandbox, daily_quota=clean.api_requests // 2)
    workers = 2

    run = launcher.run(profile.connector, "read", config=profile.config(sandbox.url, num_workers=workers), catalog=clean.catalog, timeout=240)

    FIGURES.add_sync(sandbox, compared=0, lost=0)
    quota_answers = [e for e in sandbox.log.entries() if e.status == 429]
    assert quota_answers, "the quota was never reached: the scenario proves nothing"
    assert run.exit_code != 0 and run.errors, run.output[-3000:]
    error = run.errors[0]
    assert error["failure_type"] == "transient_error", error
    reset = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%d")
    assert "00:00 UTC" in error["message"] and reset in error["message"], f"the message should say when the quota resets: {error['message']}"
    assert run.final_state(), "no state was saved before the sync stopped"
    assert len(quota_answers) <= workers, f"{len(quota_answers)} requests met the exhausted quota: the sync should stop at the first (one per worker in flight)"
