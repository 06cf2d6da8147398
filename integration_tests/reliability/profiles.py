"""Per connector: the small, non-fan-out streams the scenarios sync, its config and its emulator's options."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from sandbox import Sandbox, sandbox_config

CANARY = "S3CRET-canary-7f3a9c"  # distinctive: any occurrence in an output is a leak
SCALE = "small"
# The emulated LinkedIn activity moves with its clock (latestDataAt follows the hour): every sandbox
# of the session shares one clock, so a faulted sync and the clean one see the same data.
SESSION_NOW_MS = int(time.time()) * 1000


def days_ago(days: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).strftime("%Y-%m-%dT00:00:00Z")


@dataclass(frozen=True)
class Profile:
    connector: str
    # Streams a fault scenario syncs: a handful of requests, no per-parent fan-out.
    fault_streams: tuple[str, ...]
    # Incremental streams for the interruption scenario.
    incremental_streams: tuple[str, ...]
    config_overrides: Callable[[], dict[str, Any]]
    # The fields a credential failure must name.
    credential_fields: tuple[str, ...]
    app_options: dict[str, Any] = field(default_factory=dict)

    def config(self, base_url: str, **overrides: Any) -> dict[str, Any]:
        return sandbox_config(self.connector, base_url, **{**self.config_overrides(), **overrides})

    def with_secret(self, config: dict[str, Any], secret: str) -> dict[str, Any]:
        """The config with `secret` as its client secret."""
        if self.connector == "learnworlds":
            return {**config, "credentials": {"auth_type": "client_credentials", "client_secret": secret}}
        return {**config, "client_secret": secret}

    def sandbox(self, factory: Callable[..., Sandbox], **app_options: Any) -> Sandbox:
        """A sandbox serving only this connector's API (from `fresh_sandbox` or `session_sandbox`)."""
        return factory(scale=SCALE, apps=[self.connector], **{self.connector: {**self.app_options, **app_options}})


LINKEDIN = Profile(
    connector="linkedin_learning",
    fault_streams=("learning_classifications", "learning_assets", "learning_activity_reports"),
    incremental_streams=("learning_assets", "learning_activity_reports"),
    # Four weekly activity windows keep a sync to a few dozen requests.
    config_overrides=lambda: {"start_date": days_ago(28), "locales": ["en_US"]},
    credential_fields=("client_id", "client_secret"),
    app_options={"now_ms": SESSION_NOW_MS},
)

LEARNWORLDS = Profile(
    connector="learnworlds",
    fault_streams=("courses", "payments", "event_logs", "users", "bundles", "promotions", "user_roles"),
    incremental_streams=("payments", "event_logs"),
    config_overrides=lambda: {},
    credential_fields=("client_id", "client_secret"),
)

PROFILES = {profile.connector: profile for profile in (LINKEDIN, LEARNWORLDS)}
