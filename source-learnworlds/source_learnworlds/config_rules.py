"""Config checks beyond the spec's JSON schema (see learning_connector_kit.config_validation).

The spec already requires the fields and picks the credentials branch; these rules add what a
JSON schema cannot say: blank credentials, a real and past `start_date`, a school address that
never sends credentials in clear text, and a request rate within the school's 30 per 10 seconds.
"""
from learning_connector_kit.config_validation import ConfigRule, https_url, int_range, rfc3339_not_future, text

SCHOOL_REQUESTS_PER_10_SECONDS = 30

CONFIG_RULES: tuple[ConfigRule, ...] = (
    https_url("school_url"),
    text("client_id"),
    text("credentials.client_secret"),
    text("credentials.access_token"),
    rfc3339_not_future("start_date"),
    int_range("requests_per_10_seconds", 1, SCHOOL_REQUESTS_PER_10_SECONDS),
)
