"""Token requests against hostile and broken token endpoints (issue 13 items 1, 3 and 9): a redirect
is never followed, a failing endpoint is given up within a bound, and extreme lifetimes are clamped.
LinkedIn's token endpoint is `token_url`; LearnWorlds' lives under `school_url`."""
from __future__ import annotations

import time

import pytest

from integration_tests.connector_runner import configured_catalog
from integration_tests.reliability.harness import FIGURES
from integration_tests.reliability.hostile import HostileServer, failing_forever, redirect_to, token_proxy
from integration_tests.reliability.profiles import CANARY, PROFILES
from integration_tests.reliability.test_secrets import secret_forms

TOKEN_FIELD = {"linkedin_learning": "token_url", "learnworlds": "school_url"}


def pointed_at(connector: str, base_url: str) -> dict:
    """A config with the canary secret whose token endpoint (and API) is `base_url`."""
    profile = PROFILES[connector]
    config = profile.with_secret(profile.config(base_url), CANARY)
    if connector == "linkedin_learning":
        config["token_url"] = f"{base_url}/oauth/v2/accessToken"
    return config


@pytest.mark.parametrize("status", [307, 308])
@pytest.mark.parametrize("connector", list(PROFILES))
def test_a_redirected_token_request_is_never_followed(connector, status, launcher, discovered):
    """The second host (another host name, same machine) receives nothing; the secret stays put."""
    with HostileServer(redirect_to("", status)) as elsewhere, HostileServer(redirect_to("", status)) as hostile:
        hostile.behaviour = redirect_to(f"http://localhost:{elsewhere.port}/steal", status)
        catalog = configured_catalog(discovered(connector), streams=PROFILES[connector].fault_streams[:1])
        run = launcher.run(connector, "read", config=pointed_at(connector, hostile.url), catalog=catalog, timeout=120)
        check = launcher.run(connector, "check", config=pointed_at(connector, hostile.url), timeout=120)

    FIGURES.commands_run += 2
    assert elsewhere.received == [], f"the redirect was followed: {[(r.method, r.path) for r in elsewhere.received]}"
    assert [r.method for r in hostile.received] == ["POST", "POST"], "one token request per command, no retry of a redirect"
    assert run.exit_code != 0 and not run.records
    assert {error["failure_type"] for error in run.errors} == {"config_error"}, run.output[-2000:]
    field = TOKEN_FIELD[connector]
    assert f"'{field}'" in run.errors[0]["message"] and "redirect" in run.errors[0]["message"], run.errors[0]["message"]
    assert check.connection_status["status"] == "FAILED" and f"'{field}'" in check.connection_status["message"]
    for output in (run.output, check.output):
        assert not [form for form in secret_forms("", CANARY) if form in output]


@pytest.mark.parametrize("connector", list(PROFILES))
def test_a_token_endpoint_failing_forever_fails_within_the_documented_bound(connector, launcher, discovered):
    with HostileServer(failing_forever(500)) as hostile:
        catalog = configured_catalog(discovered(connector), streams=PROFILES[connector].fault_streams[:1])
        started = time.monotonic()
        run = launcher.run(connector, "read", config=pointed_at(connector, hostile.url), catalog=catalog, timeout=300)
        seconds = time.monotonic() - started

    print(f"{connector}: a token endpoint answering 500 forever failed the sync after {seconds:.1f} s")
    token_requests = [r for r in hostile.received if r.method == "POST"]
    assert run.exit_code != 0 and run.errors, run.output[-2000:]
    assert TOKEN_FIELD[connector] in run.errors[0]["message"]
    assert len(token_requests) == 5, f"{len(token_requests)} token requests: the documented bound is 5"
    assert seconds < 40, f"{seconds:.0f} s: the docs promise about 15 s of waiting"


@pytest.mark.parametrize("expires_in", [10**30, 0, -60], ids=["1e30", "zero", "negative"])
def test_an_extreme_token_lifetime_is_clamped(expires_in, fresh_sandbox, launcher, discovered):
    """LinkedIn, whose token endpoint is its own field: the sandbox mints, a proxy rewrites `expires_in`."""
    profile = PROFILES["linkedin_learning"]
    sandbox = profile.sandbox(fresh_sandbox)
    config = profile.config(sandbox.url)
    catalog = configured_catalog(discovered(profile.connector), streams=["learning_classifications", "learning_activity_reports"])
    with HostileServer(token_proxy(config["token_url"], expires_in)) as proxy:
        run = launcher.run(profile.connector, "read", config={**config, "token_url": f"{proxy.url}/oauth/v2/accessToken"}, catalog=catalog, timeout=240)

    FIGURES.add_sync(sandbox, compared=0, lost=0)
    assert run.exit_code == 0 and not run.errors, run.output[-3000:]
    assert "OverflowError" not in run.output
    api_requests = [e for e in sandbox.log.entries(app=profile.connector) if "token" not in e.path.lower()]
    assert len(api_requests) > 3 and run.records
    assert len(proxy.received) == 1, f"{len(proxy.received)} tokens minted for {len(api_requests)} API requests: one per sync"


@pytest.mark.parametrize("json_token_body_only", [False, True], ids=["form-or-json school", "json-only school"])
def test_learnworlds_mints_under_either_token_body_reading(json_token_body_only, fresh_sandbox, launcher, discovered):
    """Issue 10 item 11: the documented `data=<JSON>` form first; a school that refuses it (400) gets
    the JSON body once, and every later mint of the sync sends the form that worked."""
    profile = PROFILES["learnworlds"]
    sandbox = profile.sandbox(fresh_sandbox, json_token_body_only=json_token_body_only)
    sandbox.set_faults(revoke_tokens_after=1)  # a second mint in the same sync
    catalog = configured_catalog(discovered(profile.connector), streams=["courses", "users"], incremental=False)
    run = launcher.run(profile.connector, "read", config=profile.config(sandbox.url), catalog=catalog, timeout=240)

    FIGURES.add_sync(sandbox, compared=0, lost=0)
    assert run.exit_code == 0 and not run.errors, run.output[-3000:]
    dataset = sandbox.app("learnworlds").dataset
    delivered = {stream: sorted(r["data"]["id"] for r in run.records if r["stream"] == stream) for stream in ("courses", "users")}
    assert delivered == {"courses": sorted(c["id"] for c in dataset.courses), "users": sorted(u["id"] for u in dataset.users)}
    mints = [(e.status, (e.headers.get("Content-Type") or "").split(";")[0]) for e in sandbox.log.entries(app="learnworlds") if "token" in e.path]
    form, json_body = "application/x-www-form-urlencoded", "application/json"
    if json_token_body_only:
        assert mints[:2] == [(400, form), (200, json_body)] and mints[2:] and set(mints[2:]) == {(200, json_body)}, mints
    else:
        assert len(mints) >= 2 and set(mints) == {(200, form)}, mints
