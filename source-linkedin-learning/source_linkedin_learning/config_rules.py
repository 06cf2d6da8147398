"""Config checks beyond the spec's JSON schema (see learning_connector_kit.config_validation).

The spec already bounds the numbers and lists the allowed values; these rules add what a JSON
schema cannot say: blank credentials, a real and past `start_date` from 1970 on, override URLs that
never send the client secret in clear text (the API's without a query, which requests would drop),
and a partner identifier an HTTP header can carry.
"""
from learning_connector_kit.config_validation import ConfigRule, https_url, rfc3339_not_future, text

PARTNER_REFERER_MAX_LENGTH = 200

CONFIG_RULES: tuple[ConfigRule, ...] = (
    text("client_id"),
    text("client_secret"),
    # Sent as the `referer` header: a huge one gets HTTP 431 from LinkedIn or a proxy on every call.
    text("partner_referer", sent_in_header=True, max_length=PARTNER_REFERER_MAX_LENGTH),
    rfc3339_not_future("start_date"),
    https_url("api_url", base=True),
    https_url("token_url"),
)
