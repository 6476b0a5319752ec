"""A minimal valid content tree to mutate in tests."""

from __future__ import annotations

from pathlib import Path

SITE = "title: Testsite\nid: testsite\nlanguage: nl\npublisher: nwb\n"
ORGS = "organisations:\n  - id: nwb\n    name: Netwerk Weerbaar Bestuur\n"
ITEM = """---
id: woningscan
title: Woningscan
kind: scan
summary: Een korte inleiding.
audiences: [burgemeester]
providers: [nwb]
contacts:
  - label: Team
    phone: 070-3738314
status: gepubliceerd
---
De tekst van het onderdeel.
"""
PAKKET = """---
id: pakket
title: Een pakket
items: [woningscan]
audiences: [burgemeester]
publisher: nwb
---
De inleiding.
"""

BASE: dict[str, str | bytes] = {
    "site.yaml": SITE,
    "organisaties.yaml": ORGS,
    "items/woningscan.md": ITEM,
    "pakketten/pakket.md": PAKKET,
}


def write_tree(root: Path, changes: dict[str, str | bytes | None] | None = None) -> Path:
    """Write the base tree plus ``changes`` (``None`` deletes a file) under ``root``."""
    files: dict[str, str | bytes | None] = {**BASE, **(changes or {})}
    for name, data in files.items():
        path = root / name
        if data is None:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root
