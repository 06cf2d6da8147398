"""Config checks beyond the spec's JSON schema (see learning_connector_kit.config_validation).

The spec already requires the fields and picks the credentials branch; these rules add what a
JSON schema cannot say: blank credentials, a real and past `start_date` from 1970 on, a school
address that never sends credentials in clear text, header values (the client id, an access
token) that HTTP can carry, form ids that stay one path segment, and a request rate within the
school's 30 per 10 seconds.
"""
from learning_connector_kit.config_validation import ConfigRule, https_url, int_range, rfc3339_not_future, text, url_path_segments

SCHOOL_REQUESTS_PER_10_SECONDS = 30

CONFIG_RULES: tuple[ConfigRule, ...] = (
    https_url("school_url", base=True),
    text("client_id", sent_in_header=True),
    text("credentials.client_secret"),
    text("credentials.access_token", sent_in_header=True),
    rfc3339_not_future("start_date"),
    url_path_segments("form_ids"),
    int_range("requests_per_10_seconds", 1, SCHOOL_REQUESTS_PER_10_SECONDS),
)
