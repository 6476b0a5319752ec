"""Write the ready-made subsets of the house fonts that Word and ODT files embed.

    .venv/bin/python scripts/font_subsets.py [--check]

Each house face (``src/pakketbuild/assets/fonts/Liberation*.ttf``) cut down to
``pakketbuild.writers.fonts.EDITING_TEXT``, in ``src/pakketbuild/assets/fonts/subsets/``.
Run it after changing ``EDITING_TEXT`` or the subset options, or when fontTools moves
(``tests/writers/test_fonts.py`` fails then). ``--check`` writes nothing and exits 1 when a
file is missing or different.
"""

from __future__ import annotations

import sys

from pakketbuild.writers.fonts import EDITING_TEXT, HOUSE, SUBSETS_DIR, make_subset


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    SUBSETS_DIR.mkdir(exist_ok=True)
    for family in HOUSE:
        for face in family.faces:
            cut = make_subset(face.path.read_bytes(), EDITING_TEXT, family.name, face)
            assert cut is not None, face
            target = SUBSETS_DIR / face.path.name
            if target.is_file() and target.read_bytes() == cut.data:
                continue
            stale.append(target.name)
            if not check:
                target.write_bytes(cut.data)
    if stale:
        print(("stale: " if check else "written: ") + ", ".join(stale))
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
