"""End to end: an editor changes an item's title in the browser editor of ``serve``.

Real clients only: ``pakketbuild serve``'s server and watcher (in this process, on a free
port of 127.0.0.1, over a copy of the real content), the vendored Decap CMS bundle, Debian's
Chromium driven by ``cms_edit.mjs`` (playwright-core), and ``pakketbuild check``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pakketbuild.cli import main
from pakketbuild.preview import Preview
from tests.clients import CHROMIUM, CLIENTS_DIR, require
from tests.serving import Served, serving

pytestmark = pytest.mark.clients

CMS_EDIT = CLIENTS_DIR / "cms_edit.mjs"
NEW_TITLE = "Woningscan: uw nieuwe woning veilig"


def _split(text: str) -> tuple[dict[str, object], str]:
    _, front, body = text.split("---\n", 2)
    data = yaml.safe_load(front)
    assert isinstance(data, dict)
    return data, body


def _page(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return int(reply.status), reply.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def _drive(
    editor: str, collection: str, slug: str, label: str, value: str, *extra: str
) -> dict[str, Any]:
    """Run ``cms_edit.mjs`` on the editor at ``editor`` (its address with the secret):
    open the entry, change fields, publish; its JSON report."""
    env = {**os.environ, "PAKKETBUILD_CHROMIUM": str(CHROMIUM)}
    proc = subprocess.run(
        ["node", str(CMS_EDIT), editor, collection, slug, label, value, *extra],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=CLIENTS_DIR,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert isinstance(result, dict)
    return result


@pytest.fixture
def preview_server(tmp_path: Path, content_copy: Path) -> Iterator[Served]:
    """``serve`` as the CLI runs it: build, watch the content folder, serve on 127.0.0.1."""
    log = io.StringIO()
    preview = Preview(content_copy, tmp_path / "preview" / "site", ["html", "json"], log)
    with serving(preview, watch=True) as served:
        yield served


def test_edit_an_item_title_in_the_browser(
    preview_server: Served,
    content_copy: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for tool in ("node", "chromium", "playwright-core"):
        require(tool)
    base, editor = preview_server.base, preview_server.editor
    item = content_copy / "items" / "woningscan.md"
    before = item.read_text(encoding="utf-8")
    assert NEW_TITLE not in _page(f"{base}/items/woningscan/")[1]

    # also: a date through the date picker, and an optional field typed in and cleared
    # again (Decap would save that as owner: "", which check refuses; pakketbuild.js drops it)
    result = _drive(
        editor,
        "items",
        "woningscan",
        "Titel",
        NEW_TITLE,
        "Laatst gecontroleerd (optioneel)=2026-11-30",
        "Eigenaar (optioneel)=",
    )
    assert result["config_errors"] == [], result  # Decap's own validator took the config
    assert result["page_errors"] == [], result
    assert result["blocked_requests"] == [], result  # offline: nothing from a CDN
    assert result["ui_locale_dutch"], result
    assert result["before"] == "Woningscan", result
    assert result["saved"], result
    # the preview pane shows the edit in the page's structure, with the site's own CSS
    assert result["preview_title"] == NEW_TITLE, result
    admin = preview_server.server.editor_path
    assert {f"{admin}preview/site.css", f"{admin}preview/theme.css"} <= set(
        result["preview_styles"]
    ), result

    # The file on disk changed, and only in its title (Decap drops the comment and
    # rewrites the YAML layout; the data and the body stay the same).
    after = item.read_text(encoding="utf-8")
    assert after != before
    old_data, old_body = _split(before)
    new_data, new_body = _split(after)
    assert new_data == {**old_data, "title": NEW_TITLE, "last_reviewed": dt.date(2026, 11, 30)}
    assert "owner" not in after
    assert new_body == old_body

    # `pakketbuild check` passes on what the editor wrote.
    capsys.readouterr()
    assert main(["check", "--content", str(content_copy)]) == 0, capsys.readouterr().err

    # The watcher rebuilt the preview, which shows the new title.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status, page = _page(f"{base}/items/woningscan/")
        if status == 200 and NEW_TITLE in page:
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the preview never showed the new title: {status}\n{page[:500]}")


def test_edit_the_site_settings_in_the_browser(
    preview_server: Served,
    content_copy: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A file entry: site.yaml, with its nested list of views, written back by Decap."""
    for tool in ("node", "chromium", "playwright-core"):
        require(tool)
    base = preview_server.base
    site = content_copy / "site.yaml"
    before = yaml.safe_load(site.read_text(encoding="utf-8"))
    new_title = "Netwerk Weerbaar Bestuur: veiligheidspakketten"
    result = _drive(preview_server.editor, "instellingen", "site", "Titel", new_title)
    assert result["config_errors"] == [] and result["page_errors"] == [], result
    assert result["blocked_requests"] == [] and result["saved"], result
    after_text = site.read_text(encoding="utf-8")
    assert yaml.safe_load(after_text) == {**before, "title": new_title}
    assert "# " not in after_text  # Decap dropped the comments; that must not matter
    capsys.readouterr()
    assert main(["check", "--content", str(content_copy)]) == 0, capsys.readouterr().err
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status, page = _page(f"{base}/")
        if status == 200 and new_title in page:
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the preview never showed the new site title: {status}")


def test_a_planted_link_cannot_redirect_a_save(
    preview_server: Served,
    content_copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A hostile commit plants the editor's old temporary name as a link out of the
    content folder (``items/.woningscan.md.cms-tmp -> ../../Makefile``; a git hook or
    ``~/.bashrc`` would do as well). Saving the item in the browser must write the item,
    as a regular file, and nothing through the link; ``check`` names the link."""
    for tool in ("node", "chromium", "playwright-core"):
        require(tool)
    outside = tmp_path / "Makefile"
    original = "all:\n\t@echo onaangetast\n"
    outside.write_text(original, encoding="utf-8")
    planted = content_copy / "items" / ".woningscan.md.cms-tmp"
    planted.symlink_to(os.path.relpath(outside, planted.parent))
    item = content_copy / "items" / "woningscan.md"

    result = _drive(preview_server.editor, "items", "woningscan", "Titel", NEW_TITLE)
    assert result["config_errors"] == [] and result["blocked_requests"] == [], result
    assert result["saved"], result

    assert outside.read_text(encoding="utf-8") == original  # nothing written through it
    assert not item.is_symlink() and item.is_file()
    assert _split(item.read_text(encoding="utf-8"))[0]["title"] == NEW_TITLE
    assert planted.is_symlink()  # left where it was: the editor writes no fixed name
    assert not [p for p in item.parent.iterdir() if p.name.endswith(".cms-tmp") and p != planted]

    capsys.readouterr()
    assert main(["check", "--content", str(content_copy)]) == 1
    err = capsys.readouterr().err
    assert "content/items/.woningscan.md.cms-tmp:1:1: error[path-outside-content]" in err, err
