"""How pakketbuild finds LibreOffice and what it does when LibreOffice misbehaves, with a
stand-in installation (a folder laid out like LibreOffice's ``program/``, whose
"interpreter" is a shell script playing the helper): no LibreOffice needed.

The real LibreOffice is used in ``test_contents_pages.py``."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from pakketbuild.cli import main
from pakketbuild.writers import office_pages
from pakketbuild.writers.office_pages import Installation, Missing, match_entries
from tests.build.helpers import manifest
from tests.writers.document_tools import REAL_CONTENT


def fake_office(root: Path, *, bridge: bool = True, helper: str | None = None) -> Path:
    """A stand-in LibreOffice under ``root``; returns the folder to put on ``PATH``.
    ``helper``: the shell script run in place of the UNO helper."""
    program = root / "lo" / "program"
    program.mkdir(parents=True)
    (program / "soffice").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    (program / "soffice").chmod(0o755)
    (program / "soffice.bin").write_bytes(b"not really LibreOffice")
    (program / "bootstraprc").write_text("[Bootstrap]\nProductKey=LibreOffice 9.9\n")
    (program / "versionrc").write_text("[Version]\nbuildid=proef-1\n")
    if bridge:
        (program / "pyuno.so").write_bytes(b"")
        (program / "uno.py").write_text("", encoding="utf-8")
        (program / "python").write_text(helper or "#!/bin/sh\nexit 1\n", encoding="utf-8")
        (program / "python").chmod(0o755)
    path = root / "bin"
    path.mkdir()
    (path / "soffice").symlink_to(program / "soffice")
    return path


def test_found_from_its_files_without_starting_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(fake_office(tmp_path)))
    found = office_pages.find()
    assert isinstance(found, Installation)
    program = tmp_path / "lo" / "program"
    assert found.binary == str(program / "soffice.bin")
    assert found.python == str(program / "python")  # LibreOffice's own interpreter
    assert found.version == "LibreOffice 9.9 proef-1"
    state = office_pages.OFFICE.state()
    assert (state.key, state.label, state.name, state.warning) == (
        found.key, "LibreOffice 9.9 proef-1", "libreoffice", None,
    )  # fmt: skip
    office_pages.OFFICE.close()
    # another build of the program (a package update) is another key; the same is the same
    assert office_pages.find() == found
    (program / "soffice.bin").write_bytes(b"an updated LibreOffice")
    assert office_pages.find().key != found.key  # type: ignore[union-attr]


def test_missing_program_or_bridge_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert office_pages.find() == Missing(bridge=False)
    warning = office_pages.OFFICE.state().warning or ""
    assert warning.startswith("warning: LibreOffice is not installed")
    assert "libreoffice-writer-nogui and python3-uno" in warning
    monkeypatch.setenv("PATH", str(fake_office(tmp_path / "o", bridge=False)))
    assert office_pages.find() == Missing(bridge=True)
    state = office_pages.OFFICE.state()
    assert state.key == "absent" and state.label is None
    assert "(python3-uno) is not installed" in (state.warning or "")
    assert "apt-get install python3-uno" in (state.warning or "")
    office_pages.OFFICE.close()


def test_entries_are_matched_in_order_by_their_titles() -> None:
    entries = [["Inhoud", "1"], ["Inleiding", "2"], ["Woningscan", "3"], ["Bijlage", "9"]]
    assert match_entries(["Inleiding", "Woningscan"], entries) == ["2", "3"]
    assert match_entries(["Woning\u00adscan"], [["Woningscan", "3"]]) == ["3"]  # soft hyphen
    assert match_entries(["Woningscan", "Inleiding"], entries) is None  # another order
    assert match_entries(["Ontbreekt"], entries) is None
    assert match_entries(["Inleiding"], [["Inleiding", ""]]) is None  # no number
    assert match_entries(["Inleiding"], [["Inleiding", "2 3"]]) is None


def _build(tmp_path: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(
        [
            "build", "--content", str(REAL_CONTENT), "--out", str(tmp_path / "exports"),
            "--cache-dir", str(tmp_path / "cache"), "--formats", "docx,odt", "--jobs", "1",
        ]
    )  # fmt: skip
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("helper", "reason"),
    [
        ('#!/bin/sh\necho \'{"error": "soffice.bin stopped while starting"}\'\n', "stopped"),
        ('#!/bin/sh\necho \'{"ready": "nep"}\'\nread line\nexit 3\n', "exit 3"),
    ],
    ids=["does-not-start", "dies-on-a-document"],
)
def test_a_broken_libreoffice_fails_the_build_in_plain_words(
    helper: str,
    reason: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An installed LibreOffice that cannot measure is an error (a titles-only file would
    be cached under the key of a measured one): exit 1, what failed and how to repair it,
    no traceback, and the published tree stays as it was."""
    path = fake_office(tmp_path / "o", helper=helper)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    code, _err = _build(tmp_path, path, capsys)
    assert code == 0
    before = manifest(tmp_path / "exports")
    monkeypatch.setenv("PATH", str(path))
    code, err = _build(tmp_path, path, capsys)
    assert code == 1, err
    assert "LibreOffice 9.9 proef-1 could not number the contents lists" in err
    assert reason in err and "apt-get install --reinstall" in err
    assert "Traceback" not in err
    assert manifest(tmp_path / "exports") == before


def test_entries_libreoffice_does_not_list_keep_their_titles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """When LibreOffice's contents list lacks an entry of ours, the document keeps titles
    only rather than numbers from another list."""
    helper = (
        '#!/bin/sh\necho \'{"ready": "nep"}\'\n'
        'while read line; do echo \'{"entries": [["Iets anders", "2"]]}\'; done\n'
    )
    monkeypatch.setenv("PATH", str(fake_office(tmp_path / "o", helper=helper)))
    code, err = _build(tmp_path, tmp_path, capsys)
    assert code == 0, err
    pakket = tmp_path / "exports/downloads/veiligheidspakket-startende-burgemeesters.docx"
    document = zipfile.ZipFile(io.BytesIO(pakket.read_bytes())).read("word/document.xml")
    assert b"TOC \\o" in document and b"PAGEREF" not in document
    assert manifest(tmp_path / "exports")["versions"]["libreoffice"] == "LibreOffice 9.9 proef-1"
