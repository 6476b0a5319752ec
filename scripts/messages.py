"""Keep the message catalogs in step with the code (``make messages``).

1. Extract every text marked with ``_()``, ``N_()`` or ``ngettext()`` from
   ``src/pakketbuild`` with Babel.
2. Update ``src/pakketbuild/locale/{nl,en}/LC_MESSAGES/pakketbuild.po``: new ids are added
   (Dutch ones empty, to be translated by hand; English ones filled with the id, which is
   English already), ids that are gone are dropped.
3. Compile each ``.po`` to its ``.mo``. The output depends on the ``.po`` only (sorted,
   no dates from the clock), so compiling twice gives the same bytes; the test suite
   checks that the committed ``.mo`` files match their ``.po``.

``--check`` changes nothing and exits 1 when a catalog or compiled file is out of date or a
Dutch translation is missing (for CI).
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "pakketbuild"
LOCALE = PACKAGE / "locale"
DOMAIN = "pakketbuild"
LANGUAGES = ("nl", "en")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
"""The catalogs' header dates: fixed, so that regenerating changes nothing by itself."""


HEADER = """\
# Messages of pakketbuild: {language}.
# Edit the msgstr lines by hand; run 'make messages' after changing texts in the code.
# The ids (msgid) are the English texts in src/pakketbuild; see docs/redactie.md."""


def template() -> Catalog:
    """Every message id in the package's source."""
    catalog = Catalog(project="pakketbuild", creation_date=FIXED_DATE, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def updated(language: str, pot: Catalog) -> Catalog:
    """The catalog of ``language`` with the ids of ``pot`` (translations kept)."""
    path = po_path(language)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=DOMAIN)
    else:
        catalog = Catalog(locale=language, domain=DOMAIN, project="pakketbuild", fuzzy=False)
    catalog.update(pot, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.creation_date = FIXED_DATE
    catalog.revision_date = FIXED_DATE
    catalog.fuzzy = False
    catalog.version = ""
    catalog.msgid_bugs_address = ""
    catalog.copyright_holder = "the pakketbuild authors"
    catalog.last_translator = "pakketbuild <redactie>"
    catalog.language_team = f"{language} (pakketbuild)"
    catalog.header_comment = HEADER.format(language=language)
    for message in catalog:
        if not message.id:
            continue
        if language == "en" and not any(
            message.string if isinstance(message.string, tuple) else (message.string,)
        ):
            message.string = message.id  # English is the source language
        message.locations = []
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, no_location=True, sort_output=True, include_previous=False)
    return out.getvalue()


def mo_bytes(po: bytes, language: str) -> bytes:
    """The compiled form of ``po``; the same bytes every time."""
    catalog = read_po(io.BytesIO(po), locale=language, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def untranslated(catalog: Catalog) -> list[str]:
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            missing.append(str(message.id))
    return missing


def main(argv: list[str]) -> int:
    check = "--check" in argv
    pot = template()
    problems: list[str] = []
    for language in LANGUAGES:
        catalog = updated(language, pot)
        po = po_bytes(catalog)
        mo = mo_bytes(po, language)
        po_file = po_path(language)
        mo_file = po_file.with_suffix(".mo")
        if check:
            if not po_file.exists() or po_file.read_bytes() != po:
                problems.append(f"{po_file.relative_to(ROOT)} is out of date: run make messages")
            if not mo_file.exists() or mo_file.read_bytes() != mo:
                problems.append(f"{mo_file.relative_to(ROOT)} is out of date: run make messages")
        else:
            po_file.parent.mkdir(parents=True, exist_ok=True)
            po_file.write_bytes(po)
            mo_file.write_bytes(mo)
        missing = untranslated(catalog)
        if missing:
            problems.append(f"{language}: {len(missing)} message(s) without a translation")
            problems.extend(f"  {text}" for text in missing[:20])
        print(f"{language}: {len(catalog)} messages", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
