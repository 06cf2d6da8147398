"""`python -m sandbox [--port 8765] [--scale small|demo|bench] [--seed 7] [--apps linkedin_learning,learnworlds]`

Serves the emulated APIs until interrupted and prints connector configs that point at them.
"""
from __future__ import annotations

import argparse
import json

from sandbox import APP_NAMES, make_sandbox, sandbox_config


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--scale", default="small")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--apps", default=",".join(APP_NAMES))
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    apps = [name for name in args.apps.split(",") if name]
    sandbox = make_sandbox(scale=args.scale, seed=args.seed, apps=apps, port=args.port)
    sandbox.faults.latency_ms = args.latency_ms
    print(f"Sandbox serving {', '.join(apps)} at {sandbox.url} (scale {args.scale}, seed {args.seed}).")
    for name in apps:
        print(f"\n{name} config:\n{json.dumps(sandbox_config(name, sandbox.url), indent=2)}")
    print("\nControl plane: GET /_sandbox/requests, PUT /_sandbox/faults, GET /_sandbox/health. Ctrl-C stops.", flush=True)
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
