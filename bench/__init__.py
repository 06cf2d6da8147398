"""The benchmark harness (`python -m bench`, see BENCHMARKS.md): both connectors measured against
the sandbox beside a plain manifest-only connector (`baseline_manifest.yaml`) and a minimal
requests + orjson loop (`floor.py`)."""
