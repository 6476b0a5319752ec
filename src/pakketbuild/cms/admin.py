"""The ``admin/`` folder of the browser editor: what ``pakketbuild cms`` writes and
``pakketbuild serve`` offers under ``/admin/``.

:func:`admin_files` assembles the files (page, configuration, the vendored Decap bundle
and its licences, the preview's CSS); :func:`write_admin` writes them atomically, and only
over a folder this command wrote before. See :mod:`pakketbuild.cms` for the editor as a whole.
"""

from __future__ import annotations

import gzip
import html
import json
from functools import cache
from importlib import resources
from pathlib import Path

from pakketbuild.cms import (
    BUNDLE,
)
from pakketbuild.cms.config import HEADER, cms_config, config_yaml
from pakketbuild.model import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    SiteConfig,
)

_INDEX = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>Redactie &ndash; {title}</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
{notice}<script>window.CMS_MANUAL_INIT = false;</script>
<script src="{bundle}"></script>
<script src="pakketbuild.js"></script>
</body>
</html>
"""

_NO_BACKEND = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Redactie &ndash; {title}</title>
<style>body {{ font: 1.05rem/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto;
padding: 0 1rem; }}</style>
</head>
<body>
<main>
<h1>De browser-editor is nog niet ingesteld</h1>
<p>Er is geen repository ingesteld waarin de editor kan opslaan. Zet in
<code>content/site.yaml</code> de instelling <code>cms</code> (git-dienst
<code>github</code> of <code>gitlab</code> en de naam van de repository) en maak deze map
opnieuw met <code>pakketbuild cms</code>.</p>
<p>Op uw eigen computer kunt u de editor nu al gebruiken: start
<code>pakketbuild serve</code> en open het adres dat het in de terminal toont achter
<em>editor in de browser op</em>.</p>
</main>
</body>
</html>
"""

ADMIN_JS = """\
// pakketbuild's additions to Decap CMS.
// 1. Before saving, drop fields left empty ('' or null, at any depth; the Markdown body
//    stays): Decap writes a cleared optional field as owner: "", which check refuses,
//    while a field that is absent is simply not filled in.
// 2. The preview pane looks like the published page: the site's own style sheets and the
//    same structure as templates/html (article.item, h1, dl.meta, p.lead, div.prose).
(function () {
  "use strict";
  function filled(value) {
    return value !== "" && value !== null && value !== undefined;
  }
  function clean(value) {
    if (value && typeof value.map === "function" && typeof value.filter === "function" &&
        typeof value.toJS === "function") {
      return value.map(clean).filter(filled);
    }
    return value;
  }
  CMS.registerEventListener({
    name: "preSave",
    handler: function (event) {
      var data = event.entry.get("data");
      return data.map(function (value, key) { return key === "body" ? value : clean(value); })
        .filter(function (value, key) { return key === "body" || filled(value); });
    }
  });
  var KINDS = @KINDS@;
  var AUDIENCES = @AUDIENCES@;
  CMS.registerPreviewStyle("preview/site.css");
  CMS.registerPreviewStyle("preview/theme.css");
  function list(value) {
    return value && value.toJS ? value.toJS() : (value || []);
  }
  function meta(rows) {
    return h("dl", {className: "meta"}, rows.filter(function (row) { return row[1]; })
      .map(function (row) {
        return h("div", {key: row[0]}, h("dt", {}, row[0]), h("dd", {}, row[1]));
      }));
  }
  function voor(entry) {
    return list(entry.getIn(["data", "audiences"])).map(function (a) {
      return AUDIENCES[a] || a;
    }).join(", ");
  }
  var ItemPreview = createClass({
    render: function () {
      var entry = this.props.entry;
      var steps = list(entry.getIn(["data", "steps"]));
      return h("main", {className: "wrap"}, h("article", {className: "item"},
        h("h1", {}, entry.getIn(["data", "title"])),
        meta([["Soort", KINDS[entry.getIn(["data", "kind"])]], ["Voor", voor(entry)]]),
        h("p", {className: "lead"}, entry.getIn(["data", "summary"])),
        h("div", {className: "prose"}, this.props.widgetFor("body")),
        steps.length ? h("section", {className: "steps"}, h("h2", {}, "Stappen"),
          h("ol", {}, steps.map(function (step, i) {
            return h("li", {key: i}, h("strong", {}, step.title || ""), " ", step.text || "");
          }))) : null));
    }
  });
  var PakketPreview = createClass({
    render: function () {
      var entry = this.props.entry;
      return h("main", {className: "wrap"}, h("article", {className: "pakket"},
        h("h1", {}, entry.getIn(["data", "title"])),
        meta([["Voor", voor(entry)]]),
        h("div", {className: "prose"}, this.props.widgetFor("body"))));
    }
  });
  CMS.registerPreviewTemplate("items", ItemPreview);
  CMS.registerPreviewTemplate("pakketten", PakketPreview);
})();
"""


def admin_js() -> str:
    """``pakketbuild.js`` with the Dutch labels of kinds and audiences (as the site shows)."""
    kinds = {k.value: label for k, label in KIND_LABELS.items()}
    audiences = {a.value: labels[1] for a, labels in AUDIENCE_LABELS.items()}
    return ADMIN_JS.replace("@KINDS@", json.dumps(kinds, ensure_ascii=False)).replace(
        "@AUDIENCES@", json.dumps(audiences, ensure_ascii=False)
    )


@cache
def bundle() -> bytes:
    """The vendored Decap CMS bundle (``decap-cms.js``), uncompressed."""
    data = resources.files("pakketbuild").joinpath("assets", "cms", BUNDLE + ".gz").read_bytes()
    return gzip.decompress(data)


def _asset(name: str) -> bytes:
    return resources.files("pakketbuild").joinpath("assets", "cms", name).read_bytes()


def admin_files(
    content_root: Path,
    *,
    local: bool = False,
    site_url: str | None = None,
    proxy_url: str | None = None,
) -> dict[str, bytes]:
    """Relative path → bytes of every file of ``admin/`` for this content folder.

    Raises :class:`~pakketbuild.diagnostics.ContentError` when the content does not load
    (the theme and site settings come from it). ``local`` (the editor of ``serve``) works
    on content with errors too, with the neutral theme: that is how they get fixed;
    ``proxy_url`` is where its local backend answers (``serve``'s secret address).
    """
    from pakketbuild.diagnostics import ContentError
    from pakketbuild.loader import load_content
    from pakketbuild.publication import theme_of
    from pakketbuild.theme import default_theme
    from pakketbuild.writers.html import read_asset
    from pakketbuild.writers.html_style import site_css

    site: SiteConfig | None
    try:
        content = load_content(content_root)
    except ContentError:
        if not local:
            raise
        site, theme = None, default_theme()
    else:
        site, theme = content.site, theme_of(content, content.site.theme)
    config = cms_config(site, local=local, site_url=site_url, proxy_url=proxy_url)
    title = html.escape(site.title if site is not None else "pakketbuild")
    files: dict[str, bytes] = {
        "config.yml": config_yaml(config, site, local=local).encode("utf-8"),
        BUNDLE: bundle(),
        BUNDLE + ".LICENSE.txt": _asset(BUNDLE + ".LICENSE.txt"),
        "LICENSE-decap-cms.txt": _asset("LICENSE"),
        "pakketbuild.js": admin_js().encode("utf-8"),
        "preview/site.css": read_asset("site.css"),
        "preview/theme.css": site_css(theme).encode("utf-8"),
    }
    for name, path in sorted(theme.files().items()):
        files[f"preview/theme/{name}"] = path.read_bytes()
    if local or (site is not None and site.cms is not None):
        files["index.html"] = _INDEX.format(title=title, notice="", bundle=BUNDLE).encode()
    else:
        files["index.html"] = _NO_BACKEND.format(title=title).encode("utf-8")
    return files


def write_admin(content_root: Path, out: Path) -> list[Path]:
    """Write ``admin/`` for ``content_root`` into ``out`` (replacing what was there);
    returns the files written. Nothing is written when the content has errors."""
    import shutil
    import tempfile

    from pakketbuild.diagnostics import UsageError

    if out.resolve().is_relative_to(content_root.resolve()):
        raise UsageError(f"--out {out} is inside the content folder; choose a folder outside it")
    if out.is_symlink() or (out.exists() and not _ours(out)):
        raise UsageError(
            f"{out} exists and was not written by 'pakketbuild cms'; choose another --out or "
            "remove it first"
        )
    files = admin_files(content_root)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".admin-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; admin/ is published
    try:
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / name for name in sorted(files)]


def _ours(folder: Path) -> bool:
    """An empty folder, or an ``admin/`` that this command wrote (safe to replace)."""
    if not folder.is_dir():
        return False
    if not any(folder.iterdir()):
        return True
    config = folder / "config.yml"
    try:
        return config.read_text(encoding="utf-8").startswith(HEADER)
    except (OSError, UnicodeDecodeError):
        return False
