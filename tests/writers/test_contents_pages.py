"""Contents lists with page numbers in the Word and ODT documents (issue 21, point 3).

LibreOffice lays out every pakket and combined document at build time and the writers put
its page numbers into the contents entries they wrote (``writers/office_pages.py``). The
checks here use LibreOffice as a reader would: each combined DOCX and ODT is opened (no
update) and saved as PDF, and opened, updated ("update all") and saved again; on both,
every contents entry must show a number, the number of the page its heading is on (the
PDF's bookmarks, which LibreOffice writes per level-1 heading), and the update must change
none of them. Without LibreOffice on ``PATH`` the build warns once and the entries keep
their titles only; whether (and which) LibreOffice measured is part of the documents'
cache key; LibreOffice ends with the build, also when the build is terminated or killed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from pakketbuild.build import BuildOptions, build
from pakketbuild.cli import main
from pakketbuild.i18n import set_language
from pakketbuild.writers import office_pages
from tests import clients
from tests.build.helpers import build_command, cli_env, hold_at, manifest, tree_problems
from tests.writers.document_tools import REAL_CONTENT

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
XLINK = "http://www.w3.org/1999/xlink"
NS = {"w": W, "text": TEXT, "xlink": XLINK}


def combined(out: Path) -> list[Path]:
    """The documents with a contents list: every pakket's and every view's combined one."""
    return sorted(
        path
        for pattern in ("downloads/*", "views/*/downloads/*")
        for path in out.glob(pattern)
        if path.suffix in (".docx", ".odt")
    )


def xml(document: Path | bytes, part: str) -> etree._Element:
    data = document if isinstance(document, bytes) else document.read_bytes()
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(part))


def _build(out: Path, cache: Path, **options: object) -> None:
    build(
        BuildOptions(
            content=REAL_CONTENT,
            out=out,
            formats=["docx", "odt"],
            cache_dir=cache,
            progress=False,
            **options,  # type: ignore[arg-type]
        )
    )


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content's Word and ODT documents, built with LibreOffice."""
    clients.require_uno()
    root = tmp_path_factory.mktemp("measured")
    _build(root / "exports", root / "cache", verbosity="quiet")
    return root / "exports"


@pytest.fixture
def no_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A ``PATH`` without LibreOffice (nothing on it at all)."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert office_pages.find() == office_pages.Missing(bridge=False)
    yield
    office_pages.OFFICE.close()


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.clients
def test_every_entry_shows_the_page_of_its_heading_and_an_update_changes_none(
    measured: Path, tmp_path: Path
) -> None:
    documents = combined(measured)
    assert {p.suffix for p in documents} == {".docx", ".odt"} and len(documents) >= 4
    opened = clients.libreoffice_convert_many(documents, tmp_path / "opened")
    pairs = [(d, tmp_path / f"{n:02d}-{d.stem}{d.suffix}.pdf") for n, d in enumerate(documents)]
    clients.libreoffice_update_indexes(pairs, tmp_path / "profile")
    for document, updated in pairs:
        headings = clients.pdf_outline(opened[document])
        titles = [title for title, _page in headings]
        assert len(titles) >= 4, document
        shown = clients.contents_numbers(opened[document], titles)
        # as the file opens: a number for every entry, the page its heading is on
        assert shown == [str(page) for _title, page in headings], document
        # after LibreOffice's own update: the same numbers, the same pages
        assert clients.contents_numbers(updated, titles) == shown, document
        assert clients.pdf_outline(updated) == headings, document


@pytest.mark.clients
def test_word_entries_are_what_word_writes(measured: Path) -> None:
    """Each entry: a hyperlink to the heading's bookmark holding the title (Hyperlink
    style), a tab (the "toc 1" style's right tab stop with dots) and a PAGEREF field with
    ``\\h`` whose stored result is the number; no ``w:updateFields``, so Word shows the
    stored result without asking."""
    for document in (p for p in combined(measured) if p.suffix == ".docx"):
        body = xml(document, "word/document.xml")
        headings = {
            str(b.get(f"{{{W}}}name")): "".join(b.getparent().xpath(".//w:t/text()", namespaces=NS))
            for b in body.iterfind(".//w:bookmarkStart", NS)
        }
        entries = body.xpath(".//w:p[w:pPr/w:pStyle/@w:val='toc1']", namespaces=NS)
        assert entries, document
        for entry in entries:
            (link,) = entry.iterfind("w:hyperlink", NS)
            anchor = link.get(f"{{{W}}}anchor")
            runs = list(link)
            assert [r.xpath("string(w:rPr/w:rStyle/@w:val)", namespaces=NS) for r in runs] == [
                "Hyperlink", "", "", "", "", "", "",
            ], document  # fmt: skip
            title = runs[0].findtext("w:t", namespaces=NS)
            assert headings[anchor] == title, document  # the bookmark is on its heading
            assert runs[1].find("w:tab", NS) is not None
            kinds = [r.find("w:fldChar", NS) for r in runs[2:]]
            assert [k.get(f"{{{W}}}fldCharType") if k is not None else None for k in kinds] == [
                "begin", None, "separate", None, "end",
            ]  # fmt: skip
            assert runs[3].findtext("w:instrText", namespaces=NS) == f" PAGEREF {anchor} \\h "
            assert re.fullmatch(r"[1-9]\d*", runs[5].findtext("w:t", namespaces=NS) or "")
        styles = xml(document, "word/styles.xml")
        (tab,) = styles.xpath(".//w:style[@w:styleId='toc1']//w:tabs/w:tab", namespaces=NS)
        assert (tab.get(f"{{{W}}}val"), tab.get(f"{{{W}}}leader")) == ("right", "dot")
        assert b"updateFields" not in zipfile.ZipFile(document).read("word/settings.xml")


@pytest.mark.clients
def test_odt_entries_carry_the_number_after_the_tab(measured: Path) -> None:
    """As LibreOffice writes an updated index: ``<text:a>title<text:tab/>3</text:a>``."""
    for document in (p for p in combined(measured) if p.suffix == ".odt"):
        content = xml(document, "content.xml")
        links = content.xpath(".//text:index-body/text:p/text:a", namespaces=NS)
        assert links, document
        for link in links:
            (tab,) = link
            assert tab.tag == f"{{{TEXT}}}tab" and link.text
            assert re.fullmatch(r"[1-9]\d*", tab.tail or ""), document


@pytest.mark.clients
def test_item_documents_have_no_contents_and_are_not_measured(measured: Path) -> None:
    items = sorted(measured.glob("downloads/items/*"))
    assert items
    for document in items:
        data = document.read_bytes()
        part = "word/document.xml" if document.suffix == ".docx" else "content.xml"
        text = zipfile.ZipFile(io.BytesIO(data)).read(part)
        assert b"PAGEREF" not in text and b"table-of-content" not in text
    assert manifest(measured)["versions"]["libreoffice"] == office_pages.find().version  # type: ignore[union-attr]


# --------------------------------------------------------------------------- without it


def test_without_libreoffice_one_warning_and_titles_only(
    no_office: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, cache = tmp_path / "exports", tmp_path / "cache"
    _build(out, cache)
    err = capsys.readouterr().err
    assert err.count("LibreOffice is not installed") == 1, err
    assert "without page numbers" in err
    assert "apt-get install libreoffice-writer-nogui python3-uno" in err
    assert tree_problems(out) == []
    for document in combined(out):
        data = document.read_bytes()
        if document.suffix == ".docx":
            body = xml(data, "word/document.xml")
            entries = body.xpath(".//w:p[w:pPr/w:pStyle/@w:val='toc1']", namespaces=NS)
            assert entries and b"PAGEREF" not in zipfile.ZipFile(document).read("word/document.xml")
        else:
            body = xml(data, "content.xml")
            entries = body.xpath(".//text:index-body/text:p/text:a", namespaces=NS)
            assert entries and not body.xpath(".//text:index-body//text:tab", namespaces=NS)
    assert "libreoffice" not in manifest(out)["versions"]
    # the no-op build says it again (once), from the last build's record
    _build(out, cache)
    assert capsys.readouterr().err.count("LibreOffice is not installed") == 1


def test_without_libreoffice_the_warning_is_dutch(
    no_office: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--lang", "nl", "build", "--content", str(REAL_CONTENT), "--out", str(tmp_path / "e")]
    try:
        code = main([*args, "--cache-dir", str(tmp_path / "c"), "--formats", "odt"])
    finally:
        set_language("en")
    err = capsys.readouterr().err
    assert code == 0
    assert err.count("LibreOffice is niet geïnstalleerd") == 1, err
    assert "zonder paginanummers" in err and "waarschuwing: " in err


def test_a_build_without_word_or_odt_does_not_warn(
    no_office: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(
        BuildOptions(
            content=REAL_CONTENT, out=tmp_path / "e", formats=["html", "json"],
            cache_dir=tmp_path / "c", progress=False,
        )
    )  # fmt: skip
    assert "LibreOffice" not in capsys.readouterr().err


@pytest.mark.clients
def test_the_cache_key_says_whether_and_which_libreoffice_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build with LibreOffice never reuses a titles-only file and the other way round
    (also not as a no-op); documents without a contents list are reused either way."""
    clients.require_uno()
    out, cache = tmp_path / "exports", tmp_path / "cache"
    with_office = os.environ["PATH"]
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    _build(out, cache, verbosity="quiet")
    titles_only = {p: p.read_bytes() for p in combined(out)}
    monkeypatch.setenv("PATH", with_office)
    build_with = build(
        BuildOptions(
            content=REAL_CONTENT, out=out, formats=["docx", "odt"], cache_dir=cache,
            progress=False, verbosity="quiet",
        )
    )  # fmt: skip
    assert not build_with.noop
    written = {out / path for path in build_with.written}
    assert written == set(titles_only)  # the measured documents, nothing else
    for document in titles_only:
        if document.suffix == ".docx":
            assert b"PAGEREF" in zipfile.ZipFile(document).read("word/document.xml")
    assert manifest(out)["versions"]["libreoffice"]
    monkeypatch.setenv("PATH", str(empty))
    back = build(
        BuildOptions(
            content=REAL_CONTENT, out=out, formats=["docx", "odt"], cache_dir=cache,
            progress=False, verbosity="quiet",
        )
    )  # fmt: skip
    assert not back.noop and back.rendered == 0  # from the cache, under the old keys
    assert {p: p.read_bytes() for p in combined(out)} == titles_only
    office_pages.OFFICE.close()


# --------------------------------------------------------------------------- the program


def _marked(marker: str) -> list[int]:
    """Processes whose environment holds ``marker`` (the build, the helper, LibreOffice)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def _internet_sockets(pids: list[int]) -> list[str]:
    """The TCP and UDP sockets (IPv4, IPv6) that any of ``pids`` holds open."""
    inodes: set[str] = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        inodes.add(target[len("socket:[") : -1])
    found = []
    for table in ("tcp", "tcp6", "udp", "udp6"):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
                fields = line.split()
                if len(fields) > 9 and fields[9] in inodes:
                    found.append(f"{table} {fields[1]} -> {fields[2]}")
    return found


def _gone(marker: str, scratch: Path, seconds: float = 30.0) -> tuple[list[int], list[str]]:
    """Wait until no marked process and no helper folder is left; what is left."""
    deadline = time.monotonic() + seconds
    while True:
        left = _marked(marker)
        folders = [p.name for p in scratch.glob("pakketbuild-office-*")]
        if (not left and not folders) or time.monotonic() > deadline:
            return left, folders
        time.sleep(0.2)


@pytest.mark.clients
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_libreoffice_ends_with_an_interrupted_build(sig: signal.Signals, tmp_path: Path) -> None:
    clients.require_uno()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    marker = f"TMPDIR={scratch}"
    command = build_command(
        REAL_CONTENT, tmp_path / "exports", tmp_path / "cache", "docx,odt", "--jobs", "1"
    )
    process = hold_at(command, "rendered", TMPDIR=str(scratch))
    running = [pid for pid in _marked(marker) if pid != process.pid]
    names = {Path(f"/proc/{pid}/comm").read_text().strip() for pid in running}
    assert "soffice.bin" in names, names  # LibreOffice runs while the build does
    assert _internet_sockets(running) == []  # a local pipe only: no port, no connection
    assert list(scratch.glob("pakketbuild-office-*"))
    process.send_signal(sig)
    process.wait(timeout=60)
    assert _gone(marker, scratch) == ([], [])


@pytest.mark.clients
def test_libreoffice_ends_with_the_build_and_starts_once_per_process(tmp_path: Path) -> None:
    """A build with two worker processes: LibreOffice starts at most once in each process
    that renders a document with a contents list (each start makes one profile folder),
    and nothing of it is left when the build is done."""
    clients.require_uno()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    log = tmp_path / "starts.log"
    done = subprocess.run(
        build_command(
            REAL_CONTENT, tmp_path / "exports", tmp_path / "cache", "docx,odt", "--jobs", "2"
        ),
        env=cli_env(TMPDIR=str(scratch), PAKKETBUILD_OFFICE_LOG=str(log)),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    starts = [event for event in events if event["event"] == "start"]
    assert len([e for e in events if e["event"] == "document"]) == 12  # 6 docx, 6 odt
    processes = [start["pid"] for start in starts]
    assert 1 <= len(processes) <= 3 and len(set(processes)) == len(processes), starts
    assert _gone(f"TMPDIR={scratch}", scratch) == ([], [])
