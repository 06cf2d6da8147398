"""The floor: the least work that moves the `learning_assets` records from the API to stdout.

`python -m bench.floor read --config config.json` (the connector's own config file) mints a
token, pages through `q=localeAndType` with `count=100` by following the `next` links, and writes
one Airbyte RECORD message per element with orjson. No validation, no state, no retries: what
every connector has to do at least, so its CPU per record is the yardstick.
"""
from __future__ import annotations

import argparse
import sys
import time

import orjson
import requests


def read(config: dict) -> None:
    session = requests.Session()
    minted = session.post(
        config["token_url"],
        data={"grant_type": "client_credentials", "client_id": config["client_id"], "client_secret": config["client_secret"]},
    )
    minted.raise_for_status()
    session.headers["Authorization"] = f"Bearer {minted.json()['access_token']}"
    out = sys.stdout.buffer
    for asset_type in config.get("asset_types", ["COURSE", "LEARNING_PATH"]):
        for locale in config.get("locales", ["en_US"]):
            language, country = locale.split("_")
            url = f"{config['api_url']}/v2/learningAssets"
            params: dict | None = {
                "q": "localeAndType",
                "assetType": asset_type,
                "sourceLocale.language": language,
                "sourceLocale.country": country,
                "includeRetired": str(config.get("include_retired", True)).lower(),
                "count": 100,
            }
            while url:
                response = session.get(url, params=params)
                response.raise_for_status()
                page = orjson.loads(response.content)
                emitted_at = int(time.time() * 1000)
                out.write(
                    b"".join(
                        orjson.dumps({"type": "RECORD", "record": {"stream": "learning_assets", "data": element, "emitted_at": emitted_at}})
                        + b"\n"
                        for element in page["elements"]
                    )
                )
                next_link = next((link["href"] for link in page["paging"].get("links", []) if link["rel"] == "next"), None)
                url = f"{config['api_url']}{next_link}" if next_link and page["elements"] else None
                params = None
    out.flush()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.floor")
    parser.add_argument("command", choices=["read"])
    parser.add_argument("--config", required=True)
    parser.add_argument("--catalog")  # accepted like a connector's, not needed: one stream only
    args = parser.parse_args()
    with open(args.config, "rb") as config_file:
        read(orjson.loads(config_file.read()))


if __name__ == "__main__":
    main()
