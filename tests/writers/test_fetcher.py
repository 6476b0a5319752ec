"""The confined fetcher: WeasyPrint may read package assets and content files, nothing else."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from pakketbuild.confine import content_url
from pakketbuild.diagnostics import ContentError
from pakketbuild.writers.fetcher import ASSETS, ConfinedFetcher
from pakketbuild.writers.pdf import html_to_pdf
from tests.writers.document_tools import normalise

SOURCE = "content/items/woningscan.md"
SECRET = "GEHEIM-7f3a9c"


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    """A content folder with a stylesheet, and a folder outside it with 'secret' files."""
    content = tmp_path / "content"
    (content / "items").mkdir(parents=True)
    (content / "documenten").mkdir()
    (content / "documenten" / "eigen.css").write_text("p { color: #123456; }", encoding="utf-8")
    outside = tmp_path / "buiten"
    outside.mkdir()
    (outside / "geheim.css").write_text(f'body::after {{ content: "{SECRET}"; }}', encoding="utf-8")
    (outside / "geheim.txt").write_text(SECRET, encoding="utf-8")
    return {"content": content, "outside": outside}


def fetcher_for(content: Path) -> ConfinedFetcher:
    return ConfinedFetcher(content_root=content, source=SOURCE)


def refusal(fetcher: ConfinedFetcher, url: str) -> str:
    with pytest.raises(ContentError) as info:
        fetcher.fetch(url)
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.path == SOURCE, "the error must name the content file"
    return f"{diagnostic.code}: {diagnostic.message}"


def test_serves_package_assets_and_content_files(tree: dict[str, Path]) -> None:
    fetcher = fetcher_for(tree["content"])
    font = fetcher.fetch((ASSETS / "fonts" / "DejaVuSans.ttf").as_uri())
    assert font.read()[:4] == b"\x00\x01\x00\x00"
    assert font.content_type == "font/ttf"
    css = fetcher.fetch((tree["content"] / "documenten" / "eigen.css").as_uri())
    assert css.read() == b"p { color: #123456; }"
    assert css.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/style.css",
        "http://example.org/style.css",
        "HTTPS://EXAMPLE.ORG/font.ttf",
    ],
)
def test_refuses_the_network(tree: dict[str, Path], url: str) -> None:
    message = refusal(fetcher_for(tree["content"]), url)
    assert message.startswith("remote-resource: ")
    assert "internet" in message


@pytest.mark.parametrize(
    "url",
    ["data:text/css,body{}", "ftp://example.org/x.css", "file://otherhost/etc/passwd"],
)
def test_refuses_other_schemes_and_hosts(tree: dict[str, Path], url: str) -> None:
    assert refusal(fetcher_for(tree["content"]), url).startswith("remote-resource: ")


def test_refuses_files_outside_the_content(tree: dict[str, Path]) -> None:
    fetcher = fetcher_for(tree["content"])
    assert refusal(fetcher, "file:///etc/passwd").startswith("path-outside-content: ")
    outside = (tree["outside"] / "geheim.txt").as_uri()
    assert "outside the content folder" in refusal(fetcher, outside)


def test_refuses_dot_dot_escapes(tree: dict[str, Path]) -> None:
    fetcher = fetcher_for(tree["content"])
    url = tree["content"].as_uri() + "/documenten/../../buiten/geheim.txt"
    message = refusal(fetcher, url)
    assert message.startswith("path-outside-content: ") and "'..'" in message
    # '..' is refused even when it would stay inside the content folder
    inside = tree["content"].as_uri() + "/items/../documenten/eigen.css"
    assert "'..'" in refusal(fetcher, inside)


def test_content_urls_do_not_depend_on_the_folder_and_stay_inside(
    tree: dict[str, Path],
) -> None:
    """``pakketbuild-content:`` URLs (the logo's) name a file by its place in the content
    folder, and get the same checks as ``file:`` URLs."""
    content = tree["content"]
    url = content_url(content / "documenten" / "eigen.css", content)
    assert url == "pakketbuild-content:documenten/eigen.css"
    assert fetcher_for(content).fetch(url).read() == b"p { color: #123456; }"
    fetcher = fetcher_for(content)
    assert "'..'" in refusal(fetcher, "pakketbuild-content:../buiten/geheim.txt")
    assert "outside the content folder" in refusal(
        fetcher, "pakketbuild-content:" + str(tree["outside"] / "geheim.txt")
    )
    assert refusal(fetcher, "pakketbuild-content:documenten/nergens.css").startswith(
        "missing-file: "
    )


def test_refuses_a_symlink_that_leads_out(tree: dict[str, Path]) -> None:
    link = tree["content"] / "documenten" / "link.css"
    os.symlink(tree["outside"] / "geheim.css", link)
    message = refusal(fetcher_for(tree["content"]), link.as_uri())
    assert "link to a place outside the content folder" in message
    # a folder link that leads out is refused the same way
    os.symlink(tree["outside"], tree["content"] / "map")
    assert "outside" in refusal(
        fetcher_for(tree["content"]), (tree["content"] / "map" / "geheim.txt").as_uri()
    )


def test_a_symlink_inside_the_content_is_fine(tree: dict[str, Path]) -> None:
    link = tree["content"] / "items" / "stijl.css"
    os.symlink(tree["content"] / "documenten" / "eigen.css", link)
    assert fetcher_for(tree["content"]).fetch(link.as_uri()).read().startswith(b"p {")


def test_refuses_folders_and_missing_files(tree: dict[str, Path]) -> None:
    fetcher = fetcher_for(tree["content"])
    assert refusal(fetcher, (tree["content"] / "documenten").as_uri()).startswith("not-a-file")
    missing = (tree["content"] / "nergens.css").as_uri()
    assert refusal(fetcher, missing).startswith("missing-file")


# --------------------------------------------------------------------------- end to end


def page(head: str = "", body: str = "<p>Tekst</p>") -> str:
    return (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>T</title>'
        f'<link rel="stylesheet" href="pdf/document.css">{head}</head><body>{body}</body></html>'
    )


def test_a_leaking_stylesheet_would_show_up_with_weasyprints_default_fetcher(
    tree: dict[str, Path], tmp_path: Path
) -> None:
    """The control experiment: without confinement the secret reaches the PDF."""
    import weasyprint

    from tests.writers.document_tools import pdf_text

    html = page(f'<link rel="stylesheet" href="{(tree["outside"] / "geheim.css").as_uri()}">')
    target = tmp_path / "lek.pdf"
    weasyprint.HTML(string=html, base_url=ASSETS.as_uri() + "/").write_pdf(target)
    assert SECRET in pdf_text(target)


@pytest.mark.parametrize(
    "head",
    [
        '<link rel="stylesheet" href="{outside}/geheim.css">',
        '<link rel="attachment" href="{outside}/geheim.txt">',
        '<link rel="stylesheet" href="../../../../../../../../{outside_path}/geheim.css">',
        '<style>@import url("{outside}/geheim.css");</style>',
        '<link rel="stylesheet" href="https://example.org/style.css">',
    ],
)
def test_the_pdf_writer_never_embeds_outside_files(
    tree: dict[str, Path], head: str, caplog: pytest.LogCaptureFixture
) -> None:
    outside = tree["outside"].as_uri()
    html = page(
        head.format(outside=outside, outside_path=str(tree["outside"]).lstrip("/")),
        f"<p>Tekst</p><p>{'x' * 3}</p>",
    )
    with caplog.at_level(logging.WARNING), pytest.raises(ContentError) as info:
        html_to_pdf(html, fetcher_for(tree["content"]))
    assert info.value.diagnostics[0].path == SOURCE
    assert SECRET not in str(info.value)


def test_content_files_can_be_used(tree: dict[str, Path]) -> None:
    css = (tree["content"] / "documenten" / "eigen.css").as_uri()
    pdf = html_to_pdf(page(f'<link rel="stylesheet" href="{css}">'), fetcher_for(tree["content"]))
    assert pdf.startswith(b"%PDF-1.7")


def test_error_text_reads_well(tree: dict[str, Path]) -> None:
    with pytest.raises(ContentError) as info:
        html_to_pdf(
            page('<link rel="stylesheet" href="https://example.org/x.css">'),
            fetcher_for(tree["content"]),
        )
    text = normalise(str(info.value))
    assert text == (
        f"{SOURCE}:1:1: error[remote-resource]: the PDF would load "
        "'https://example.org/x.css' from the internet; PDFs may only use files from the "
        "content folder"
    )
