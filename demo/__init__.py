"""The main job (`python3 tasks.py demo`): the sandbox with a realistic dataset, both connectors
loaded into one DuckDB database through PyAirbyte, then a summary and example questions answered
in SQL. See the README's "The main job"."""
