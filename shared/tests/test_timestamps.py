from learning_connector_kit.timestamps import epoch_millis_to_rfc3339, epoch_seconds_to_rfc3339


def test_fractional_unix_seconds_keep_microseconds():
    assert epoch_seconds_to_rfc3339(1587639230.083278) == "2020-04-23T10:53:50.083278Z"


def test_whole_unix_seconds_serialised_as_integers():
    assert epoch_seconds_to_rfc3339(1626088013) == "2021-07-12T11:06:53Z"


def test_epoch_millis():
    assert epoch_millis_to_rfc3339(1627267600000) == "2021-07-26T02:46:40Z"
    assert epoch_millis_to_rfc3339(1627267600123) == "2021-07-26T02:46:40.123Z"


def test_missing_values_stay_missing():
    assert epoch_seconds_to_rfc3339(None) is None
    assert epoch_millis_to_rfc3339(None) is None


import math

import pytest


@pytest.mark.parametrize("value", [1e22, -1e22, math.inf, math.nan])
def test_a_number_no_date_can_hold_is_a_value_error_never_an_overflow(value):
    for convert in (epoch_seconds_to_rfc3339, epoch_millis_to_rfc3339):
        with pytest.raises(ValueError, match="is not a date"):
            convert(value)
