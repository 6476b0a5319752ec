"""Scenario content for the views, themes, withdrawn-items and Atom tests (TEST DATA ONLY:
names, numbers and colours are made up).

Markers: each audience passage holds one made-up upper-case word, so a test can tell
from any format's text which passages it carries.
"""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

from pakketbuild.writers.pdf import ASSETS

RAADSLID_BODY = "RAADSLIDPASSAGE"
RAADSLID_STEP = "RAADSLIDSTAP"
WETHOUDER_BODY = "WETHOUDERPASSAGE"
WETHOUDER_INTRO = "WETHOUDERINTRO"
RAADSLID_MARKERS = (RAADSLID_BODY, RAADSLID_STEP)
WETHOUDER_MARKERS = (WETHOUDER_BODY, WETHOUDER_INTRO)
LOGO_ALT = "Logo van het paarse voorbeeldthema"
PURPLE = "#5c2d91"
THEME_FONT = "Voorbeeld Mono"

SITE = """\
title: Testnetwerk
id: testnetwerk
base_url: https://voorbeeld.nl/p/
language: nl
publisher: nwb
views:
  - id: raadsleden
    title: Pakket voor raadsleden
    audiences: [raadslid]
    theme: paars
  - id: wethouders
    title: Pakket voor wethouders
    audiences: [wethouder]
"""
ORGS = "organisations:\n  - id: nwb\n    name: Testnetwerk Weerbaar Bestuur\n"
HULP = f"""\
---
id: hulp
title: Hulp bij bedreiging
kind: support-line
summary: Wat u doet als u bedreigd wordt.
audiences: [burgemeester, wethouder, raadslid]
providers: [nwb]
status: gepubliceerd
changes:
  - date: 2026-09-01
    summary: Eerste versie.
  - date: 2026-10-15
    summary: Passages per doelgroep toegevoegd.
steps:
  - title: Bel
    text: |
      Bel het team.

      ::: alleen-voor raadslid
      Als raadslid: {RAADSLID_STEP} via de griffie.
      :::
---
Algemene tekst voor iedereen.

::: alleen-voor raadslid
Als raadslid belt u {RAADSLID_BODY} eerst de griffie.
:::

::: alleen-voor wethouder
Als wethouder belt u {WETHOUDER_BODY} eerst de secretaris.
:::

## Daarna

Slottekst voor iedereen.
"""
SCAN = """\
---
id: scan
title: Scan van de woning
kind: scan
summary: Een scan van uw woning.
audiences: [burgemeester]
status: gepubliceerd
---
Een korte tekst.
"""
OUD = """\
---
id: oud
title: Oude hulplijn
kind: support-line
summary: De hulplijn van vroeger.
audiences: [raadslid]
status: gearchiveerd
replaced_by: hulp
changes:
  - date: 2026-05-01
    summary: Ingetrokken; de nieuwe hulp vervangt dit onderdeel.
---
Deze tekst is niet meer geldig.
"""
PAKKET = f"""\
---
id: pakket
title: Testpakket
items: [hulp, scan]
audiences: [burgemeester, wethouder, raadslid]
publisher: nwb
edition: 2026-10-15
editions:
  - date: 2026-10-15
    summary: Eerste editie.
---
Een inleiding voor iedereen.

::: alleen-voor wethouder
Voor wethouders: {WETHOUDER_INTRO}.
:::
"""
WITHDRAWN = """\
withdrawn:
  - id: weg
    date: 2026-06-01
    title: Verdwenen onderdeel
    replaced_by: scan
    reason: Samengevoegd met de scan.
    audiences: [raadslid, wethouder]
"""
PAARS = f"""\
{{
  "color": {{
    "$type": "color",
    "brand": {{ "$value": "{PURPLE}" }},
    "heading": {{ "$value": "{{color.brand}}" }},
    "link": {{ "$value": "{{color.brand}}" }}
  }},
  "font": {{
    "family": {{
      "$type": "fontFamily",
      "heading": {{ "$value": ["{THEME_FONT}", "sans-serif"] }}
    }}
  }},
  "$extensions": {{
    "nl.pakketbuild": {{
      "fonts": [{{ "family": "{THEME_FONT}", "file": "fonts/VoorbeeldMono.ttf" }}],
      "logo": {{ "file": "logo.png", "alt": "{LOGO_ALT}" }}
    }}
  }}
}}
"""

TREE: dict[str, str] = {
    "site.yaml": SITE,
    "organisaties.yaml": ORGS,
    "items/hulp.md": HULP,
    "items/scan.md": SCAN,
    "items/oud.md": OUD,
    "pakketten/pakket.md": PAKKET,
    "withdrawn.yaml": WITHDRAWN,
    "themes/paars/tokens.json": PAARS,
}


def png(width: int = 48, height: int = 24, rgb: tuple[int, int, int] = (92, 45, 145)) -> bytes:
    """A plain one-colour PNG (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def write_views_tree(root: Path, changes: dict[str, str | None] | None = None) -> Path:
    """The scenario tree (plus ``changes``; None deletes a file) under ``root``."""
    files: dict[str, str | None] = {**TREE, **(changes or {})}
    for name, text in files.items():
        if text is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    theme = root / "themes" / "paars"
    if theme.is_dir():
        (theme / "fonts").mkdir(exist_ok=True)
        shutil.copyfile(
            ASSETS / "fonts" / "LiberationMono-Regular.ttf", theme / "fonts/VoorbeeldMono.ttf"
        )
        (theme / "logo.png").write_bytes(png())
    return root
