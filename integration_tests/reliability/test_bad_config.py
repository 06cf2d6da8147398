"""Invalid configs: `check` answers FAILED naming the field, `read` and `discover` end with a
config-error trace naming it; no traceback, no secret, and no request ever leaves the machine."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest

from integration_tests.connector_runner import configured_catalog, run_connector
from integration_tests.reliability.harness import FIGURES
from integration_tests.reliability.profiles import CANARY, PROFILES

DROP = object()


@dataclass(frozen=True)
class BadConfig:
    connector: str
    case: str
    changes: dict[str, Any]  # dotted path -> new value, or DROP
    field: str  # the field the message must name

    def apply(self, config: dict[str, Any]) -> dict[str, Any]:
        changed = copy.deepcopy(config)
        for path, value in self.changes.items():
            *parents, leaf = path.split(".")
            target = changed
            for part in parents:
                target = target.setdefault(part, {})
            if value is DROP:
                target.pop(leaf, None)
            else:
                target[leaf] = value
        return changed


def linkedin(case: str, field: str, **changes: Any) -> BadConfig:
    return BadConfig("linkedin_learning", case, changes, field)


def learnworlds(case: str, field: str, changes: dict[str, Any]) -> BadConfig:
    return BadConfig("learnworlds", case, changes, field)


BAD_CONFIGS = [
    linkedin("missing client_id", "client_id", client_id=DROP),
    linkedin("blank client_secret", "client_secret", client_secret="   "),
    linkedin("client_secret not text", "client_secret", client_secret=123456789),
    linkedin("start_date not a real date", "start_date", start_date="2024-13-45T00:00:00Z"),
    linkedin("start_date without time", "start_date", start_date="2024-01-01"),
    linkedin("start_date in the future", "start_date", start_date="2999-01-01T00:00:00Z"),
    linkedin("unknown locale", "locales", locales=["xx_XX"]),
    linkedin("locales not a list", "locales", locales="en_US"),
    linkedin("unknown asset type", "asset_types", asset_types=["BOOK"]),
    linkedin("include_retired not boolean", "include_retired", include_retired="yes"),
    linkedin("window over 14 days", "activity_report_window_days", activity_report_window_days=15),
    linkedin("window of 0 days", "activity_report_window_days", activity_report_window_days=0),
    linkedin("negative lookback", "activity_report_lookback_days", activity_report_lookback_days=-1),
    linkedin("unknown aggregation", "activity_report_aggregation_primary", activity_report_aggregation_primary="TEAM"),
    linkedin("api_url over http", "api_url", api_url="http://api.linkedin.com"),
    linkedin("api_url malformed", "api_url", api_url="api.linkedin.com"),
    linkedin("token_url over http", "token_url", token_url="http://www.linkedin.com/oauth/v2/accessToken"),
    linkedin("token_url with user info", "token_url", token_url=f"https://me:{CANARY}@www.linkedin.com/oauth/v2/accessToken"),
    linkedin("no workers", "num_workers", num_workers=0),
    linkedin("workers not a number", "num_workers", num_workers="many"),
    linkedin("zero request budget", "max_requests_per_day", max_requests_per_day=0),
    linkedin("partner referer not a URN", "partner_referer", partner_referer="acme"),
    linkedin("partner referer not ASCII", "partner_referer", partner_referer="urn:li:partner:café"),
    linkedin("api_url with a query", "api_url", api_url="https://api.linkedin.com/?proxy=1"),
    linkedin("api_url with a fragment", "api_url", api_url="https://api.linkedin.com#v2"),
    linkedin("start_date in year 1", "start_date", start_date="0001-01-01T00:00:00Z"),
    # Sent as a header: one this long gets HTTP 431 from the server on every call.
    linkedin("partner referer too long for a header", "partner_referer", partner_referer="urn:li:partner:" + "x" * 9000),
    learnworlds("missing school_url", "school_url", {"school_url": DROP}),
    learnworlds("school_url over http", "school_url", {"school_url": "http://myschool.learnworlds.com"}),
    learnworlds("school_url without scheme", "school_url", {"school_url": "myschool.learnworlds.com"}),
    learnworlds("school_url with the API path", "school_url", {"school_url": "https://myschool.learnworlds.com/admin/api"}),
    learnworlds("missing client_id", "client_id", {"client_id": DROP}),
    learnworlds("client_id not text", "client_id", {"client_id": 12345}),
    learnworlds("missing credentials", "credentials", {"credentials": DROP}),
    learnworlds("unknown auth_type", "credentials", {"credentials.auth_type": "password"}),
    learnworlds("client_credentials without secret", "credentials.client_secret", {"credentials.client_secret": DROP}),
    learnworlds("blank client_secret", "credentials.client_secret", {"credentials.client_secret": ""}),
    learnworlds("access_token branch without token", "credentials.access_token", {"credentials": {"auth_type": "access_token"}}),
    learnworlds("missing start_date", "start_date", {"start_date": DROP}),
    learnworlds("start_date in words", "start_date", {"start_date": "yesterday"}),
    learnworlds("start_date not a real date", "start_date", {"start_date": "2024-02-30T00:00:00Z"}),
    learnworlds("start_date in the future", "start_date", {"start_date": "2999-01-01T00:00:00Z"}),
    learnworlds("request rate of zero", "requests_per_10_seconds", {"requests_per_10_seconds": 0}),
    learnworlds("request rate above the school's", "requests_per_10_seconds", {"requests_per_10_seconds": 31}),
    learnworlds("no workers", "num_workers", {"num_workers": 0}),
    learnworlds("form_ids not a list", "form_ids", {"form_ids": "64f1a2b3"}),
    learnworlds("form id with a slash", "form_ids", {"form_ids": ["64f1a2b3/responses"]}),
    learnworlds("form id with a query", "form_ids", {"form_ids": ["64f1a2b3?page=2"]}),
    learnworlds("form id with a fragment", "form_ids", {"form_ids": ["64f1a2b3#top"]}),
    learnworlds("access token not ASCII", "credentials.access_token", {"credentials": {"auth_type": "access_token", "access_token": "tökén"}}),
    learnworlds("start_date in year 1", "start_date", {"start_date": "0001-01-01T00:00:00Z"}),
]


def test_at_least_twelve_bad_configs_per_connector():
    for connector in PROFILES:
        assert sum(case.connector == connector for case in BAD_CONFIGS) >= 12


@pytest.fixture(scope="module")
def catalogs(discovered) -> dict[str, dict[str, Any]]:
    return {connector: configured_catalog(discovered(connector), streams=profile.fault_streams[:1]) for connector, profile in PROFILES.items()}


def assert_clean_output(run, sandbox_requests_before: int, sandbox) -> None:
    FIGURES.commands_run += 1
    FIGURES.secrets_checked += 1
    assert "Traceback" not in run.output, f"{run.command} printed a traceback:\n{run.output[-3000:]}"
    assert CANARY not in run.output, f"{run.command} printed the secret"
    assert len(sandbox.log.entries()) == sandbox_requests_before, "an invalid config must be refused before any request"


@pytest.mark.parametrize("bad", BAD_CONFIGS, ids=[f"{case.connector}: {case.case}" for case in BAD_CONFIGS])
def test_invalid_config_is_refused_naming_the_field(bad, sandbox, launcher, catalogs):
    profile = PROFILES[bad.connector]
    config = bad.apply(profile.with_secret(profile.config(sandbox.url), CANARY))
    before = len(sandbox.log.entries())

    check = launcher.run(bad.connector, "check", config=config)
    assert check.exit_code == 0
    assert check.connection_status and check.connection_status["status"] == "FAILED", check.output[-2000:]
    assert f"'{bad.field}'" in check.connection_status["message"], check.connection_status["message"]
    assert_clean_output(check, before, sandbox)

    for command in ("discover", "read"):
        run = launcher.run(bad.connector, command, config=config, catalog=catalogs[bad.connector] if command == "read" else None)
        assert run.exit_code != 0, f"{command} accepted the invalid config"
        assert [error["failure_type"] for error in run.errors] == ["config_error"], run.output[-2000:]
        assert f"'{bad.field}'" in run.errors[0]["message"]
        assert not run.records
        assert_clean_output(run, before, sandbox)


def test_console_script_refuses_like_the_pre_warmed_launcher(sandbox, launcher):
    """The launcher's children behave as the installed console script does (same messages and exit codes)."""
    bad = BAD_CONFIGS[0]
    profile = PROFILES[bad.connector]
    config = bad.apply(profile.with_secret(profile.config(sandbox.url), CANARY))
    real, forked = run_connector(bad.connector, "check", config=config), launcher.run(bad.connector, "check", config=config)
    assert (real.exit_code, real.connection_status) == (forked.exit_code, forked.connection_status)
    assert real.stderr == forked.stderr == ""


@pytest.mark.parametrize("connector, field, local_url", [
    ("linkedin_learning", "api_url", "http://localhost:{port}"),
    ("linkedin_learning", "token_url", "http://127.0.0.1:{port}/oauth/v2/accessToken"),
    ("learnworlds", "school_url", "http://localhost:{port}"),
])
def test_loopback_http_overrides_are_accepted(connector, field, local_url, sandbox, launcher):
    """http:// is refused except on loopback addresses, which local tests use."""
    port = sandbox.url.rsplit(":", 1)[1]
    config = PROFILES[connector].config(sandbox.url, **{field: local_url.format(port=port)})
    check = launcher.run(connector, "check", config=config, timeout=120)
    assert (check.connection_status or {}).get("status") == "SUCCEEDED", check.output[-2000:]
