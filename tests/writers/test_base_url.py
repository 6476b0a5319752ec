"""The base URL of a build (``--base-url``, ``$PAKKETBUILD_BASE_URL``, ``site.yaml``):
validated, in that order of precedence, part of every cache key, and with it every feed,
API document, Atom entry, sitemap and page carries absolute links."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser  # type: ignore[import-untyped, unused-ignore]
import pytest

from pakketbuild import i18n
from pakketbuild.baseurl import BaseUrlError, normalise, publishing_diagnostics
from pakketbuild.cli import main
from tests.conftest import REAL_CONTENT
from tests.writers.html_tools import SMALL

BASE = "https://voorbeeld.nl/pakket/"


@pytest.fixture(autouse=True)
def _dutch(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The messages tested here are the Dutch ones an editor and CI reader see (the rest of
    the suite runs in English, see tests/conftest.py)."""
    monkeypatch.setenv("LANGUAGE", "nl")
    i18n.set_language("nl")
    try:
        yield
    finally:
        i18n.set_language("en")


@pytest.fixture(scope="module")
def real_with_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content (no base_url in site.yaml) built with ``--base-url``."""
    root = tmp_path_factory.mktemp("base-url")
    out = root / "exports"
    args = ["build", "--content", str(REAL_CONTENT), "--out", str(out), "--formats", "html,json"]
    assert main([*args, "--cache-dir", str(root / "cache"), "-q", "--base-url", BASE]) == 0
    return out


def _json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://voorbeeld.nl/pakket/", "https://voorbeeld.nl/pakket/"),
        ("https://voorbeeld.nl/pakket", "https://voorbeeld.nl/pakket/"),
        ("  HTTPS://Voorbeeld.NL ", "https://voorbeeld.nl/"),
        ("http://127.0.0.1:8080/x/", "http://127.0.0.1:8080/x/"),
    ],
)
def test_a_base_url_is_normalised(given: str, expected: str) -> None:
    assert normalise(given, "--base-url") == expected


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("voorbeeld.nl/pakket/", "begint niet met https:// of http://"),
        ("ftp://voorbeeld.nl/", "begint niet met https:// of http://"),
        ("/pakket/", "begint niet met https:// of http://"),
        ("https:///pakket/", "noemt geen server"),
        ("https://wie:geheim@voorbeeld.nl/", "gebruikersnaam of wachtwoord"),
        ("https://voorbeeld.nl/?a=1", "bevat een '?' of '#'"),
        ("https://voorbeeld.nl/#top", "bevat een '?' of '#'"),
        ("https://voorbeeld .nl/", "spaties of stuurtekens"),
        ("", "is leeg"),
    ],
)
def test_a_bad_base_url_is_refused_in_dutch(given: str, words: str) -> None:
    with pytest.raises(BaseUrlError, match=re.escape(words)):
        normalise(given, "--base-url")


def test_the_cli_refuses_a_bad_base_url_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "exports"
    args = ["build", "--content", str(SMALL), "--out", str(out), "--formats", "json"]
    assert main([*args, "--base-url", "voorbeeld.nl"]) == 1
    err = capsys.readouterr().err
    assert "--base-url 'voorbeeld.nl' begint niet met https:// of http://" in err
    assert "Traceback" not in err and not out.exists()
    monkeypatch.setenv("PAKKETBUILD_BASE_URL", "https://x.nl/?q")
    assert main(args) == 1
    assert "de omgevingsvariabele PAKKETBUILD_BASE_URL" in capsys.readouterr().err
    assert not out.exists()


def test_flag_wins_over_environment_which_wins_over_site_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "exports", tmp_path / "cache"
    args = ["build", "--content", str(SMALL), "--out", str(out), "--cache-dir", str(cache)]
    args += ["--formats", "json", "-q"]

    def home() -> str:
        value = _json(out / "feeds/feed.json")["home_page_url"]
        assert isinstance(value, str)
        return value

    assert main(args) == 0
    assert home() == BASE  # site.yaml
    monkeypatch.setenv("PAKKETBUILD_BASE_URL", "https://omgeving.example/a")
    assert main(args) == 0
    assert home() == "https://omgeving.example/a/"
    # The base URL is part of every key: nothing shows the old address.
    assert BASE not in (out / "api/v1/items/hulplijn.json").read_text("utf-8")
    assert main([*args, "--base-url", "https://vlag.example/b/"]) == 0
    assert home() == "https://vlag.example/b/"
    assert "omgeving.example" not in (out / "feeds/feed.atom").read_text("utf-8")
    monkeypatch.delenv("PAKKETBUILD_BASE_URL")
    assert main(args) == 0
    assert home() == BASE
    assert "vlag.example" not in (out / "api/v1/index.json").read_text("utf-8")


def test_every_json_feed_item_and_atom_link_is_absolute(real_with_base: Path) -> None:
    feeds = sorted(real_with_base.glob("feeds/*.json"))
    assert len(feeds) > 1
    for path in feeds:
        feed = _json(path)
        assert feed["home_page_url"] == BASE
        assert feed["feed_url"] == BASE + path.relative_to(real_with_base).as_posix()
        assert feed["items"]
        for item in feed["items"]:
            assert item["url"].startswith(BASE), item["id"]
            assert item["_pakketbuild"]["api"]["url"].startswith(BASE)
    for path in sorted(real_with_base.glob("feeds/*.atom")):
        hrefs = re.findall(r'<link [^>]*href="([^"]*)"', path.read_text("utf-8"))
        assert hrefs and all(h.startswith("https://") for h in hrefs), path


def test_feed_readers_show_a_link_for_every_entry(real_with_base: Path) -> None:
    import feedparser_rs

    for path in sorted(real_with_base.glob("feeds/*.json")):
        parsed = feedparser_rs.parse(path.read_bytes())
        assert not parsed.bozo and parsed.entries, path
        for entry in parsed.entries:
            assert entry.link and entry.link.startswith(BASE), (path, entry.id)
    for path in sorted(real_with_base.glob("feeds/*.atom")):
        atom = feedparser.parse(path.read_bytes())
        assert atom.bozo == 0 and atom.entries, path
        for entry in atom.entries:
            assert entry.link.startswith(BASE + "items/"), (path, entry.id)


def test_pages_name_their_canonical_address_and_opengraph(real_with_base: Path) -> None:
    pages = sorted(real_with_base.rglob("*.html"))
    for path in pages:
        rel = path.relative_to(real_with_base).as_posix()
        full = rel.split("/", 2)[2] if rel.startswith("views/") else rel
        text = path.read_text("utf-8")
        assert f'<link rel="canonical" href="{BASE}{full}">' in text, rel
        assert f'<meta property="og:url" content="{BASE}{full}">' in text, rel
        assert '<meta property="og:title" content="' in text, rel
    sitemap = (real_with_base / "sitemap.xml").read_text("utf-8")
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert locs[0] == BASE + "index.html" and all(loc.startswith(BASE) for loc in locs)
    assert not any("/views/" in loc for loc in locs)  # views are canonical to the full edition
    items = _json(real_with_base / "api/v1/index.json")["items"]
    assert {BASE + i["links"]["html"]["path"] for i in items} <= set(locs)


def test_without_a_base_url_documents_say_what_paths_are_relative_to(real_site: Path) -> None:
    """The real content has no base URL: no absolute links, and ``path_root`` in every
    API document and feed resolves every path to an existing file."""
    documents = [*real_site.glob("api/v1/**/*.json"), *real_site.glob("feeds/*.json")]
    # schemas and the OpenAPI description describe documents; they link none themselves
    documents = [
        p for p in documents if "/schema/" not in p.as_posix() and p.name != "openapi.json"
    ]
    assert not (real_site / "sitemap.xml").exists()
    for path in documents:
        doc = _json(path)
        ext = doc.get("_pakketbuild", doc)
        root = path.parent / ext["path_root"]
        assert root.resolve() == real_site.resolve(), path
        text = path.read_text("utf-8")
        assert not re.search(r'"path": "[^"]*",\s*"url"', text), path  # no absolute links
        for link in re.findall(r'"path": "([^"]+)"', text):
            assert (root / link).is_file(), (path, link)
        assert "home_page_url" not in doc and "feed_url" not in doc


def test_check_strict_warns_when_a_publishing_build_has_no_base_url(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert publishing_diagnostics(None, "site.yaml", {}) == []
    monkeypatch.setenv("PAKKETBUILD_PUBLISH", "1")
    content = tmp_path / "content"
    import shutil

    shutil.copytree(SMALL, content)
    site = content / "site.yaml"
    site.write_text(site.read_text("utf-8").replace("base_url: " + BASE + "\n", ""), "utf-8")
    assert main(["check", "--content", str(content), "--strict"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"site\.yaml:1:1: fout\[base-url-missing\] \(base_url\): dit is een "
                     r"publicatiebuild", err), err  # fmt: skip
    monkeypatch.setenv("PAKKETBUILD_BASE_URL", BASE)
    main(["check", "--content", str(content), "--strict"])
    assert "base-url-missing" not in capsys.readouterr().err
    monkeypatch.delenv("PAKKETBUILD_PUBLISH")
    monkeypatch.delenv("PAKKETBUILD_BASE_URL")
    main(["check", "--content", str(content), "--strict"])
    assert "base-url-missing" not in capsys.readouterr().err
