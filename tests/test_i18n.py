"""Messages in Dutch (the default) and English (``--lang en``), from gettext catalogs.

Every diagnostic code is produced once in each language through the real command line;
the catalogs are complete, compiled and free of programmers' jargon.
"""

from __future__ import annotations

import importlib.util
import re
import string
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.pofile import read_po

from pakketbuild import i18n
from pakketbuild.cli import main
from tests.content.test_errors import CASES, item
from tests.content.tree import write_tree
from tests.test_docs import codes_in_source

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "pakketbuild" / "locale"

LOW_CONTRAST = '{"color": {"$type": "color", "text": {"$value": "#999999"}}}'
SVG_LOGO = '{"$extensions": {"nl.pakketbuild": {"logo": {"file": "logo.svg", "alt": "Logo"}}}}'
MORE_CASES: dict[str, dict[str, str | bytes | None]] = {
    "invalid-passage": {"items/woningscan.md": item() + "\n::: alleen-voo raadslid\nx\n:::\n"},
    "unknown-audience": {"items/woningscan.md": item() + "\n::: alleen-voor wethouders\nx\n:::\n"},
    "passage-audience": {"items/woningscan.md": item() + "\n::: alleen-voor raadslid\nx\n:::\n"},
    "review-overdue": {
        "items/woningscan.md": item("last_reviewed: 2020-01-01\nreview_by: 2020-06-01\n")
    },
    "review-missing": {},
    "unexpected-file": {"items/notities.txt": "los"},
    "invalid-theme": {"themes/paars/tokens.json": "[]"},
    "low-contrast": {"themes/grijs/tokens.json": LOW_CONTRAST},
    "unsafe-svg": {
        "themes/paars/tokens.json": SVG_LOGO,
        "themes/paars/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
    },
}
"""Codes that tests/content/test_errors.py does not produce (warnings, themes, passages)."""

SPECIAL = {"no-content", "unreadable-file", "not-a-file", "base-url-missing"}
"""Codes that need more than files: made in :func:`_tree` (and, for ``base-url-missing``,
a publishing environment in the test)."""

JARGON_WORDS = re.compile(
    r"pydantic|mapping|indicator|scalar|traceback|front matter", re.IGNORECASE
)
JARGON_NAMES = re.compile(r"\b[A-Z]\w*(Error|Exception)\b|\bYAML\b|\bNone\b")
"""Words an editor should never read (the YAML format is named only in the guide)."""


def jargon(text: str) -> bool:
    return bool(JARGON_WORDS.search(text) or JARGON_NAMES.search(text))


def _tree(tmp_path: Path, code: str) -> Path:
    if code == "no-content":
        return tmp_path / "nergens"
    root = write_tree(tmp_path / "content", {**CASES, **MORE_CASES}.get(code, {}))
    if code == "not-a-file":
        (root / "items" / "map.md").mkdir()
    if code == "unreadable-file":
        (root / "items" / "weg.md").symlink_to(root / "items" / "bestaat-niet.md")
    return root


def _check(root: Path, language: str, capsys: pytest.CaptureFixture[str]) -> str:
    main(["--lang", language, "check", "--content", str(root), "--today", "2026-12-01"])
    return capsys.readouterr().err


def all_codes() -> list[str]:
    return sorted(codes_in_source())


def test_every_code_has_a_case() -> None:
    assert sorted(set(CASES) | set(MORE_CASES) | SPECIAL) == all_codes()


@pytest.mark.parametrize("code", all_codes())
def test_every_code_in_dutch_and_in_english(
    tmp_path: Path, code: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if code == "base-url-missing":
        monkeypatch.setenv("PAKKETBUILD_PUBLISH", "1")
    root = _tree(tmp_path, code)
    dutch = _check(root, "nl", capsys)
    english = _check(root, "en", capsys)
    nl_line = next(line for line in dutch.splitlines() if f"[{code}]" in line)
    en_line = next(line for line in english.splitlines() if f"[{code}]" in line)
    assert re.search(rf": (fout|waarschuwing|opmerking)\[{code}\]", nl_line), nl_line
    assert re.search(rf": (error|warning|notice)\[{code}\]", en_line), en_line
    nl_text, en_text = nl_line.split(": ", 2)[-1], en_line.split(": ", 2)[-1]
    assert nl_text != en_text, f"not translated: {en_text}"
    for text in (nl_text, en_text):
        assert not jargon(text), text
    assert dutch.splitlines()[-1].startswith("controle ")
    assert english.splitlines()[-1].startswith("check ")


def test_dutch_is_the_default_and_the_locale_variables_choose(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path / "content", CASES["invalid-date"])
    argv = ["check", "--content", str(root)]
    for name in i18n.ENV_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    cases = [
        ({}, "JJJJ-MM-DD"),
        ({"LANG": "C.UTF-8"}, "JJJJ-MM-DD"),
        ({"LANG": "en_GB.UTF-8"}, "YYYY-MM-DD"),
        ({"LC_ALL": "nl_NL.UTF-8", "LANG": "en_US.UTF-8"}, "JJJJ-MM-DD"),
        ({"LC_MESSAGES": "en_US.UTF-8"}, "YYYY-MM-DD"),
        ({"LANGUAGE": "de:en", "LANG": "nl_NL.UTF-8"}, "YYYY-MM-DD"),
        ({"LANGUAGE": "en", "LANG": "en_US.UTF-8", "--lang": "nl"}, "JJJJ-MM-DD"),
    ]
    try:
        for env, expected in cases:
            with monkeypatch.context() as scoped:
                for name, value in env.items():
                    if name != "--lang":
                        scoped.setenv(name, value)
                extra = ["--lang", env["--lang"]] if "--lang" in env else []
                assert main([*extra, *argv]) == 1
                assert expected in capsys.readouterr().err, env
    finally:
        i18n.set_language("en")


def test_help_is_dutch_and_has_no_developer_notes(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--lang", "nl", "--help"], ["check", "--help", "--lang", "nl"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert out.startswith("gebruik: pakketbuild")
        assert "opties:" in out
        assert "toon deze hulp" in out
        for developer in ("main(argv", "thin layer", "library", "show this help"):
            assert developer not in out
    with pytest.raises(SystemExit):
        main(["--lang", "en", "--help"])
    assert "show this help message" in capsys.readouterr().out


def test_the_date_format_of_new_and_of_the_messages_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "content")
    assert main(["--lang", "nl", "new", "item", "nieuw", "--content", str(root)]) == 0
    template = (root / "items" / "nieuw.md").read_text(encoding="utf-8")
    assert "JJJJ-MM-DD" in template and "YYYY" not in template
    capsys.readouterr()
    (root / "items" / "nieuw.md").write_text(
        template.replace("last_reviewed:", "last_reviewed: 3-12-2026", 1), encoding="utf-8"
    )
    main(["--lang", "nl", "check", "--content", str(root)])
    assert "schrijf een bestaande datum als JJJJ-MM-DD" in capsys.readouterr().err


# --------------------------------------------------------------------------- catalogs


def _messages_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "messages_script", ROOT / "scripts" / "messages.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["messages_script"] = module
    spec.loader.exec_module(module)
    return module


def test_catalogs_are_complete_and_compiled_files_up_to_date() -> None:
    """``make messages`` was run: every id of the code is in both catalogs, every Dutch
    text is there, and each committed ``.mo`` is exactly what its ``.po`` compiles to."""
    script = _messages_script()
    pot = script.template()
    for language in script.LANGUAGES:
        catalog = script.updated(language, pot)
        po = script.po_bytes(catalog)
        path = script.po_path(language)
        assert path.read_bytes() == po, f"{path} is out of date: run make messages"
        assert path.with_suffix(".mo").read_bytes() == script.mo_bytes(po, language), (
            f"{path.with_suffix('.mo')} is out of date: run make messages"
        )
        assert script.untranslated(catalog) == []
    assert len(pot) > 250


def _messages(language: str) -> Iterator[tuple[str, str]]:
    path = LOCALE / language / "LC_MESSAGES" / "pakketbuild.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, msgstr in zip(ids * len(strings), strings, strict=False):
            yield str(msgid), str(msgstr)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_translations_keep_every_placeholder(language: str) -> None:
    for msgid, msgstr in _messages(language):
        assert _fields(msgstr) == _fields(msgid), (msgid, msgstr)
        percent = re.compile(r"%\(\w+\)|%s")
        assert set(percent.findall(msgstr)) <= set(percent.findall(msgid)), (msgid, msgstr)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_message_speaks_programmers_jargon(language: str) -> None:
    allowed = {"internal error in pakketbuild (this is a bug; please report it):"}
    for msgid, msgstr in _messages(language):
        if msgid in allowed:
            continue
        assert not jargon(msgstr), msgstr


def test_an_unknown_language_falls_back_to_dutch(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in i18n.ENV_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    try:
        assert i18n.language_from_env({"LANG": "fr_FR.UTF-8"}) == "nl"
        assert i18n.set_language("fr") == "nl"
        assert i18n._("error") == "fout"
    finally:
        i18n.set_language("en")


def test_dutch_passes_the_guide_test_of_plain_words() -> None:
    """A few words of the old English messages that editors did not understand."""
    nl = dict(_messages("nl"))
    assert "YYYY" not in " ".join(nl.values())
    assert nl["error"] == "fout" and nl["warning"] == "waarschuwing"


def test_the_kinds_in_the_help_of_new_are_the_models() -> None:
    from pakketbuild.cli import KINDS
    from pakketbuild.model import Kind

    assert tuple(k.value for k in Kind) == KINDS
