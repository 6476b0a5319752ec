"""The real-client harness works: each helper on small real inputs made here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.clients import (
    ClientError,
    axe_results,
    libreoffice_convert,
    pdf_text,
    pdf_to_png,
    pdfua_failures,
    pdfua_report,
    require,
    validate_jsonfeed,
    vnu_errors,
)

pytestmark = pytest.mark.clients

MINIMAL_UA_HTML = (
    '<html lang="nl"><head><title>T</title></head><body><h1>Kop</h1><p>Tekst</p></body></html>'
)


def page(body: str, *, head: str = "", title: str = "Proef") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n{head}</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- require


def test_require_unknown_tool_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown test client"):
        require("no-such-client")


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)]
)
def test_require_fails_on_ci_and_skips_locally(
    monkeypatch: pytest.MonkeyPatch, ci: str, outcome: type[BaseException]
) -> None:
    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(outcome, match="pdftotext"):
        require("pdftotext")


# --------------------------------------------------------------------------- Nu HTML Checker


def test_vnu_accepts_a_valid_page(tmp_path: Path) -> None:
    good = write(tmp_path / "good.html", page("<h1>Kop</h1>\n<p>Tekst.</p>"))
    assert vnu_errors([good]) == []


def test_vnu_reports_duplicate_id_and_missing_alt_with_file_and_line(tmp_path: Path) -> None:
    good = write(tmp_path / "good.html", page("<h1>Kop</h1>"))
    bad = write(
        tmp_path / "bad.html",
        page('<h1 id="a">Kop</h1>\n<p id="a">Tekst</p>\n<img src="x.png">'),
    )
    errors = vnu_errors([good, bad])
    assert errors, "expected errors"
    assert all(e.startswith(f"{bad}:") for e in errors), errors
    assert any("Duplicate ID" in e for e in errors), errors
    assert any("alt" in e for e in errors), errors


def test_vnu_checks_css_files_too(tmp_path: Path) -> None:
    css = write(tmp_path / "site.css", "p { colr: red; }\n")
    good = write(tmp_path / "good.html", page("<h1>Kop</h1>"))
    errors = vnu_errors([good, css])
    assert len(errors) == 1 and errors[0].startswith(f"{css}:1:") and "colr" in errors[0]


# --------------------------------------------------------------------------- axe-core


def test_axe_reports_an_image_without_alt(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.html", page('<h1>Kop</h1>\n<img src="x.png">'))
    good = write(tmp_path / "good.html", page("<h1>Kop</h1>\n<p>Tekst</p>"))
    results = axe_results([bad, good])
    assert [r["file"] for r in results] == [str(bad), str(good)]
    assert "image-alt" in {v["id"] for v in results[0]["violations"]}
    assert results[1]["violations"] == []


def test_axe_blocks_and_records_remote_requests(tmp_path: Path) -> None:
    remote = write(
        tmp_path / "remote.html",
        page('<h1>Kop</h1>\n<img src="https://example.invalid/pixel.png" alt="">'),
    )
    (result,) = axe_results([remote])
    assert result["blocked_requests"] == ["https://example.invalid/pixel.png"]


def test_axe_page_scripts_never_run_and_are_listed(tmp_path: Path) -> None:
    # If the inline script ran, it would add an <img> without alt: axe must not see it.
    scripted = write(
        tmp_path / "scripted.html",
        page(
            "<h1>Kop</h1>\n"
            "<script>document.querySelector('main').insertAdjacentHTML("
            "'beforeend', '<img src=\"x.png\">')</script>",
            head='<script type="application/ld+json">{"@context": "https://schema.org"}</script>\n',
        ),
    )
    data_only = write(
        tmp_path / "jsonld.html",
        page(
            "<h1>Kop</h1>",
            head='<script type="application/ld+json">{"@context": "https://schema.org"}</script>\n',
        ),
    )
    scripted_result, data_result = axe_results([scripted, data_only])
    assert scripted_result["violations"] == []
    assert len(scripted_result["executable_scripts"]) == 1
    assert scripted_result["executable_scripts"][0].startswith("<script> inline:")
    assert data_result["executable_scripts"] == []


# --------------------------------------------------------------------------- JSON Feed 1.1


def minimal_feed() -> dict[str, object]:
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Veiligheidspakket",
        "home_page_url": "https://example.org/",
        "feed_url": "https://example.org/feed.json",
        "language": "nl",
        "items": [
            {
                "id": "https://example.org/items/woningscan/",
                "url": "https://example.org/items/woningscan/",
                "title": "Woningscan",
                "content_text": "Tekst",
                "date_published": "2025-01-31T12:00:00+01:00",
            }
        ],
    }


def test_minimal_json_feed_validates() -> None:
    assert validate_jsonfeed(minimal_feed()) == []


def test_json_feed_without_version_or_with_bad_formats_does_not_validate() -> None:
    feed = minimal_feed()
    del feed["version"]
    assert any("version" in e for e in validate_jsonfeed(feed))

    feed = minimal_feed()
    feed["items"] = [{"id": "x", "content_text": "t", "date_published": "31-01-2025"}]
    feed["home_page_url"] = "not a uri"
    errors = validate_jsonfeed(json.loads(json.dumps(feed)))
    assert any("date_published" in e for e in errors), errors
    assert any("home_page_url" in e for e in errors), errors


# --------------------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def minimal_ua_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    weasyprint = pytest.importorskip("weasyprint")
    out: Path = tmp_path_factory.mktemp("pdf") / "minimal.pdf"
    weasyprint.HTML(string=MINIMAL_UA_HTML).write_pdf(out, pdf_variant="pdf/ua-1")
    return out


def test_pdf_text_and_png(minimal_ua_pdf: Path, tmp_path: Path) -> None:
    text = pdf_text(minimal_ua_pdf)
    assert "Kop" in text and "Tekst" in text
    pngs = pdf_to_png(minimal_ua_pdf, tmp_path / "png", 1, 1)
    assert len(pngs) == 1 and pngs[0].read_bytes().startswith(b"\x89PNG")


def test_pdfua_checkers_run_on_a_minimal_weasyprint_pdf(minimal_ua_pdf: Path) -> None:
    failures = pdfua_failures(minimal_ua_pdf)
    report = pdfua_report(minimal_ua_pdf)
    print("failures:", failures, "warnings:", report.warnings, "skipped:", report.skipped)
    assert isinstance(failures, list)
    assert all(f.startswith(("page-validation: ", "pdfua: ")) for f in failures)


def test_pdfua_checkers_find_an_untagged_pdf(tmp_path: Path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    plain = tmp_path / "plain.pdf"
    weasyprint.HTML(string=MINIMAL_UA_HTML).write_pdf(plain)  # no pdf_variant: untagged
    failures = pdfua_failures(plain)
    assert any(f.startswith("page-validation: ") for f in failures), failures
    assert any(f.startswith("pdfua: UA-01-005") for f in failures), failures


# --------------------------------------------------------------------------- LibreOffice


def test_libreoffice_converts_docx_twice_in_a_row(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    source = tmp_path / "brief.docx"
    document = docx.Document()
    document.add_heading("Kop", level=1)
    document.add_paragraph("Tekst in Word")
    document.save(source)

    first = libreoffice_convert(source, tmp_path / "out")
    assert "Tekst in Word" in pdf_text(first)
    second = libreoffice_convert(source, tmp_path / "out")
    assert second == first and second.stat().st_size > 0


def test_libreoffice_raises_when_no_pdf_appears(tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        require("soffice")
    # A zip header with garbage behind it: LibreOffice cannot load it and exits 0.
    # (Plain text named .docx would not do: LibreOffice opens it as text.)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04garbage-garbage")
    with pytest.raises(ClientError, match="made no PDF"):
        libreoffice_convert(broken, tmp_path / "out")
