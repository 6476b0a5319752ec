"""Loading, phase 5: themes under ``content/themes/`` (tokens, fonts, logo; contrast
is checked by :mod:`pakketbuild.theme`).
"""

from __future__ import annotations

import os
from pathlib import Path

from pakketbuild import theme
from pakketbuild.i18n import _
from pakketbuild.loading.reading import Reader, Source, is_slug
from pakketbuild.theme import Theme
from pakketbuild.yamlsafe import Located, Mark


def load_themes(reader: Reader, root: Path, sources: dict[str, Source]) -> dict[str, Theme]:
    """Every theme under ``themes/``, validated (contrast included)."""
    folder = root / theme.THEMES_DIR
    if not folder.is_dir():
        return {}
    themes: dict[str, Theme] = {}
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        theme_dir = Path(entry.path)
        path = theme_dir / theme.TOKENS_FILE
        name = entry.name
        if not is_slug(name):
            reader.err(
                theme_dir,
                Mark(1, 1),
                "invalid-id",
                _(
                    "the theme folder '{name}' is not a valid id: use lower-case letters a-z, "
                    "digits and single hyphens"
                ).format(name=name),
            )
            continue
        reader.broken.add(f"theme:{name}")  # until it loads
        if not path.exists() and not path.is_symlink():
            reader.err(
                path,
                Mark(1, 1),
                "missing-file",
                _("the theme '{name}' has no {file}; add the design tokens there").format(
                    name=name, file=theme.TOKENS_FILE
                ),
            )
            continue
        text = reader.read_text(path)
        if text is None:
            continue
        loaded, problems = theme.parse_theme(name, text, theme_dir, root)
        for problem in problems:
            if problem.refused is not None:
                reader.outside.add(problem.refused)
            reader.err(
                problem.path or path,
                Mark(problem.line, problem.col),
                problem.code,
                problem.message,
                problem.field,
            )
        if loaded is None:
            continue
        reader.broken.discard(f"theme:{name}")
        themes[name] = loaded
        sources[f"theme:{name}"] = Source(path, reader.display(path), Located(None))
        for file_name, file_path in loaded.files().items():
            sources[f"theme-file:{name}:{file_name}"] = Source(
                file_path, reader.display(file_path), Located(None)
            )
    return themes
