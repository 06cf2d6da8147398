"""Output scrubbing: every written form of a secret is masked, whatever quotes it."""
from __future__ import annotations

import base64
import io
import json
import sys
from urllib.parse import quote

import pytest

from learning_connector_kit import scrubbing

SECRET = "S3cret/with+signs"
CRLF_TOKEN = "tok\r\nInjected: yes"


@pytest.fixture(autouse=True)
def no_secrets():
    scrubbing.forget_secrets()
    yield
    scrubbing.forget_secrets()


@pytest.mark.parametrize("written", [
    SECRET,
    json.dumps({"body": json.dumps({"client_secret": SECRET})}),
    quote(SECRET, safe=""),
    base64.b64encode(SECRET.encode()).decode(),
    base64.b64encode(f"client-1:{SECRET}".encode()).decode(),
])
def test_every_form_of_a_config_secret_is_masked(written):
    scrubbing.add_secret(SECRET)
    scrubbing.add_client_id("client-1")
    scrubbed = scrubbing.scrub(f"before {written} after")
    assert SECRET not in scrubbed and written not in scrubbed and scrubbing.MASK in scrubbed
    assert scrubbed.startswith("before ") and scrubbed.endswith(" after")


@pytest.mark.parametrize("written", [
    f"Authorization: Bearer {CRLF_TOKEN}",
    repr({"Authorization": f"Bearer {CRLF_TOKEN}"}),
    json.dumps({"message": repr({"Authorization": f"Bearer {CRLF_TOKEN}"})}),
    json.dumps({"trace": json.dumps({"message": f"Bearer {CRLF_TOKEN}"})}),
])
def test_a_token_with_crlf_is_masked_raw_and_escaped(written):
    scrubbing.add_secret(CRLF_TOKEN)
    scrubbed = scrubbing.scrub(written)
    assert "Injected" not in scrubbed and scrubbing.MASK in scrubbed


def test_short_values_are_not_treated_as_secrets():
    scrubbing.add_secret("abc")
    assert scrubbing.scrub('{"type": "abc"}') == '{"type": "abc"}'


def test_scrubbed_output_masks_what_is_written_to_the_original_streams(monkeypatch):
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    scrubbing.add_secret(SECRET)
    with scrubbing.scrubbed_output():
        print(f"stdout {SECRET}")
        sys.__stdout__.write(f"print buffer {SECRET}\n")
        print(f"stderr {SECRET}", file=sys.stderr)
    assert SECRET not in out.getvalue() + err.getvalue()
    assert out.getvalue().count(scrubbing.MASK) == 2 and err.getvalue().count(scrubbing.MASK) == 1
    assert sys.stdout is out
