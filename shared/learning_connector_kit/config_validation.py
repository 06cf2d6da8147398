"""Checks of a config beyond what its JSON schema can say, with messages that name the field."""
from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Sequence

# A rule looks at the whole config and returns a message naming the field, or None when it is fine.
ConfigRule = Callable[[Mapping[str, Any]], Optional[str]]


def config_problems(rules: Sequence[ConfigRule], config: Mapping[str, Any]) -> list[str]:
    return [message for rule in rules if (message := rule(config))]
