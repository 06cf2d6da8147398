"""Pieces both learning-platform connectors share: rate-limit backoff, schema loading, timestamps."""
