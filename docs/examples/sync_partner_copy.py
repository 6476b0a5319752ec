"""Reference consumer: keep a partner's copy of a pakketbuild API up to date.

Python standard library plus ``jsonschema``. Run it as often as you like:

    python sync_partner_copy.py https://voorbeeld.nl/pakket/api/v1/index.json kopie/

It fetches ``index.json`` (one small request), then only the item documents whose
``version`` changed since the last run, validates each against the published (open)
schema, and removes the items that ``withdrawn.json`` lists or the index no longer has.
Paths are resolved with ``path_root`` against the address the index came from, so it
works with or without a base URL, and from a mirror too.
"""

from __future__ import annotations

import json
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import jsonschema


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def sync(index_url: str, store: Path) -> dict[str, list[str]]:
    index = get(index_url)
    root = urllib.parse.urljoin(index_url, index["path_root"])

    def url(link: dict[str, str]) -> str:
        return urllib.parse.urljoin(root, link["path"])

    validator = jsonschema.Draft202012Validator(get(url(index["schemas"]["item"])))
    store.mkdir(parents=True, exist_ok=True)
    state_file = store / "versions.json"
    state = json.loads(state_file.read_text("utf-8")) if state_file.exists() else {}
    fetched, removed = [], []
    for entry in index["items"]:
        if state.get(entry["id"]) == entry["version"]:
            continue  # unchanged: no request
        doc = get(url(entry["links"]["json"]))
        validator.validate(doc)  # open schema: unknown new members are fine
        (store / f"{entry['id']}.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        state[entry["id"]] = doc["version"]
        fetched.append(entry["id"])
    withdrawn = {stone["id"] for stone in get(url(index["withdrawn"]))["withdrawn"]}
    gone = withdrawn | (set(state) - {entry["id"] for entry in index["items"]})
    for item_id in sorted(gone & set(state)):
        (store / f"{item_id}.json").unlink(missing_ok=True)
        del state[item_id]
        removed.append(item_id)
    state_file.write_text(json.dumps(state, indent=1, sort_keys=True), "utf-8")
    return {"fetched": fetched, "removed": removed}


if __name__ == "__main__":
    print(json.dumps(sync(sys.argv[1], Path(sys.argv[2]))))
