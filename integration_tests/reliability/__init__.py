"""Reliability and security scenarios of both connectors against the sandbox (marker `reliability`).

Faults survived with nothing lost (`test_transient_faults`, `test_tokens`, `test_interruption`),
errors classified (`test_classified_errors`), bad data (`test_bad_data`), invalid configs refused
naming the field (`test_bad_config`), secrets never printed (`test_secrets`). Run them alone with
`python3 tasks.py test -m reliability`; the totals (faults injected, retries, records compared and
lost, secrets leaked) are printed at the end of the run.
"""
