"""The Word/ODT accessibility check (tests/office_a11y.py): every DOCX and ODT of the real
build passes, and each rule fails on a planted fault."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pakketbuild.writers.docx import DocxWriter
from pakketbuild.writers.odt import OdtWriter
from tests.office_a11y import check
from tests.writers.document_tools import SCENARIO, render_all

DOCX_ITEM = "downloads/items/stappenplan-test.docx"
DOCX_PAKKET = "downloads/testpakket.docx"
ODT_ITEM = "downloads/items/stappenplan-test.odt"
ODT_PAKKET = "downloads/testpakket.odt"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("a11y")
    files = {}
    for writer in (DocxWriter(), OdtWriter()):
        for path, data in render_all(writer, SCENARIO).items():
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            files[path] = target
    return files


def test_every_real_and_scenario_document_passes(
    real_documents: Path, scenario: dict[str, Path]
) -> None:
    documents = [
        *sorted(real_documents.rglob("*.docx")),
        *sorted(real_documents.rglob("*.odt")),
        *scenario.values(),
    ]
    assert len(documents) > 50
    problems = {str(p.relative_to(p.parents[2])): check(p) for p in documents}
    assert {k: v for k, v in problems.items() if v} == {}


Change = Callable[[str], str]


def plant(source: Path, target: Path, changes: dict[str, Change]) -> Path:
    """A copy of ``source`` with its parts changed; fails when a change changes nothing."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename in changes:
                text = data.decode("utf-8")
                changed = changes[info.filename](text)
                assert changed != text, f"the fault was not planted in {info.filename}"
                data = changed.encode("utf-8")
            new.writestr(info, data)
    return target


def once(pattern: str, replacement: str) -> Callable[[str], str]:
    return lambda text: re.sub(pattern, replacement, text, count=1, flags=re.S)


DRAWING = (
    '<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing"><wp:docPr id="77" name="Foto"/></wp:inline></w:drawing></w:r>'
)
FRAME = (
    '<draw:frame xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" draw:name="Foto"/>'
)
Fault = tuple[str, dict[str, Change]]
DOCX_FAULTS: dict[str, Fault] = {
    "title": (DOCX_ITEM, {"docProps/core.xml": once(r"<dc:title>[^<]*</dc:title>", "")}),
    "language": (
        DOCX_ITEM,
        {
            "docProps/core.xml": once(r"<dc:language>[^<]*</dc:language>", ""),
            "word/styles.xml": once(r"(<w:docDefaults>.*?)<w:lang [^>]*/>", r"\1"),
        },
    ),
    # the first 'Heading 2' becomes a 'Heading 4': level 1 then 4
    "heading-order": (
        DOCX_PAKKET,
        {"word/document.xml": once('<w:pStyle w:val="Heading2"/>', '<w:pStyle w:val="Heading4"/>')},
    ),
    "table-header": (DOCX_ITEM, {"word/document.xml": once('<w:tblHeader w:val="true"/>', "")}),
    "merged-cells": (
        DOCX_ITEM,
        {"word/document.xml": once(r"<w:tc><w:tcPr>", '<w:tc><w:tcPr><w:gridSpan w:val="2"/>')},
    ),
    "alt-text": (DOCX_ITEM, {"word/document.xml": once(r"(<w:p>)", rf"\1{DRAWING}")}),
    "link-text": (
        DOCX_ITEM,
        {
            "word/document.xml": once(
                r"(<w:hyperlink [^>]*>(?:(?!</w:hyperlink>).)*?<w:t>)[^<]*(</w:t>)",
                r"\1klik hier\2",
            )
        },
    ),
    "empty-paragraph": (DOCX_ITEM, {"word/document.xml": once(r"(<w:body>)", r"\1<w:p/>")}),
}
ODT_FAULTS: dict[str, Fault] = {
    "title": (ODT_ITEM, {"meta.xml": once(r"<dc:title>[^<]*</dc:title>", "")}),
    "language": (
        ODT_ITEM,
        {
            "meta.xml": once(r"<dc:language>[^<]*</dc:language>", ""),
            "styles.xml": once(
                r'(<style:default-style style:family="paragraph">.*?) fo:language="nl"',
                r"\1",
            ),
        },
    ),
    "heading-order": (
        ODT_PAKKET,
        {
            "content.xml": once(
                'text:outline-level="2" text:style-name="Heading_20_2"',
                'text:outline-level="4" text:style-name="Heading_20_4"',
            )
        },
    ),
    "table-header": (
        ODT_ITEM,
        {"content.xml": once(r"<table:table-header-rows>(.*?)</table:table-header-rows>", r"\1")},
    ),
    "merged-cells": (
        ODT_ITEM,
        {
            "content.xml": once(
                "<table:table-cell ", '<table:table-cell table:number-columns-spanned="2" '
            )
        },
    ),
    "alt-text": (
        ODT_ITEM,
        {"content.xml": once(r'(<text:p text:style-name="Text_20_body">)', rf"\1{FRAME}")},
    ),
    "link-text": (
        ODT_ITEM,
        {
            "content.xml": once(
                r'(<text:a xlink:href="https:[^"]*"[^>]*>)[^<]*(</text:a>)', r"\1hier\2"
            )
        },
    ),
    "empty-paragraph": (
        ODT_ITEM,
        {"content.xml": once(r"(<office:text>)", r'\1<text:p text:style-name="Text_20_body"/>')},
    ),
}


CASES = [("docx", rule, fault) for rule, fault in DOCX_FAULTS.items()] + [
    ("odt", rule, fault) for rule, fault in ODT_FAULTS.items()
]


@pytest.mark.parametrize(("fmt", "rule", "fault"), CASES, ids=[f"{f}-{r}" for f, r, _ in CASES])
def test_each_rule_fails_on_a_planted_fault(
    scenario: dict[str, Path],
    tmp_path: Path,
    fmt: str,
    rule: str,
    fault: Fault,
) -> None:
    source, changes = fault
    assert check(scenario[source]) == []  # the unchanged document passes
    planted = plant(scenario[source], tmp_path / Path(source).name, changes)
    rules = {problem.rule for problem in check(planted)}
    assert rules == {rule}, (fmt, rule, check(planted))
