"""The content is faithful to its source: every sentence of the source text is there."""

from __future__ import annotations

import re
from pathlib import Path

from pakketbuild.loader import load_content

SOURCE = Path(__file__).resolve().parent.parent / "data" / "seed-source.txt"


def source_sentences() -> list[str]:
    """Headings (lines without a full stop) and sentences of the source text."""
    text = SOURCE.read_text(encoding="utf-8")
    out: list[str] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        out.extend(s for s in re.split(r"(?<=[.?!])\s+", line) if s)
    return out


def content_text(root: Path) -> str:
    content = load_content(root)
    parts: list[str] = []
    for pakket in content.pakketten.values():
        parts += [pakket.title, pakket.intro]
    for item in content.items.values():
        parts += [item.title, item.summary, item.body]
    return " ".join(" ".join(parts).split())


def test_source_has_the_expected_shape() -> None:
    sentences = source_sentences()
    assert len(sentences) > 40
    assert sentences[0] == "Veiligheidspakket startende burgemeesters"


def test_every_source_sentence_is_in_the_content(real_content: Path) -> None:
    text = content_text(real_content)
    missing = [s for s in source_sentences() if s not in text]
    assert missing == []


def test_every_item_heading_of_the_source_is_an_item_title(real_content: Path) -> None:
    content = load_content(real_content)
    titles = {item.title for item in content.items.values()}
    headings = [
        line.strip()
        for line in SOURCE.read_text(encoding="utf-8").splitlines()[1:]
        if line.strip() and not line.strip().endswith((".", "?", "!"))
    ]
    assert sorted(headings) == sorted(titles)
