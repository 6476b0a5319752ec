"""Loading, phase 6: withdrawn items (``withdrawn.yaml``) and editions (views, their
themes and audiences) checked against the items.
"""

from __future__ import annotations

from pathlib import Path

from pakketbuild import markdown, theme
from pakketbuild.i18n import _
from pakketbuild.loading.reading import Reader, Source
from pakketbuild.loading.references import ref_error
from pakketbuild.messages import field_name
from pakketbuild.model import (
    Audience,
    Item,
    SiteConfig,
    View,
    WithdrawnEntry,
    WithdrawnFile,
)
from pakketbuild.theme import Theme


def load_withdrawn(
    reader: Reader, path: Path, sources: dict[str, Source]
) -> dict[str, WithdrawnEntry]:
    if not path.exists() and not path.is_symlink():
        return {}
    text = reader.read_text(path)
    located = reader.yaml(path, text) if text is not None else None
    if located is None:
        return {}
    source = Source(path, reader.display(path), located)
    parsed = reader.validate(WithdrawnFile, located.data, source)
    if parsed is None:
        return {}
    sources["withdrawn"] = source
    result: dict[str, WithdrawnEntry] = {}
    for index, entry in enumerate(parsed.withdrawn):
        if entry.id in result:
            reader.err(
                path,
                located.value_mark(("withdrawn", index, "id")),
                "duplicate-id",
                _("'{id}' is listed twice; keep one entry").format(id=entry.id),
                f"withdrawn[{index}].id",
            )
            continue
        result[entry.id] = entry
    return result


def _check_view_items(
    reader: Reader, source: Source, index: int, view: View, items: dict[str, Item]
) -> None:
    """A view's ``items`` (the order of its combined document): known items, each once,
    each for at least one of the view's audiences."""
    listed: set[str] = set()
    scope = {a.value for a in view.audiences}
    for position, item_id in enumerate(view.items):
        loc: tuple[str | int, ...] = ("views", index, "items", position)
        if item_id in listed:
            reader.err(
                source.path,
                source.at(loc),
                "duplicate-id",
                _("'{id}' is listed twice in the items of view '{view}'; keep one").format(
                    id=item_id, view=view.id
                ),
                field_name(loc),
            )
            continue
        listed.add(item_id)
        item = items.get(item_id)
        if item is None:
            ref_error(reader, source, loc, item_id, "item", items)
        elif scope.isdisjoint(a.value for a in item.audiences):
            reader.err(
                source.path,
                source.at(loc),
                "invalid-value",
                _(
                    "'{id}' is not for this view's audiences ({audiences}), so it cannot be "
                    "in its document; remove it from the list or add one of those audiences "
                    "to the item"
                ).format(id=item_id, audiences=", ".join(sorted(scope))),
                field_name(loc),
            )


def check_editions(
    reader: Reader,
    site: SiteConfig | None,
    themes: dict[str, Theme],
    items: dict[str, Item],
    withdrawn: dict[str, WithdrawnEntry],
    sources: dict[str, Source],
) -> None:
    """Views, themes, the withdrawn register and audience passages."""
    known_themes = sorted({*themes, theme.DEFAULT_THEME})
    if site is not None:
        source = sources["site"]
        if site.theme is not None and site.theme not in known_themes:
            ref_error(reader, source, ("theme",), site.theme, "theme", known_themes)
        seen: set[str] = set()
        for index, view in enumerate(site.views):
            if view.id in seen:
                reader.err(
                    source.path,
                    source.at(("views", index, "id")),
                    "duplicate-id",
                    _("the view id '{id}' is used twice; give each view its own id").format(
                        id=view.id
                    ),
                    f"views[{index}].id",
                )
            seen.add(view.id)
            if view.theme is not None and view.theme not in known_themes:
                ref_error(
                    reader, source, ("views", index, "theme"), view.theme, "theme", known_themes
                )
            _check_view_items(reader, source, index, view, items)
    if withdrawn:
        source = sources["withdrawn"]
        for index, entry in enumerate(withdrawn.values()):
            if entry.id in items or f"item:{entry.id}" in reader.broken:
                reader.err(
                    source.path,
                    source.at(("withdrawn", index, "id")),
                    "duplicate-id",
                    _(
                        "'{id}' is listed as withdrawn, but items/{id}.md still "
                        "exists; remove the file, or remove this entry and give the item "
                        "'status: gearchiveerd'"
                    ).format(id=entry.id),
                    f"withdrawn[{index}].id",
                )
            if entry.replaced_by is not None and entry.replaced_by not in items:
                ref_error(
                    reader,
                    source,
                    ("withdrawn", index, "replaced_by"),
                    entry.replaced_by,
                    "item",
                    items,
                )
    for item in items.values():
        source = sources[f"item:{item.id}"]
        for line, names in markdown.passages(item.body):
            others = [n for n in names if n in {a.value for a in Audience}]
            stray = [n for n in others if n not in item.audiences]
            if stray and source.body_line:
                reader.sink.warning(
                    source.display,
                    source.body_line + line,
                    1,
                    "passage-audience",
                    _(
                        "this passage is for {stray}, but the item is not "
                        "(audiences: {audiences}); add the audience to "
                        "'audiences' or remove it here"
                    ).format(stray=", ".join(stray), audiences=", ".join(item.audiences)),
                    "body",
                )
