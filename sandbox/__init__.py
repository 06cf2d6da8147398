"""A local emulator of the LinkedIn Learning and LearnWorlds APIs (see ARCHITECTURE: the sandbox).

    with make_sandbox(scale="small") as sandbox:
        config = sandbox_config("linkedin_learning", sandbox.url)
        ...  # run a connector with `config`; compare with sandbox.app("linkedin_learning").dataset
"""
from __future__ import annotations

from typing import Any, Iterable

from sandbox.core import Faults, LoggedRequest, Request, Response, Sandbox, SlidingWindowLimiter, TokenStore

# The credentials the sandbox accepts. Anything else is refused like the real APIs refuse it.
LINKEDIN_CLIENT_ID = "sandbox-linkedin-client"
LINKEDIN_CLIENT_SECRET = "sandbox-linkedin-secret"
LEARNWORLDS_CLIENT_ID = "sandbox-learnworlds-client"
LEARNWORLDS_CLIENT_SECRET = "sandbox-learnworlds-secret"
LEARNWORLDS_STATIC_TOKEN = "sandbox-learnworlds-static-token"

APP_NAMES = ("linkedin_learning", "learnworlds")


def build_app(name: str, scale: str = "small", seed: int = 7, **options: Any):
    if name == "linkedin_learning":
        from sandbox.linkedin_learning import LinkedInLearningApp

        return LinkedInLearningApp(scale=scale, seed=seed, **options)
    if name == "learnworlds":
        from sandbox.learnworlds import LearnWorldsApp

        return LearnWorldsApp(scale=scale, seed=seed, **options)
    raise ValueError(f"unknown app {name!r}; choose from {APP_NAMES}")


def make_sandbox(scale: str = "small", seed: int = 7, apps: Iterable[str] = APP_NAMES, port: int = 0, **options: Any) -> Sandbox:
    """A sandbox (not yet started) serving the named apps with data of the given scale."""
    return Sandbox([build_app(name, scale=scale, seed=seed, **options.get(name, {})) for name in apps], port=port)


def sandbox_config(connector: str, base_url: str, **overrides: Any) -> dict[str, Any]:
    """A connector config that points at a running sandbox (the contract's field names)."""
    if connector == "linkedin_learning":
        config = {
            "client_id": LINKEDIN_CLIENT_ID,
            "client_secret": LINKEDIN_CLIENT_SECRET,
            "start_date": "2024-01-01T00:00:00Z",
            "api_url": base_url,
            "token_url": f"{base_url}/oauth/v2/accessToken",
        }
    elif connector == "learnworlds":
        config = {
            "school_url": base_url,
            "client_id": LEARNWORLDS_CLIENT_ID,
            "credentials": {"auth_type": "client_credentials", "client_secret": LEARNWORLDS_CLIENT_SECRET},
            "start_date": "2024-01-01T00:00:00Z",
        }
    else:
        raise ValueError(f"unknown connector {connector!r}")
    config.update(overrides)
    return config


__all__ = [
    "Faults", "LoggedRequest", "Request", "Response", "Sandbox", "SlidingWindowLimiter", "TokenStore",
    "build_app", "make_sandbox", "sandbox_config",
]
