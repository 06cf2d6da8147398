"""Config checks beyond the spec's JSON schema (see learning_connector_kit.config_validation)."""
from learning_connector_kit.config_validation import ConfigRule

CONFIG_RULES: tuple[ConfigRule, ...] = ()
