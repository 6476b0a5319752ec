"""End to end: a save reloads the preview page in a real browser, and the browser shows
the new text and the new style sheet, never a cached one.

Real clients only: ``pakketbuild serve``'s server and watcher (in this process, on a free
port of 127.0.0.1), Debian's Chromium driven by ``serve_reload.mjs`` (playwright-core) with
its own HTTP cache, which keeps the style sheets between reloads (``no-cache`` + ``ETag``).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pakketbuild.preview import Preview
from tests.clients import CHROMIUM, CLIENTS_DIR, require
from tests.content.tree import ITEM, SITE, write_tree
from tests.serving import serving

pytestmark = pytest.mark.clients

SERVE_RELOAD = CLIENTS_DIR / "serve_reload.mjs"
PURPLE, GREEN = "#5c2d91", "#0b5c2d"
TOKENS = '{"color": {"$type": "color", "brand": {"$value": "%s"}}}\n'


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``serve`` as the CLI runs it (build, watch, serve) over a small themed site."""
    content = write_tree(
        tmp_path / "content",
        {"site.yaml": SITE + "theme: huis\n", "themes/huis/tokens.json": TOKENS % PURPLE},
    )
    preview = Preview(content, tmp_path / "preview" / "site", ["html", "json"], io.StringIO())
    with serving(preview, watch=True) as served:
        yield served.base, content


def test_a_save_reloads_the_page_with_the_new_text_and_the_new_style(
    served: tuple[str, Path],
) -> None:
    for tool in ("node", "chromium", "playwright-core"):
        require(tool)
    base, content = served
    item = content / "items" / "woningscan.md"
    tokens = content / "themes" / "huis" / "tokens.json"
    saves: list[Callable[[], object]] = [
        lambda: item.write_text(ITEM.replace("De tekst", "De nieuwe tekst"), encoding="utf-8"),
        lambda: tokens.write_text(TOKENS % GREEN, encoding="utf-8"),
        lambda: item.write_text(ITEM, encoding="utf-8"),
    ]
    env = {**os.environ, "PAKKETBUILD_CHROMIUM": str(CHROMIUM)}
    browser = subprocess.Popen(
        ["node", str(SERVE_RELOAD), f"{base}/items/woningscan/", str(len(saves))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=CLIENTS_DIR,
        env=env,
    )
    assert browser.stdin is not None and browser.stdout is not None
    seen: list[dict[str, Any]] = []
    try:
        for index, save in enumerate(saves):
            assert browser.stdout.readline() == f"ready {index}\n"
            save()
            line = browser.stdout.readline()
            assert line.startswith("{"), line
            seen.append(json.loads(line))
            browser.stdin.write("next\n")
            browser.stdin.flush()
        browser.stdin.close()
        assert browser.wait(timeout=60) == 0
    finally:
        browser.kill()
        browser.wait(timeout=30)
        stderr = browser.stderr.read() if browser.stderr else ""
    assert len(seen) == 3, stderr

    purple, green = "rgb(92, 45, 145)", "rgb(11, 92, 45)"
    text, style, back = seen
    # 1. the text edit: the new text; the style sheets came from the browser's cache
    assert "De nieuwe tekst van het onderdeel." in text["text"]
    assert text["h1_color"] == purple
    assert "304 /assets/theme.css" in text["responses"], text
    assert "304 /assets/site.css" in text["responses"], text
    # 2. the theme changed: the new style sheet (200), not the cached one
    assert style["h1_color"] == green, style
    assert "200 /assets/theme.css" in style["responses"], style
    assert "304 /assets/site.css" in style["responses"], style
    # 3. back to the first text, still in the new colour
    assert "De nieuwe tekst" not in back["text"] and "De tekst van het onderdeel." in back["text"]
    assert back["h1_color"] == green
    assert len({text["version"], style["version"], back["version"]}) == 3
