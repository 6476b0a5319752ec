"""Read and validate a content folder, reporting every problem with file, line and column.

Layout of a content folder::

    site.yaml              SiteConfig
    organisaties.yaml      OrganisationsFile
    items/<id>.md          Item: YAML front matter + Markdown body
    pakketten/<id>.md      Pakket: YAML front matter + Markdown intro
    withdrawn.yaml         WithdrawnFile: removed items kept as tombstones (optional)
    themes/<id>/tokens.json  a theme: W3C design tokens + font/logo files (optional)
    documenten/…           files that items refer to (optional)

:func:`load_content` reads everything, collects all diagnostics and either returns a
:class:`Content` or raises :class:`ContentError` with every problem found. It conducts
the phases of :mod:`pakketbuild.loading`: ``reading`` (safe reading, YAML, front matter,
validation), ``lint`` (each file's own checks, with a forked helper for large folders),
``references`` (ids and cross-references), ``files`` (documents and the Word template),
``themes``, and ``editions`` (withdrawn items, views).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pakketbuild.diagnostics import ContentError, Diagnostic, Severity
from pakketbuild.gctools import gc_paused
from pakketbuild.i18n import _, os_reason
from pakketbuild.loading.editions import check_editions, load_withdrawn
from pakketbuild.loading.files import check_links, read_template
from pakketbuild.loading.lint import (
    PARALLEL_LINT_MIN_FILES,
    LintElsewhere,
    check_id,
    check_placeholders,
    check_summary,
    keep_rendered,
    keeps_rendered,
    lint_item,
)
from pakketbuild.loading.reading import (
    ITEMS_DIR,
    MAX_CONTENT_FILE,
    MAX_DOCUMENT_FILE,
    ORGANISATIONS_FILE,
    PAKKETTEN_DIR,
    SITE_FILE,
    WITHDRAWN_FILE,
    Reader,
    Source,
    fold,
    markdown_files,
)
from pakketbuild.loading.references import KIND_WORDS, check_unique, cross_check
from pakketbuild.loading.themes import load_themes
from pakketbuild.model import (
    Item,
    Organisation,
    OrganisationsFile,
    Pakket,
    SiteConfig,
    WithdrawnEntry,
)
from pakketbuild.theme import Theme
from pakketbuild.yamlsafe import Mark

__all__ = [
    "ITEMS_DIR",
    "KIND_WORDS",
    "MAX_CONTENT_FILE",
    "MAX_DOCUMENT_FILE",
    "ORGANISATIONS_FILE",
    "PAKKETTEN_DIR",
    "PARALLEL_LINT_MIN_FILES",
    "SITE_FILE",
    "WITHDRAWN_FILE",
    "Content",
    "Source",
    "docx_template",
    "load_content",
]


@dataclass
class Content:
    """Everything in a content folder, validated."""

    root: Path
    site: SiteConfig
    organisations: dict[str, Organisation]
    items: dict[str, Item]
    pakketten: dict[str, Pakket]
    sources: dict[str, Source] = field(default_factory=dict)
    """Keyed ``item:<id>``, ``pakket:<id>``, ``organisation:<id>``, ``site``,
    ``withdrawn``, ``theme:<id>`` (its tokens.json) and ``theme-file:<id>:<name>`` (each
    font or logo file of a theme)."""
    warnings: list[Diagnostic] = field(default_factory=list)
    themes: dict[str, Theme] = field(default_factory=dict)
    """Themes of ``content/themes/``, by id (the built-in default is not listed)."""
    withdrawn: dict[str, WithdrawnEntry] = field(default_factory=dict)
    """The register of removed items (``withdrawn.yaml``), by id."""


def load_content(root: Path, *, processes: int = 1, rendering: bool = False) -> Content:
    """Read and validate everything under ``root``; raise :class:`ContentError` on any error.

    ``processes`` > 1 allows a second process for the Markdown checks of large content
    folders (see :class:`LintElsewhere`); the result is the same. ``rendering``: the
    texts will be rendered in this process (or its forks) afterwards, so the checks run
    here and rendering parses nothing again: it reads the checks' tokens, or, for more
    texts than the token cache holds, what :func:`keep_rendered` kept of them.
    """
    with gc_paused():
        return _load_content(root, processes, rendering)


def _load_content(root: Path, processes: int, rendering: bool = False) -> Content:
    root = root.resolve()
    reader = Reader(root)
    if not root.is_dir():
        raise ContentError(
            [
                Diagnostic(
                    str(root),
                    1,
                    1,
                    Severity.ERROR,
                    "no-content",
                    _(
                        "the content folder does not exist; run the command in the folder "
                        "that holds 'content/', or name the folder with --content"
                    ),
                )
            ]
        )
    try:
        os.listdir(root)
    except OSError as exc:  # a folder one may not open: every file would look missing
        raise ContentError(
            [
                Diagnostic(
                    str(root),
                    1,
                    1,
                    Severity.ERROR,
                    "no-content",
                    _(
                        "the content folder cannot be read ({reason}); ask for access to it, "
                        "or copy it to a folder of your own"
                    ).format(reason=os_reason(exc)),
                )
            ]
        ) from None
    sources: dict[str, Source] = {}

    site = _load_site(reader, root / SITE_FILE, sources)
    organisations = _load_organisations(reader, root / ORGANISATIONS_FILE, sources)
    items: dict[str, Item] = {}
    item_files = markdown_files(reader, root / ITEMS_DIR)
    elsewhere = LintElsewhere.start(root, item_files, rendering) if processes > 1 else None
    keep = keeps_rendered(len(item_files), rendering)
    try:
        for path in item_files:
            loaded = reader.front_matter(path, "body")
            if loaded is None:
                reader.broken.add(f"item:{path.stem}")
                continue
            data, source = loaded
            item = reader.validate(Item, data, source)
            if item is None:
                reader.broken.add(f"item:{path.stem}")
                reader.invalid.append(("item", source, data))
            else:
                sources[f"item:{item.id}"] = source
                items[item.id] = item
            if elsewhere is None or path not in elsewhere.paths:
                lint_item(reader, source, data)
                if keep:
                    # Too many texts to keep every text's tokens: keep, from the checks'
                    # parse, what rendering reads (a few KiB), so it need not parse again.
                    keep_rendered(data)
            check_summary(reader, source, data)
            check_placeholders(reader, source, data, ("summary", "body"))
            check_id(reader, source, data, path)
        if elsewhere is not None:
            reader.sink.extend(elsewhere.result())
    finally:
        if elsewhere is not None:
            elsewhere.close()
    pakketten: dict[str, Pakket] = {}
    for path in markdown_files(reader, root / PAKKETTEN_DIR):
        loaded = reader.front_matter(path, "intro")
        if loaded is None:
            continue
        data, source = loaded
        pakket = reader.validate(Pakket, data, source)
        if pakket is not None:
            sources[f"pakket:{pakket.id}"] = source
            pakketten[pakket.id] = pakket
        else:
            reader.invalid.append(("pakket", source, data))
        if isinstance(data.get("intro"), str):
            reader.lint_markdown(source, data["intro"], source.body_line, "intro")
        check_placeholders(reader, source, data, ("summary", "intro"))
        check_id(reader, source, data, path)

    themes = load_themes(reader, root, sources)
    withdrawn = load_withdrawn(reader, root / WITHDRAWN_FILE, sources)

    check_unique(reader, root, sources, items, "item")
    check_unique(reader, root, sources, pakketten, "pakket")
    cross_check(reader, site, organisations, items, pakketten, sources)
    check_editions(reader, site, themes, items, withdrawn, sources)
    check_links(reader)
    if site is not None and pakketten == {} and not reader.sink.errors:
        reader.err(
            root / PAKKETTEN_DIR,
            Mark(1, 1),
            "no-pakket",
            _("there is no pakket; add content/pakketten/<id>.md"),
        )
    if reader.sink.errors or site is None:
        if site is None and not reader.sink.errors:  # pragma: no cover - defensive
            reader.err(root / SITE_FILE, Mark(1, 1), "missing-file", _("site.yaml is missing"))
        raise ContentError(reader.sink.sorted())
    return Content(
        root=root,
        site=site,
        organisations=organisations,
        items=dict(sorted(items.items())),
        pakketten=dict(sorted(pakketten.items())),
        sources=sources,
        warnings=reader.sink.sorted(),
        themes=themes,
        withdrawn=withdrawn,
    )


def docx_template(content: Content) -> bytes | None:
    """The bytes of the Word template named by site.yaml (``docx_template``), read with the
    checks of ``check`` (:func:`pakketbuild.loading.files.read_template`); None when
    site.yaml names none."""
    if content.site.docx_template is None:
        return None
    return read_template(content.root, content.site.docx_template, content.sources["site"])


def _load_site(reader: Reader, path: Path, sources: dict[str, Source]) -> SiteConfig | None:
    if not path.exists() and not path.is_symlink():
        reader.err(
            path,
            Mark(1, 1),
            "missing-file",
            _("site.yaml is missing; create it with at least 'title:' and 'id:'"),
        )
        return None
    text = reader.read_text(path)
    located = reader.yaml(path, text) if text is not None else None
    if located is None:
        return None
    source = Source(path, reader.display(path), located)
    sources["site"] = source
    return reader.validate(SiteConfig, located.data, source)


def _load_organisations(
    reader: Reader, path: Path, sources: dict[str, Source]
) -> dict[str, Organisation]:
    if not path.exists() and not path.is_symlink():
        return {}
    text = reader.read_text(path)
    located = reader.yaml(path, text) if text is not None else None
    parsed = None
    if located is not None:
        source = Source(path, reader.display(path), located)
        parsed = reader.validate(OrganisationsFile, located.data, source)
    if located is None or parsed is None:
        reader.broken.add("organisations")
        return {}
    result: dict[str, Organisation] = {}
    seen: dict[str, str] = {}
    for index, org in enumerate(parsed.organisations):
        folded = fold(org.id)
        if folded in seen:
            reader.err(
                path,
                located.value_mark(("organisations", index, "id")),
                "duplicate-id",
                _(
                    "the organisation id '{id}' is used twice; give each organisation its own id"
                ).format(id=org.id),
                f"organisations[{index}].id",
            )
            continue
        seen[folded] = org.id
        result[org.id] = org
        sources[f"organisation:{org.id}"] = source
    return dict(sorted(result.items()))
